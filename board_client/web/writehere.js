// @ts-check
// Writing in place. On the canvas, a frame the person may write in now has "Write here"
// under its notes: it opens a small form in the frame itself, so a note is written where it will
// stand and nobody chooses its area from a list (scrumlr writes at the head of a column). A
// double click on the frame's paper opens it too, and that note goes where the click was, as
// on a whiteboard. The form stays open for the next note. Its draft is kept per area in this browser, and a
// form with text in it is never taken away, even when the phase moves on. The composer
// above the canvas stays: the keyboard shortcut, pictures, examples and a scribe's notes for
// others are there, and phones keep their bottom composer.

import { NOTE_W, WIDE } from "./canvas.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { el } from "./views.js";

/**
 * @typedef {object} Setup what the page gives the frames' forms
 * @property {string} draftKey the composer's draft key; an area's draft is under `${draftKey}:in:${area}`
 * @property {(area: string, text: string, at: Spot | null) => void} write sends a new note, placed at `at` if given
 * @property {() => void} typed tells the others this person is typing
 * @typedef {{x: number, y: number}} Spot where in its frame a note goes (canvas.js: px from the inner top-left corner)
 * @typedef {object} Parts
 * @property {HTMLDivElement} slot
 * @property {HTMLButtonElement} open
 * @property {HTMLFormElement} form
 * @property {HTMLTextAreaElement} field
 * @property {Spot | null} spot where the next note goes, after a double click
 */

/** @type {Setup | null} */
let setup = null;
/** @type {WeakMap<HTMLElement, Parts>} an area's section -> its form, made when first offered */
const made = new WeakMap();

const draftOf = (/** @type {Setup} */ page, /** @type {string} */ areaId) => `${page.draftKey}:in:${areaId}`;

/** @param {Setup} page */
export function setUpWriteHere(page) {
  setup = page;
}

/**
 * Offers (or takes away) writing in an area's frame.
 * @param {HTMLElement} section
 * @param {{id: string, title: string}} area
 * @param {boolean} offered on the canvas, where the meeting is now, and the person may write there
 * @param {HTMLElement} before what the form goes before: right under the frame's loose notes,
 *   where a new one lands
 */
export function writeHere(section, area, offered, before) {
  let parts = made.get(section);
  if (!parts) {
    if (!setup || (!offered && !localStorage.getItem(draftOf(setup, area.id)))) return;
    const fresh = makeParts(area.id, setup);
    section.insertBefore(fresh.slot, before);
    section.addEventListener("dblclick", (event) => writeAt(section, fresh, event));
    made.set(section, fresh);
    parts = fresh;
  }
  const { slot, open, form, field } = parts;
  // what someone is writing stays in front of them, whatever the meeting does meanwhile
  const writing = form.contains(document.activeElement) || field.value.trim() !== "";
  slot.hidden = !offered && !writing;
  if (slot.hidden) form.hidden = true;
  open.hidden = !form.hidden;
  labelOpen(parts);
  const label = t("Note in {area}", { area: area.title });
  if (field.getAttribute("aria-label") !== label) field.setAttribute("aria-label", label);
}

/**
 * @param {string} areaId
 * @param {Setup} page
 * @returns {Parts}
 */
function makeParts(areaId, page) {
  const key = draftOf(page, areaId);
  const field = el("textarea", { class: "write-here-text", rows: 3, maxlength: 1000, "data-focus": `here:${areaId}` });
  field.value = localStorage.getItem(key) ?? "";
  const open = el("button", { type: "button", class: "write-here-open", "aria-describedby": `area-${areaId}` });
  const form = el(
    "form",
    { class: "write-here-form" },
    field,
    el("div", { class: "write-here-actions" },
      el("button", { type: "submit", text: t("Add") }),
      el("button", { type: "button", class: "write-here-close", text: t("Close"), onclick: () => close() }),
    ),
  );
  const slot = el("div", { class: "write-here" }, open, form);
  /** @type {Parts} */
  const parts = { slot, open, form, field, spot: null };
  const close = () => {
    form.hidden = true;
    open.hidden = false;
    parts.spot = null;
    labelOpen(parts);
    open.focus();
  };
  // a draft left in it shows at once: nothing typed hides behind a button
  form.hidden = field.value.trim() === "";
  open.addEventListener("click", () => openForm(parts));
  field.addEventListener("input", () => {
    if (field.value) localStorage.setItem(key, field.value);
    else localStorage.removeItem(key);
    page.typed();
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(); // the draft stays, and the button says so
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = field.value.trim();
    if (!text) return;
    page.write(areaId, text, parts.spot);
    parts.spot = null; // the next one flows in after it
    field.value = "";
    localStorage.removeItem(key);
    field.focus(); // ready for the next one
  });
  return parts;
}

/** @param {Parts} parts */
function openForm({ open, form, field }) {
  form.hidden = false;
  open.hidden = true;
  field.focus();
}

// a frame's paper: its own empty room, between and below its notes, a quadrant's cells (not
// a text, whose words a double click selects)
const PAPER = "ul.notes, .quadrant-grid, .quadrant-cell";

/**
 * A double click on a frame's paper on the canvas, where the form is offered: it opens, and
 * its next note goes where the click was, centred on it.
 * @param {HTMLElement} section
 * @param {Parts} parts
 * @param {MouseEvent} event
 */
function writeAt(section, parts, event) {
  const target = event.target;
  const paper = target === section || (target instanceof Element && target.matches(PAPER) && !target.closest(".group"));
  if (parts.slot.hidden || !paper || !matchMedia(WIDE).matches) return;
  const frame = section.getBoundingClientRect();
  const zoom = frame.width / section.offsetWidth || 1;
  const x = (event.clientX - frame.left) / zoom - section.clientLeft - NOTE_W / 2;
  const y = (event.clientY - frame.top) / zoom - section.clientTop - 24;
  parts.spot = { x: Math.round(Math.min(Math.max(0, x), section.clientWidth - NOTE_W)), y: Math.round(Math.max(0, y)) };
  openForm(parts);
}

// a closed form with a draft in it says so on its button, as the composer's does
/** @param {Parts} parts */
function labelOpen({ open, field }) {
  const text = field.value.trim() ? t("Continue your note") : t("Write here");
  if (open.textContent === text) return;
  open.replaceChildren(icon(field.value.trim() ? "pencil" : "plus"), text);
}
