// Drawing the board: areas as frames on a canvas (canvas.js; one column on phones, the
// projector's own layout there), notes in them, and the same board as plain lists.
// All user text goes in through textContent, never as HTML.

import { flow } from "./canvas.js";
import { nt, t } from "./i18n.js";
import { reconcile, setText, show } from "./keyed.js";
import { linksOf, shortText } from "./notelinks.js";
import { BELOW_GRID, describeCell, placeMenuItem, quadrantList, updateQuadrant } from "./quadrant.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null && c !== false));
  return node;
}

export function button(label, key, onclick, attrs = {}) {
  return el("button", { type: "button", "data-focus": key, text: label, onclick, ...attrs });
}

// A note's place in its area: its y when someone placed it, else the order it came in.
const placeOf = (note) => note.y ?? note.created_seq;

function notesOf(state, areaId) {
  return Object.values(state.notes)
    .filter((n) => n.area === areaId)
    .sort((a, b) => placeOf(a) - placeOf(b) || a.created_seq - b.created_seq);
}

// The y that puts a note just before `target` (or at the end of the list when null).
export function placeBefore(state, note, target) {
  const others = notesOf(state, target?.area ?? note.area).filter((n) => n.id !== note.id);
  if (!target) return others.length ? placeOf(others[others.length - 1]) + 1 : placeOf(note);
  const i = others.findIndex((n) => n.id === target.id);
  const before = i > 0 ? placeOf(others[i - 1]) : placeOf(target) - 1;
  return Math.max(0, (before + placeOf(target)) / 2);
}

function inFocus(state, area) {
  const focus = state.focus ?? [];
  return focus.length === 0 || focus.includes(area.id);
}

const noteParts = new WeakMap(); // article -> its parts, made once per note
const areaParts = new WeakMap(); // section -> its parts, made once per area
const heights = new Map(); // note key -> its height on the canvas when last drawn, px
// what the latest render drew from: event handlers made once read the board from here
let live = { state: null, ctx: null };

// ctx: {me, role, projector, editing: {id, text} | null, pending: [note], actions, menu,
// canvas: Canvas | null (the working board's)}
// Each area, group and note is one node for its whole life (keyed.js): an update changes
// only what changed, so a half-typed group name, an open editor or the focus survive it.
export function renderAreas(container, state, ctx) {
  live = { state, ctx };
  const focus = focusKey(document.activeElement);
  const areas = ctx.projector ? state.areas.filter((a) => inFocus(state, a)) : state.areas;
  const world = ctx.canvas?.world ?? container;
  reconcile(world, areas, (a) => a.id, areaNode, (node, area) => updateArea(node, area, state, ctx));
  restoreFocus(container, focus);
  if (ctx.canvas && !ctx.canvas.fitted && areas.length) ctx.canvas.fit(); // on first load
}

// A note dragged (or nudged with arrow keys) on the canvas was let go: onto a note or the
// box of a group, it joins that group; anywhere else in a frame, it is placed there.
export function dropped(drop) {
  const { state, ctx } = live;
  const note = state?.notes[drop.noteId];
  if (!note || !drop.area) return;
  if (drop.group && state.groups?.[drop.group]) {
    if (drop.group !== note.group) ctx.actions.group(note, drop.group);
    return;
  }
  if (note.group && !drop.nudge) ctx.actions.group(note, null);
  ctx.actions.place(note, drop.area === note.area ? null : drop.area, drop.x, drop.y);
}

const isWriter = (state, ctx) => !ctx.projector && (ctx.role === "facilitator" || ctx.role === "participant") && !state.closed;

function areaNode(area) {
  const parts = {
    title: el("h2", { id: `area-${area.id}` }),
    prompt: el("p", { class: "area-prompt" }),
    notes: el("ul", { class: "notes" }),
    empty: el("p", { class: "empty", text: t("No notes yet.") }),
    groups: el("div", { class: "groups" }),
    form: null,
  };
  const section = el("section", { class: "area", "aria-labelledby": `area-${area.id}` }, ...Object.values(parts).filter(Boolean));
  areaParts.set(section, parts);
  return section;
}

function updateArea(section, area, state, ctx) {
  const parts = areaParts.get(section);
  section.classList.toggle("area--muted", !inFocus(state, area));
  setText(parts.title, area.title);
  show(parts.prompt, Boolean(area.prompt), area.prompt);
  const notes = notesOf(state, area.id);
  const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
  let loose = [
    ...notes.filter((n) => !n.group).map((note) => ({ note })),
    ...ctx.pending.filter((n) => n.area === area.id).map((note) => ({ note, pending: true })),
  ];
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
    const name = group.name || t("Unnamed group");
    node.setAttribute("aria-label", t("Group: {name}", { name }));
    setText(node.firstElementChild, name);
    const members = notes.filter((n) => n.group === group.id).map((note) => ({ note }));
    renderNotes(node.lastElementChild, members, state, area, ctx);
  });
  const writer = isWriter(state, ctx);
  if (writer && !parts.form) {
    parts.form = groupForm(area);
    section.append(parts.form);
  }
  if (parts.form) parts.form.hidden = !writer;
}

