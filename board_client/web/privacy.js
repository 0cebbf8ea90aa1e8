// @ts-check
// Access and people's data on the board page (docs/privacy.md). The facilitator gives the
// board a new join code, removes a participant, gives the projector a new link, sets how
// long the board is kept, takes every participant's name off the board, or deletes it now.
// A participant sees what the board holds about them and can take their name off their
// notes. Everything goes through the HTTP API with the page's token; a change that rewrites
// the board makes every screen load it afresh (close 1012), so nothing here edits the local
// replica.

/** @import { BoardState, Role } from "../types/board" */

import { nt, t } from "./i18n.js";
import { el, fillSelect } from "./views.js";

export class Privacy {
  /**
   * @param {HTMLElement} section where the controls go
   * @param {string} boardId
   * @param {string} token the page's token
   * @param {Role} role facilitators get the board's controls, everyone else their own data
   * @param {() => void} onDeleted the board was deleted
   * @param {(viewerToken: string) => void} onNewViewer the projector has a new link
   */
  constructor(section, boardId, token, role, onDeleted, onNewViewer) {
    this.section = section;
    this.base = `/api/boards/${boardId}`;
    this.token = token;
    this.onDeleted = onDeleted;
    this.onNewViewer = onNewViewer;
    /** @type {Record<string, string>} participants' names by id, for the removal message */
    this.names = {};
    this.message = el("p", { id: "privacy-message", class: "records-message", role: "status" });
    if (role === "facilitator") {
      this.buildFacilitator();
      this.request("").then((board) => { this.days.value = String(board.retention_days); }, () => {});
    }
    else this.buildParticipant();
    this.section.append(this.message);
  }

  // a button that asks once more before it acts: the second press does it
  /**
   * @param {string} id
   * @param {string} label
   * @param {string} confirm the label that asks once more
   * @param {() => Promise<unknown>} act
   */
  confirmed(id, label, confirm, act) {
    const button = el("button", { id, type: "button", text: label });
    button.addEventListener("click", async () => {
      if (button.dataset.armed !== "yes") {
        button.dataset.armed = "yes";
        button.textContent = confirm;
        button.classList.add("danger");
        return;
      }
      button.dataset.armed = "";
      button.textContent = label;
      button.classList.remove("danger");
      await act();
    });
    return button;
  }

  buildFacilitator() {
    /** @param {string} title @param {...Node} children */
    const group = (title, ...children) =>
      el("fieldset", { class: "control-group" }, el("legend", { text: title }), ...children);
    /** @type {HTMLSelectElement} */
    this.people = el("select", { id: "remove-participant" });
    /** @type {HTMLInputElement} */
    this.days = el("input", { id: "retention-days", type: "number", min: 1, max: 3650, step: 1, inputmode: "numeric" });
    this.section.append(
      group(
        t("Access"),
        el("button", { id: "new-join-code", type: "button", text: t("New join code"), onclick: () => this.newCode() }),
        el("label", { for: "remove-participant", text: t("Participant") }),
        this.people,
        el("button", { id: "remove-button", type: "button", text: t("Remove from the board"), onclick: () => this.remove() }),
        this.confirmed(
          "new-projector-link",
          t("New projector link"),
          t("Yes, close the old projector link"),
          () => this.newViewer(),
        ),
      ),
      group(
        t("Keeping the board"),
        el("label", { for: "retention-days", text: t("Delete the board after this many days without changes") }),
        this.days,
        el("button", { type: "button", text: t("Save"), onclick: () => this.keep() }),
        this.confirmed(
          "anonymise-board",
          t("Take every participant's name off the board"),
          t("Yes, remove the names for good"),
          () => this.anonymise(),
        ),
        this.confirmed(
          "delete-board",
          t("Delete the board now"),
          t("Yes, delete the board and everything on it"),
          () => this.deleteBoard(),
        ),
      ),
    );
  }

