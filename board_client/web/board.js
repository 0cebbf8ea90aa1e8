// @ts-check
// The board page, in its two views: the working board (facilitator, participant, or a
// viewer) and the projector. Credentials come from the start page (localStorage) or from a
// `#token=` link, which is stored (asking first if it would replace another token, see
// links.js) and then removed from the address bar.

import { Canvas } from "./canvas.js";
import { followFocus, hideComposer, setUpComposer, typed, updateComposer } from "./composer.js";
import { Connection, readJson } from "./connection.js";
import { Controls } from "./controls.js";
import { loadLanguage, nt, t } from "./i18n.js";
import { icon } from "./icons.js";
import { linkToken, takeLinkToken } from "./links.js";
import {
  Announcer,
  countHere,
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
import { People, acceptInvite, roleRefusal } from "./people.js";
import { Worksheet, fitWorksheet, worksheetTime } from "./worksheet.js";
import { highlightPhaseChanges } from "./motion.js";
import { NoteMenu } from "./notemenu.js";
import { optimistic, refusal } from "./optimistic.js";
import { setUpPictureAdder, usePictures } from "./pictures.js";
import { Privacy } from "./privacy.js";
import { fitProjector } from "./projector.js";
import { Records, readerDialog } from "./records.js";
import { Suggestions } from "./suggest.js";
import { setUpShortcuts } from "./shortcuts.js";
import { Signals } from "./signals.js";
import { Inbox, MyDeclined, onBoard } from "./inbox.js";
import { BoardStore } from "./store.js";
import { SurveyPanel, surveyTime } from "./survey.js";
import { PollPanel, shownPoll } from "./polls.js";
import { UndoStack } from "./undo.js";
import { dropped, neighbour, placeBefore, renderAreas, renderList } from "./views.js";
import { setUpWriteHere } from "./writehere.js";

/** @import { BoardState, Credentials, Op, OpMessage, Role } from "../types/board" */
/** @import { Status } from "./connection.js" */
/** @import { ShownState } from "./optimistic.js" */
/** @import { Actions } from "./views.js" */

/**
 * One element of the board page, of the kind asked for; the templates have every one this
 * module asks for in each view that asks, so a missing one is a bug in the page.
 * @template {Element} T
 * @param {string} selector
 * @param {{new (): T, prototype: T}} kind
 * @returns {T}
 */
function find(selector, kind) {
  const node = document.querySelector(selector);
  if (!(node instanceof kind)) throw new Error(`The board page has no ${kind.name} ${selector}.`);
  return node;
}

/** @param {string} selector */
const $ = (selector) => find(selector, HTMLElement);
/**
 * An element only some views or roles have (a participant's undo, the list toggle), or null.
 * @param {string} selector
 */
const optional = (selector) => {
  const node = root.querySelector(selector);
  return node instanceof HTMLElement ? node : null;
};

const root = find("main[data-board-id]", HTMLElement);
const boardId = root.dataset.boardId ?? "";
const projector = root.dataset.view === "projector";
const credKey = `planche:board:${boardId}`;
const draftKey = `planche:draft:${boardId}`;
// the composer's draft and what hangs off its key: the frames' drafts, a scribe's names
const forgetDrafts = () => {
  for (const key of Object.keys(localStorage)) if (key === draftKey || key.startsWith(`${draftKey}:`)) localStorage.removeItem(key);
};
highlightPhaseChanges($("#phase"));

// the projector keeps its own (viewer) credentials, so a facilitator may open it beside
// the board in the same browser
const projectorKey = `planche:projector:${boardId}`;
const linked = linkToken(projector ? projectorKey : credKey);
// a link opened in this tab while the board is open changes only the fragment: no reload
window.addEventListener("hashchange", async () => {
  const another = linkToken(projector ? projectorKey : credKey);
  if (!another) return;
  await takeLinkToken(projector ? projectorKey : credKey, another);
  location.reload();
});
await loadLanguage(root.dataset.lang ?? "en");
await takeLinkToken(projector ? projectorKey : credKey, linked);
// a co-facilitator's invite link: asks for a name, then opens the board as a facilitator
if (!projector) await takeLinkToken(credKey, await acceptInvite(boardId));
/** @type {(key: string) => Credentials | null} */
const readCreds = (key) => readJson(key, null);
const creds = (projector && readCreds(projectorKey)) || readCreds(credKey);

const store = new BoardStore(`planche:state:${boardId}${projector ? ":projector" : ""}`);
const announcer = new Announcer($("#announcer"));
/**
 * Who the page is for and what it shows; views.js draws from it (with `actions`, `menu`
 * and the new notes not sent yet), the composer reads `role` and `me`.
 * @typedef {object} View
 * @property {Role | null} role
 * @property {string | null} me
 * @property {boolean} projector
 * @property {{id: string, text: string} | null} editing the note being edited, and its text so far
 * @property {OpMessage[]} outbox ops not answered yet
 * @property {Status} status
 * @property {boolean} listView
 * @property {string | null} linking the note a link is being made from (notelinks.js)
 * @property {Actions | null} actions made with the connection
 * @property {NoteMenu | null} menu
 * @property {Canvas | null} canvas the working board's; none on the projector
 * @property {ShownState | null} shown the board as last drawn, this person's changes not answered yet included
 */
/** @type {View} */
const view = {
  role: creds?.role ?? null,
  me: creds?.participant_id ?? null,
  projector,
  editing: null,
  outbox: [],
  status: "connecting",
  listView: false,
  linking: null,
  actions: null,
  menu: null,
  canvas: null,
  shown: null,
};
/** @type {Controls | null} */
let controls = null;
/** @type {Records | null} */
let records = null;
/** @type {Privacy | null} */
let privacy = null;
/** @type {Worksheet | null} */
let worksheet = null;
/** @type {SurveyPanel | null} */
let survey = null;
/** @type {Signals | null} */
let signals = null;
/** @type {PollPanel | null} */
let poll = null;
/** @type {Inbox | null} the facilitators' inbox */
let inbox = null;
/** @type {Suggestions | null} the facilitator's suggested groups, previewed on the canvas */
let suggestions = null;
/** @type {MyDeclined | null} an author's declined notes */
let declined = null;
/** @type {People | null} the facilitators' People panel and lead line */
let people = null;
/** @type {{ participant_id: string, role: string }[]} who is here, as last heard (presence
 * may arrive before the welcome that makes the signals) */
let lastPeers = [];
/** @type {import("../types/board").Crowd | null} how many are here, in a large meeting */
let lastCrowd = null;
/** @type {OwnerDialog | null} the owner dialog, made when first asked for */
let owners = null;
/** @type {Connection | null} */
let connection = null;
/** @type {UndoStack | null} */
let undo = null;
let frame = 0; // the animation frame a draw waits for (render)
let following = false; // the meeting moved to other areas: the next draw turns to them (follow)

if (!projector) {
  setUpShortcuts(root);
  const stopLinking = () => {
    view.linking = null;
    showLinking();
  };
  optional("#linking-stop")?.addEventListener("click", stopLinking);
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
      // made a co-facilitator or a participant again (role.set) since this page was built
      const changed = view.role !== null && message.role !== view.role;
      Object.assign(creds, {
        role: message.role,
        participant_id: message.participant_id,
        join_code: message.join_code,
      });
      localStorage.setItem(projector ? projectorKey : credKey, JSON.stringify(creds));
      if (changed && !projector) {
        store.forget(); // as on a role.set seen live (below)
        location.reload();
      } else await showBoard();
    },
    error: (message) => {
      const text = message.code === "unauthorized"
        ? t("Your access to this board is no longer valid. Join again with the code.")
        : message.message;
      $("#alert").textContent = text;
      if (message.code === "unauthorized") {
        // removed, or the board deleted: nothing of it stays in this browser
        localStorage.removeItem(projector ? projectorKey : credKey);
        forgetDrafts();
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
      survey?.acked(message);
      poll?.acked(message);
      if (message.noop) refused(op, message.noop);
    },
    presence: (peers, crowd) => {
      renderPeers($("#peers"), peers, crowd, store.state);
      // at a glance in the header, as the list is below the board (and not on the projector)
      const [here, count] = [countHere(peers, crowd), $("#here-count")];
      count.textContent = nt("{n} here", "{n} here", here, { n: here });
      count.hidden = false;
      lastPeers = peers;
      lastCrowd = crowd;
      signals?.seePresence(peers, crowd);
      view.canvas?.showDrags(peers, view.me);
    },
  });
  view.outbox = connection.outbox;
  const connected = connection;
  usePictures(boardId, creds.token);
  view.actions = actions(connected);
  view.menu = new NoteMenu(root);
  if (!projector) undo = setUpUndo(connected);
  view.canvas = projector
    ? null
    : new Canvas($("#areas"), { onDrop: dropped, onChange: render, onDrag: (drag) => connected.presence({ drag }), say: (text) => announcer.say(text) });
  store.subscribe((state, records) => {
    // my role changed (role.set): the page is built for a role, so build it again, and from
    // the whole board as the new role sees it (a facilitator sees the notes waiting in the
    // inbox, which a participant's copy never held), not resumed from this copy
    const mine = records.find((r) => !r.noop && r.op.kind === "role.set" && r.op.participant === view.me);
    if (!projector && creds && mine && mine.op.role !== view.role) {
      creds.role = /** @type {Role} */ (mine.op.role);
      localStorage.setItem(credKey, JSON.stringify(creds));
      store.forget();
      location.reload();
      return;
    }
    render();
    for (const text of describe(records, state, view.me)) announcer.say(text);
    if (records.some((r) => !r.noop && MOVES.has(r.op.kind))) following = true; // once drawn
  });
  if (!projector) {
    setUpComposer(connected, { root, store, draftKey });
    setUpWriteHere({
      draftKey,
      write: (area, text, at) => connected.send({ kind: "note.add", note: { id: crypto.randomUUID(), area, text, ...at } }),
      typed: () => typed(connected),
    });
    setUpPictureAdder(connected, { root, store, boardId, token: creds.token });
    const consent = find("#consent-box", HTMLInputElement);
    consent.addEventListener("change", () => {
      connected.send({ kind: "consent.set", consent: consent.checked });
    });
  }
  setUpViews();
  connection.start();
  window.addEventListener("pagehide", () => store.save());
  if (store.state) await showBoard(); // from the cache, until the server answers
  showStatus();
  setInterval(tick, 1000);
}

