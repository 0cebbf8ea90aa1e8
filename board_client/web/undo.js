// @ts-check
// Undo and redo of one's own last changes to notes, as new ops: the log keeps what was
// done and what was taken back, like every other change, and a replica never rewinds.
// Each change a person sends is kept with the op that reverses it, worked out from the
// board as they saw it when they sent it.

import { t } from "./i18n.js";

const KEEP = 50; // changes a person can take back

/** @typedef {{undo: any, redo: any, label: string}} Step */

export class UndoStack {
  /**
   * @param {(op: any) => string} send sends an op as this person
   * @param {() => any} shown the board as this person sees it now (optimistic.js)
   */
  constructor(send, shown) {
    this.send = send;
    this.shown = shown;
    /** @type {Step[]} */
    this.done = [];
    /** @type {Step[]} */
    this.undone = [];
    this.replaying = false;
    /** @type {() => void} */
    this.changed = () => {};
  }

  /** Called for every op this person sends, before it is sent. @param {any} op */
  record(op) {
    if (this.replaying) return;
    const step = reverse(op, this.shown());
    if (!step) return;
    this.done.push(step);
    if (this.done.length > KEEP) this.done.shift();
    this.undone = [];
    this.changed();
  }

  undo() {
    this.replay(this.done, this.undone, "undo");
  }

  redo() {
    this.replay(this.undone, this.done, "redo");
  }

  /**
   * @param {Step[]} from
   * @param {Step[]} to
   * @param {"undo" | "redo"} way
   */
  replay(from, to, way) {
    const step = from.pop();
    if (!step) return;
    const op = way === "undo" ? step.undo : step.redo;
    const again = reverse(op, this.shown());
    this.replaying = true;
    try {
      this.send(op);
    } finally {
      this.replaying = false;
    }
    if (again) to.push(way === "undo" ? { undo: op, redo: again.undo, label: step.label } : { undo: again.undo, redo: op, label: step.label });
    this.changed();
  }

  /** What the next undo would take back, for the button's name. */
  get undoLabel() {
    const step = this.done[this.done.length - 1];
    return step ? t("Undo: {what}", { what: step.label }) : t("Undo");
  }

  get redoLabel() {
    const step = this.undone[this.undone.length - 1];
    return step ? t("Redo: {what}", { what: step.label }) : t("Redo");
  }
}

/**
 * The op that takes `op` back on `state`, with a label for it; null for ops that are not
 * one's own note changes, or that would change nothing.
 * @param {any} op
 * @param {any} state
 * @returns {Step | null}
 */
function reverse(op, state) {
  if (op.kind === "note.add") {
    return { undo: { kind: "note.delete", note_id: op.note.id }, redo: op, label: t("new note") };
  }
  const note = state?.notes?.[op.note_id];
  if (!note) return null;
  switch (op.kind) {
    case "note.edit":
      return { undo: { kind: "note.edit", note_id: note.id, text: note.text }, redo: op, label: t("edit") };
    case "note.move": {
      /** @type {Record<string, any>} */
      const back = { kind: "note.move", note_id: note.id, area: note.area };
      if (note.x != null) back.x = note.x;
      if (note.y != null) back.y = note.y;
      return { undo: back, redo: op, label: t("move") };
    }
    case "note.group":
      return { undo: { kind: "note.group", note_id: note.id, group_id: note.group ?? null }, redo: op, label: t("grouping") };
    case "note.color":
      return { undo: { kind: "note.color", note_id: note.id, color: note.color ?? "yellow" }, redo: op, label: t("colour") };
    case "note.delete": {
      if (note.private && !note.text) return null; // nothing of it to bring back
      // under its own id again, so the steps before it still find it
      /** @type {Record<string, any>} */
      const again = { id: note.id, area: note.area, text: note.text };
      for (const key of ["color", "x", "y"]) if (note[key] != null) again[key] = note[key];
      return { undo: { kind: "note.add", note: again }, redo: op, label: t("deletion") };
    }
    default:
      return null;
  }
}
