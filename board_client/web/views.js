// @ts-check
// Drawing the board: areas as frames on a canvas (canvas.js; one column on phones, the
// projector's own layout there), notes in them, and the same board as plain lists.
// All user text goes in through textContent, never as HTML.

import { foldArea } from "./areafold.js";
import { flow } from "./canvas.js";
import { nt, t } from "./i18n.js";
import { icon } from "./icons.js";
import { reconcile, setText, show } from "./keyed.js";
import { linksOf, shortText } from "./notelinks.js";
import { pictureAlt, showPicture } from "./pictures.js";
import { BELOW_GRID, describeCell, placeMenuItem, quadrantList, updateQuadrant } from "./quadrant.js";
import { drawReactions, mayReact, reactMenuItem, reactionItems, reactionsText } from "./reactions.js";
import { writeHere } from "./writehere.js";

/** @import { Area, BoardState, Breakout, Group, Link, Note, ParkedIdea, Role, Voting } from "../types/board" */
/** @import { Canvas, Drop } from "./canvas.js" */
/** @import { MenuItem, NoteMenu } from "./notemenu.js" */
/** @import { ShownNote, ShownState } from "./optimistic.js" */

/**
 * Listeners by attribute name, each given its own kind of event: `onclick` a MouseEvent.
 * @typedef {{[K in keyof HTMLElementEventMap as `on${K}`]?: (event: HTMLElementEventMap[K]) => void}} Handlers
 * An attribute's value: true is present and empty, false or null (or undefined) left out.
 * @typedef {string | number | boolean | null | undefined} AttrValue
 * What `el` sets on an element: `text` is its text, `on…` a listener, any other an attribute.
 * @typedef {Handlers & {text?: string | null, [name: string]: AttrValue | ((event: never) => void)}} Attrs
 * @typedef {Node | string | null | undefined | false} Child
 */

/**
 * An element of the page, made in one expression: `el("input", {id})` is an HTMLInputElement.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children null, undefined and false are left out
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value == null ? null : String(value);
    // Handlers gives each `on…` attribute a listener for that event
    else if (typeof value === "function") node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c != null && c !== false));
  return node;
}

/**
 * A button with `key` as its focus key (kept across redraws, see restoreFocus).
 * @param {string} label
 * @param {string} key
 * @param {(event: MouseEvent) => void} onclick
 * @param {Attrs} [attrs]
 */
export function button(label, key, onclick, attrs = {}) {
  return el("button", { type: "button", "data-focus": key, text: label, onclick, ...attrs });
}

/**
 * What a person can do to the board from a note, an area or a parked idea (board.js makes
 * them; each sends an op or changes what the page shows).
 * @typedef {object} Actions
 * @property {(note: Note) => void} edit opens the note's editor
 * @property {(id: string) => void} save sends the editor's text
 * @property {() => void} cancel closes the editor
 * @property {(note: Note) => void} remove
 * @property {(note: Note) => void} ownNote asks who takes the note forward (ownerdialog.js)
 * @property {(note: Note) => void} startLink the first step of linking two notes
 * @property {(target: Note) => void} finishLink the second: the other note
 * @property {(link: Link, contradiction: boolean) => void} markLink
 * @property {(link: Link) => void} unlink
 * @property {(note: Note, area: string) => void} move to another area
 * @property {(note: Note, color: string) => void} color
 * @property {(note: Note, area: string | null, x: number, y: number) => void} place on the canvas; area null for its own
 * @property {(note: Note, step: number) => void} reorder one step earlier (-1) or later (+1) in its area
 * @property {(note: Note) => void} vote
 * @property {(note: Note) => void} unvote
 * @property {(note: Note, reaction: string) => void} react toggles this person's reaction
 * @property {(idea: ParkedIdea, owner: string | null) => void} own a parked idea (meeting.js)
 * @property {(note: Note, groupId: string | null) => void} group
 * @property {(area: Area, name: string) => void} newGroup
 */

/**
 * Who the working board (or the projector) is drawn for, and what it can do.
 * @typedef {object} RenderContext
 * @property {string | null} me
 * @property {Role | null} role
 * @property {boolean} projector
 * @property {{id: string, text: string} | null} editing the note being edited, and its text so far
 * @property {Note[]} pending new notes not on the board yet (optimistic.js)
 * @property {Actions} actions
 * @property {NoteMenu} menu
 * @property {Canvas | null} canvas the working board's; null on the projector
 * @property {string | null} linking the note a link is being made from (notelinks.js)
 */

/**
 * A note as a list draws it; `pending` when it is not on the board yet.
 * @typedef {{note: ShownNote, pending?: boolean}} NoteItem
 * @typedef {object} AreaParts
 * @property {HTMLHeadingElement} title
 * @property {HTMLParagraphElement} prompt
 * @property {HTMLUListElement} notes the notes outside groups
 * @property {HTMLParagraphElement} empty
 * @property {HTMLDivElement} groups
 * @property {HTMLFormElement | null} form the new group form, made for the first writer
 * @property {number} [top] where the notes start in the frame, px, as last measured
 * @typedef {object} NoteParts
 * @property {HTMLImageElement | null} picture a picture note's (made only for one)
 * @property {HTMLParagraphElement} text
 * @property {HTMLParagraphElement} author
 * @property {HTMLParagraphElement} private
 * @property {HTMLParagraphElement} owner
 * @property {HTMLParagraphElement} source
 * @property {HTMLDivElement | null} editor
 * @property {HTMLDivElement} foot
 * @property {HTMLSpanElement} votes
 * @property {HTMLButtonElement} vote
 * @property {HTMLButtonElement} unvote
 * @property {HTMLButtonElement} menuButton
 * @property {HTMLDivElement} reactions the badges
 * @property {HTMLButtonElement} react opens the reactions' menu
 * @property {HTMLDivElement} actions
 */

