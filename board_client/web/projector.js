// @ts-check
// The projector: a poster for the room, read from 8 metres away. It never scrolls. Each
// area's notes grow to fill their frame; with more notes they shrink, down to the projector's
// minimum text size; past that the area shows as many as fit, says "+N more", and turns to
// the next page of notes every few seconds until every note has been shown.
//
// The minimum text size is 20 px on a screen 1080 pixels high and in proportion on others:
// 20 px × innerHeight / 1080 (`--p-min` in projector.css). views.js draws the notes; this
// module only sizes and pages them, and writes the room's own voting line in place of the
// per-person one ("you have 3 of 3 votes left" means nothing on a wall).

/** @import { BoardState } from "../types/board" */

import { t } from "./i18n.js";

const TURN_EVERY_MS = 8000;
const LARGEST = 1.6; // note text grows to at most 1.6 × the minimum
const SEARCH_STEPS = 5; // halvings between the minimum and LARGEST: within 2 %
const CONTRAST_KEY = "planche:projector:contrast";

/** @type {HTMLElement | null} the page's main landmark, once set up */
let root = null;
let scheduled = false;
/** @type {Map<string, string>} a paged container (an area, the parking strip) → the key of the first item on its page */
const firstShown = new Map();
/** @type {Map<string, string>} and → the key of the first item on the page after it */
const nextShown = new Map();

/**
 * The elements under `parent` that `selector` finds, as HTML elements.
 * @param {ParentNode} parent
 * @param {string} selector
 * @returns {HTMLElement[]}
 */
function all(parent, selector) {
  return [...parent.querySelectorAll(selector)].filter((node) => node instanceof HTMLElement);
}

// Called after every render of the projector; fits in the next frame, before it is painted.
/**
 * @param {HTMLElement} main the page's main landmark
 * @param {BoardState} state
 */
export function fitProjector(main, state) {
  if (!root) setUp(main);
  showVoting(main, state);
  schedule();
}

/** @param {HTMLElement} main */
function setUp(main) {
  root = main;
  const toggle = main.querySelector("#projector-contrast");
  const areas = main.querySelector("#areas");
  if (!toggle || !areas) return;
  /** @param {boolean} on */
  const apply = (on) => {
    document.body.classList.toggle("projector-contrast", on);
    toggle.setAttribute("aria-pressed", String(on));
  };
  apply(localStorage.getItem(CONTRAST_KEY) === "on");
  toggle.addEventListener("click", () => {
    const on = toggle.getAttribute("aria-pressed") !== "true";
    localStorage.setItem(CONTRAST_KEY, on ? "on" : "off");
    apply(on);
    schedule();
  });
  // the areas' room changes with the window, the header's text, the parking strip, fonts
  new ResizeObserver(schedule).observe(areas);
  document.fonts?.ready.then(schedule);
  setInterval(turnPages, TURN_EVERY_MS);
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    fitAll();
  });
}

// Only what the whole room shares: how many votes each has, how many are cast.
/**
 * @param {HTMLElement} main
 * @param {BoardState} state
 */
function showVoting(main, state) {
  const line = main.querySelector("#projector-voting");
  if (!(line instanceof HTMLElement)) return;
  const voting = state.voting;
  line.hidden = !voting;
  if (!voting) return;
  if (voting.closed) {
    line.textContent = t("Voting is closed. The results are shown on the notes.");
    return;
  }
  const area = voting.area ? state.areas.find((a) => a.id === voting.area)?.title : null;
  line.textContent = [
    t("Voting is open. Votes per person: {n}.", { n: voting.per_person }),
    area ? t("Vote in: {area}.", { area }) : null,
    t("Votes cast so far: {n}.", { n: Object.values(voting.votes).flat().length }),
  ]
    .filter(Boolean)
    .join(" ");
}

