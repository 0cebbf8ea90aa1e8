// @ts-check
// Suggested groups and the draft summary (issue 19), for the facilitator, from "More".
// "Suggest groups" asks the server (POST .../suggestions: computed on this server, from the
// notes the facilitator sees) and shows the groups as a preview: each name can be changed,
// each note moved to another suggestion or left out (a select: the keyboard's way), a
// suggestion dropped. Nothing changes on the board until "Add the groups", which sends
// ordinary group.add and note.group ops in the facilitator's name. While the suggestions
// are open, the canvas shows them where they are: a dashed frame, "Suggested: <name>",
// around each suggestion's notes (drawn on this page only, never sent), redrawn as the
// facilitator changes them; on a wide screen the suggestions are a side panel beside the
// board, not a modal dialog over it. "Draft summary" fills a
// text box with the server's draft (GET .../summary-draft), or the summary saved before;
// the facilitator edits it and saves it with summary.set, and the records show it first.

/** @import { BoardState, Op } from "../types/board" */

import { WIDE } from "./canvas.js";
import { nt, t } from "./i18n.js";
import { el, fillSelect } from "./views.js";

const LEAVE_OUT = "";
const ALL_AREAS = "*"; // never an area id
const NAME_MAX = 200; // as a group's name (server/board/ops.py)
const TONES = 6; // suggest.css colours the frames of neighbouring suggestions apart
const ROW = 4; // px: notes whose tops are this close stand in one row of a frame
const REACH = 24; // px: notes this close side by side share one frame

/** @typedef {{ label: string, note_ids: string[], area: string }} Suggested a group suggested in an area */