// the ops that move the meeting to other areas: the facilitator's focus, a phase, the groups
const MOVES = new Set(["focus.set", "phase.set", "breakout.start", "breakout.end"]);

// "Follow me": turn to the areas where the meeting now is (views.js draws the others muted),
// without taking the keyboard focus or moving what someone is writing in on the board
/** @param {BoardState} state */
function follow(state) {
  const [first] = state.focus ?? [];
  if (first) followFocus(first);
  const now = root.querySelector("#areas section.area:not(.area--muted)");
  if (!now || !root.querySelector("#areas section.area--muted")) return; // all of them: stay
  if (view.canvas?.on) view.canvas.follow();
  else if (!$("#areas").contains(document.activeElement) && !inSight(now)) now.scrollIntoView({ block: "start" });
}

// a phone's view moves to where the meeting is only if that is out of sight: an area that
// begins in the upper two thirds of the screen is already where the eye is
const inSight = (/** @type {Element} */ area) => {
  const top = area.getBoundingClientRect().top;
  return top >= 0 && top <= (window.innerHeight * 2) / 3;
};

/** @param {string} text */
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
  const { state } = store;
  const connected = connection;
  if (!creds || !state || !connected) return; // a board is shown once joined and loaded
  view.role = creds.role ?? null;
  view.me = creds.participant_id ?? null;
  await loadMethod(state.method);
  const code = creds.join_code;
  $("#join-code").textContent = code ? t("Code to join: {code}", { code }) : "";
  if (projector && code) {
    $("#qr-code").textContent = `${location.host} · ${code}`;
    const qr = find("#qr", HTMLImageElement);
    // fetched again for a new join code
    if (qr.dataset.code !== code) {
      qr.dataset.code = code;
      showQr(qr, creds.token);
    }
  }
  if (view.role === "facilitator" && !projector && !controls) {
    controls = new Controls($("#controls"), (op) => connected.send(op), () => store.timerRemaining());
    $("#controls").hidden = false;
    inbox = new Inbox((op) => connected.send(op));
    $("#controls .tools--end").prepend(inbox.button);
    $("#controls").append(inbox.dialog);
    records = new Records($("#records"), boardId, creds.token);
    $("#records").hidden = false;
    people = new People($("#people"), $("#controls"), (op) => connected.send(op), { me: view.me ?? "", boardId, token: creds.token });
    const say = (/** @type {string} */ text) => announcer.say(text);
    suggestions = new Suggestions(boardId, creds.token, (op) => connected.send(op), () => store.state, say);
    controls.more.append(suggestions.node);
    const link = find("#projector-link", HTMLAnchorElement);
    if (creds.viewer_token) {
      link.href = `/b/${boardId}/projector#token=${creds.viewer_token}`;
      link.hidden = false;
    }
  }
  if (!worksheet) {
    const readOnly = projector || (view.role !== "facilitator" && view.role !== "participant");
    const facilitator = view.role === "facilitator" && !projector;
    worksheet = new Worksheet($("#worksheet"), (op) => connected.send(op), { me: view.me ?? "", readOnly, facilitator }, !projector);
  }
  if (!survey) {
    const who = { me: view.me ?? "", role: view.role, projector, now: () => store.serverNow() };
    const edit = (/** @type {HTMLElement} */ opener) => controls?.surveyDialog.open(opener);
    survey = new SurveyPanel($("#survey"), (op) => connected.send(op), { ...who, edit });
  }
  if (!poll) poll = new PollPanel($("#poll"), (op) => connected.send(op), { me: view.me ?? "", role: view.role, projector });
  if (!signals) {
    const role = projector ? "viewer" : view.role;
    signals = new Signals($("#signals"), (op) => connected.send(op), { me: view.me ?? "", role });
    signals.seePresence(lastPeers, lastCrowd);
  }
  if (view.role === "participant" && !projector && !declined) {
    declined = new MyDeclined($("#declined"), boardId, view.me ?? "");
  }
  if (view.role === "participant" && !projector && !records) {
    records = new Records($("#records"), boardId, creds.token, { reader: true });
    readerDialog($("#records"), $("#records-open"));
  }
  if (!projector && !privacy && (view.role === "facilitator" || view.role === "participant")) {
    const deleted = () => {
      connected.forgetAll();
      controls?.closeDialogs();
      localStorage.removeItem(credKey);
      forgetDrafts();
      showNotice(t("The board and everything on it were deleted."));
    };
    const newViewer = (/** @type {string} */ token) => {
      creds.viewer_token = token;
      localStorage.setItem(credKey, JSON.stringify(creds));
      const link = find("#projector-link", HTMLAnchorElement);
      link.href = `/b/${boardId}/projector#token=${token}`;
      link.hidden = false;
    };
    privacy = new Privacy($("#privacy"), boardId, creds.token, view.role, deleted, newViewer);
    $("#privacy").hidden = false;
  }
  render();
}