function fitAll() {
  const box = root?.querySelector("#areas");
  if (!root || !(box instanceof HTMLElement)) return;
  const areas = all(box, ":scope > section.area");
  // a crowded area gets more of the width than one with a note or two
  for (const area of areas) {
    const notes = area.querySelectorAll("ul.notes > li").length;
    area.style.setProperty("--area-weight", String(Math.min(3, Math.max(0.75, Math.sqrt(notes) / 2))));
  }
  // too many areas for one row wrap to more, as many in each; the rows share the height
  box.style.removeProperty("--area-min");
  const rows = new Set(areas.map((area) => area.offsetTop)).size || 1;
  box.style.setProperty("--area-rows", String(rows));
  if (rows > 1) {
    const perRow = Math.ceil(areas.length / rows);
    box.style.setProperty("--area-min", `calc((100% - ${perRow - 1} * 0.6rem) / ${perRow} - 1px)`);
  }
  fitAreas(areas);
  const parking = root.querySelector("#parking");
  if (parking instanceof HTMLElement) page(parking, all(parking, "#parked > li.idea"), "parking");
}

/**
 * What a paged item is, across updates: its note's id or its idea's id.
 * @param {HTMLElement} li
 * @param {number} index
 */
function itemKey(li, index) {
  return li.querySelector("[data-note-id]")?.getAttribute("data-note-id") ?? li.dataset.ideaId ?? `#${index}`;
}

// Each area's notes at the largest size at which the whole area fits; an area where none
// does pages at the minimum. The areas' sizes do not depend on their notes, so all are
// searched together: one layout per step, not one per step and area.
/** @param {HTMLElement[]} areas */
function fitAreas(areas) {
  const items = new Map(areas.map((area) => [area, all(area, "ul.notes > li")]));
  const itemsOf = (/** @type {HTMLElement} */ area) => items.get(area) ?? [];
  for (const area of areas) {
    showAll(area, itemsOf(area));
    delete area.dataset.words;
  }
  /**
   * @param {HTMLElement[]} list
   * @param {number} scale
   */
  const fitting = (list, scale) => {
    for (const area of list) area.style.setProperty("--note-scale", String(scale));
    return list.map(fits);
  };
  const largest = fitting(areas, LARGEST);
  const rest = areas.filter((_, i) => !largest[i]);
  const smallest = fitting(rest, 1);
  const search = rest.filter((_, i) => smallest[i]);
  for (const area of rest.filter((_, i) => !smallest[i])) {
    // a word wider than a note even at the minimum size (a web address) may break
    if (!wordsFit(area)) area.dataset.words = "break";
    if (!fits(area)) pageArea(area, itemsOf(area));
    else forget(keyOf(area));
  }
  for (const area of areas.filter((_, i) => largest[i]).concat(search)) forget(keyOf(area));
  /** @type {[low: number, high: number][]} */
  const bounds = search.map(() => [1, LARGEST]);
  for (let step = 0; step < SEARCH_STEPS && search.length; step++) {
    const middles = bounds.map(([low, high]) => (low + high) / 2);
    search.forEach((area, i) => area.style.setProperty("--note-scale", String(middles[i])));
    search.map(fits).forEach((ok, i) => (bounds[i][ok ? 0 : 1] = middles[i]));
  }
  search.forEach((area, i) => area.style.setProperty("--note-scale", String(bounds[i][0])));
}

/** @param {HTMLElement} area */
function keyOf(area) {
  return `area:${area.getAttribute("aria-labelledby")}`;
}

/** @param {HTMLElement} section */
function fits(section) {
  return section.scrollHeight <= section.clientHeight + 1 && wordsFit(section) && cellsOf(section).every(fitsBox);
}

/** @param {HTMLElement} box */
const fitsBox = (box) => box.scrollHeight <= box.clientHeight + 1;

// a quadrant's cells (quadrant.js) share its height two by two: each pages on its own
/** @param {HTMLElement} area */
const cellsOf = (area) => all(area, ".quadrant-list");

