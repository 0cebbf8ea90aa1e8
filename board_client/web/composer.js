// The composer: the new-note form and the park form. On a phone (phone.css, <= 40rem) both
// are bottom sheets opened from a bar that stays at the bottom of the screen, so writing a
// note or parking an idea is one tap away from anywhere on a long board. The draft is kept
// in localStorage and in the field itself, so closing the sheet or reloading loses nothing.
// During breakouts a participant is told which group they are in and offered only its area.

import { t } from "./i18n.js";
import { fillSelect } from "./views.js";

let parts = null;

export function setUpComposer(connection, { root, store, draftKey }) {
  const $ = (selector) => root.querySelector(selector);
  parts = {
    form: $("#new-note"),
    field: $("#note-text"),
    select: $("#note-area"),
    bar: $("#phone-bar"),
    write: $("#write-note"),
    showParked: $("#show-parked"),
    parking: $("#parking"),
    banner: $("#my-group"),
    draftKey,
    options: "",
    restricted: false,
  };
  const { form, field, select, write, showParked, parking } = parts;
  field.value = localStorage.getItem(draftKey) ?? "";
  let typing = null;
  field.addEventListener("input", () => {
    localStorage.setItem(draftKey, field.value);
    labelWrite();
    if (!typing) connection.presence({ typing: true });
    clearTimeout(typing);
    typing = setTimeout(() => {
      typing = null;
      connection.presence({ typing: false });
    }, 3000);
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
    const example = !$("#example").hidden && $("#example-box").checked;
    connection.send({ kind: "note.add", note: { id: crypto.randomUUID(), area, text, ...(example && { example }) } });
    $("#example-box").checked = false; // one example at a time: the next note is private again
    field.value = "";
    localStorage.removeItem(draftKey);
    labelWrite();
    field.focus();
  });
  $("#park-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("#park-text");
    const text = input.value.trim();
    if (!text) return;
    connection.send({ kind: "idea.park", idea: { id: crypto.randomUUID(), text } });
    input.value = "";
    input.focus();
  });

  // the bar's two buttons open one sheet at a time; the same button (or Escape) closes it
  write.addEventListener("click", () => toggleSheet(form, write, field));
  showParked.addEventListener("click", () => toggleSheet(parking, showParked, parking));
  for (const [sheet, button] of [[form, write], [parking, showParked]]) {
    sheet.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || sheet.dataset.sheet !== "open") return;
      closeSheet(sheet, button);
      button.focus();
    });
  }
  fitAboveKeyboard();
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--phone-bar-height", `${parts.bar.offsetHeight}px`);
  }).observe(parts.bar);
  labelWrite();
}

export function updateComposer(state, view) {
  if (!parts) return;
  const { form, select, bar, write, showParked, parking, banner } = parts;
  const writer = view.role === "facilitator" || view.role === "participant";
  form.hidden = !writer || state.closed || (state.locked && view.role !== "facilitator");
  const group = view.role === "participant" && state.in_breakout ? myGroup(state, view.me) : null;
  const options = offeredAreas(state, view, group);
  parts.restricted = options.length < state.areas.length;
  const key = JSON.stringify(options);
  // rebuilt only when the choice changes, so an open menu is not closed under a thumb
  if (key !== parts.options) {
    parts.options = key;
    const mine = group && options.some(([id]) => id === group.area) ? group.area : null;
    fillSelect(select, options, mine ?? (select.value || state.focus?.[0]));
  }
  // private writing holds the facilitator's notes too, unless one is posted as an example
  form.querySelector("#example").hidden = view.role !== "facilitator" || state.phase?.kind !== "individual";
  banner.hidden = !group;
  if (group) {
    const taker = group.note_taker && group.note_taker !== view.me ? state.participants[group.note_taker] : null;
    banner.replaceChildren(
      el("strong", t("You are in {group}", { group: group.name })),
      taker ? el("span", t("{name} writes your group's notes.", { name: taker.name })) : "",
    );
  }
  const park = parking.querySelector("#park-form");
  if (park) park.hidden = !writer || state.closed;
  write.hidden = form.hidden;
  if (form.hidden) closeSheet(form, write);
  showParked.textContent = t("Parked ideas ({n})", { n: Object.keys(state.parked ?? {}).length });
  bar.hidden = false;
}

// "Follow me": the area the facilitator shows becomes the composer's, unless the person is
// choosing one now or may write only in their group's
export function followFocus(area) {
  if (!parts || parts.restricted || document.activeElement === parts.select) return;
  if ([...parts.select.options].some((o) => o.value === area)) parts.select.value = area;
}

export function hideComposer() {
  if (!parts) return;
  parts.form.hidden = true;
  parts.write.hidden = true;
  closeSheet(parts.form, parts.write);
}

function myGroup(state, me) {
  return Object.values(state.breakouts ?? {}).find((g) => g.members.includes(me) || g.note_taker === me) ?? null;
}

// the areas a person may write in now (facilitation.may_write_in): a participant in a
// breakout group has only their group's area; everyone else every area but the other groups'
function offeredAreas(state, view, group) {
  const all = state.areas.map((a) => [a.id, a.title]);
  if (view.role !== "participant" || !state.in_breakout) return all;
  const groupAreas = new Set(Object.values(state.breakouts ?? {}).map((g) => g.area));
  const mayWrite = group && (!group.note_taker || group.note_taker === view.me);
  if (mayWrite) return all.filter(([id]) => id === group.area);
  return all.filter(([id]) => !groupAreas.has(id));
}

function toggleSheet(sheet, button, focus) {
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

function closeSheet(sheet, button) {
  delete sheet.dataset.sheet;
  button.setAttribute("aria-expanded", "false");
  if (sheet === parts.form) labelWrite();
}

// a closed sheet with a draft in it says so on its button
function labelWrite() {
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

function el(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}