// A note's place in its area: its y when someone placed it, else the order it came in.
const placeOf = (/** @type {Note} */ note) => note.y ?? note.created_seq;

/**
 * @param {BoardState} state
 * @param {string} areaId
 */
function notesOf(state, areaId) {
  return Object.values(state.notes)
    .filter((n) => n.area === areaId)
    .sort((a, b) => placeOf(a) - placeOf(b) || a.created_seq - b.created_seq);
}

/**
 * The y that puts a note just before `target` (or at the end of the list when null).
 * @param {BoardState} state
 * @param {Note} note
 * @param {Note | null} target
 */
export function placeBefore(state, note, target) {
  const others = notesOf(state, target?.area ?? note.area).filter((n) => n.id !== note.id);
  if (!target) return others.length ? placeOf(others[others.length - 1]) + 1 : placeOf(note);
  const i = others.findIndex((n) => n.id === target.id);
  const before = i > 0 ? placeOf(others[i - 1]) : placeOf(target) - 1;
  return Math.max(0, (before + placeOf(target)) / 2);
}

/**
 * @param {BoardState} state
 * @param {Area} area
 */
function inFocus(state, area) {
  const focus = state.focus ?? [];
  return focus.length === 0 || focus.includes(area.id);
}

/**
 * The breakout group a person is in, as a member or its note taker.
 * @param {BoardState} state
 * @param {string | null} me
 * @returns {Breakout | null}
 */
export function myGroup(state, me) {
  if (me == null) return null;
  return Object.values(state.breakouts ?? {}).find((g) => g.members.includes(me) || g.note_taker === me) ?? null;
}

/**
 * Whether an area is where the meeting is now, for this person: in the facilitator's focus,
 * and while the groups work, every group's area; for a participant in a group, only theirs.
 * @param {BoardState} state
 * @param {Area} area
 * @param {RenderContext} ctx
 */
function isNow(state, area, ctx) {
  if (!state.in_breakout) return inFocus(state, area);
  const mine = ctx.role === "participant" ? myGroup(state, ctx.me) : null;
  if (mine) return mine.area === area.id;
  return inFocus(state, area) || Object.values(state.breakouts ?? {}).some((g) => g.area === area.id);
}

/**
 * Whether a person may add notes now: a writer's role, the meeting not closed, and the board
 * not locked (a facilitator writes on a locked one).
 * @param {BoardState} state
 * @param {{role: Role | null}} view
 */
export function mayAddNotes(state, view) {
  const writer = view.role === "facilitator" || view.role === "participant";
  return writer && !state.closed && !(state.locked && view.role !== "facilitator");
}

/**
 * The areas a person may write in now (facilitation.may_write_in): a participant in a
 * breakout group has only their group's area (none while another member takes the notes,
 * then every area but the groups'); everyone else every area.
 * @param {BoardState} state
 * @param {{role: Role | null, me: string | null}} view
 * @returns {[id: string, title: string][]}
 */
export function offeredAreas(state, view) {
  /** @type {[id: string, title: string][]} */
  const all = state.areas.map((a) => [a.id, a.title]);
  if (view.role !== "participant" || !state.in_breakout) return all;
  const group = myGroup(state, view.me);
  const groupAreas = new Set(Object.values(state.breakouts ?? {}).map((g) => g.area));
  const mayWrite = group && (!group.note_taker || group.note_taker === view.me);
  if (mayWrite) return all.filter(([id]) => id === group.area);
  return all.filter(([id]) => !groupAreas.has(id));
}

/** @type {WeakMap<HTMLElement, NoteParts>} article -> its parts, made once per note */
const noteParts = new WeakMap();
/** @type {WeakMap<HTMLElement, AreaParts>} section -> its parts, made once per area */
const areaParts = new WeakMap();
/** @type {WeakMap<HTMLElement, {name: HTMLHeadingElement, notes: HTMLUListElement}>} a group's box -> its parts */
const groupParts = new WeakMap();
/** @type {Map<string, number>} note key -> its height on the canvas when last drawn, px */
const heights = new Map();
/**
 * What the latest render drew from: event handlers made once read the board from here.
 * @type {{state: ShownState, ctx: RenderContext} | null}
 */
let live = null;

// Each area, group and note is one node for its whole life (keyed.js): an update changes
// only what changed, so a half-typed group name, an open editor or the focus survive it.
/**
 * @param {HTMLElement} container `#areas`
 * @param {ShownState} state the board with this person's unanswered changes (optimistic.js)
 * @param {RenderContext} ctx
 */