export class Suggestions {
  /**
   * @param {string} boardId
   * @param {string} token the facilitator's
   * @param {(op: Op) => unknown} send
   * @param {() => BoardState | null} state the board as the page holds it (once loaded)
   * @param {(text: string) => void} say tells a screen reader what happened
   */
  constructor(boardId, token, send, state, say) {
    this.base = `/api/boards/${boardId}`;
    this.token = token;
    this.send = send;
    this.state = state;
    this.say = say;
    /** @type {Suggested[]} the preview, as the facilitator has changed it */
    this.groups = [];
    /** @type {string[][]} notes that say the same, as the server found them */
    this.shownDuplicates = [];
    /** @type {HTMLElement | null} */
    this.opener = null;
    this.area = el("select", { id: "suggest-area" });
    /** @type {string[]} the areas with notes, for "All areas" */
    this.written = [];
    this.status = el("p", { class: "suggest-status", role: "status" });
    this.list = el("ol", { class: "suggestions" });
    this.duplicates = el("div", { class: "suggest-duplicates" });
    this.accept = el("button", { type: "button", id: "suggest-accept", hidden: true, onclick: () => this.addGroups() });
    /** @type {HTMLElement | null} the preview's frames over the canvas, while it shows */
    this.layer = null;
    /** @type {MutationObserver | null} keeps the frames on the canvas's pan and zoom */
    this.follow = null;
    this.dialog = this.modal(
      "suggest-dialog",
      t("Suggested groups"),
      el("p", {
        class: "hint",
        text: t("Suggested on this server from the notes you can see. Nothing changes on the board until you add the groups."),
      }),
      el(
        "form",
        { class: "suggest-ask", onsubmit: (/** @type {SubmitEvent} */ e) => (e.preventDefault(), this.ask()) },
        el("label", { for: "suggest-area", text: t("Area") }),
        this.area,
        el("button", { type: "submit", text: t("Suggest") }),
      ),
      this.status,
      this.list,
      this.duplicates,
      el("p", { class: "dialog-buttons" }, this.accept),
    );
    this.text = el("textarea", { id: "summary-text", rows: 16, maxlength: 20000, "aria-describedby": "summary-hint" });
    this.summaryStatus = el("p", { class: "suggest-status", role: "status" });
    this.summary = this.modal(
      "summary-dialog",
      t("Summary for the record"),
      el("p", {
        class: "hint",
        id: "summary-hint",
        text: t("A draft from the board: its groups, the notes with most votes, links, actions and parked ideas. Edit it; the record shows it first."),
      }),
      el(
        "form",
        { onsubmit: (/** @type {SubmitEvent} */ e) => (e.preventDefault(), this.saveSummary()) },
        el("label", { for: "summary-text", text: t("Summary") }),
        this.text,
        this.summaryStatus,
        el(
          "p",
          { class: "dialog-buttons" },
          el("button", { type: "submit", text: t("Save the summary") }),
          el("button", { type: "button", class: "secondary", text: t("Start again from the draft"), onclick: () => this.fillDraft() }),
        ),
      ),
    );
    this.dialog.addEventListener("close", () => {
      document.body.classList.remove("has-side-panel");
      this.drawPreview(); // gone with the panel: nothing is added but by "Add the groups"
    });
    // a side panel is not modal: Escape closes it as it would a dialog
    this.dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !e.defaultPrevented && this.dialog.open && !this.dialog.matches(":modal")) {
        e.preventDefault();
        this.dialog.close();
      }
    });
    /** the buttons for the toolbar's "More" */
    this.node = el(
      "div",
      { class: "more-group" },
      el("button", { type: "button", "data-action": "suggest-groups", "aria-haspopup": "dialog", text: t("Suggest groups"), onclick: (/** @type {Event} */ e) => this.open(e) }),
      el("button", { type: "button", "data-action": "draft-summary", "aria-haspopup": "dialog", text: t("Draft summary"), onclick: (/** @type {Event} */ e) => this.openSummary(e) }),
    );
  }

  /** @returns {BoardState} the board, which is loaded before "More" shows these buttons */
  board() {
    return /** @type {BoardState} */ (this.state());
  }

  /**
   * @param {string} id
   * @param {string} title
   * @param {...Node} children
   * @returns {HTMLDialogElement}
   */
  modal(id, title, ...children) {
    /** @type {HTMLDialogElement} */
    const node = el(
      "dialog",
      { id, class: "panel-dialog suggest-dialog", "aria-labelledby": `${id}-title` },
      el("button", { type: "button", class: "dialog-close", text: t("Close"), onclick: () => node.close() }),
      el("h2", { id: `${id}-title`, text: title }),
      ...children,
    );
    node.addEventListener("close", () => {
      if (this.opener?.isConnected) this.opener.focus();
    });
    document.body.append(node);
    return node;
  }

  /** @param {Event} event */
  show(event) {
    const more = document.getElementById("control-more");
    more?.hidePopover?.();
    // focus comes back to "More", which stays in the toolbar
    this.opener = /** @type {HTMLElement | null} */ (document.querySelector("[data-action=more]")) ?? /** @type {HTMLElement} */ (event.currentTarget);
  }

  /** @param {Event} event */
  open(event) {
    this.show(event);
    if (this.dialog.open) {
      // the side panel is open already: back to it, with what the facilitator changed
      this.area.focus();
      return;
    }
    const state = this.board();
    const written = new Set(Object.values(state.notes).filter((n) => !n.private && n.text).map((n) => n.area));
    const areas = state.areas.filter((a) => written.has(a.id));
    /** @type {[string, string][]} */
    const choices = areas.map((a) => [a.id, a.title]);
    // the whole board: each area's notes grouped on their own, since a group is an area's
    if (areas.length > 1) choices.push([ALL_AREAS, t("All areas")]);
    fillSelect(this.area, choices, state.focus[0] ?? state.phase?.focus[0] ?? areas[0]?.id);
    this.written = areas.map((a) => a.id);
    this.groups = [];
    this.shownDuplicates = [];
    this.render();
    this.status.textContent = areas.length ? "" : t("There are no notes to group yet.");
    // beside the board on a wide screen, so the canvas shows the preview; over it on a phone
    const side = matchMedia(WIDE).matches;
    this.dialog.classList.toggle("is-side", side);
    document.body.classList.toggle("has-side-panel", side);
    if (side) this.dialog.show();
    else this.dialog.showModal();
    this.area.focus();
  }

  async ask() {
    this.status.textContent = t("Looking for groups…");
    try {
      const asked = this.area.value === ALL_AREAS ? this.written : [this.area.value];
      this.groups = [];
      this.shownDuplicates = [];
      for (const area of asked) {
        const body = JSON.stringify({ areas: [area] });
        const answer = await (await this.request("/suggestions", { method: "POST", body })).json();
        this.groups.push(...answer.groups.map((/** @type {Suggested} */ g) => ({ label: g.label, note_ids: [...g.note_ids], area })));
        this.shownDuplicates.push(.../** @type {string[][]} */ (answer.duplicates));
      }
      this.status.textContent = this.groups.length
        ? nt("{n} group suggested.", "{n} groups suggested.", this.groups.length, { n: this.groups.length })
        : t("No notes here say similar things.");
      // the first suggested note in view beside the panel (the canvas pans to it)
      const first = this.groups[0]?.note_ids[0];
      const note = first && document.querySelector(`#areas .note[data-note-id="${CSS.escape(first)}"]`);
      if (this.dialog.open && note) note.scrollIntoView({ block: "nearest", inline: "nearest" });
    } catch (error) {
      this.groups = [];
      this.status.textContent = /** @type {Error} */ (error).message;
    }
    this.render();
  }

  /** @param {string} [focusNote] the note whose "Move" select gets the focus back */
  render(focusNote) {
    const notes = this.board().notes;
    const titles = new Map(this.board().areas.map((a) => [a.id, a.title]));
    const several = new Set(this.groups.map((g) => g.area)).size > 1;
    // a note moves between the suggestions of its own area only: a group is an area's
    const names = (/** @type {string} */ area) => [
      ...this.groups
        .map((g, i) => /** @type {[string, string, string]} */ ([String(i), g.label || t("Group {n}", { n: i + 1 }), g.area]))
        .filter(([, , a]) => a === area)
        .map(([i, label]) => /** @type {[string, string]} */ ([i, label])),
      /** @type {[string, string]} */ ([LEAVE_OUT, t("Leave it out")]),
    ];
    this.list.replaceChildren(
      ...this.groups.map((group, i) => {
        const name = el("input", { id: `suggestion-${i}-name`, value: group.label, maxlength: NAME_MAX, autocomplete: "off" });
        name.addEventListener("input", () => {
          group.label = name.value;
          this.drawPreview();
        });
        return el(
          "li",
          { class: "suggestion" },
          el(
            "div",
            { class: "suggestion-head" },
            el("label", { for: `suggestion-${i}-name`, text: t("Name of group {n}", { n: i + 1 }) }),
            name,
            el("button", { type: "button", class: "secondary", text: t("Drop this group"), "aria-describedby": `suggestion-${i}-name`, onclick: () => this.drop(i) }),
          ),
          several ? el("p", { class: "hint", text: t("In {area}", { area: titles.get(group.area) ?? group.area }) }) : null,
          el(
            "ul",
            { class: "suggestion-notes" },
            ...group.note_ids.map((id) => {
              const text = notes[id]?.text ?? "";
              const move = el("select", { "data-note": id, "aria-label": t("Move “{text}” to", { text: text.slice(0, 80) }) });
              fillSelect(move, names(group.area), String(i));
              move.addEventListener("change", () => this.move(id, i, move.value));
              return el("li", {}, el("span", { class: "suggestion-text", text }), move);
            }),
          ),
        );
      }),
    );
    const same = this.shownDuplicates.filter((d) => d.every((id) => notes[id]));
    this.duplicates.replaceChildren(
      ...(same.length && this.groups.length
        ? [
            el("h3", { text: t("These notes say the same") }),
            el(
              "ul",
              {},
              ...same.map((d, i) =>
                el(
                  "li",
                  { class: "suggest-duplicate" },
                  el("ul", { id: `duplicate-${i}` }, ...d.map((id) => el("li", { text: notes[id].text }))),
                  el("button", { type: "button", class: "secondary", text: t("Merge into one note"), "aria-describedby": `duplicate-${i}`, onclick: () => this.merge(d) }),
                ),
              ),
            ),
          ]
        : []),
    );
    const kept = this.groups.filter((g) => g.note_ids.length);
    this.accept.hidden = !kept.length;
    this.accept.textContent = nt("Add {n} group to the board", "Add the {n} groups to the board", kept.length, { n: kept.length });
    if (focusNote) /** @type {HTMLElement | null} */ (this.list.querySelector(`select[data-note="${CSS.escape(focusNote)}"]`))?.focus();
    this.drawPreview();
  }

  /**
   * The suggestions on the canvas while the panel is open (board.js calls this after each
   * draw too, as the notes move): around each suggestion's notes a dashed frame named
   * "Suggested: <name>"; notes side by side in one row share a frame. In the world's own
   * units over `.canvas-world`, as the links are (notelinks.js), so pan and zoom move them
   * with the notes. For the eye only: the panel says the same in words.
   */
  drawPreview() {
    const world = document.querySelector("#areas .canvas-world");
    if (!(world instanceof HTMLElement) || !this.dialog.open || !this.groups.length || !matchMedia(WIDE).matches) {
      this.follow?.disconnect();
      this.layer?.remove();
      [this.follow, this.layer] = [null, null];
      return;
    }
    if (!this.layer?.isConnected) {
      const layer = (this.layer = el("div", { class: "suggest-preview", "aria-hidden": "true" }));
      world.after(layer);
      const follow = () => (layer.style.transform = world.style.transform);
      this.follow?.disconnect();
      this.follow = new MutationObserver(follow);
      this.follow.observe(world, { attributes: true, attributeFilter: ["style"] });
      follow();
    }
    const zoom = new DOMMatrix(getComputedStyle(world).transform).a || 1;
    const origin = world.getBoundingClientRect();
    /** @type {HTMLElement[]} */
    const frames = [];
    this.groups.forEach((group, i) => {
      const boxes = group.note_ids
        .map((id) => world.querySelector(`.note[data-note-id="${CSS.escape(id)}"]`))
        .filter((n) => n instanceof HTMLElement && n.checkVisibility())
        .map((n) => {
          const r = /** @type {HTMLElement} */ (n).getBoundingClientRect();
          const left = (r.left - origin.left) / zoom;
          const top = (r.top - origin.top) / zoom;
          return { left, top, right: left + r.width / zoom, bottom: top + r.height / zoom };
        })
        .sort((a, b) => a.top - b.top || a.left - b.left);
      /** @type {typeof boxes} */
      const pieces = [];
      for (const box of boxes) {
        const last = pieces[pieces.length - 1];
        if (last && Math.abs(box.top - last.top) <= ROW && box.left - last.right <= REACH) {
          last.right = Math.max(last.right, box.right);
          last.bottom = Math.max(last.bottom, box.bottom);
        } else pieces.push({ ...box });
      }
      const name = t("Suggested: {name}", { name: group.label.trim() || t("Group {n}", { n: i + 1 }) });
      for (const piece of pieces) {
        const frame = el("div", { class: "suggest-frame", "data-tone": String(i % TONES) }, el("span", { class: "suggest-frame-label", text: name }));
        Object.assign(frame.style, {
          left: `${piece.left}px`,
          top: `${piece.top}px`,
          width: `${piece.right - piece.left}px`,
          height: `${piece.bottom - piece.top}px`,
        });
        frames.push(frame);
      }
    });
    this.layer?.replaceChildren(...frames);
  }

  /** @param {string} id @param {number} from @param {string} to a group's index, or LEAVE_OUT */
  move(id, from, to) {
    this.groups[from].note_ids = this.groups[from].note_ids.filter((n) => n !== id);
    if (to !== LEAVE_OUT) this.groups[Number(to)].note_ids.push(id);
    this.render(to === LEAVE_OUT ? undefined : id);
    if (to === LEAVE_OUT) this.status.textContent = t("The note is left out.");
  }

  /**
   * Merges notes that say the same into the oldest of them, which keeps every author and
   * every vote (note.merge); the preview forgets the others.
   * @param {string[]} ids
   */
  merge(ids) {
    const notes = this.board().notes;
    const [keep, ...rest] = [...ids].sort((a, b) => notes[a].created_seq - notes[b].created_seq);
    this.send({ kind: "note.merge", note_id: keep, from: rest });
    const gone = new Set(rest);
    for (const group of this.groups) group.note_ids = group.note_ids.filter((id) => !gone.has(id));
    this.shownDuplicates = this.shownDuplicates.filter((d) => d !== ids);
    this.render();
    this.status.textContent = t("Merged into one note, which keeps every author and every vote.");
    (this.duplicates.querySelector("button") ?? this.accept).focus();
  }

  /** @param {number} index */
  drop(index) {
    this.groups.splice(index, 1);
    this.render();
    this.status.textContent = t("The group is dropped.");
    (this.list.querySelector("input") ?? this.area).focus();
  }

  addGroups() {
    let added = 0;
    for (const group of this.groups.filter((g) => g.note_ids.length)) {
      const id = crypto.randomUUID();
      const name = group.label.trim().slice(0, NAME_MAX);
      this.send({ kind: "group.add", group: { id, area: group.area, name } });
      for (const note of group.note_ids) this.send({ kind: "note.group", note_id: note, group_id: id });
      added++;
    }
    this.dialog.close();
    this.say(nt("{n} group added.", "{n} groups added.", added, { n: added }));
  }

  /** @param {Event} event */
  async openSummary(event) {
    this.show(event);
    this.summaryStatus.textContent = "";
    this.summary.showModal();
    this.text.focus();
    const saved = this.board().summary;
    if (saved) this.text.value = saved;
    else await this.fillDraft();
  }

  async fillDraft() {
    this.summaryStatus.textContent = t("Writing the draft…");
    try {
      this.text.value = (await (await this.request("/summary-draft")).json()).text;
      this.summaryStatus.textContent = t("The draft is ready to edit.");
    } catch (error) {
      this.summaryStatus.textContent = /** @type {Error} */ (error).message;
    }
  }

  saveSummary() {
    this.send({ kind: "summary.set", text: this.text.value.trim() });
    this.summary.close();
    this.say(t("The summary is saved in the record."));
  }

  /**
   * @param {string} path
   * @param {RequestInit} [options]
   * @returns {Promise<Response>}
   */
  async request(path, options = {}) {
    const response = await fetch(this.base + path, {
      ...options,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error?.message || t("The server did not answer. Try again."));
    }
    return response;
  }
}