const itemKey = (item) => (item.pending ? `pending:${item.note.id}` : item.note.id);
const flowItems = (items) =>
  items.map((item) => ({ key: itemKey(item), x: item.pending ? null : item.note.x, y: item.pending ? null : item.note.y }));
const heightOf = (key) => heights.get(key) ?? 112;

function inReadingOrder(items, top) {
  const { places } = flow(flowItems(items), top, heightOf);
  const at = (item) => places.get(itemKey(item));
  return [...items].sort((a, b) => at(a).top - at(b).top || at(a).left - at(b).left);
}

// Places a frame's loose notes (canvas.js `flow`): where they were put, the rest in free
// cells; the list is as tall as what it holds, so groups and the group form come below.
function place(parts, items, canvas, top = null) {
  const lis = [...parts.notes.children];
  if (!canvas) {
    parts.notes.style.height = "";
    for (const li of lis) li.style.left = li.style.top = "";
    return;
  }
  if (!items.length && top == null) return;
  parts.top = parts.notes.offsetTop;
  for (const li of lis) heights.set(li.dataset.key, li.offsetHeight);
  const { places, bottom } = flow(flowItems(items), top ?? parts.top, heightOf);
  for (const li of lis) {
    const at = places.get(li.dataset.key);
    if (!at) continue;
    li.style.left = `${at.left}px`;
    li.style.top = `${at.top}px`;
  }
  parts.notes.style.height = `${bottom - parts.top}px`;
}

function groupNode() {
  return el("section", { class: "group" }, el("h3"), el("ul", { class: "notes" }));
}

// notes this page showed as waiting to be sent: when the server's answer draws them, they
// are already there for the person who wrote them, so they do not fade in a second time
const shownPending = new Set();

function renderNotes(list, items, state, area, ctx) {
  reconcile(
    list,
    items,
    (item) => (item.pending ? `pending:${item.note.id}` : item.note.id),
    (item) => {
      if (item.pending) {
        shownPending.add(item.note.id);
        return el("li", {}, pendingView(item.note));
      }
      const article = noteNode(item.note.id);
      if (shownPending.delete(item.note.id)) article.style.animation = "none";
      return el("li", {}, article);
    },
    (li, item) => item.pending || updateNote(li.firstElementChild, item.note, state, area, ctx),
  );
}

// votes per note once voting is closed, counted once per drawing of the board
let counted = { votes: null, counts: new Map() };
function voteCount(state, noteId) {
  const voting = state.voting;
  if (!voting?.closed) return null;
  if (counted.votes !== voting.votes) {
    counted = { votes: voting.votes, counts: new Map() };
    for (const id of Object.values(voting.votes).flat()) counted.counts.set(id, (counted.counts.get(id) ?? 0) + 1);
  }
  return counted.counts.get(noteId) ?? 0;
}

function noteNode(id) {
  const parts = {
    text: el("p", { class: "note-text" }),
    author: el("p", { class: "note-author" }),
    private: el("p", { class: "note-private", text: t("Only you see this until the notes are revealed") }),
    owner: el("p", { class: "note-owner" }),
    source: el("p", { class: "note-source" }),
    editor: null,
    foot: el("div", { class: "note-foot" }),
  };
  parts.votes = el("span", { class: "note-votes" });
  parts.vote = button(t("Vote"), `vote:${id}`, () => live.ctx.actions.vote(live.state.notes[id]), { "data-action": "vote" });
  parts.unvote = button(t("Remove vote"), `unvote:${id}`, () => live.ctx.actions.unvote(live.state.notes[id]), {
    "data-action": "unvote",
  });
  parts.menuButton = button("…", `menu:${id}`, () => openMenu(article, parts.menuButton), {
    class: "note-menu-button",
    tabindex: -1, // the note itself is the tab stop: Enter or M opens this menu
    "aria-haspopup": "menu",
    "aria-label": t("Actions for this note"),
  });
  parts.actions = el("div", { class: "note-actions" }, parts.vote, parts.unvote, parts.menuButton);
  parts.foot.append(parts.votes, parts.actions);
  const article = el(
    "article",
    { class: "note", "data-note-id": id, "data-focus": `note:${id}`, "aria-keyshortcuts": "Enter M ArrowUp ArrowDown ArrowLeft ArrowRight Alt+ArrowLeft Alt+ArrowRight + -" },
    parts.text,
    parts.author,
    parts.private,
    parts.owner,
    parts.source,
    parts.foot,
  );
  article.addEventListener("keydown", (e) => noteKey(e, article, parts));
  // dragging is a shortcut; the note's menu and arrow keys do the same from the keyboard
  article.addEventListener("pointerdown", (e) => {
    if (live.ctx?.linking) return; // choosing the other end of a link: a click, not a drag
    if (article.hasAttribute("data-movable")) live.ctx.canvas?.pressNote(e, article);
  });
  article.addEventListener("click", (e) => {
    const note = live.ctx?.linking && live.state.notes[article.dataset.noteId];
    if (!note) return;
    e.preventDefault();
    e.stopPropagation();
    live.ctx.actions.finishLink(note);
  });
  noteParts.set(article, parts);
  return article;
}