  buildParticipant() {
    const mine = el("ul", { id: "my-notes", class: "record-list" });
    this.section.append(
      el("button", { id: "show-my-data", type: "button", text: t("Show what the board holds about me"), onclick: () => this.showMine(mine) }),
      mine,
      this.confirmed(
        "forget-me",
        t("Take my name off my notes"),
        t("Yes, my notes stay without my name"),
        () => this.forgetMe(mine),
      ),
    );
  }

  /** @param {BoardState} state */
  update(state) {
    if (!this.people) return;
    const people = Object.values(state.participants).filter((p) => p.role === "participant" && p.name && !p.carried);
    fillSelect(this.people, people.map((p) => [p.id, p.name]), this.people.value);
    this.names = Object.fromEntries(people.map((p) => [p.id, p.name]));
  }

  /**
   * The answer's JSON (null for 204); throws an Error with the server's message.
   * @param {string} path under the board's address
   * @param {RequestInit} [options]
   * @returns {Promise<any>}
   */
  async request(path, options = {}) {
    const response = await fetch(this.base + path, {
      ...options,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(options.body ? { "content-type": "application/json" } : {}),
      },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error?.message || t("The server did not answer. Try again."));
    }
    return response.status === 204 ? null : response.json();
  }

  /**
   * Does `work` and shows what `done` says of its answer, or what went wrong.
   * @template T
   * @param {() => Promise<T>} work
   * @param {(answer: T) => string} done
   */
  async act(work, done) {
    try {
      this.message.textContent = done(await work());
    } catch (error) {
      this.message.textContent = /** @type {Error} */ (error).message;
    }
  }

  newCode() {
    return this.act(
      () => this.request("/join-code", { method: "POST" }),
      (answer) => t("New code: {code}. The old code no longer works.", { code: answer.join_code }),
    );
  }

  newViewer() {
    return this.act(
      () => this.request("/viewer-token", { method: "POST" }),
      (answer) => {
        this.onNewViewer(answer.viewer_token);
        return t("The projector has a new link; the old one no longer opens the board.");
      },
    );
  }

  remove() {
    const id = this.people.value;
    if (!id) {
      this.message.textContent = t("No participant to remove.");
      return;
    }
    const name = this.names[id];
    return this.act(
      () => this.request(`/participants/${encodeURIComponent(id)}`, { method: "DELETE" }),
      () => t("{name} was removed and can no longer open the board.", { name }),
    );
  }

  keep() {
    const days = Number(this.days.value);
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      this.message.textContent = t("Write a whole number of days from 1 to 3650.");
      this.days.focus();
      return;
    }
    return this.act(
      () => this.request("", { method: "PATCH", body: JSON.stringify({ retention_days: days }) }),
      () => nt("The board is deleted {n} day after its last change.", "The board is deleted {n} days after its last change.", days, { n: days }),
    );
  }

  anonymise() {
    return this.act(
      () => this.request("/anonymise", { method: "POST" }),
      (answer) => t("Names removed: {n}. The notes stay.", { n: answer.participants_anonymised }),
    );
  }

  deleteBoard() {
    return this.act(
      () => this.request("", { method: "DELETE" }),
      () => {
        this.onDeleted();
        return t("The board and everything on it were deleted.");
      },
    );
  }

  /** @param {HTMLElement} mine the list of this person's notes */
  async showMine(mine) {
    try {
      /** @type {{ name: string, notes: { id: string, area: string, text: string }[] }} */
      const me = await this.request("/me");
      const notes = me.notes.map((n) => el("li", { text: n.text }));
      mine.replaceChildren(
        el("li", { text: t("Your name on this board: {name}", { name: me.name }) }),
        ...(notes.length ? notes : [el("li", { text: t("No notes carry your name.") })]),
      );
    } catch (error) {
      this.message.textContent = /** @type {Error} */ (error).message;
    }
  }

  /** @param {HTMLElement} mine the list of this person's notes */
  forgetMe(mine) {
    return this.act(
      () => this.request("/me/authorship", { method: "DELETE" }),
      (answer) => {
        mine.replaceChildren();
        return t("Notes that no longer carry your name: {n}. They stay on the board; you can no longer change them.", { n: answer.notes_anonymised });
      },
    );
  }
}
