// @ts-check
// Quadrant areas: a 2x2 frame for prioritising (effect/effort), each axis named by what
// grows along it, x from low (left) to high (right), y from low (bottom) to high (top).
// A note keeps its x, y; its cell follows from them with the same fixed geometry as
// server/board/quadrant.py, so every screen and every record puts it in the same cell.
//
// On the canvas the frame draws the grid and the axes behind its notes (views.js places
// the notes, those not placed yet below the grid); in one column (phones) and on the
// projector the cells are four lists under their names; the list view and the note menu
// ("Place in quadrant") name the cells by their axes.

import { t } from "./i18n.js";

export const AXIS = 40; // the gutter on the left where the y axis is named
export const CELL = 360; // a cell's side: two columns of notes
export const GRID_TOP = 120; // below the frame's title and prompt
export const BELOW_GRID = GRID_TOP + 2 * CELL + 56; // notes not placed yet flow from here
const ANCHOR_X = 80; // a note's cell is the one holding this point of it
const ANCHOR_Y = 56;
const NOTE_W = 160;
const SLOT_W = NOTE_W + 12;
const SLOT_H = 140;

/** @typedef {{x: string, y: string}} Axes */
/** @typedef {"low" | "high"} Level */
/** @typedef {[Level, Level]} Cell (y, x) */
/** @typedef {{id: string, area: string, x?: number | null, y?: number | null}} Placed */

/** @type {Cell[]} reading order: the top row (high y) first, left to right */
export const CELLS = [
  ["high", "low"],
  ["high", "high"],
  ["low", "low"],
  ["low", "high"],
];

/**
 * The cell a note is in, or null when it is not placed in one.
 * @param {{x?: number | null, y?: number | null}} note
 * @returns {Cell | null}
 */
export function cellOf(note) {
  if (note.x == null || note.y == null) return null;
  const across = note.x + ANCHOR_X - AXIS;
  const down = note.y + ANCHOR_Y - GRID_TOP;
  if (!(across >= 0 && across < 2 * CELL && down >= 0 && down < 2 * CELL)) return null;
  return [down < CELL ? "high" : "low", across < CELL ? "low" : "high"];
}

/** @param {Cell | null} a @param {Cell | null} b */
const same = (a, b) => Boolean(a && b && a[0] === b[0] && a[1] === b[1]);

/** "Effect" reads "effect" inside a phrase; "ROI" stays "ROI". @param {string} name */
function midSentence(name) {
  const second = name.slice(1, 2);
  return second && second !== second.toUpperCase() ? name[0].toLowerCase() + name.slice(1) : name;
}

/**
 * "High effect, low effort": the y axis first, as people say it.
 * @param {Cell} cell
 * @param {Axes} axes
 */
export function cellLabel(cell, axes) {
  const names = { y: midSentence(axes.y), x: midSentence(axes.x) };
  if (cell[0] === "high") return cell[1] === "low" ? t("High {y}, low {x}", names) : t("High {y}, high {x}", names);
  return cell[1] === "low" ? t("Low {y}, low {x}", names) : t("Low {y}, high {x}", names);
}

/**
 * Where a note goes when it is placed in `cell` by the menu: the first of the cell's four
 * slots that no other note covers (else a little below and right of the first).
 * @param {Placed[]} notes the area's other notes
 * @param {Cell} cell
 */
export function placeInCell(notes, cell) {
  const left = AXIS + (cell[1] === "high" ? CELL : 0) + 16;
  const top = GRID_TOP + (cell[0] === "high" ? 0 : CELL) + 16;
  const slots = [0, 1, 2, 3].map((k) => ({ x: left + (k % 2) * SLOT_W, y: top + Math.floor(k / 2) * SLOT_H }));
  const taken = notes.filter((n) => n.x != null && n.y != null && same(cellOf(n), cell));
  const free = slots.find((s) => !taken.some((n) => Math.abs((n.x ?? 0) - s.x) < NOTE_W && Math.abs((n.y ?? 0) - s.y) < 100));
  const k = taken.length % 8;
  return free ?? { x: left + 8 * k, y: top + 8 * k };
}

/**
 * "Place in quadrant" for the note menu: the four cells, the note's own checked.
 * @param {Placed & {group?: string | null}} note
 * @param {{axes: Axes}} area
 * @param {Placed[]} notes the board's notes
 * @param {(cell: Cell, x: number, y: number) => void} place
 */
export function placeMenuItem(note, area, notes, place) {
  const here = cellOf(note);
  return {
    label: t("Place in quadrant"),
    items: () =>
      CELLS.map((cell) => ({
        label: cellLabel(cell, area.axes),
        checked: same(here, cell),
        run: () => {
          if (same(here, cell)) return;
          const others = notes.filter((n) => n.area === note.area && n.id !== note.id);
          const { x, y } = placeInCell(others, cell);
          place(cell, x, y);
        },
      })),
  };
}

/**
 * A quadrant's notes by cell, in reading order, and those not placed yet.
 * @template {{x?: number | null, y?: number | null}} N
 * @param {N[]} notes
 * @returns {{cell: Cell | null, notes: N[]}[]}
 */
export function byCell(notes) {
  return [...CELLS, null].map((cell) => ({ cell, notes: notes.filter((n) => (cell ? same(cellOf(n), cell) : !cellOf(n))) }));
}

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

const drawn = new WeakMap(); // section -> {axes key, grid, cells}