function updateNote(article, note, state, area, ctx) {
  const parts = noteParts.get(article);
  const author = state.participants[note.author]?.name ?? "";
  const writer = isWriter(state, ctx);
  const hidden = note.private && !note.text; // someone else's, until the reveal
  const voting = writer && canVote(state, note, ctx);
  const classes = `note note--${note.color ?? "yellow"}${hidden ? " note--hidden" : ""}${note.optimistic ? " note--unsent" : ""}${voting ? " note--votable" : ""}`;
  if (article.className !== classes) article.className = classes;
  setText(parts.text, hidden ? t("Written in silence – shown when the facilitator reveals the notes") : note.text);
  describeCell(article, note, area);
  const by = author ? t("by {name}", { name: author }) : note.anonymous ? t("written anonymously") : "";
  show(parts.author, Boolean(by), by);
  parts.private.hidden = !(note.private && !hidden);
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
    const mine = state.voting.votes[ctx.me] ?? [];
    const onThis = mine.filter((id) => id === note.id).length;
    parts.vote.disabled = state.voting.per_person - mine.length <= 0;
    parts.vote.setAttribute(
      "aria-label",
      nt("Vote for this note ({n} of your votes on it)", "Vote for this note ({n} of your votes on it)", onThis, { n: onThis }),
    );
    parts.unvote.hidden = onThis === 0;
  }
  parts.foot.hidden = parts.votes.hidden && parts.vote.hidden && parts.menuButton.hidden;
  const editing = writer && ctx.editing?.id === note.id;
  if (editing && !parts.editor) {
    parts.editor = editor(note, ctx);
    parts.text.after(parts.editor);
  } else if (!editing && parts.editor) {
    parts.editor.remove();
    parts.editor = null;
  }
  parts.text.hidden = editing;
}

function canVote(state, note, ctx) {
  const voting = state.voting;
  const hidden = note.private && note.author !== ctx.me;
  return voting && !voting.closed && !hidden && (voting.area == null || voting.area === note.area);
}