export function renderAreas(container, state, ctx) {
  live = { state, ctx };
  const focus = focusKey(document.activeElement);
  const areas = ctx.projector ? state.areas.filter((a) => isNow(state, a, ctx)) : state.areas;
  const world = ctx.canvas?.world ?? container;
  reconcile(world, areas, (a) => a.id, areaNode, (node, area) => updateArea(node, area, state, ctx));
  restoreFocus(container, focus);
  if (ctx.canvas && !ctx.canvas.fitted && areas.length) ctx.canvas.fit(); // on first load
}

/**
 * A note dragged (or nudged with arrow keys) on the canvas was let go: onto a note or the
 * box of a group, it joins that group; anywhere else in a frame, it is placed there.
 * @param {Drop} drop
 */
export function dropped(drop) {
  if (!live) return;
  const { state, ctx } = live;
  const note = state.notes[drop.noteId];
  if (!note || !drop.area) return;
  if (drop.group && state.groups?.[drop.group]) {
    if (drop.group !== note.group) ctx.actions.group(note, drop.group);
    return;
  }
  if (note.group && !drop.nudge) ctx.actions.group(note, null);
  ctx.actions.place(note, drop.area === note.area ? null : drop.area, drop.x, drop.y);
}

/**
 * @param {BoardState} state
 * @param {RenderContext} ctx
 */
const isWriter = (state, ctx) => !ctx.projector && (ctx.role === "facilitator" || ctx.role === "participant") && !state.closed;

/** @param {Area} area */
function areaNode(area) {
  /** @type {AreaParts} */
  const parts = {
    title: el("h2", { id: `area-${area.id}` }),
    prompt: el("p", { class: "area-prompt" }),
    notes: el("ul", { class: "notes" }),
    empty: el("p", { class: "empty", text: t("No notes yet.") }),
    groups: el("div", { class: "groups" }),
    form: null,
  };
  const section = el(
    "section",
    { class: "area", "aria-labelledby": `area-${area.id}` },
    parts.title,
    parts.prompt,
    parts.notes,
    parts.empty,
    parts.groups,
  );
  areaParts.set(section, parts);
  return section;
}

/**
 * @param {HTMLElement} section
 * @param {Area} area
 * @param {ShownState} state
 * @param {RenderContext} ctx
 */
function updateArea(section, area, state, ctx) {
  const parts = areaParts.get(section);
  if (!parts) return;
  const shown = isNow(state, area, ctx);
  section.classList.toggle("area--muted", !shown);
  show(parts.prompt, Boolean(area.prompt), area.prompt);
  const notes = notesOf(state, area.id);
  const pending = ctx.pending.filter((n) => n.area === area.id);
  // the title first: where the notes start below it is measured as they are placed
  foldArea(section, parts.title, area, {
    foldable: !shown && Boolean(ctx.canvas && !ctx.canvas.on),
    focus: `${(state.focus ?? []).join(" ")}${state.in_breakout ? " in groups" : ""}`,
    notes: notes.length + pending.length,
    redraw: () => {
      const now = live?.state.areas.find((a) => a.id === area.id);
      if (live && now) updateArea(section, now, live.state, live.ctx);
    },
  });
  const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
  /** @type {NoteItem[]} */
  let loose = [...notes.filter((n) => !n.group).map((note) => ({ note })), ...pending.map((note) => ({ note, pending: true }))];
  const canvas = Boolean(ctx.canvas?.on);
  // on the canvas the notes are in reading order (top to bottom, left to right), as a
  // keyboard or screen reader meets them; the order is from the last measured heights
  // a quadrant (quadrant.js) flows the notes not placed yet below its grid, and in one
  // column lists its notes by cell
  const top = area.axes ? BELOW_GRID : null;
  if (canvas) loose = inReadingOrder(loose, top ?? parts.top ?? 0);
  const inCells = updateQuadrant(section, area, canvas, loose, (list, items) => renderNotes(list, items, state, area, ctx));
  if (inCells) loose = [];
  renderNotes(parts.notes, loose, state, area, ctx);
  parts.notes.hidden = loose.length === 0 && !(canvas && top); // a quadrant's list holds its grid's room
  place(parts, loose, canvas, top);
  parts.empty.hidden = notes.length + loose.length > 0 || groups.length > 0 || Boolean(area.axes);
  reconcile(parts.groups, groups, (g) => g.id, groupNode, (node, group) => {
    const box = groupParts.get(node);
    if (!box) return;
    const name = group.name || t("Unnamed group");
    node.setAttribute("aria-label", t("Group: {name}", { name }));
    setText(box.name, name);
    const members = notes.filter((n) => n.group === group.id).map((note) => ({ note }));
    renderNotes(box.notes, members, state, area, ctx);
  });
  const writer = isWriter(state, ctx);
  if (writer && !parts.form) {
    parts.form = groupForm(area);
    section.append(parts.form);
  }
  const sorting = shown && (!state.phase || SORTING.has(state.phase.kind));
  const named = Boolean(parts.form?.querySelector("input")?.value.trim()); // a half-typed name stays
  if (parts.form) parts.form.hidden = !writer || (ctx.role !== "facilitator" && !sorting && !named);
  const mayAdd = canvas && shown && !ctx.projector && mayAddNotes(state, ctx);
  writeHere(section, area, mayAdd && offeredAreas(state, ctx).some(([id]) => id === area.id), parts.groups);
}

