// @ts-check
// The scribe's "For" field in the composer: a scribe writes notes for people in the room
// without a device (note.add with `for_name`). The last few names are kept in this browser
// and offered as buttons, so switching between two people is one tap.

/** @import { BoardState } from "../types/board" */

import { t } from "./i18n.js";
import { el } from "./views.js";

const KEEP = 4; // names remembered

export class ScribeField {
  /**
   * @param {HTMLElement} box the composer's #note-for
   * @param {string} key where this browser keeps the recent names
   */
  constructor(box, key) {
    this.box = box;
    this.key = key;
    const input = box.querySelector("#note-for-name");
    const recent = box.querySelector("#note-for-recent");
    if (!(input instanceof HTMLInputElement) || !(recent instanceof HTMLElement)) throw new Error("The composer has no For field.");
    this.input = input;
    this.recent = recent;
    this.input.addEventListener("input", () => this.showRecent());
    this.showRecent();
  }

  /** @returns {string[]} */
  names() {
    try {
      const kept = JSON.parse(localStorage.getItem(this.key) ?? "[]");
      return Array.isArray(kept) ? kept.filter((n) => typeof n === "string").slice(0, KEEP) : [];
    } catch {
      return [];
    }
  }

  /** The name the next note is for, when the field shows: "" for the scribe's own note. */
  value() {
    return this.box.hidden ? "" : this.input.value.trim().slice(0, 60);
  }

  /** Remembers the name just written for, first. */
  sent() {
    const name = this.value();
    if (!name) return;
    const names = [name, ...this.names().filter((n) => n !== name)].slice(0, KEEP);
    localStorage.setItem(this.key, JSON.stringify(names));
    this.showRecent();
  }

  showRecent() {
    const current = this.input.value.trim();
    this.recent.replaceChildren(
      ...this.names().map((name) =>
        el("button", {
          type: "button",
          class: "note-for-pick",
          "aria-pressed": String(name === current),
          "aria-label": t("Write for {name}", { name }),
          text: name,
          onclick: () => {
            this.input.value = name;
            this.showRecent();
          },
        }),
      ),
    );
  }

  /**
   * @param {BoardState} state
   * @param {string | null} me
   */
  update(state, me) {
    this.box.hidden = !(me && state.participants[me]?.scribe);
  }
}