// The picture is only for the projector's (or facilitator's) token, which is sent as a
// header and so stays out of URLs; the answer is shown from a blob: URL.
/**
 * @param {HTMLImageElement} qr
 * @param {string} token
 */
async function showQr(qr, token) {
  try {
    const response = await fetch(`/b/${boardId}/qr.svg`, {
      headers: { authorization: `Bearer ${token}` },
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    if (qr.src.startsWith("blob:")) URL.revokeObjectURL(qr.src);
    qr.src = url;
    await qr.decode(); // shown once it can be drawn: the projector never shows an empty frame
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
  const { actions, menu } = view;
  if (!state || !actions || !menu) return; // nothing to draw before the board is joined
  $("#board-title").textContent = state.title;
  document.title = `${state.title} – Planche`;
  const writer = view.role === "facilitator" || view.role === "participant";
  updateComposer(state, view);
  for (const id of ["#undo", "#redo"]) {
    const control = optional(id);
    if (control) control.hidden = !writer || state.closed;
  }
  const consent = optional("#consent");
  if (consent) {
    consent.hidden = !writer || state.method !== "idea-book";
    // set from the board only when the board's answer changes: a tick not yet answered stays
    const box = find("#consent-box", HTMLInputElement);
    const given = String(Boolean(view.me && state.participants[view.me]?.consent));
    if (box.dataset.given !== given) box.checked = given === "true";
    box.dataset.given = given;
  }
  $("#viewer-note").hidden = view.role !== "viewer" || projector;
  $("#closed-note").hidden = !state.closed;
  // what this person changed and the server has not answered yet shows at once
  const { shown: all, pending } = optimistic(state, view.outbox);
  const shown = onBoard(all, view.me); // others' notes waiting in the inbox are in the inbox
  view.shown = shown;
  renderPhase($("#phase"), state);
  renderTimer($("#timer"), store);
  renderVoting($("#voting"), state, view.me);
  renderAreas($("#areas"), shown, { ...view, actions, menu, pending });
  if (following) {
    following = false;
    follow(state);
  }
  if (view.canvas?.on) drawLinks($("#areas"), shown);
  suggestions?.drawPreview();
  if (view.listView) renderList($("#list"), onBoard(state, view.me));
  renderParked($("#parked"), state, { ...view, actions });
  worksheet?.update(state, boardMethod());
  survey?.update(state);
  signals?.update(state);
  poll?.update(state);
  inbox?.update(state);
  declined?.update(state);
  people?.update(state);
  if (projector) {
    const polled = Boolean(shownPoll(state)); // a poll the facilitator shows comes first
    document.body.classList.toggle("poll-time", polled);
    const asked = !polled && surveyTime(state); // the survey takes the areas' place, before the worksheet
    document.body.classList.toggle("survey-time", asked);
    const now = !asked && worksheetTime(state, boardMethod());
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
/**
 * @param {Op | undefined} op
 * @param {string} reason
 */
function refused(op, reason) {
  const text = op && (refusal(op, reason) ?? roleRefusal(op, reason, store.state));
  if (!text) return;
  $("#alert").textContent = text;
  // every op `refusal` explains names its note by note_id
  const note = typeof op.note_id === "string" ? noteNode(op.note_id) : null;
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
/** @param {Connection} connection */
function setUpUndo(connection) {
  const stack = new UndoStack((op) => connection.send(op), () => view.shown ?? store.state);
  const undoButton = find("#undo", HTMLButtonElement);
  const redoButton = find("#redo", HTMLButtonElement);
  undoButton.prepend(icon("undo-2"));
  redoButton.prepend(icon("redo-2"));
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

/** @param {Element | null} element */
function editable(element) {
  return element instanceof HTMLElement && (element.isContentEditable || element.matches("input, textarea, select"));
}

function setUpViews() {
  const toggle = optional("#list-toggle");
  toggle?.addEventListener("click", () => {
    view.listView = !view.listView;
    toggle.setAttribute("aria-pressed", String(view.listView));
    $("#list").hidden = !view.listView;
    $("#areas").hidden = view.listView;
    render();
  });
  optional("#fullscreen")?.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen?.();
  });
}

/**
 * The note's node on the board, if it is drawn.
 * @param {string} id
 */
function noteNode(id) {
  const node = root.querySelector(`.note[data-note-id="${CSS.escape(id)}"]`);
  return node instanceof HTMLElement ? node : null;
}

// While a link is being made: what to do next, where everyone sees it, and how to stop
function showLinking() {
  const banner = optional("#linking");
  if (!banner) return;
  const from = view.linking && (view.shown ?? store.state)?.notes[view.linking];
  banner.hidden = !from;
  $("#linking-text").textContent = from
    ? t("Choose the note to link “{text}” to: click it, or press Enter on it. Escape stops.", { text: shortText(from) })
    : "";
  root.classList.toggle("linking", Boolean(from));
  draw(); // the notes' handlers read the linking from the last drawing's context
}

/**
 * @param {Connection} connection
 * @returns {Actions}
 */
function actions(connection) {
  return {
    edit: (note) => {
      view.editing = { id: note.id, text: note.text };
      draw();
      const field = root.querySelector(`[data-focus="edit:${CSS.escape(note.id)}"]`);
      if (field instanceof HTMLElement) field.focus();
    },
    save: (id) => {
      const text = view.editing?.text.trim();
      if (text && text !== view.shown?.notes[id]?.text) {
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
      const board = view.shown ?? store.state;
      if (!board) return;
      owners ??= new OwnerDialog((op) => connection.send(op));
      owners.open(note, board, noteNode(note.id));
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
      const board = view.shown ?? store.state;
      const next = board && neighbour(board, note, step);
      if (!board || !next) return;
      const target = step < 0 ? next : neighbour(board, next, 1);
      const y = placeBefore(board, note, target);
      connection.send({ kind: "note.move", note_id: note.id, y });
    },
    vote: (note) => connection.send({ kind: "vote.cast", note_id: note.id }),
    unvote: (note) => connection.send({ kind: "vote.retract", note_id: note.id }),
    react: (note, reaction) => connection.send({ kind: "reaction.toggle", note_id: note.id, reaction }),
    own: (idea, owner) => connection.send({ kind: "idea.own", idea_id: idea.id, owner }),
    group: (note, groupId) => connection.send({ kind: "note.group", note_id: note.id, group_id: groupId }),
    newGroup: (area, name) =>
      connection.send({ kind: "group.add", group: { id: crypto.randomUUID(), area: area.id, name } }),
  };
}