// What a person may do to a note, in its one menu
function menuItems(note, state, area, ctx) {
  const hidden = note.private && !note.text;
  const mine = ctx.role === "facilitator" || note.author === ctx.me;
  const items = [];
  if (mine && !hidden) items.push({ label: t("Edit"), run: () => ctx.actions.edit(note) });
  if (hidden) return mine ? [{ label: t("Delete"), danger: true, run: () => ctx.actions.remove(note) }] : [];
  if (state.areas.length > 1) {
    items.push({
      label: t("Move to"),
      items: () => state.areas.map((a) => ({ label: a.title, checked: a.id === note.area, run: () => a.id !== note.area && ctx.actions.move(note, a.id) })),
    });
  }
  if (area.axes) {
    items.push(
      placeMenuItem(note, area, Object.values(state.notes), (cell, x, y) => {
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

// the note colours of server/board/ops.py COLORS, named in the page's language
const colours = () => [
  ["yellow", t("Yellow")],
  ["pink", t("Pink")],
  ["blue", t("Blue")],
  ["green", t("Green")],
  ["orange", t("Orange")],
  ["purple", t("Purple")],
];

function openMenu(article, anchor) {
  const { state, ctx } = live;
  const note = state.notes[article.dataset.noteId];
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

// Keys on a focused note: Enter or M opens its menu. On the canvas arrows move it 16 px
// (Shift: 64 px), sent as one move when the keys are let go; Alt+Left and Alt+Right move it
// to the previous or next area. In one column (phones) up and down change its place in its
// area and left and right move it to the neighbouring area.
function noteKey(e, article, parts) {
  if (e.target !== article || e.ctrlKey || e.metaKey) return;
  const { state, ctx } = live;
  const note = state.notes[article.dataset.noteId];
  if (!note || parts.menuButton.hidden) return;
  const here = state.areas.findIndex((a) => a.id === note.area);
  const step = { ArrowUp: -1, ArrowDown: 1 }[e.key];
  const side = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
  const canvas = ctx.canvas?.on ? ctx.canvas : null;
  if (e.altKey && !(canvas && side)) return;
  if (e.key === "Enter" || e.key === "m" || e.key === "M") openMenu(article, parts.menuButton);
  else if (canvas && e.altKey) {
    const next = state.areas[here + side];
    if (!next) return;
    if (note.group) ctx.actions.group(note, null); // shown at once out of its group
    ctx.actions.move(note, next.id);
  } else if (canvas && (step || side)) {
    if (note.group) return; // a grouped note sits in its group's box
    const px = e.shiftKey ? 64 : 16;
    canvas.nudge(article, (side ?? 0) * px, (step ?? 0) * px);
  } else if (step) ctx.actions.reorder(note, step);
  else if (side && state.areas[here + side]) ctx.actions.move(note, state.areas[here + side].id);
  else return;
  e.preventDefault();
}

function editor(note, ctx) {
  const field = el("textarea", {
    class: "note-edit",
    "aria-label": t("Edit"),
    "data-focus": `edit:${note.id}`,
    maxlength: 1000,
    oninput: (e) => (ctx.editing.text = e.target.value),
    onkeydown: (e) => {
      if (e.key === "Escape") live.ctx.actions.cancel();
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        live.ctx.actions.save(note.id);
      }
    },
  });
  field.value = ctx.editing.text;
  return el(
    "div",
    { class: "note-editor" },
    field,
    el(
      "div",
      { class: "note-actions" },
      button(t("Save"), `save:${note.id}`, () => live.ctx.actions.save(note.id)),
      button(t("Cancel"), `cancel:${note.id}`, () => live.ctx.actions.cancel()),
    ),
  );
}

function pendingView(note) {
  return el(
    "article",
    { class: "note note--pending", "data-pending": "true" },
    el("p", { class: "note-text", text: note.text }),
    el("p", { class: "note-author", text: t("waiting to be sent") }),
  );
}

function groupForm(area) {
  const id = `new-group-${area.id}`;
  const input = el("input", { id, maxlength: 200, autocomplete: "off", "data-focus": id });
  return el(
    "form",
    {
      class: "group-form",
      onsubmit: (e) => {
        e.preventDefault();
        live.ctx.actions.newGroup(area, input.value.trim());
        input.value = "";
      },
    },
    el("label", { for: id, text: t("New group") }),
    input,
    el("button", { type: "submit", text: t("Create group") }),
  );
}

// The whole board as nested lists: for screen readers, and for anyone who prefers it.
export function neighbour(state, note, step) {
  const list = notesOf(state, note.area);
  return list[list.findIndex((n) => n.id === note.id) + step] ?? null;
}

// `prefix` keeps the headings' ids apart when two lists are on the page (the list view and
// the history). The container is one named region a keyboard can reach and scroll; the areas
// in it are headed parts, not landmarks of their own, so two lists never repeat a landmark.
export function renderList(container, state, prefix = "list") {
  labelList(container, prefix);
  const sections = state.areas.map((area) => {
    const notes = notesOf(state, area.id);
    const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
    const loose = notes.filter((n) => !groups.some((g) => g.id === n.group));
    const heading = notes.length === 1
      ? t("{area} (one note)", { area: area.title })
      : nt("{area} ({n} note)", "{area} ({n} notes)", notes.length, { area: area.title, n: notes.length });
    return el(
      "section",
      {},
      el("h2", { id: `${prefix}-${area.id}`, text: heading }),
      notes.length || groups.length || area.axes ? null : el("p", { text: t("No notes yet.") }),
      // a quadrant (quadrant.js): each cell's heading over its notes
      ...(area.axes ? quadrantList(area, loose, (n) => listItems(n, state)) : [loose.length ? listItems(loose, state) : null]),
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

function listItems(notes, state) {
  return el(
    "ol",
    {},
    ...notes.map((n) => {
      const author = state.participants[n.author]?.name ?? "";
      const votes = voteCount(state, n.id);
      const text = n.private && !n.text ? t("Written in silence – shown when the facilitator reveals the notes") : n.text;
      const counted = nt("{n} vote", "{n} votes", votes, { n: votes });
      return el(
        "li",
        {},
        el("span", { text }),
        author ? el("span", { class: "list-meta", text: " – " + t("by {name}", { name: author }) }) : null,
        votes ? el("span", { class: "list-meta", text: " – " + counted }) : null,
      );
    }),
  );
}

function labelList(container, prefix) {
  if (container.hasAttribute("role")) return;
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", prefix === "history" ? t("The board after the chosen change") : t("The board as lists"));
  container.tabIndex = 0;
}

function focusKey(element) {
  return element?.dataset?.focus ?? null;
}

function restoreFocus(container, key) {
  if (!key) return;
  const target = [...container.querySelectorAll("[data-focus]")].find((n) => n.dataset.focus === key);
  target?.focus();
}

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