// the phases in which participants sort notes into groups (in the areas shown); in the others
// (the theme is presented, everyone writes on their own, votes, names owners or fills in the
// worksheet) the form is only in the way, on a phone once in every area, while a facilitator
// may still set groups up ahead of the sorting
const SORTING = new Set(["joint", "cluster", "prioritise", "breakout"]);

const itemKey = (/** @type {NoteItem} */ item) => (item.pending ? `pending:${item.note.id}` : item.note.id);
// a new note written at a spot (writehere.js) waits there, not sent yet
/** @param {NoteItem[]} items */
const flowItems = (items) => items.map((item) => ({ key: itemKey(item), x: item.note.x ?? null, y: item.note.y ?? null }));
const heightOf = (/** @type {string} */ key) => heights.get(key) ?? 112;

/**
 * @param {NoteItem[]} items
 * @param {number} top where the frame's notes start
 */
function inReadingOrder(items, top) {
  const { places } = flow(flowItems(items), top, heightOf);
  const at = (/** @type {NoteItem} */ item) => places.get(itemKey(item)) ?? { left: 0, top: 0 };
  return [...items].sort((a, b) => at(a).top - at(b).top || at(a).left - at(b).left);
}

/**
 * Places a frame's loose notes (canvas.js `flow`): where they were put, the rest in free
 * cells; the list is as tall as what it holds, so groups and the group form come below.
 * @param {AreaParts} parts
 * @param {NoteItem[]} items
 * @param {boolean} canvas the canvas is on
 * @param {number | null} top where the notes start (a quadrant's below its grid), else measured
 */
function place(parts, items, canvas, top = null) {
  const lis = /** @type {HTMLElement[]} */ ([...parts.notes.children]);
  if (!canvas) {
    parts.notes.style.height = "";
    for (const li of lis) li.style.left = li.style.top = "";
    return;
  }
  if (!items.length && top == null) return;
  const start = (parts.top = parts.notes.offsetTop);
  for (const li of lis) heights.set(li.dataset.key ?? "", li.offsetHeight);
  const { places, bottom } = flow(flowItems(items), top ?? start, heightOf);
  for (const li of lis) {
    const at = places.get(li.dataset.key ?? "");
    if (!at) continue;
    li.style.left = `${at.left}px`;
    li.style.top = `${at.top}px`;
  }
  parts.notes.style.height = `${bottom - start}px`;
}

function groupNode() {
  const parts = { name: el("h3"), notes: el("ul", { class: "notes" }) };
  const box = el("section", { class: "group" }, parts.name, parts.notes);
  groupParts.set(box, parts);
  return box;
}

// notes this page showed as waiting to be sent: when the server's answer draws them, they
// are already there for the person who wrote them, so they do not fade in a second time
/** @type {Set<string>} */
const shownPending = new Set();

/**
 * @param {HTMLElement} list
 * @param {NoteItem[]} items
 * @param {ShownState} state
 * @param {Area} area
 * @param {RenderContext} ctx
 */
function renderNotes(list, items, state, area, ctx) {
  reconcile(
    list,
    items,
    itemKey,
    (item) => {
      if (item.pending) {
        shownPending.add(item.note.id);
        return el("li", {}, pendingView(item.note));
      }
      const article = noteNode(item.note.id);
      if (shownPending.delete(item.note.id)) article.style.animation = "none";
      return el("li", {}, article);
    },
    (li, item) => {
      const article = li.firstElementChild;
      if (!item.pending && article instanceof HTMLElement) updateNote(article, item.note, state, area, ctx);
    },
  );
}

// votes per note once voting is closed, counted once per drawing of the board
/** @type {{votes: Voting["votes"] | null, counts: Map<string, number>}} */
let counted = { votes: null, counts: new Map() };
/**
 * @param {BoardState} state
 * @param {string} noteId
 * @returns {number | null} null while voting is open (or there is none)
 */
function voteCount(state, noteId) {
  const voting = state.voting;
  if (!voting?.closed) return null;
  if (counted.votes !== voting.votes) {
    counted = { votes: voting.votes, counts: new Map() };
    for (const id of Object.values(voting.votes).flat()) counted.counts.set(id, (counted.counts.get(id) ?? 0) + 1);
  }
  return counted.counts.get(noteId) ?? 0;
}

/**
 * A note's button: `run` with the page's actions and the note as last drawn, if it is still there.
 * @param {string} id
 * @param {(actions: Actions, note: Note) => void} run
 */
const onNote = (id, run) => () => {
  const note = live?.state.notes[id];
  if (live && note) run(live.ctx.actions, note);
};

