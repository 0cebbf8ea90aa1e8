// @ts-check
// What a person sees of their own changes before the server has answered: the board as
// the replica holds it, with the note ops still in the outbox laid over it. The replica
// itself stays exactly the server's (store.js); when an answer comes the op leaves the
// outbox and the overlay with it, so a refused change goes back by itself and
// `refusal` says why.

import { t } from "./i18n.js";

/** @import { BoardState, Note } from "../types/board" */

/**
 * A note as the page draws it: `optimistic` while this person's change to it waits for
 * the server's answer.
 * @typedef {Note & {optimistic?: boolean}} ShownNote
 * @typedef {BoardState & {notes: Record<string, ShownNote>}} ShownState
 */

/**
 * @param {BoardState} state the replica's board state
 * @param {{op: any}[]} outbox ops sent or waiting, oldest first
 * @returns {{shown: ShownState, pending: Note[]}} the state to draw, and new notes not on it yet
 */
export function optimistic(state, outbox) {
  /** @type {Record<string, ShownNote> | null} */
  let notes = null; // copied on the first change only
  /** @type {Note[]} */
  const pending = [];
  for (const { op } of outbox) {
    if (op.kind === "note.add") {
      if (!state.notes[op.note.id]) pending.push(op.note);
      continue;
    }
    const current = (notes ?? state.notes)[op.note_id];
    if (!current || !["note.edit", "note.move", "note.color", "note.delete", "note.group"].includes(op.kind)) continue;
    /** @type {Record<string, ShownNote>} */
    const changed = (notes ??= { ...state.notes });
    if (op.kind === "note.delete") delete changed[op.note_id];
    else changed[op.note_id] = { ...current, ...changes(op), optimistic: true };
  }
  return { shown: notes ? { ...state, notes } : state, pending };
}

/** @param {any} op */
function changes(op) {
  switch (op.kind) {
    case "note.edit":
      return { text: op.text };
    case "note.group":
      return { group: op.group_id ?? null };
    case "note.color":
      return { color: op.color };
    default: // note.move: only what it names
      return Object.fromEntries(["area", "x", "y"].filter((k) => op[k] != null).map((k) => [k, op[k]]));
  }
}

/**
 * Why one of this person's own changes to a note was not made, or null when the op is not
 * one the page showed ahead of the answer.
 * @param {any} op
 * @param {string} reason a `noop` reason (server/board/rules.py NoopReason)
 * @returns {string | null}
 */
export function refusal(op, reason) {
  const what = {
    "note.edit": t("Your edit was not saved."),
    "note.move": t("The note was not moved."),
    "note.delete": t("The note was not deleted."),
    "note.group": t("The note was not grouped."),
    "note.color": t("The note's colour was not changed."),
    "vote.cast": t("Your vote was not counted."),
    "vote.retract": t("Your vote was not taken back."),
    "reaction.toggle": t("Your reaction was not counted."),
  }[/** @type {string} */ (op.kind)];
  if (!what) return null;
  const why = {
    note_not_found: t("Someone deleted the note."),
    locked: t("The facilitator has locked the board."),
    meeting_closed: t("The meeting is closed."),
    not_author: t("Only its author or the facilitator may change it."),
    area_not_found: t("That area is gone."),
    group_not_found: t("That group is gone."),
    voting_closed: t("Voting is closed."),
    no_votes_left: t("You have no votes left."),
    group_not_yours: t("That area belongs to another small group."),
    vote_shown: t("Votes shown when voting closed stay cast."),
    note_private: t("Nobody else can see that note yet."),
  }[reason] ?? t("The board did not allow it.");
  return `${what} ${why}`;
}