/**
 * Keeps a frame's quadrant parts in step with its area: the grid and axes drawn on the
 * canvas (behind the notes, not read out: the list view and the cell lists say the same),
 * a sentence for screen readers, and in one column the cells as lists, each `ul.notes`
 * filled by `renderNotes`.
 * @param {HTMLElement} section the area's frame
 * @param {{id: string, axes?: Axes}} area
 * @param {boolean} canvas the canvas is on (else: one column or the projector)
 * @param {{note: {x?: number | null, y?: number | null}}[]} loose the frame's notes outside groups
 * @param {(list: HTMLElement, items: any[]) => void} renderNotes
 * @returns {boolean} whether the cell lists took the notes (views.js then leaves its list empty)
 */
export function updateQuadrant(section, area, canvas, loose, renderNotes) {
  section.classList.toggle("area--quadrant", Boolean(area.axes));
  let parts = drawn.get(section);
  if (!area.axes) {
    parts?.grid.remove();
    parts?.about.remove();
    parts?.cells.remove();
    drawn.delete(section);
    return false;
  }
  const key = `${area.axes.x}\n${area.axes.y}\n${document.documentElement.lang}`;
  if (parts?.key !== key) {
    parts?.grid.remove();
    parts?.about.remove();
    parts?.cells.remove();
    parts = { key, ...build(area.id, area.axes) };
    drawn.set(section, parts);
    section.querySelector(".area-prompt")?.after(parts.about, parts.grid, parts.cells);
  }
  parts.grid.hidden = !canvas;
  parts.cells.hidden = canvas;
  if (canvas) {
    for (const list of parts.lists) renderNotes(list, []);
    return false;
  }
  byCell(loose.map((item) => ({ ...item, x: item.note.x, y: item.note.y }))).forEach(({ notes }, i) => {
    renderNotes(parts.lists[i], notes);
    parts.empties[i].hidden = notes.length > 0;
  });
  parts.lists[4].parentElement.hidden = !parts.lists[4].children.length; // "not placed yet"
  return true;
}

/**
 * @param {string} id
 * @param {Axes} axes
 */
function build(id, axes) {
  const about = make("p", "visually-hidden", t("A quadrant: {x} grows from left to right, {y} from bottom to top.", { x: axes.x, y: axes.y }));
  // the canvas's grid: four cells, the y axis named up the left, the x axis along the bottom
  const grid = make("div", "quadrant-grid");
  grid.setAttribute("aria-hidden", "true");
  for (const cell of CELLS) grid.append(make("div", `quadrant-cell quadrant-cell--${cell[0]}-${cell[1]}`, cellLabel(cell, axes)));
  const yAxis = make("div", "quadrant-axis quadrant-axis--y");
  yAxis.append(make("span", "quadrant-end", t("Low")), make("span", "quadrant-name", `${axes.y} →`), make("span", "quadrant-end", t("High")));
  const xAxis = make("div", "quadrant-axis quadrant-axis--x");
  xAxis.append(make("span", "quadrant-end", t("Low")), make("span", "quadrant-name", `${axes.x} →`), make("span", "quadrant-end", t("High")));
  grid.append(yAxis, xAxis);
  // one column and the projector: a list per cell, under its name
  const cells = make("div", "quadrant-cells");
  const lists = [];
  const empties = [];
  for (const cell of [...CELLS, null]) {
    const box = make("section", `quadrant-list${cell ? ` quadrant-list--${cell[0]}-${cell[1]}` : " quadrant-list--unplaced"}`);
    const headingId = `quadrant-${id}-${cell ? cell.join("-") : "unplaced"}`;
    const heading = make("h3", "", cell ? cellLabel(cell, axes) : t("Not placed yet"));
    heading.id = headingId;
    box.setAttribute("aria-labelledby", headingId);
    const list = make("ul", "notes");
    const empty = make("p", "empty", t("No notes yet."));
    box.append(heading, list, empty);
    if (!cell) empty.remove();
    lists.push(list);
    empties.push(empty);
    cells.append(box);
  }
  return { about, grid, cells, lists, empties };
}

/**
 * The list view's parts for a quadrant: each cell's heading over its notes.
 * @template {{x?: number | null, y?: number | null}} N
 * @param {{axes: Axes}} area
 * @param {N[]} notes its notes outside groups
 * @param {(notes: N[]) => HTMLElement} listOf
 * @returns {HTMLElement[]}
 */
export function quadrantList(area, notes, listOf) {
  return byCell(notes).flatMap(({ cell, notes: here }) => {
    if (!cell && !here.length) return [];
    const heading = make("h3", "", cell ? cellLabel(cell, area.axes) : t("Not placed yet"));
    return [heading, here.length ? listOf(here) : make("p", "", t("No notes yet."))];
  });
}

/**
 * A note in a quadrant says which cell it is in to a screen reader, on the canvas too.
 * @param {HTMLElement} article
 * @param {{x?: number | null, y?: number | null}} note
 * @param {{axes?: Axes}} area
 */
export function describeCell(article, note, area) {
  const cell = area.axes ? cellOf(note) : null;
  const text = area.axes ? (cell ? cellLabel(cell, area.axes) : t("Not placed yet")) : null;
  if (text === article.getAttribute("aria-description")) return;
  if (text) article.setAttribute("aria-description", text);
  else article.removeAttribute("aria-description");
}