/** @param {string} id */
function noteNode(id) {
  const vote = button(t("Vote"), `vote:${id}`, onNote(id, (actions, note) => actions.vote(note)), { "data-action": "vote" });
  const unvote = button(t("Remove vote"), `unvote:${id}`, onNote(id, (actions, note) => actions.unvote(note)), {
    "data-action": "unvote",
  });
  const menuButton = button("…", `menu:${id}`, () => openMenu(id, article, menuButton), {
    class: "note-menu-button",
    tabindex: -1, // the note itself is the tab stop: Enter or M opens this menu
    "aria-haspopup": "menu",
    "aria-label": t("Actions for this note"),
  });
  const react = button("", `react:${id}`, () => openReactions(id, article, react), {
    class: "note-react-button",
    tabindex: -1, // from the keyboard: the note's menu, "React"
    "aria-haspopup": "menu",
    "aria-label": t("React"),
    title: t("React"),
  });
  react.append(icon("heart-plus"));
  /** @type {NoteParts} */
  const parts = {
    picture: null,
    text: el("p", { class: "note-text" }),
    author: el("p", { class: "note-author" }),
    private: el("p", { class: "note-private", text: t("Only you see this until the notes are revealed") }),
    owner: el("p", { class: "note-owner" }),
    source: el("p", { class: "note-source" }),
    editor: null,
    votes: el("span", { class: "note-votes" }),
    vote,
    unvote,
    menuButton,
    reactions: el("div", { class: "note-reactions", hidden: true }),
    react,
    actions: el("div", { class: "note-actions" }, vote, unvote, react, menuButton),
    foot: el("div", { class: "note-foot" }),
  };
  parts.foot.append(parts.votes, parts.reactions, parts.actions);
  const article = el(
    "article",
    { class: "note", "data-note-id": id, "data-focus": `note:${id}`, "aria-keyshortcuts": "Enter M R ArrowUp ArrowDown ArrowLeft ArrowRight Alt+ArrowLeft Alt+ArrowRight + -" },
    parts.text,
    parts.author,
    parts.private,
    parts.owner,
    parts.source,
    parts.foot,
  );
  article.addEventListener("keydown", (e) => noteKey(e, id, article, parts));
  // dragging is a shortcut; the note's menu and arrow keys do the same from the keyboard
  article.addEventListener("pointerdown", (e) => {
    if (!live || live.ctx.linking) return; // choosing the other end of a link: a click, not a drag
    if (article.hasAttribute("data-movable")) live.ctx.canvas?.pressNote(e, article);
  });
  article.addEventListener("click", (e) => {
    const note = live?.ctx.linking ? live.state.notes[id] : null;
    if (!live || !note) return;
    e.preventDefault();
    e.stopPropagation();
    live.ctx.actions.finishLink(note);
  });
  noteParts.set(article, parts);
  return article;
}

/**
 * @param {HTMLElement} article
 * @param {ShownNote} note
 * @param {ShownState} state
 * @param {Area} area
 * @param {RenderContext} ctx
 */
function updateNote(article, note, state, area, ctx) {
  const parts = noteParts.get(article);
  if (!parts) return;
  // its author, or whom a scribe wrote it for, and once duplicates were merged into it, theirs
  const author = [note.for_name || state.participants[note.author]?.name, ...(note.authors ?? []).map((id) => state.participants[id]?.name)]
    .filter(Boolean)
    .join(", ");
  const writer = isWriter(state, ctx);
  const hidden = note.private && !note.text; // someone else's, until the reveal
  const voting = writer ? votingOn(state, note, ctx) : null;
  const pictured = note.picture ?? null; // blanked (null) on someone else's private note
  const classes = `note note--${note.color ?? "yellow"}${hidden ? " note--hidden" : ""}${pictured ? " note--picture" : ""}${note.optimistic ? " note--unsent" : ""}${voting ? " note--votable" : ""}`;
  if (article.className !== classes) article.className = classes;
  setText(parts.text, hidden ? t("Written in silence – shown when the facilitator reveals the notes") : note.text);
  if (pictured) {
    const img = parts.picture ?? el("img", { class: "note-picture" });
    if (!parts.picture) parts.text.before((parts.picture = img));
    img.width = pictured.width;
    img.height = pictured.height;
    const alt = pictureAlt(note, state);
    if (img.alt !== alt) img.alt = alt;
    showPicture(img, pictured.id);
  } else if (parts.picture) {
    parts.picture.remove();
    parts.picture = null;
  }
  describeCell(article, note, area);
  const by = author ? t("by {name}", { name: author }) : note.anonymous ? t("written anonymously") : "";
  show(parts.author, Boolean(by), by);
  // my own note waiting in the facilitators' inbox (inbox.js), else my unrevealed one
  const waiting = Boolean(note.pending);
  setText(parts.private, waiting ? t("Waiting for the facilitator") : t("Only you see this until the notes are revealed"));
  parts.private.hidden = !waiting && !(note.private && !hidden);
  article.classList.toggle("note--waiting", waiting);
  const due = note.owner && note.due ? ` · ${dueText(note.due)}` : "";
  show(parts.owner, Boolean(note.owner), note.owner ? t("Owner: {name}", { name: note.owner }) + due : "");
  show(parts.source, Boolean(note.source), note.source ?? "");
  const votes = voteCount(state, note.id);
  show(parts.votes, Boolean(votes), nt("{n} vote", "{n} votes", votes ?? 0, { n: votes ?? 0 }));
  // the note is the tab stop for its menu (menuItems), which has something for a writer
  // on every note but someone else's unrevealed one; a reader alone (the projector) has none
  const actionable = writer && (!hidden || ctx.role === "facilitator" || note.author === ctx.me);
  if (actionable && article.tabIndex !== 0) article.tabIndex = 0;
  else if (!actionable && article.hasAttribute("tabindex")) article.removeAttribute("tabindex");
  parts.menuButton.hidden = !actionable;
  article.toggleAttribute("data-movable", writer && !hidden);
  article.toggleAttribute("data-selected", Boolean(ctx.canvas?.selected.has(note.id)));
  parts.vote.hidden = !voting;
  parts.unvote.hidden = true;
  if (voting) {
    const mine = (ctx.me && voting.votes[ctx.me]) || [];
    const onThis = mine.filter((id) => id === note.id).length;
    parts.vote.disabled = voting.per_person - mine.length <= 0;
    parts.vote.setAttribute(
      "aria-label",
      nt("Vote for this note ({n} of your votes on it)", "Vote for this note ({n} of your votes on it)", onThis, { n: onThis }),
    );
    parts.unvote.hidden = onThis === 0;
  }
  const reacting = mayReact(state, note, writer);
  const toggle = reacting ? (/** @type {string} */ r) => ctx.actions.react(note, r) : null;
  drawReactions(parts.reactions, state, note, ctx.me, toggle);
  parts.react.hidden = !reacting;
  parts.foot.hidden = parts.votes.hidden && parts.vote.hidden && parts.menuButton.hidden && parts.reactions.hidden && parts.react.hidden;
  const editing = writer && ctx.editing?.id === note.id ? ctx.editing : null;
  if (editing && !parts.editor) {
    parts.editor = editor(note, editing);
    parts.text.after(parts.editor);
  } else if (!editing && parts.editor) {
    parts.editor.remove();
    parts.editor = null;
  }
  parts.text.hidden = Boolean(editing);
}