/**
 * @param {HTMLElement} area
 * @param {HTMLElement[]} items
 */
function pageArea(area, items) {
  const cells = cellsOf(area);
  if (!cells.length) return page(area, items, keyOf(area));
  cells.forEach((cell, i) => page(cell, all(cell, "ul.notes > li"), `${keyOf(area)}:${i}`));
}

// Words are not broken to make text larger: a note's words must fit its width whole.
/** @param {HTMLElement} section */
function wordsFit(section) {
  for (const text of section.querySelectorAll(".note-text")) {
    if (text.scrollWidth > text.clientWidth + 1) return false;
  }
  return true;
}

/**
 * @param {HTMLElement} container
 * @param {HTMLElement[]} items
 */
function showAll(container, items) {
  for (const li of items) li.removeAttribute("data-page-off");
  for (const group of container.querySelectorAll("section.group")) group.removeAttribute("data-page-off");
  delete container.dataset.more;
  for (const inner of all(container, "[data-more]")) delete inner.dataset.more;
}

/** @param {string} key */
function forget(key) {
  for (const k of [...firstShown.keys(), ...nextShown.keys()]) {
    if (k === key || k.startsWith(`${key}:`)) {
      firstShown.delete(k);
      nextShown.delete(k);
    }
  }
}

// Shows the items from this container's current page on, as many as fit, and "+N more".
/**
 * @param {HTMLElement} container
 * @param {HTMLElement[]} items
 * @param {string} key the container's, in firstShown and nextShown
 */
function page(container, items, key) {
  showAll(container, items);
  if (container.scrollHeight <= container.clientHeight + 1) {
    forget(key);
    return;
  }
  const keys = items.map(itemKey);
  const first = firstShown.get(key);
  const start = first == null ? 0 : Math.max(0, keys.indexOf(first));
  container.dataset.more = t("+{n} more", { n: items.length }); // its room is kept while measuring
  items.forEach((li, i) => li.toggleAttribute("data-page-off", i < start));
  hideEmptyGroups(container);
  const box = container.getBoundingClientRect();
  const style = getComputedStyle(container);
  const limit = box.bottom - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth);
  const bottom = (/** @type {HTMLElement} */ li) => {
    const group = li.parentElement?.closest("section.group"); // its frame ends below the note
    const frame = group ? getComputedStyle(group) : null;
    const below = frame ? parseFloat(frame.paddingBottom) + parseFloat(frame.borderBottomWidth) : 0;
    return li.getBoundingClientRect().bottom + below;
  };
  let end = start;
  while (end < items.length && bottom(items[end]) <= limit + 0.5) end++;
  end = Math.max(end, start + 1); // one note too long for the frame is still shown, cut off
  items.forEach((li, i) => li.toggleAttribute("data-page-off", i < start || i >= end));
  hideEmptyGroups(container);
  container.dataset.more = t("+{n} more", { n: items.length - (end - start) });
  firstShown.set(key, keys[start]);
  nextShown.set(key, keys[end] ?? keys[0]);
}

/** @param {HTMLElement} container */
function hideEmptyGroups(container) {
  for (const group of container.querySelectorAll("section.group")) {
    group.toggleAttribute("data-page-off", !group.querySelector("ul.notes > li:not([data-page-off])"));
  }
}

function turnPages() {
  if (!root || !nextShown.size) return;
  const turned = [...nextShown.keys()];
  for (const [key, next] of nextShown) firstShown.set(key, next);
  fitAll();
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) return;
  for (const key of turned) {
    const container = key === "parking"
      ? root.querySelector("#parking")
      : root.querySelector(`section.area[aria-labelledby="${CSS.escape(key.slice(5))}"]`);
    for (const li of container?.querySelectorAll("li:not([data-page-off])") ?? []) {
      li.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 400, easing: "ease-out" });
    }
  }
}
