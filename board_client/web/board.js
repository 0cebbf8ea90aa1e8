// The board page: joins the parts. Credentials come from the start page (localStorage) or
// from a `#token=` link, which is stored and then removed from the address bar.

import { Connection, readJson } from "./connection.js";
import { pickLanguage, translatePage } from "./i18n.js";
import { BoardStore } from "./store.js";
import { fillAreaSelect, renderAreas } from "./views.js";

const root = document.querySelector("#board");
const boardId = root.dataset.boardId;
const credKey = `planche:board:${boardId}`;
const draftKey = `planche:draft:${boardId}`;
const $ = (selector) => root.querySelector(selector);

let t = translatePage(document, pickLanguage(navigator.language));
const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromLink) {
  localStorage.setItem(credKey, JSON.stringify({ token: fromLink }));
  history.replaceState(null, "", location.pathname + location.search);
}
const creds = readJson(credKey, null);

const store = new BoardStore(`planche:state:${boardId}`);
const view = {
  role: creds?.role ?? null,
  me: creds?.participant_id ?? null,
  editing: null,
  outbox: [],
  status: "connecting",
};

if (!creds?.token) {
  showNotice("board.notoken");
} else {
  const connection = new Connection(boardId, creds.token, store, {
    status: (state) => {
      view.status = state;
      showStatus();
    },
    welcome: (message) => {
      Object.assign(creds, {
        role: message.role,
        participant_id: message.participant_id,
        join_code: message.join_code,
      });
      localStorage.setItem(credKey, JSON.stringify(creds));
      showBoard();
    },
    error: (message) => {
      $("#alert").textContent =
        message.code === "unauthorized" ? t("board.unauthorized") : message.message;
      if (message.code === "unauthorized") showNotice("board.unauthorized");
    },
    outbox: (entries) => {
      view.outbox = entries;
      showStatus();
      render();
    },
  });
  view.outbox = connection.outbox;
  store.subscribe(render);
  setUpForm(connection);
  setUpActions(connection);
  connection.start();
  window.addEventListener("pagehide", () => store.save());
  if (store.state) showBoard(); // from the cache, until the server answers
  showStatus();
}

function showBoard() {
  view.role = creds.role;
  view.me = creds.participant_id;
  t = translatePage(document, store.state.language);
  $("#join-code").textContent = creds.join_code ? t("board.code", { code: creds.join_code }) : "";
  $("#new-note").hidden = view.role === "viewer";
  $("#viewer-note").hidden = view.role !== "viewer";
  showStatus();
  render();
}

function showNotice(key) {
  $("#notice").hidden = false;
  $("#notice-text").textContent = t(key);
  $("#notice-link").textContent = t("board.join");
  $("#new-note").hidden = true;
}

function showStatus() {
  const status = $("#status");
  status.dataset.state = view.status;
  $("#status-text").textContent = t(`status.${view.status}`);
  const unsent = view.outbox.length;
  $("#status-unsent").textContent = unsent ? t("status.unsent", { n: unsent }) : "";
}

function render() {
  if (!store.state) return;
  $("#board-title").textContent = store.state.title;
  document.title = `${store.state.title} – Planche`;
  fillAreaSelect($("#note-area"), store.state);
  const pending = view.outbox
    .filter((entry) => entry.op.kind === "note.add" && !store.state.notes[entry.op.note.id])
    .map((entry) => entry.op.note);
  renderAreas($("#areas"), store.state, { ...view, t, pending });
}

function setUpForm(connection) {
  const form = $("#new-note");
  const field = $("#note-text");
  field.value = localStorage.getItem(draftKey) ?? "";
  field.addEventListener("input", () => localStorage.setItem(draftKey, field.value));
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = field.value.trim();
    const area = $("#note-area").value || store.state?.areas[0]?.id;
    if (!text || !area) return;
    connection.send({ kind: "note.add", note: { id: crypto.randomUUID(), area, text } });
    field.value = "";
    localStorage.removeItem(draftKey);
    field.focus();
  });
}

function setUpActions(connection) {
  view.actions = {
    edit: (note) => {
      view.editing = { id: note.id, text: note.text };
      render();
      root.querySelector(`[data-focus="edit:${note.id}"]`)?.focus();
    },
    save: (id) => {
      const text = view.editing.text.trim();
      if (text && text !== store.state.notes[id]?.text) {
        connection.send({ kind: "note.edit", note_id: id, text });
      }
      view.editing = null;
      render();
    },
    cancel: () => {
      view.editing = null;
      render();
    },
    remove: (note) => connection.send({ kind: "note.delete", note_id: note.id }),
    move: (note, area) => connection.send({ kind: "note.move", note_id: note.id, area }),
  };
}
