// @ts-check
// The composer: the new-note form and the park form. On a phone (phone.css, <= 40rem) both
// are bottom sheets opened from a bar that stays at the bottom of the screen, so writing a
// note or parking an idea is one tap away from anywhere on a long board. The draft is kept
// in localStorage and in the field itself, so closing the sheet or reloading loses nothing.
// During breakouts a participant is told which group they are in and offered only its area.

/** @import { BoardState, Role } from "../types/board" */
/** @import { Connection } from "./connection.js" */
/** @import { BoardStore } from "./store.js" */

import { t } from "./i18n.js";
import { ScribeField } from "./scribe.js";
import { fillSelect, mayAddNotes, myGroup, offeredAreas } from "./views.js";

/**
 * The composer's elements (from board.html) and what it remembers between updates.
 * @typedef {object} Parts
 * @property {HTMLFormElement} form
 * @property {HTMLTextAreaElement} field
 * @property {HTMLSelectElement} select
 * @property {HTMLElement} bar
 * @property {HTMLButtonElement} write
 * @property {HTMLButtonElement} showParked
 * @property {HTMLElement} parking
 * @property {HTMLElement} banner
 * @property {string} draftKey
 * @property {string} options the areas offered, as JSON, when the select was last filled
 * @property {boolean} restricted whether the person may write in only some areas
 */

/** @typedef {{role: Role | null, me: string | null}} Viewer who looks at the board */

/** @type {Parts | null} */
let parts = null;
/** @type {ScribeField | null} a scribe's "For" field */
let scribe = null;

/**
 * One element of the page, of the kind the composer needs.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {{new (): T, prototype: T}} kind
 * @returns {T}
 */
function find(root, selector, kind) {
  const node = root.querySelector(selector);
  if (!(node instanceof kind)) throw new Error(`The board page has no ${kind.name} ${selector}.`);
  return node;
}

/**
 * @param {Connection} connection
 * @param {{root: HTMLElement, store: BoardStore, draftKey: string}} page
 */
export function setUpComposer(connection, { root, store, draftKey }) {
  const composer = {
    form: find(root, "#new-note", HTMLFormElement),
    field: find(root, "#note-text", HTMLTextAreaElement),
    select: find(root, "#note-area", HTMLSelectElement),
    bar: find(root, "#phone-bar", HTMLElement),
    write: find(root, "#write-note", HTMLButtonElement),
    showParked: find(root, "#show-parked", HTMLButtonElement),
    parking: find(root, "#parking", HTMLElement),
    banner: find(root, "#my-group", HTMLElement),
    draftKey,
    options: "",
    restricted: false,
  };
  parts = composer;
  scribe = new ScribeField(find(root, "#note-for", HTMLElement), `${draftKey}:for`);
  const { form, field, select, write, showParked, parking } = composer;
  const example = find(root, "#example", HTMLElement);
  const exampleBox = find(root, "#example-box", HTMLInputElement);
  const parkText = find(root, "#park-text", HTMLInputElement);
  field.value = localStorage.getItem(draftKey) ?? "";
  field.addEventListener("input", () => {
    localStorage.setItem(draftKey, field.value);
    labelWrite();
    typed(connection);
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = field.value.trim();
    const area = select.value || store.state?.areas[0]?.id;
    if (!text || !area) return;
    const asExample = !example.hidden && exampleBox.checked;
    const forName = scribe?.value();
    connection.send({ kind: "note.add", note: { id: crypto.randomUUID(), area, text, ...(asExample && { example: true }), ...(forName && { for_name: forName }) } });
    scribe?.sent();
    exampleBox.checked = false; // one example at a time: the next note is private again
    field.value = "";
    localStorage.removeItem(draftKey);
    labelWrite();
    field.focus();
  });
  find(root, "#park-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const text = parkText.value.trim();
    if (!text) return;
    connection.send({ kind: "idea.park", idea: { id: crypto.randomUUID(), text } });
    parkText.value = "";
    parkText.focus();
  });

  // the bar's two buttons open one sheet at a time; the same button (or Escape) closes it
  write.addEventListener("click", () => toggleSheet(form, write, field));
  showParked.addEventListener("click", () => toggleSheet(parking, showParked, parking));
  /** @type {[HTMLElement, HTMLButtonElement][]} */
  const sheets = [[form, write], [parking, showParked]];
  for (const [sheet, button] of sheets) {
    sheet.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || sheet.dataset.sheet !== "open") return;
      closeSheet(sheet, button);
      button.focus();
    });
  }
  fitAboveKeyboard();
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--phone-bar-height", `${composer.bar.offsetHeight}px`);
  }).observe(composer.bar);
  labelWrite();
}

/** @type {ReturnType<typeof setTimeout> | null} */
let typing = null;

/**
 * Tells the others this person is typing, until three seconds after their last key.
 * @param {Connection} connection
 */
