// The board page, in its two views: the working board (facilitator, participant, or a
// viewer) and the projector. Credentials come from the start page (localStorage) or from a
// `#token=` link, which is stored (asking first if it would replace another token, see
// links.js) and then removed from the address bar.

import { Canvas } from "./canvas.js";
import { followFocus, hideComposer, setUpComposer, updateComposer } from "./composer.js";
import { Connection, readJson } from "./connection.js";
import { Controls } from "./controls.js";
import { loadLanguage, t } from "./i18n.js";
import { linkToken, takeLinkToken } from "./links.js";
import {
  Announcer,
  describe,
  loadMethod,
  renderParked,
  renderPeers,
  boardMethod,
  renderPhase,
  renderTimer,
  renderVoting,
} from "./meeting.js";
import { drawLinks, shortText } from "./notelinks.js";
import { OwnerDialog } from "./ownerdialog.js";
import { Worksheet, fitWorksheet, worksheetTime } from "./worksheet.js";
import { highlightPhaseChanges } from "./motion.js";
import { NoteMenu } from "./notemenu.js";
import { optimistic, refusal } from "./optimistic.js";
import { Privacy } from "./privacy.js";
import { fitProjector } from "./projector.js";
import { Records, readerDialog } from "./records.js";
import { setUpShortcuts } from "./shortcuts.js";
import { BoardStore } from "./store.js";
import { UndoStack } from "./undo.js";
import { dropped, neighbour, placeBefore, renderAreas, renderList } from "./views.js";

const root = document.querySelector("main[data-board-id]");
const boardId = root.dataset.boardId;
const projector = root.dataset.view === "projector";
const credKey = `planche:board:${boardId}`;
const draftKey = `planche:draft:${boardId}`;
const $ = (selector) => root.querySelector(selector);
highlightPhaseChanges($("#phase"));

// the projector keeps its own (viewer) credentials, so a facilitator may open it beside
// the board in the same browser
const projectorKey = `planche:projector:${boardId}`;
const linked = linkToken();
// a link opened in this tab while the board is open changes only the fragment: no reload
window.addEventListener("hashchange", async () => {
  const another = linkToken();
  if (!another) return;
  await takeLinkToken(projector ? projectorKey : credKey, another);
  location.reload();
});
await loadLanguage(root.dataset.lang);
await takeLinkToken(projector ? projectorKey : credKey, linked);
const creds = (projector && readJson(projectorKey, null)) || readJson(credKey, null);

const store = new BoardStore(`planche:state:${boardId}${projector ? ":projector" : ""}`);
const announcer = new Announcer($("#announcer"));
const view = {
  role: creds?.role ?? null,
  me: creds?.participant_id ?? null,
  projector,
  editing: null,
  outbox: [],
  status: "connecting",
  listView: false,
  linking: null, // the note a link is being made from (notelinks.js)
};
let controls = null;
let records = null;
let privacy = null;
let worksheet = null;
let owners = null; // the owner dialog, made when first asked for
let connection = null;
let undo = null;
let frame = 0; // the animation frame a draw waits for (render)

