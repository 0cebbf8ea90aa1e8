// @ts-check
// Reactions on a note (reaction.toggle): five fixed ones, each person's own, counted on the
// note as small badges. A writer toggles one by its badge, by the note's heart button, or
// from the note's menu ("React", three keys from the note); the projector and a viewer see
// the counts only. None on a note still private (server/board/reactions.py).

import { icon } from "./icons.js";
import { nt, t } from "./i18n.js";
import { el } from "./views.js";

/** @import { BoardState, Note } from "../types/board" */
/** @import { MenuItem } from "./notemenu.js" */

/** the fixed set, in the order the server keeps (server/board/ops.py REACTIONS) */
export const REACTIONS = /** @type {const} */ (["agree", "important", "idea", "question", "thanks"]);
/** @type {Record<string, string>} */
const ICONS = { agree: "thumbs-up", important: "star", idea: "lightbulb", question: "help", thanks: "heart" };

/** @param {string} reaction */
export function reactionName(reaction) {
  /** @type {Record<string, string>} */
  const names = { agree: t("Agree"), important: t("Important"), idea: t("Good idea"), question: t("Question"), thanks: t("Thanks") };
  return names[reaction] ?? reaction;
}

/**
 * "3 people reacted: Agree"
 * @param {string} reaction
 * @param {number} n
 */
export function reactedText(reaction, n) {
  return nt("{n} person reacted: {reaction}", "{n} people reacted: {reaction}", n, { n, reaction: reactionName(reaction) });
}

/**
 * Who reacted how on the note.
 * @param {BoardState} state
 * @param {string} noteId
 * @returns {Record<string, string[]>}
 */
function on(state, noteId) {
  return state.reactions?.[noteId] ?? {};
}

/**
 * The note's reactions in words, for the list view ("" when none).
 * @param {BoardState} state
 * @param {string} noteId
 */
export function reactionsText(state, noteId) {
  const given = on(state, noteId);
  return REACTIONS.filter((r) => given[r]?.length)
    .map((r) => reactedText(r, given[r].length))
    .join("; ");
}

/**
 * Whether this person may react on the note now.
 * @param {BoardState} state
 * @param {Note} note
 * @param {boolean} writer
 */
export function mayReact(state, note, writer) {
  return writer && !note.private && !state.closed && !("optimistic" in note && note.optimistic);
}

/**
 * The note's menu's "React" submenu: one item per reaction, checked when mine.
 * @param {BoardState} state
 * @param {Note} note
 * @param {string | null} me
 * @param {(reaction: string) => void} toggle
 * @returns {MenuItem}
 */
export function reactMenuItem(state, note, me, toggle) {
  return { label: t("React"), items: () => reactionItems(state, note, me, toggle) };
}

/**
 * @param {BoardState} state
 * @param {Note} note
 * @param {string | null} me
 * @param {(reaction: string) => void} toggle
 * @returns {MenuItem[]}
 */
export function reactionItems(state, note, me, toggle) {
  const mine = on(state, note.id);
  return REACTIONS.map((r) => ({ label: reactionName(r), checkbox: true, checked: Boolean(me && mine[r]?.includes(me)), run: () => toggle(r) }));
}

/**
 * Draws the note's badges into `box`: a button per reaction someone gave (for a writer, who
 * toggles their own by it) or a plain count (projector, viewer). Redrawn only on a change.
 * @param {HTMLElement} box
 * @param {BoardState} state
 * @param {Note} note
 * @param {string | null} me
 * @param {((reaction: string) => void) | null} toggle null: counts only
 */
export function drawReactions(box, state, note, me, toggle) {
  const given = on(state, note.id);
  const shown = REACTIONS.filter((r) => given[r]?.length);
  const key = shown.map((r) => `${r}:${given[r].length}:${Boolean(me && given[r].includes(me))}`).join(",") + (toggle ? "+" : "");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.hidden = shown.length === 0;
  box.replaceChildren(
    ...shown.map((r) => {
      const n = given[r].length;
      const text = reactedText(r, n);
      const count = el("span", { class: "reaction-count", "aria-hidden": "true", text: String(n) });
      if (!toggle) {
        return el("span", { class: "reaction", "data-reaction": r, title: text }, icon(ICONS[r]), count, el("span", { class: "visually-hidden", text }));
      }
      const mine = Boolean(me && given[r].includes(me));
      return el(
        "button",
        { type: "button", class: "reaction", "data-reaction": r, title: text, "aria-label": text, "aria-pressed": String(mine), tabindex: -1, onclick: () => toggle(r) },
        icon(ICONS[r]),
        count,
      );
    }),
  );
}