export function typed(connection) {
  if (typing == null) connection.presence({ typing: true });
  else clearTimeout(typing);
  typing = setTimeout(() => {
    typing = null;
    connection.presence({ typing: false });
  }, 3000);
}

/**
 * @param {BoardState} state
 * @param {Viewer} view
 */
export function updateComposer(state, view) {
  if (!parts) return;
  const { form, select, bar, write, showParked, parking, banner } = parts;
  const writer = view.role === "facilitator" || view.role === "participant";
  form.hidden = !mayAddNotes(state, view);
  const group = view.role === "participant" && state.in_breakout ? myGroup(state, view.me) : null;
  const options = offeredAreas(state, view);
  parts.restricted = options.length < state.areas.length;
  const key = JSON.stringify(options);
  // rebuilt only when the choice changes, so an open menu is not closed under a thumb
  if (key !== parts.options) {
    parts.options = key;
    const mine = group && options.some(([id]) => id === group.area) ? group.area : null;
    fillSelect(select, options, mine ?? (select.value || state.focus?.[0]));
  }
  // private writing holds the facilitator's notes too, unless one is posted as an example
  find(form, "#example", HTMLElement).hidden = view.role !== "facilitator" || state.phase?.kind !== "individual";
  scribe?.update(state, view.me);
  banner.hidden = !group;
  if (group) {
    const name = (/** @type {string | null} */ id) => (id ? state.participants[id]?.name ?? "" : "");
    const leader = group.discussion_leader === view.me
      ? t("You lead your group's discussion.")
      : group.discussion_leader
        ? t("{name} leads your group's discussion.", { name: name(group.discussion_leader) })
        : "";
    const taker = group.note_taker === view.me
      ? t("You write your group's notes.")
      : group.note_taker
        ? t("{name} writes your group's notes.", { name: name(group.note_taker) })
        : "";
    banner.replaceChildren(
      el("strong", t("You are in {group}", { group: group.name })),
      leader ? el("span", leader) : "",
      taker ? el("span", taker) : "",
    );
  }
  const park = parking.querySelector("#park-form");
  if (park instanceof HTMLElement) park.hidden = !writer || state.closed;
  write.hidden = form.hidden;
  if (form.hidden) closeSheet(form, write);
  showParked.textContent = t("Parked ideas ({n})", { n: Object.keys(state.parked ?? {}).length });
  bar.hidden = false;
}

// "Follow me": the area the facilitator shows becomes the composer's, unless the person is
// choosing one now or may write only in their group's
/** @param {string} area */
export function followFocus(area) {
  if (!parts || parts.restricted || document.activeElement === parts.select) return;
  const select = parts.select;
  if ([...select.options].some((o) => o.value === area)) select.value = area;
}

export function hideComposer() {
  if (!parts) return;
  parts.form.hidden = true;
  parts.write.hidden = true;
  closeSheet(parts.form, parts.write);
}

/**
 * @param {HTMLElement} sheet
 * @param {HTMLButtonElement} button what opens and closes it
 * @param {HTMLElement} focus what gets the focus when it opens
 */
function toggleSheet(sheet, button, focus) {
  if (!parts) return;
  if (sheet.dataset.sheet === "open") {
    closeSheet(sheet, button);
    return;
  }
  closeSheet(parts.form, parts.write);
  closeSheet(parts.parking, parts.showParked);
  sheet.dataset.sheet = "open";
  button.setAttribute("aria-expanded", "true");
  labelWrite();
  if (focus === sheet) sheet.tabIndex = -1;
  focus.focus();
}

/**
 * @param {HTMLElement} sheet
 * @param {HTMLButtonElement} button
 */
function closeSheet(sheet, button) {
  delete sheet.dataset.sheet;
  button.setAttribute("aria-expanded", "false");
  if (sheet === parts?.form) labelWrite();
}

// a closed sheet with a draft in it says so on its button
function labelWrite() {
  if (!parts) return;
  const draft = parts.form.dataset.sheet !== "open" && parts.field.value.trim();
  parts.write.textContent = draft ? t("Continue your note") : t("Write a note");
}

// The on-screen keyboard covers the bottom of the layout viewport, where the bar and the
// sheets are fixed: lift them by the part the keyboard takes (not while pinch-zoomed).
function fitAboveKeyboard() {
  const viewport = window.visualViewport;
  if (!viewport) return;
  const fit = () => {
    const covered = window.innerHeight - viewport.height - viewport.offsetTop;
    const inset = viewport.scale > 1.01 ? 0 : Math.max(0, Math.round(covered));
    document.documentElement.style.setProperty("--keyboard-inset", `${inset}px`);
  };
  viewport.addEventListener("resize", fit);
  viewport.addEventListener("scroll", fit);
  fit();
}

/**
 * @param {keyof HTMLElementTagNameMap} tag
 * @param {string} text
 */
function el(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}