/**
 * The voting this person may cast a vote on `note` in, or null.
 * @param {BoardState} state
 * @param {Note} note
 * @param {RenderContext} ctx
 * @returns {Voting | null}
 */
function votingOn(state, note, ctx) {
  const voting = state.voting;
  const hidden = (note.private && note.author !== ctx.me) || note.pending;
  return voting && !voting.closed && !hidden && (voting.area == null || voting.area === note.area) ? voting : null;
}

/**
 * What a person may do to a note, in its one menu
 * @param {Note} note
 * @param {BoardState} state
 * @param {Area} area
 * @param {RenderContext} ctx
 * @returns {MenuItem[]}
 */
function menuItems(note, state, area, ctx) {
  const hidden = note.private && !note.text;
  const mine = ctx.role === "facilitator" || note.author === ctx.me;
  /** @type {MenuItem[]} */
  const items = [];
  if (mine && !hidden) items.push({ label: t("Edit"), run: () => ctx.actions.edit(note) });
  if (hidden) return mine ? [{ label: t("Delete"), danger: true, run: () => ctx.actions.remove(note) }] : [];
  // waiting in the inbox: nothing else until a facilitator approves it
  if (note.pending) return [...items, { label: t("Delete"), danger: true, run: () => ctx.actions.remove(note) }];
  if (state.areas.length > 1) {
    items.push({
      label: t("Move to"),
      items: () => state.areas.map((a) => ({ label: a.title, checked: a.id === note.area, run: () => a.id !== note.area && ctx.actions.move(note, a.id) })),
    });
  }
  const { axes } = area;
  if (axes) {
    items.push(
      placeMenuItem(note, { axes }, Object.values(state.notes), (cell, x, y) => {
        if (note.group) ctx.actions.group(note, null); // a grouped note sits in its group's box
        ctx.actions.place(note, null, x, y);
      }),
    );
  }
  const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
  if (groups.length) {
    items.push({
      label: t("Group"),
      items: () => [
        { label: t("No group"), checked: !note.group, run: () => note.group && ctx.actions.group(note, null) },
        ...groups.map((g) => ({ label: g.name || t("Unnamed group"), checked: g.id === note.group, run: () => g.id !== note.group && ctx.actions.group(note, g.id) })),
      ],
    });
  }
  if (mayReact(state, note, true)) items.push(reactMenuItem(state, note, ctx.me, (r) => ctx.actions.react(note, r)));
  items.push({ label: note.owner ? t("Owner: {name}", { name: note.owner }) : t("Owner…"), run: () => ctx.actions.ownNote(note) });
  if (Object.keys(state.notes).length > 1) items.push({ label: t("Link to another note…"), run: () => ctx.actions.startLink(note) });
  const links = linksOf(state, note);
  if (links.length) {
    items.push({
      label: nt("Link ({n})", "Links ({n})", links.length, { n: links.length }),
      items: () =>
        links.flatMap(({ link, other }) => [
          {
            label: link.contradiction
              ? t("Call it a connection: {text}", { text: shortText(other) })
              : t("Call it a contradiction: {text}", { text: shortText(other) }),
            run: () => ctx.actions.markLink(link, !link.contradiction),
          },
          { label: t("Remove the link to: {text}", { text: shortText(other) }), run: () => ctx.actions.unlink(link) },
        ]),
    });
  }
  items.push({
    label: t("Colour"),
    items: () => colours().map(([color, label]) => ({ label, checked: (note.color ?? "yellow") === color, run: () => ctx.actions.color(note, color) })),
  });
  if (!ctx.canvas?.on) {
    // in one column (phones) the order is the place; on the canvas arrow keys move it
    items.push({ label: t("Move earlier"), run: () => ctx.actions.reorder(note, -1) });
    items.push({ label: t("Move later"), run: () => ctx.actions.reorder(note, 1) });
  }
  if (mine) items.push({ label: t("Delete"), danger: true, run: () => ctx.actions.remove(note) });
  return items;
}

