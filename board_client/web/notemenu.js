// @ts-check
// One menu for a note's actions (edit, move to, group, order, delete), opened from the
// note by Enter or M or its "…" button, so a note shows its text and not a row of
// controls. A WAI-ARIA menu: arrow keys, Home and End move, Enter or Space acts, Escape
// goes back a level or closes, and the focus returns to the note.

import { t } from "./i18n.js";
import { el } from "./views.js";

/**
 * @typedef {{label: string, run?: () => void, items?: () => MenuItem[], checked?: boolean, checkbox?: boolean, danger?: boolean}} MenuItem
 */

export class NoteMenu {
  /** @param {HTMLElement} root where the menu lives (inside the page's main landmark) */
  constructor(root) {
    this.node = el("div", { class: "note-menu", role: "menu", hidden: true, "aria-label": t("Note actions") });
    root.append(this.node);
    /** @type {HTMLElement | null} */
    this.returnTo = null;
    /** @type {HTMLElement | null} */
    this.anchor = null;
    /** @type {MenuItem[][]} */
    this.levels = [];
    this.node.addEventListener("keydown", (/** @type {KeyboardEvent} */ e) => this.key(e));
    document.addEventListener("pointerdown", (e) => {
      const target = /** @type {Node} */ (e.target);
      if (!this.node.hidden && !this.node.contains(target)) this.close(false);
    });
  }

  get isOpen() {
    return !this.node.hidden;
  }

  /**
   * @param {HTMLElement} anchor what the menu opens beside
   * @param {MenuItem[]} items
   * @param {HTMLElement} returnTo what gets the focus back when the menu closes
   */
  open(anchor, items, returnTo) {
    this.anchor = anchor;
    this.returnTo = returnTo;
    this.levels = [items];
    anchor.setAttribute("aria-expanded", "true");
    this.draw();
  }

  draw() {
    const items = this.levels[this.levels.length - 1];
    const buttons = items.map((item) => {
      const radio = item.checked != null;
      const button = el("button", {
        type: "button",
        role: item.checkbox ? "menuitemcheckbox" : radio ? "menuitemradio" : "menuitem",
        tabindex: -1,
        class: item.danger ? "danger-text" : null,
        "aria-checked": radio ? String(item.checked) : null,
        "aria-haspopup": item.items ? "menu" : null,
        text: item.label,
      });
      if (item.items) button.append(el("span", { class: "submenu-mark", "aria-hidden": "true", text: " ›" }));
      button.addEventListener("click", () => this.choose(item));
      return button;
    });
    if (this.levels.length > 1) {
      const back = el("button", { type: "button", role: "menuitem", tabindex: -1, text: t("Back") });
      back.prepend(el("span", { "aria-hidden": "true", text: "‹ " }));
      back.addEventListener("click", () => this.back());
      buttons.unshift(back);
    }
    this.node.replaceChildren(...buttons);
    this.node.hidden = false;
    this.place();
    const first = buttons.find((b) => b.getAttribute("role") === "menuitemradio" && b.getAttribute("aria-checked") === "true") ?? buttons[this.levels.length > 1 ? 1 : 0];
    (first ?? buttons[0])?.focus();
  }

  // beside the anchor, kept inside the window
  place() {
    if (!this.anchor) return;
    const box = this.anchor.getBoundingClientRect();
    const menu = this.node.getBoundingClientRect();
    const left = Math.min(Math.max(8, box.left), innerWidth - menu.width - 8);
    const below = box.bottom + 4;
    const top = below + menu.height > innerHeight - 8 ? Math.max(8, box.top - menu.height - 4) : below;
    this.node.style.left = `${left}px`;
    this.node.style.top = `${top}px`;
  }

  /** @param {MenuItem} item */
  choose(item) {
    if (item.items) {
      this.levels.push(item.items());
      this.draw();
      return;
    }
    this.close(true);
    item.run?.();
  }

  back() {
    this.levels.pop();
    this.draw();
  }

  /** @param {boolean} refocus */
  close(refocus) {
    if (this.node.hidden) return;
    this.node.hidden = true;
    this.node.replaceChildren();
    this.anchor?.setAttribute("aria-expanded", "false");
    if (refocus && this.returnTo?.isConnected) this.returnTo.focus();
  }

  /** @param {KeyboardEvent} e */
  key(e) {
    const buttons = /** @type {HTMLElement[]} */ ([...this.node.querySelectorAll("button")]);
    const at = buttons.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    const go = (/** @type {number} */ i) => buttons[(i + buttons.length) % buttons.length]?.focus();
    switch (e.key) {
      case "ArrowDown":
        go(at + 1);
        break;
      case "ArrowUp":
        go(at - 1);
        break;
      case "Home":
        go(0);
        break;
      case "End":
        go(buttons.length - 1);
        break;
      case "ArrowLeft":
        if (this.levels.length > 1) this.back();
        break;
      case "Escape":
        if (this.levels.length > 1) this.back();
        else this.close(true);
        break;
      case "Tab":
        this.close(true);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
