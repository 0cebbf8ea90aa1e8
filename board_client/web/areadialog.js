// @ts-check
// "Add area" for the facilitator (from the toolbar's "More"): a dialog asking for a title,
// an optional prompt and, for a quadrant (2x2, such as effect/effort), the names of its two
// axes. It sends one `area.add`; mistakes are shown beside their field, in words.

/** @import { Op } from "../types/board" */

import { t } from "./i18n.js";

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} children
 */
function make(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

export class AreaDialog {
  /** @param {(op: Op) => unknown} send */
  constructor(send) {
    this.send = send;
    /** @type {HTMLElement | null} */
    this.opener = null;
    const field = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ hint = "") => {
      const input = /** @type {HTMLInputElement} */ (make("input", { id, maxlength: "200", autocomplete: "off" }));
      const error = make("p", { id: `${id}-error`, class: "field-error", hidden: "" });
      const hintNode = hint ? make("p", { id: `${id}-hint`, class: "hint" }, hint) : null;
      if (hintNode) input.setAttribute("aria-describedby", hintNode.id);
      const box = make("p", { class: "area-field" }, make("label", { for: id }, label), ...(hintNode ? [hintNode] : []), error, input);
      return { input, error, box };
    };
    this.title = field("area-title", t("Title"));
    this.prompt = field("area-prompt", t("Question or prompt (optional)"));
    this.prompt.input.maxLength = 500;
    this.quadrant = /** @type {HTMLInputElement} */ (make("input", { id: "area-quadrant", type: "checkbox" }));
    this.x = field("area-axis-x", t("Across, from low (left) to high (right)"), t("For example: Effort"));
    this.y = field("area-axis-y", t("Up, from low (bottom) to high (top)"), t("For example: Effect"));
    for (const axis of [this.x, this.y]) axis.input.maxLength = 60;
    this.axes = make(
      "fieldset",
      { class: "area-axes", hidden: "" },
      make("legend", {}, t("The quadrant's axes")),
      this.x.box,
      this.y.box,
    );
    this.quadrant.addEventListener("change", () => {
      this.axes.hidden = !this.quadrant.checked;
    });
    const form = make(
      "form",
      { class: "area-form", novalidate: "" },
      this.title.box,
      this.prompt.box,
      make("p", { class: "check" }, this.quadrant, make("label", { for: "area-quadrant" }, t("Make it a quadrant (2x2) for prioritising"))),
      this.axes,
      make(
        "p",
        { class: "dialog-buttons" },
        make("button", { type: "submit", "data-action": "add-area-submit" }, t("Add the area")),
        make("button", { type: "button", class: "secondary", "data-action": "add-area-cancel" }, t("Cancel")),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    form.querySelector("[data-action=add-area-cancel]")?.addEventListener("click", () => this.node.close());
    this.node = /** @type {HTMLDialogElement} */ (
      make(
        "dialog",
        { id: "area-dialog", class: "panel-dialog", "aria-labelledby": "area-dialog-title" },
        make("h2", { id: "area-dialog-title" }, t("Add area")),
        form,
      )
    );
    this.node.addEventListener("close", () => {
      if (this.opener?.isConnected) this.opener.focus();
      this.opener = null;
    });
  }

  /** @param {HTMLElement | null} opener where the focus goes back to */
  open(opener) {
    this.opener = opener;
    for (const f of [this.title, this.prompt, this.x, this.y]) {
      f.input.value = "";
      this.mark(f, "");
    }
    this.quadrant.checked = false;
    this.axes.hidden = true;
    this.node.showModal();
    this.title.input.focus();
  }

  /**
   * @param {{input: HTMLInputElement, error: HTMLElement}} f
   * @param {string} message empty: no error
   */
  mark(f, message) {
    f.error.textContent = message;
    f.error.hidden = !message;
    f.input.toggleAttribute("aria-invalid", Boolean(message));
    const hint = f.input.getAttribute("aria-describedby")?.split(" ").filter((id) => id !== f.error.id) ?? [];
    const described = message ? [f.error.id, ...hint] : hint;
    if (described.length) f.input.setAttribute("aria-describedby", described.join(" "));
    else f.input.removeAttribute("aria-describedby");
  }

  submit() {
    const title = this.title.input.value.trim();
    const prompt = this.prompt.input.value.trim();
    const quadrant = this.quadrant.checked;
    const x = this.x.input.value.trim();
    const y = this.y.input.value.trim();
    this.mark(this.title, title ? "" : t("Write a title for the area."));
    this.mark(this.x, !quadrant || x ? "" : t("Name what grows from left to right."));
    this.mark(this.y, !quadrant || y ? "" : t("Name what grows from bottom to top."));
    const wrong = [this.title, this.x, this.y].find((f) => !f.error.hidden);
    if (wrong) {
      wrong.input.focus();
      return;
    }
    const area = { id: `area-${crypto.randomUUID()}`, title, ...(prompt && { prompt }), ...(quadrant && { axes: { x, y } }) };
    this.send({ kind: "area.add", area });
    this.node.close();
  }
}