/**
 * the note colours of server/board/ops.py COLORS, named in the page's language
 * @returns {[string, string][]} [colour, its name]
 */
const colours = () => [
  ["yellow", t("Yellow")],
  ["pink", t("Pink")],
  ["blue", t("Blue")],
  ["green", t("Green")],
  ["orange", t("Orange")],
  ["purple", t("Purple")],
];

/**
 * @param {string} id the note's
 * @param {HTMLElement} article
 * @param {HTMLElement} anchor what the menu opens beside
 */
function openMenu(id, article, anchor) {
  if (!live) return;
  const { state, ctx } = live;
  const note = state.notes[id];
  const area = state.areas.find((a) => a.id === note?.area);
  if (!note || !area) return;
  if (ctx.linking) {
    ctx.actions.finishLink(note); // the other end of the link being made
    return;
  }
  // the menu opens beside the note: it comes into view first (at once, not smoothly)
  article.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "instant" });
  ctx.menu.open(anchor, menuItems(note, state, area, ctx), article);
}

/**
 * The note's reactions as a menu beside its heart button.
 * @param {string} id
 * @param {HTMLElement} article
 * @param {HTMLElement} anchor
 */
function openReactions(id, article, anchor) {
  const note = live?.state.notes[id];
  if (!live || !note) return;
  const { state, ctx } = live;
  ctx.menu.open(anchor, reactionItems(state, note, ctx.me, (r) => ctx.actions.react(note, r)), article);
}

/**
 * Keys on a focused note: Enter or M opens its menu. On the canvas arrows move it 16 px
 * (Shift: 64 px), sent as one move when the keys are let go; Alt+Left and Alt+Right move it
 * to the previous or next area. In one column (phones) up and down change its place in its
 * area and left and right move it to the neighbouring area.
 * @param {KeyboardEvent} e
 * @param {string} id the note's
 * @param {HTMLElement} article
 * @param {NoteParts} parts
 */
function noteKey(e, id, article, parts) {
  if (e.target !== article || e.ctrlKey || e.metaKey || !live) return;
  const { state, ctx } = live;
  const note = state.notes[id];
  if (!note || parts.menuButton.hidden) return;
  const here = state.areas.findIndex((a) => a.id === note.area);
  const step = e.key === "ArrowUp" ? -1 : e.key === "ArrowDown" ? 1 : 0;
  const side = e.key === "ArrowLeft" ? -1 : e.key === "ArrowRight" ? 1 : 0;
  const canvas = ctx.canvas?.on ? ctx.canvas : null;
  if (e.altKey && !(canvas && side)) return;
  if (e.key === "Enter" || e.key === "m" || e.key === "M") openMenu(id, article, parts.menuButton);
  else if ((e.key === "r" || e.key === "R") && !e.altKey) {
    if (parts.react.hidden) return;
    openReactions(id, article, parts.react);
  } else if (canvas && e.altKey) {
    const next = state.areas[here + side];
    if (!next) return;
    if (note.group) ctx.actions.group(note, null); // shown at once out of its group
    ctx.actions.move(note, next.id);
  } else if (canvas && (step || side)) {
    if (note.group) return; // a grouped note sits in its group's box
    const px = e.shiftKey ? 64 : 16;
    canvas.nudge(article, side * px, step * px);
  } else if (step) ctx.actions.reorder(note, step);
  else if (side && state.areas[here + side]) ctx.actions.move(note, state.areas[here + side].id);
  else return;
  e.preventDefault();
}

/**
 * A note's editor; what is typed goes into `editing` at once, so a redraw keeps it.
 * @param {Note} note
 * @param {{id: string, text: string}} editing
 */
function editor(note, editing) {
  const field = el("textarea", {
    class: "note-edit",
    "aria-label": t("Edit"),
    "data-focus": `edit:${note.id}`,
    maxlength: 1000,
    onkeydown: (e) => {
      if (e.key === "Escape") live?.ctx.actions.cancel();
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        live?.ctx.actions.save(note.id);
      }
    },
  });
  field.value = editing.text;
  field.addEventListener("input", () => (editing.text = field.value));
  return el(
    "div",
    { class: "note-editor" },
    field,
    el(
      "div",
      { class: "note-actions" },
      button(t("Save"), `save:${note.id}`, () => live?.ctx.actions.save(note.id)),
      button(t("Cancel"), `cancel:${note.id}`, () => live?.ctx.actions.cancel()),
    ),
  );
}

/** @param {Note} note */
function pendingView(note) {
  return el(
    "article",
    { class: "note note--pending", "data-pending": "true" },
    el("p", { class: "note-text", text: note.text }),
    el("p", { class: "note-author", text: t("waiting to be sent") }),
  );
}

/** @param {Area} area */
function groupForm(area) {
  const id = `new-group-${area.id}`;
  const input = el("input", { id, maxlength: 200, autocomplete: "off", "data-focus": id });
  return el(
    "form",
    {
      class: "group-form",
      onsubmit: (e) => {
        e.preventDefault();
        live?.ctx.actions.newGroup(area, input.value.trim());
        input.value = "";
      },
    },
    el("label", { for: id, text: t("New group") }),
    input,
    el("button", { type: "submit", text: t("Create group") }),
  );
}

