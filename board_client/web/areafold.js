// @ts-check
// On a phone the board is one long column, and the areas of the phase may come after
// screens of notes in the areas before them. So while the facilitator shows some areas (a
// phase's), a phone folds the others to their heading and how many notes they hold: the
// phase's areas come within a few swipes, and every other area is a tap away. What a person
// opens or folds stays so until the facilitator shows other areas; an area someone is
// writing in is never folded away from under them. (DESIGN.md: phones are for writing and
// voting.) Laptops keep every frame on the canvas, the projector shows only the phase's.

import { nt } from "./i18n.js";
import { icon } from "./icons.js";
import { setText } from "./keyed.js";

/** @typedef {{toggle: HTMLButtonElement, label: HTMLSpanElement, summary: HTMLParagraphElement}} FoldParts */

/** @type {Map<string, {focus: string, open: boolean}>} area id -> this person's choice, while that focus lasts */
const chosen = new Map();
/** @type {WeakMap<HTMLElement, FoldParts>} an area's section -> its button and summary, made when it first folds */
const made = new WeakMap();

/**
 * Folds an area's section to its heading or opens it, and draws the heading to match.
 * @param {HTMLElement} section
 * @param {HTMLHeadingElement} title
 * @param {{id: string, title: string}} area
 * @param {{foldable: boolean, focus: string, notes: number, redraw: () => void}} how
 *   foldable: on a phone, not where the meeting is now; focus: which areas are, as a key;
 *   notes: how many it holds; redraw: draws the section again, after a tap
 */
export function foldArea(section, title, area, { foldable, focus, notes, redraw }) {
  if (chosen.get(area.id)?.focus !== focus) chosen.delete(area.id);
  let parts = made.get(section);
  if (!foldable) {
    section.removeAttribute("data-folded");
    if (parts?.toggle.isConnected) {
      parts.summary.remove();
      title.textContent = area.title; // the button goes with its text
    } else setText(title, area.title);
    return;
  }
  if (!parts) {
    parts = makeParts(section, area.id, redraw);
    made.set(section, parts);
  }
  const { toggle, label, summary } = parts;
  // someone writing in it (a note's editor, the group form) keeps it open while this focus lasts
  const active = document.activeElement;
  if (!chosen.has(area.id) && !section.hasAttribute("data-folded") && active !== toggle && section.contains(active)) {
    chosen.set(area.id, { focus, open: true });
  }
  const open = chosen.get(area.id)?.open ?? false;
  setText(label, area.title);
  if (!toggle.isConnected) title.replaceChildren(toggle);
  if (!summary.isConnected) title.after(summary);
  toggle.setAttribute("aria-expanded", String(open));
  toggle.dataset.focus = focus;
  section.toggleAttribute("data-folded", !open);
  summary.hidden = open;
  setText(summary, nt("{n} note", "{n} notes", notes, { n: notes }));
}

/**
 * @param {HTMLElement} section
 * @param {string} id the area's
 * @param {() => void} redraw
 * @returns {FoldParts}
 */
function makeParts(section, id, redraw) {
  const label = document.createElement("span");
  const summary = document.createElement("p");
  summary.id = `area-summary-${id}`;
  summary.className = "area-summary hint";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "fold-toggle";
  toggle.setAttribute("aria-describedby", summary.id);
  toggle.append(icon("chevron-down"), label);
  toggle.addEventListener("click", () => {
    const open = section.hasAttribute("data-folded");
    chosen.set(id, { focus: toggle.dataset.focus ?? "", open });
    redraw();
  });
  return { toggle, label, summary };
}