if (!projector) {
  setUpShortcuts(root);
  const stopLinking = () => {
    view.linking = null;
    showLinking();
  };
  $("#linking-stop")?.addEventListener("click", stopLinking);
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !view.linking) return;
    stopLinking();
    e.preventDefault();
  });
}
if (!creds?.token) {
  showNotice(t("You have not joined this board yet."));
} else {
  connection = new Connection(boardId, creds.token, store, {
    status: (state) => {
      view.status = state;
      showStatus();
    },
    welcome: async (message) => {
      Object.assign(creds, {
        role: message.role,
        participant_id: message.participant_id,
        join_code: message.join_code,
      });
      localStorage.setItem(projector ? projectorKey : credKey, JSON.stringify(creds));
      await showBoard();
    },
    error: (message) => {
      const text = message.code === "unauthorized"
        ? t("Your access to this board is no longer valid. Join again with the code.")
        : message.message;
      $("#alert").textContent = text;
      if (message.code === "unauthorized") {
        // removed, or the board deleted: nothing of it stays in this browser
        localStorage.removeItem(projector ? projectorKey : credKey);
        localStorage.removeItem(draftKey);
        showNotice(text);
      }
    },
    outbox: (entries) => {
      view.outbox = entries;
      showStatus();
      render();
    },
    sending: (op) => undo?.record(op),
    ack: (message, op) => {
      controls?.acked(message);
      if (message.noop) refused(op, message.noop);
    },
    presence: (peers) => {
      renderPeers($("#peers"), peers);
      view.canvas?.showDrags(peers, view.me);
    },
  });
  view.outbox = connection.outbox;
  view.actions = actions(connection);
  view.menu = new NoteMenu(root);
  if (!projector) undo = setUpUndo(connection);
  view.canvas = projector
    ? null
    : new Canvas($("#areas"), { onDrop: dropped, onChange: render, onDrag: (drag) => connection.presence({ drag }), say: (text) => announcer.say(text) });
  store.subscribe((state, records) => {
    render();
    for (const text of describe(records, state, view.me)) announcer.say(text);
    if (records.some((r) => !r.noop && (r.op.kind === "focus.set" || r.op.kind === "phase.set"))) {
      follow(state);
    }
  });
  if (!projector) {
    setUpComposer(connection, { root, store, draftKey });
    $("#consent-box").addEventListener("change", (event) => {
      connection.send({ kind: "consent.set", consent: event.target.checked });
    });
  }
  setUpViews();
  connection.start();
  window.addEventListener("pagehide", () => store.save());
  if (store.state) await showBoard(); // from the cache, until the server answers
  showStatus();
  setInterval(tick, 1000);
}

// "Follow me": turn to the areas the facilitator shows, without taking the keyboard focus
function follow(state) {
  const [first] = state.focus ?? [];
  if (!first) return;
  const area = root.querySelector(`section[aria-labelledby="area-${first}"]`);
  area?.scrollIntoView({ block: "start" });
  followFocus(first);
}

function showNotice(text) {
  $("#notice").hidden = false;
  $("#notice-text").textContent = text;
  hideComposer();
}

function showStatus() {
  const status = $("#status");
  status.dataset.state = view.status;
  const labels = {
    connecting: t("Connecting…"),
    online: t("Connected"),
    offline: t("Offline – your notes are kept and sent when the connection is back"),
  };
  $("#status-text").textContent = labels[view.status];
  const unsent = view.outbox.length;
  $("#status-unsent").textContent = unsent ? t("Not sent yet: {n}", { n: unsent }) : "";
}

async function showBoard() {
  view.role = creds.role;
  view.me = creds.participant_id;
  await loadMethod(store.state.method);
  const code = creds.join_code;
  $("#join-code").textContent = code ? t("Code to join: {code}", { code }) : "";
  if (projector && code) {
    $("#qr-code").textContent = `${location.host} · ${code}`;
    const qr = $("#qr");
    // fetched again for a new join code
    if (qr.dataset.code !== code) {
      qr.dataset.code = code;
      showQr(qr);
    }
  }
  if (view.role === "facilitator" && !projector && !controls) {
    controls = new Controls($("#controls"), (op) => connection.send(op), () => store.timerRemaining());
    $("#controls").hidden = false;
    records = new Records($("#records"), boardId, creds.token);
    $("#records").hidden = false;
    const link = $("#projector-link");
    if (creds.viewer_token) {
      link.href = `/b/${boardId}/projector#token=${creds.viewer_token}`;
      link.hidden = false;
    }
  }
  if (!worksheet) {
    const readOnly = projector || (view.role !== "facilitator" && view.role !== "participant");
    const facilitator = view.role === "facilitator" && !projector;
    worksheet = new Worksheet($("#worksheet"), (op) => connection.send(op), { me: view.me, readOnly, facilitator });
  }
  if (view.role === "participant" && !projector && !records) {
    records = new Records($("#records"), boardId, creds.token, { reader: true });
    readerDialog($("#records"), $("#records-open"));
  }
  if (!projector && !privacy && (view.role === "facilitator" || view.role === "participant")) {
    const deleted = () => {
      connection.forgetAll();
      controls?.closeDialogs();
      localStorage.removeItem(credKey);
      localStorage.removeItem(draftKey);
      showNotice(t("The board and everything on it were deleted."));
    };
    const newViewer = (token) => {
      creds.viewer_token = token;
      localStorage.setItem(credKey, JSON.stringify(creds));
      $("#projector-link").href = `/b/${boardId}/projector#token=${token}`;
      $("#projector-link").hidden = false;
    };
    privacy = new Privacy($("#privacy"), boardId, creds.token, view.role, deleted, newViewer);
    $("#privacy").hidden = false;
  }
  render();
}