/**
 * The note `step` places after (or before, when negative) `note` in its area, or null.
 * @param {BoardState} state
 * @param {Note} note
 * @param {number} step
 * @returns {Note | null}
 */
export function neighbour(state, note, step) {
  const list = notesOf(state, note.area);
  return list[list.findIndex((n) => n.id === note.id) + step] ?? null;
}

// The whole board as nested lists: for screen readers, and for anyone who prefers it.
// `prefix` keeps the headings' ids apart when two lists are on the page (the list view and
// the history). The container is one named region a keyboard can reach and scroll; the areas
// in it are headed parts, not landmarks of their own, so two lists never repeat a landmark.
/**
 * @param {HTMLElement} container
 * @param {BoardState} state
 * @param {string} [prefix]
 */
export function renderList(container, state, prefix = "list") {
  labelList(container, prefix);
  const sections = state.areas.map((area) => {
    const notes = notesOf(state, area.id);
    const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
    const loose = notes.filter((n) => !groups.some((g) => g.id === n.group));
    const heading = notes.length === 1
      ? t("{area} (one note)", { area: area.title })
      : nt("{area} ({n} note)", "{area} ({n} notes)", notes.length, { area: area.title, n: notes.length });
    const { axes } = area;
    return el(
      "section",
      {},
      el("h2", { id: `${prefix}-${area.id}`, text: heading }),
      notes.length || groups.length || axes ? null : el("p", { text: t("No notes yet.") }),
      // a quadrant (quadrant.js): each cell's heading over its notes
      ...(axes ? quadrantList({ axes }, loose, (n) => listItems(n, state)) : [loose.length ? listItems(loose, state) : null]),
      // a group is a heading over its notes, as on the board
      ...groups.flatMap((g) => {
        const grouped = notes.filter((n) => n.group === g.id);
        return [
          el("h3", { text: t("Group: {name}", { name: g.name || t("Unnamed group") }) }),
          grouped.length ? listItems(grouped, state) : el("p", { text: t("No notes yet.") }),
        ];
      }),
    );
  });
  const links = Object.values(state.links ?? {}).filter((l) => state.notes[l.a] && state.notes[l.b]);
  if (links.length) {
    sections.push(
      el(
        "section",
        {},
        el("h2", { id: `${prefix}-links`, text: t("Links between notes") }),
        el(
          "ul",
          {},
          ...links.map((l) =>
            el("li", {
              text: `${shortText(state.notes[l.a])} ↔ ${shortText(state.notes[l.b])}: ${l.contradiction ? t("contradiction") : t("connection")}`,
            }),
          ),
        ),
      ),
    );
  }
  container.replaceChildren(...sections);
}

/**
 * @param {Note[]} notes
 * @param {BoardState} state
 */
function listItems(notes, state) {
  return el(
    "ol",
    {},
    ...notes.map((n) => {
      const author = n.for_name || (state.participants[n.author]?.name ?? "");
      const votes = voteCount(state, n.id) ?? 0;
      const text = n.private && !n.text ? t("Written in silence – shown when the facilitator reveals the notes") : n.text;
      const counted = nt("{n} vote", "{n} votes", votes, { n: votes });
      const reacted = reactionsText(state, n.id);
      const pictured = n.picture ?? null;
      const picture = pictured
        ? el("img", { class: "list-picture", alt: pictureAlt(n, state), width: pictured.width, height: pictured.height })
        : null;
      if (picture && pictured) showPicture(picture, pictured.id);
      return el(
        "li",
        {},
        picture,
        el("span", { text }),
        author ? el("span", { class: "list-meta", text: " – " + t("by {name}", { name: author }) }) : null,
        votes ? el("span", { class: "list-meta", text: " – " + counted }) : null,
        reacted ? el("span", { class: "list-meta", text: " – " + reacted }) : null,
      );
    }),
  );
}

/**
 * @param {HTMLElement} container
 * @param {string} prefix
 */
function labelList(container, prefix) {
  if (container.hasAttribute("role")) return;
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", prefix === "history" ? t("The board after the chosen change") : t("The board as lists"));
  container.tabIndex = 0;
}

/** @param {Element | null} element */
function focusKey(element) {
  return element instanceof HTMLElement ? (element.dataset.focus ?? null) : null;
}

/**
 * @param {Element} container
 * @param {string | null} key
 */
function restoreFocus(container, key) {
  if (!key) return;
  const target = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
  if (target instanceof HTMLElement) target.focus();
}

/**
 * @param {HTMLSelectElement} select
 * @param {[string, string][]} options [value, label]
 * @param {string} [current] what stays chosen, if it is still offered
 */
export function fillSelect(select, options, current = select.value) {
  select.replaceChildren(...options.map(([value, label]) => el("option", { value, text: label })));
  if (options.some(([value]) => value === current)) select.value = current;
}

/**
 * "by 15 Jan 2027" in the page's language, for a YYYY-MM-DD date (read as that day wherever
 * the page is).
 * @param {string} due
 */
export function dueText(due) {
  const [y, m, d] = due.split("-").map(Number);
  const when = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium" }).format(new Date(y, m - 1, d));
  return t("by {date}", { date: when });
}
