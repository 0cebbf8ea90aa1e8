// @ts-check
// "Owner…" in a note's menu: who takes an action forward and, if they say, by when. One
// dialog for the whole page; it sends one `note.own` (a name and an optional date; no name
// takes the owner off the note).

/** @import { BoardState, Note, Op } from "../types/board" */

import { t } from "./i18n.js";
import { el } from "./views.js";

export class OwnerDialog {
  /** @param {(op: Op) => unknown} send */
  constructor(send) {
    this.send = send;
    /** @type {Note | null} */
    this.note = null;
    /** @type {HTMLElement | null} */
    this.opener = null;
    this.name = el("input", { id: "owner-name", maxlength: 60, autocomplete: "off", list: "owner-people" });
    this.people = el("datalist", { id: "owner-people" });
    this.due = el("input", { id: "owner-due", type: "date", "aria-describedby": "owner-due-hint" });
    this.error = el("p", { class: "field-error", id: "owner-error", role: "alert" });
    this.remove = el("button", { type: "button", class: "secondary", text: t("Take the owner off"), onclick: () => this.save(null) });
    const form = el(
      "form",
      { class: "owner-form", novalidate: true, onsubmit: (/** @type {SubmitEvent} */ e) => (e.preventDefault(), this.save(this.name.value.trim())) },
      el("p", { class: "owner-note", id: "owner-note" }),
      el("label", { for: "owner-name", text: t("Who takes it forward?") }),
      this.name,
      this.people,
      el("label", { for: "owner-due", text: t("By when (optional)") }),
      el("p", { class: "hint", id: "owner-due-hint", text: t("The date shows on the note and in the records.") }),
      this.due,
      this.error,
      el(
        "p",
        { class: "dialog-buttons" },
        el("button", { type: "submit", text: t("Save") }),
        this.remove,
        el("button", { type: "button", class: "secondary", text: t("Cancel"), onclick: () => this.node.close() }),
      ),
    );
    /** @type {HTMLDialogElement} */
    this.node = el(
      "dialog",
      { id: "owner-dialog", class: "panel-dialog", "aria-labelledby": "owner-dialog-title", "aria-describedby": "owner-note" },
      el("h2", { id: "owner-dialog-title", text: t("Owner") }),
      form,
    );
    this.node.addEventListener("close", () => {
      if (this.opener?.isConnected) this.opener.focus();
      this.opener = null;
    });
    document.body.append(this.node);
  }

  /**
   * @param {Note} note
   * @param {BoardState} state for the names to choose from
   * @param {HTMLElement | null} opener where the focus goes back to
   */
  open(note, state, opener) {
    this.note = note;
    this.opener = opener;
    /** @type {HTMLElement} */ (this.node.querySelector("#owner-note")).textContent = note.text;
    this.name.value = note.owner ?? "";
    this.due.value = note.due ?? "";
    this.error.textContent = "";
    this.remove.hidden = !note.owner;
    const names = [...new Set(Object.values(state.participants).filter((p) => p.name && p.role !== "viewer").map((p) => p.name))];
    this.people.replaceChildren(...names.sort().map((name) => el("option", { value: name })));
    this.node.showModal();
    this.name.focus();
  }

  /** @param {string | null} owner */
  save(owner) {
    if (!this.note) return;
    if (owner === "") {
      this.error.textContent = t("Write a name, or take the owner off.");
      this.name.focus();
      return;
    }
    if (this.due.validity.badInput) {
      this.error.textContent = t("Write the date as a whole date, or leave it empty.");
      this.due.focus();
      return;
    }
    const due = owner && this.due.value ? { due: this.due.value } : {};
    this.send({ kind: "note.own", note_id: this.note.id, ...(owner ? { owner } : {}), ...due });
    this.node.close();
  }
}
