// @ts-check
// Links between notes ("these two belong together", "these two contradict each other"):
// drawn as lines on the canvas, listed in the list view (views.js), made from a note's menu
// by choosing the other note, and marked or removed from either note's menu.

/** @import { BoardState, Link, Note } from "../types/board" */

import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

/**
 * The lines of `state`'s links over the canvas's world (`.canvas-world` in `viewport`),
 * in the world's own units, so pan and zoom move them with the notes. Only links whose two
 * notes are drawn: a private note's link shows to its author alone, as the note does.
 * @param {HTMLElement} viewport
 * @param {BoardState} state
 */
export function drawLinks(viewport, state) {
  const world = /** @type {HTMLElement | null} */ (viewport.querySelector(".canvas-world"));
  let svg = /** @type {SVGSVGElement | null} */ (viewport.querySelector("svg.note-links"));
  if (!world) {
    svg?.remove();
    return;
  }
  if (!svg) {
    svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG, "svg"));
    svg.classList.add("note-links");
    svg.setAttribute("aria-hidden", "true"); // the list view says the same in words
    svg.setAttribute("width", "1");
    svg.setAttribute("height", "1");
    world.after(svg);
    const follow = () => {
      if (svg) svg.style.transform = world.style.transform;
    };
    new MutationObserver(follow).observe(world, { attributes: true, attributeFilter: ["style"] });
    follow();
  }
  const zoom = new DOMMatrix(getComputedStyle(world).transform).a || 1;
  const origin = world.getBoundingClientRect();
  /** @param {string} id a note's box in the world's units */
  const box = (id) => {
    const note = world.querySelector(`.note[data-note-id="${CSS.escape(id)}"]`);
    if (!(note instanceof HTMLElement) || !note.checkVisibility()) return null;
    const r = note.getBoundingClientRect();
    const x = (r.left - origin.left) / zoom;
    const y = (r.top - origin.top) / zoom;
    return { x, y, w: r.width / zoom, h: r.height / zoom };
  };
  const lines = [];
  for (const link of Object.values(state.links ?? {})) {
    const [from, to] = [box(link.a), box(link.b)];
    if (!from || !to) continue;
    // from edge to edge, so the line never crosses the notes' text
    const a = edge(from, to);
    const b = edge(to, from);
    const line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", String(a.x));
    line.setAttribute("y1", String(a.y));
    line.setAttribute("x2", String(b.x));
    line.setAttribute("y2", String(b.y));
    line.classList.add(link.contradiction ? "link-contradiction" : "link-connection");
    line.dataset.linkId = link.id;
    lines.push(line);
  }
  svg.replaceChildren(...lines);
}

/**
 * Where the line from the centre of `box` towards the centre of `other` leaves `box`.
 * @param {{ x: number, y: number, w: number, h: number }} box
 * @param {{ x: number, y: number, w: number, h: number }} other
 */
function edge(box, other) {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const dx = other.x + other.w / 2 - cx;
  const dy = other.y + other.h / 2 - cy;
  const scale = Math.min(dx ? box.w / 2 / Math.abs(dx) : Infinity, dy ? box.h / 2 / Math.abs(dy) : Infinity, 1);
  return { x: cx + dx * scale, y: cy + dy * scale };
}

/**
 * The links of `note`, each with the other note.
 * @param {BoardState} state
 * @param {Note} note
 * @returns {{ link: Link, other: Note }[]}
 */
export function linksOf(state, note) {
  const found = [];
  for (const link of Object.values(state.links ?? {})) {
    const otherId = link.a === note.id ? link.b : link.b === note.id ? link.a : null;
    const other = otherId ? state.notes[otherId] : undefined;
    if (other) found.push({ link, other });
  }
  return found;
}

/**
 * A note's text as a menu or a list names it: its first words.
 * @param {Note} note
 */
export function shortText(note) {
  const text = note.text || t("a note not shown yet");
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
