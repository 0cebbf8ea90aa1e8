// @ts-check
// The facilitators' inbox (moderated posting, server/board/inbox.py). While the board is
// moderated, a participant's new note waits here, seen only by its author and the
// facilitators: a facilitator approves it (alone or many at once), edits it first, merges
// duplicates into one note (approved and merged at once), or declines it with a reason
// its author reads. The author sees their note marked as waiting and, when declined, why.

/** @import { BoardState, Declined, Note, Op } from "../types/board" */

import { nt, t } from "./i18n.js";
import { el } from "./views.js";

/**
 * The board as the canvas and the list draw it for `me`: a note waiting in the inbox only
 * when it is my own (a facilitator finds the others' in the inbox, and their screen may
 * be the one the room sees).
 * @template {BoardState} S
 * @param {S} state
 * @param {string | null} me
 * @returns {S}
 */
export function onBoard(state, me) {
  const waiting = (/** @type {Note} */ n) => n.pending && n.author !== me;
  if (!Object.values(state.notes).some(waiting)) return state;
  return { ...state, notes: Object.fromEntries(Object.entries(state.notes).filter(([, n]) => !waiting(n))) };
}

/** @param {BoardState} state @returns {Note[]} the notes waiting, oldest first */
function waitingNotes(state) {
  return Object.values(state.notes)
    .filter((n) => n.pending)
    .sort((a, b) => a.created_seq - b.created_seq);
}

/**
 * @typedef {object} Row
 * @property {HTMLLIElement} li
 * @property {HTMLInputElement} box chosen for "Approve selected" / "Merge selected"
 * @property {HTMLParagraphElement} text
 * @property {HTMLParagraphElement} meta
 * @property {HTMLDivElement} editor the facilitator's edit, hidden until asked for
 * @property {HTMLTextAreaElement} editText
 * @property {HTMLDivElement} decliner the reason, hidden until asked for
 * @property {HTMLInputElement} reason
 * @property {HTMLDivElement} actions approve, edit, decline: hidden while editing or declining
 */

export class Inbox {
  /** @param {(op: Op) => string} send */
  constructor(send) {
    this.send = send;
    /** @type {BoardState | null} */
    this.state = null;
    /** @type {Map<string, Row>} */
    this.rows = new Map();
    this.badge = el("span", { class: "inbox-badge", hidden: true });
    this.button = el(
      "button",
      { type: "button", class: "tool", "data-action": "inbox", "aria-haspopup": "dialog", onclick: () => this.open() },
      t("Inbox"),
      this.badge,
    );
    this.toggle = el("input", { type: "checkbox", id: "inbox-moderated", class: "inbox-toggle", "aria-describedby": "inbox-hint" });
    this.toggle.addEventListener("change", () => this.send({ kind: "moderation.set", on: this.toggle.checked }));
    this.count = el("p", { class: "inbox-count", role: "status" });
    this.list = el("ol", { class: "inbox-list", "aria-labelledby": "inbox-title" });
    this.approveChosen = el("button", { type: "button", text: t("Approve selected"), onclick: () => this.approveSelected() });
    this.mergeChosen = el("button", {
      type: "button",
      class: "secondary",
      text: t("Merge selected"),
      "aria-describedby": "inbox-merge-hint",
      onclick: () => this.mergeSelected(),
    });
    this.bulk = el(
      "div",
      { class: "inbox-bulk" },
      this.approveChosen,
      this.mergeChosen,
      el("p", { id: "inbox-merge-hint", class: "hint", text: t("Merging keeps the oldest note, with every author and vote of the others.") }),
    );
    /** @type {HTMLDialogElement} */
    this.dialog = el(
      "dialog",
      { id: "inbox-dialog", class: "panel-dialog inbox-dialog", "aria-labelledby": "inbox-title" },
      el("button", { type: "button", class: "dialog-close", text: t("Close"), onclick: () => this.dialog.close() }),
      el("h2", { id: "inbox-title", text: t("Inbox") }),
      el(
        "div",
        { class: "inbox-setting" },
        this.toggle,
        el("label", { for: "inbox-moderated", text: t("Hold new notes for approval") }),
        el("p", { id: "inbox-hint", class: "hint", text: t("While this is on, a participant's new note waits here until you approve it. Nobody else sees it before.") }),
      ),
      this.count,
      this.list,
      this.bulk,
    );
    this.dialog.addEventListener("close", () => {
      if (this.button.isConnected) this.button.focus();
    });
  }