// The picture is only for the projector's (or facilitator's) token, which is sent as a
// header and so stays out of URLs; the answer is shown from a blob: URL.
async function showQr(qr) {
  try {
    const response = await fetch(`/b/${boardId}/qr.svg`, {
      headers: { authorization: `Bearer ${creds.token}` },
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    if (qr.src.startsWith("blob:")) URL.revokeObjectURL(qr.src);
    qr.src = url;
    qr.hidden = false;
  } catch {
    // offline or the server busy: the code is still written under the picture, and the
    // projector asks again in a moment (it may run for hours unattended)
    delete qr.dataset.code;
    setTimeout(render, 3000);
  }
}

// Ops and outbox changes come in bursts (a room posting at once): one draw per frame
function render() {
  if (!frame) {
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  }
}

function draw() {
  const state = store.state;
  if (!state) return;
  $("#board-title").textContent = state.title;
  document.title = `${state.title} – Planche`;
  const writer = view.role === "facilitator" || view.role === "participant";
  updateComposer(state, view);
  for (const id of ["#undo", "#redo"]) {
    const control = $(id);
    if (control) control.hidden = !writer || state.closed;
  }
  const consent = $("#consent");
  if (consent) {
    consent.hidden = !writer || state.method !== "idea-book";
    $("#consent-box").checked = Boolean(state.participants[view.me]?.consent);
  }
  $("#viewer-note").hidden = view.role !== "viewer" || projector;
  $("#closed-note").hidden = !state.closed;
  // what this person changed and the server has not answered yet shows at once
  const { shown, pending } = optimistic(state, view.outbox);
  view.shown = shown;
  renderPhase($("#phase"), state);
  renderTimer($("#timer"), store);
  renderVoting($("#voting"), state, view.me);
  renderAreas($("#areas"), shown, { ...view, pending });
  if (view.canvas?.on) drawLinks($("#areas"), shown);
  if (view.listView) renderList($("#list"), state);
  renderParked($("#parked"), state, view);
  worksheet?.update(state, boardMethod());
  if (projector) {
    const now = worksheetTime(state, boardMethod());
    document.body.classList.toggle("worksheet-time", now);
    if (now) fitWorksheet($("#worksheet"));
  }
  controls?.update(state);
  records?.update(state);
  privacy?.update(state);
  if (projector) fitProjector(root, state);
}

// The server did not make one of this person's changes: the note is back as it is on the
// board, and the page says why, once, where a screen reader hears it
function refused(op, reason) {
  const text = op && refusal(op, reason);
  if (!text) return;
  $("#alert").textContent = text;
  const id = op.note_id ?? op.note?.id;
  const note = id && root.querySelector(`.note[data-note-id="${CSS.escape(id)}"]`);
  if (note) {
    note.dataset.refused = "true";
    setTimeout(() => delete note.dataset.refused, 4000);
  }
}

let lastMinuteAnnounced = false;
function tick() {
  renderTimer($("#timer"), store);
  const left = store.timerRemaining();
  const running = store.state?.timer?.ends_at != null;
  if (running && left > 0 && left <= 60000 && !lastMinuteAnnounced) {
    announcer.say(t("One minute left."));
    lastMinuteAnnounced = true;
  }
  if (left > 60000) lastMinuteAnnounced = false;
}

// Undo and redo of one's own note changes: buttons in the header, and Ctrl+Z, Ctrl+Shift+Z
// or Ctrl+Y outside text fields (inside one, the field's own undo works as always)
function setUpUndo(connection) {
  const stack = new UndoStack((op) => connection.send(op), () => view.shown ?? store.state);
  const undoButton = $("#undo");
  const redoButton = $("#redo");
  stack.changed = () => {
    undoButton.disabled = stack.done.length === 0;
    redoButton.disabled = stack.undone.length === 0;
    undoButton.title = stack.undoLabel;
    redoButton.title = stack.redoLabel;
  };
  undoButton.addEventListener("click", () => stack.undo());
  redoButton.addEventListener("click", () => stack.redo());
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || editable(document.activeElement)) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) stack.undo();
    else if ((key === "z" && e.shiftKey) || key === "y") stack.redo();
    else return;
    e.preventDefault();
  });
  stack.changed();
  return stack;
}