  open() {
    if (this.dialog.open) return;
    this.dialog.showModal();
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
    const waiting = waitingNotes(state);
    const n = waiting.length;
    this.badge.hidden = n === 0;
    this.badge.textContent = String(n);
    this.button.setAttribute("aria-label", n ? nt("Inbox: {n} note waiting", "Inbox: {n} notes waiting", n, { n }) : t("Inbox"));
    this.button.hidden = state.closed && n === 0;
    // as the board has it (a tick the server has not answered yet stays until it does)
    const on = Boolean(state.moderated);
    if (this.toggle.dataset.on !== String(on)) this.toggle.checked = on;
    this.toggle.dataset.on = String(on);
    const count = n
      ? nt("{n} note waits for you.", "{n} notes wait for you.", n, { n })
      : state.moderated
        ? t("No notes are waiting.")
        : t("New notes go straight onto the board.");
    if (this.count.textContent !== count) this.count.textContent = count;
    const ids = new Set(waiting.map((note) => note.id));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        row.li.remove();
        this.rows.delete(id);
      }
    }
    /** @type {HTMLLIElement | null} */
    let previous = null;
    for (const note of waiting) {
      const row = this.rows.get(note.id) ?? this.row(note.id);
      this.fill(row, note, state);
      // newest last, without moving what is already in place (focus stays where it is)
      /** @type {ChildNode | null} */
      const at = previous ? previous.nextSibling : this.list.firstChild;
      if (at !== row.li) this.list.insertBefore(row.li, at);
      previous = row.li;
    }
    this.list.hidden = n === 0;
    this.bulk.hidden = n === 0;
    this.chosenChanged();
  }

  /** @param {string} id @returns {Row} */
  row(id) {
    const box = el("input", { type: "checkbox", id: `inbox-pick-${id}`, class: "inbox-pick" });
    box.addEventListener("change", () => this.chosenChanged());
    const text = el("p", { class: "inbox-text", id: `inbox-text-${id}` });
    const meta = el("p", { class: "inbox-meta" });
    const editText = el("textarea", { id: `inbox-edit-${id}`, rows: 2, maxlength: 1000 });
    const editor = el(
      "div",
      { class: "inbox-editor", hidden: true },
      el("label", { for: `inbox-edit-${id}`, text: t("Text before approving") }),
      editText,
      el(
        "div",
        { class: "dialog-buttons" },
        el("button", { type: "button", text: t("Save"), onclick: () => this.saveEdit(id) }),
        el("button", { type: "button", class: "secondary", text: t("Cancel"), onclick: () => this.closeEditor(id) }),
      ),
    );
    const reason = el("input", { id: `inbox-reason-${id}`, maxlength: 500, autocomplete: "off" });
    const decliner = el(
      "div",
      { class: "inbox-decliner", hidden: true },
      el("label", { for: `inbox-reason-${id}`, text: t("Reason for the author (optional)") }),
      reason,
      el(
        "div",
        { class: "dialog-buttons" },
        el("button", { type: "button", class: "danger", text: t("Decline the note"), onclick: () => this.decline(id) }),
        el("button", { type: "button", class: "secondary", text: t("Cancel"), onclick: () => this.closeDecliner(id) }),
      ),
    );
    reason.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        this.decline(id);
      }
    });
    const actions = el(
      "div",
      { class: "inbox-actions", role: "group", "aria-labelledby": `inbox-text-${id}` },
      el("button", { type: "button", "data-action": "approve", text: t("Approve"), onclick: () => this.send({ kind: "note.approve", note_ids: [id] }) }),
      el("button", { type: "button", class: "secondary", "data-action": "edit", text: t("Edit"), onclick: () => this.openEditor(id) }),
      el("button", { type: "button", class: "secondary", "data-action": "decline", text: t("Decline"), onclick: () => this.openDecliner(id) }),
    );
    const li = el(
      "li",
      { class: "inbox-note", "data-note-id": id },
      el("div", { class: "inbox-pick-wrap" }, box, el("label", { for: `inbox-pick-${id}`, class: "visually-hidden", text: t("Select") })),
      el("div", { class: "inbox-body" }, text, meta, editor, decliner, actions),
    );
    box.setAttribute("aria-describedby", `inbox-text-${id}`);
    /** @type {Row} */
    const row = { li, box, text, meta, editor, editText, decliner, reason, actions };
    this.rows.set(id, row);
    return row;
  }

  /** @param {Row} row @param {Note} note @param {BoardState} state */
  fill(row, note, state) {
    const text = note.text || (note.picture ? t("A picture") : "");
    if (row.text.textContent !== text) row.text.textContent = text;
    const area = state.areas.find((a) => a.id === note.area)?.title ?? "";
    const name = state.participants[note.author]?.name;
    const by = name ? t("by {name}", { name }) : t("written anonymously");
    const meta = area ? `${by} · ${area}` : by;
    if (row.meta.textContent !== meta) row.meta.textContent = meta;
  }

  chosen() {
    return [...this.rows].filter(([, row]) => row.box.checked).map(([id]) => id);
  }

  chosenChanged() {
    const n = this.chosen().length;
    this.approveChosen.disabled = n === 0;
    this.mergeChosen.disabled = n < 2;
  }

  approveSelected() {
    const ids = this.chosen();
    if (ids.length) this.send({ kind: "note.approve", note_ids: ids });
    this.focusList();
  }

  // the oldest chosen note stays, with the authors and votes of the others: approved first,
  // since a merge takes notes everyone sees (server/board/inbox.py)
  mergeSelected() {
    const ids = this.chosen(); // oldest first, as listed
    if (ids.length < 2) return;
    this.send({ kind: "note.approve", note_ids: ids });
    this.send({ kind: "note.merge", note_id: ids[0], from: ids.slice(1) });
    this.focusList();
  }

  // the rows acted on go; focus stays in the dialog
  focusList() {
    this.toggle.focus();
  }

  /** @param {string} id */
  openEditor(id) {
    const row = this.rows.get(id);
    const note = this.state?.notes[id];
    if (!row || !note) return;
    row.decliner.hidden = true;
    row.actions.hidden = true;
    row.editText.value = note.text;
    row.editor.hidden = false;
    row.editText.focus();
  }

  /** @param {string} id */
  closeEditor(id) {
    const row = this.rows.get(id);
    if (!row) return;
    row.editor.hidden = true;
    row.actions.hidden = false;
    /** @type {HTMLElement | null} */ (row.li.querySelector("[data-action=edit]"))?.focus();
  }

  /** @param {string} id */
  saveEdit(id) {
    const row = this.rows.get(id);
    const text = row?.editText.value.trim();
    if (!row || !text) return;
    if (text !== this.state?.notes[id]?.text) this.send({ kind: "note.edit", note_id: id, text });
    this.closeEditor(id);
  }

  /** @param {string} id */
  openDecliner(id) {
    const row = this.rows.get(id);
    if (!row) return;
    row.editor.hidden = true;
    row.actions.hidden = true;
    row.reason.value = "";
    row.decliner.hidden = false;
    row.reason.focus();
  }

  /** @param {string} id */
  closeDecliner(id) {
    const row = this.rows.get(id);
    if (!row) return;
    row.decliner.hidden = true;
    row.actions.hidden = false;
    /** @type {HTMLElement | null} */ (row.li.querySelector("[data-action=decline]"))?.focus();
  }

  /** @param {string} id */
  decline(id) {
    const row = this.rows.get(id);
    if (!row) return;
    this.send({ kind: "note.decline", note_id: id, reason: row.reason.value.trim() });
    this.focusList();
  }
}