function editable(element) {
  return element instanceof HTMLElement && (element.isContentEditable || element.matches("input, textarea, select"));
}

function setUpViews() {
  const toggle = $("#list-toggle");
  toggle?.addEventListener("click", () => {
    view.listView = !view.listView;
    toggle.setAttribute("aria-pressed", String(view.listView));
    $("#list").hidden = !view.listView;
    $("#areas").hidden = view.listView;
    render();
  });
  $("#fullscreen")?.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen?.();
  });
}

/** The note's node on the board, if it is drawn. */
function noteNode(id) {
  return root.querySelector(`.note[data-note-id="${CSS.escape(id)}"]`);
}

// While a link is being made: what to do next, where everyone sees it, and how to stop
function showLinking() {
  const banner = $("#linking");
  if (!banner) return;
  const from = view.linking && (view.shown ?? store.state)?.notes[view.linking];
  banner.hidden = !from;
  $("#linking-text").textContent = from
    ? t("Choose the note to link “{text}” to: click it, or press Enter on it. Escape stops.", { text: shortText(from) })
    : "";
  root.classList.toggle("linking", Boolean(from));
  draw(); // the notes' handlers read the linking from the last drawing's context
}

function actions(connection) {
  return {
    edit: (note) => {
      view.editing = { id: note.id, text: note.text };
      draw();
      root.querySelector(`[data-focus="edit:${note.id}"]`)?.focus();
    },
    save: (id) => {
      const text = view.editing.text.trim();
      if (text && text !== view.shown.notes[id]?.text) {
        connection.send({ kind: "note.edit", note_id: id, text });
      }
      view.editing = null;
      draw();
    },
    cancel: () => {
      view.editing = null;
      draw();
    },
    remove: (note) => connection.send({ kind: "note.delete", note_id: note.id }),
    ownNote: (note) => {
      owners ??= new OwnerDialog((op) => connection.send(op));
      owners.open(note, view.shown ?? store.state, noteNode(note.id));
    },
    // a link is made in two steps: "Link to another note…" on one, then the other chosen
    startLink: (note) => {
      view.linking = note.id;
      showLinking();
    },
    finishLink: (target) => {
      const from = view.linking;
      view.linking = null;
      showLinking();
      if (!from || from === target.id) return;
      const link = { id: `l-${crypto.randomUUID()}`, a: from, b: target.id };
      connection.send({ kind: "link.add", link });
      announcer.say(t("Linked."));
      noteNode(target.id)?.focus();
    },
    markLink: (link, contradiction) => connection.send({ kind: "link.mark", link_id: link.id, contradiction }),
    unlink: (link) => connection.send({ kind: "link.delete", link_id: link.id }),
    move: (note, area) => connection.send({ kind: "note.move", note_id: note.id, area }),
    color: (note, color) => {
      if ((note.color ?? "yellow") !== color) connection.send({ kind: "note.color", note_id: note.id, color });
    },
    // on the canvas: x, y in the frame (canvas.js); area null for the same one
    place: (note, area, x, y) => connection.send({ kind: "note.move", note_id: note.id, ...(area && { area }), x, y }),
    // keyboard reordering: one step earlier (-1) or later (+1) within the area
    reorder: (note, step) => {
      const next = neighbour(view.shown, note, step);
      if (!next) return;
      const target = step < 0 ? next : neighbour(view.shown, next, 1);
      const y = placeBefore(view.shown, note, target);
      connection.send({ kind: "note.move", note_id: note.id, y });
    },
    vote: (note) => connection.send({ kind: "vote.cast", note_id: note.id }),
    unvote: (note) => connection.send({ kind: "vote.retract", note_id: note.id }),
    own: (idea, owner) => connection.send({ kind: "idea.own", idea_id: idea.id, owner }),
    group: (note, groupId) => connection.send({ kind: "note.group", note_id: note.id, group_id: groupId }),
    newGroup: (area, name) =>
      connection.send({ kind: "group.add", group: { id: crypto.randomUUID(), area: area.id, name } }),
  };
}