const DISMISSED = "planche:declined-seen:";

// What the author of a waiting note is told: the notes declined, and why, until they
// dismiss the message (kept per board in this browser).
export class MyDeclined {
  /**
   * @param {HTMLElement} section where the messages go (#declined)
   * @param {string} boardId
   * @param {string} me
   */
  constructor(section, boardId, me) {
    this.section = section;
    this.me = me;
    this.key = DISMISSED + boardId;
    this.list = el("ul", { class: "declined-list" });
    section.append(el("h2", { id: "declined-title", text: t("Not put on the board") }), this.list);
    /** @type {Set<string>} */
    this.dismissed = new Set(JSON.parse(localStorage.getItem(this.key) ?? "[]"));
    /** @type {BoardState | null} */
    this.state = null;
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
    /** @type {Declined[]} */
    const mine = Object.values(state.declined ?? {}).filter((d) => d.author === this.me && !this.dismissed.has(d.note_id));
    this.section.hidden = mine.length === 0;
    const shown = new Set(mine.map((d) => d.note_id));
    for (const li of [...this.list.children]) {
      if (!shown.has(/** @type {HTMLElement} */ (li).dataset.noteId ?? "")) li.remove();
    }
    for (const d of mine) {
      if (this.list.querySelector(`[data-note-id="${CSS.escape(d.note_id)}"]`)) continue;
      const message = d.reason
        ? t("The facilitator did not put your note “{text}” on the board: {reason}", { text: d.text, reason: d.reason })
        : t("The facilitator did not put your note “{text}” on the board.", { text: d.text });
      this.list.append(
        el(
          "li",
          { "data-note-id": d.note_id },
          el("p", { text: message }),
          el("button", { type: "button", class: "secondary", text: t("OK"), onclick: () => this.dismiss(d.note_id) }),
        ),
      );
    }
  }

  /** @param {string} id */
  dismiss(id) {
    this.dismissed.add(id);
    localStorage.setItem(this.key, JSON.stringify([...this.dismissed]));
    if (this.state) this.update(this.state);
    document.getElementById("note-text")?.focus();
  }
}
