// Drawing the board: areas as columns, notes in them, and the same board as plain lists.
// All user text goes in through textContent, never as HTML.

import { t } from "./i18n.js";

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

// ctx: {me, role, projector, editing: {id, text} | null, pending: [note], actions}
export function renderAreas(container, state, ctx) {
  const focus = focusKey(document.activeElement);
  const areas = ctx.projector ? state.areas.filter((a) => inFocus(state, a)) : state.areas;
  const writer = !ctx.projector && (ctx.role === "facilitator" || ctx.role === "participant") && !state.closed;
  const columns = areas.map((area) => {
    const notes = notesOf(state, area.id);
    const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
    const loose = [
      ...notes.filter((n) => !n.group).map((n) => noteView(n, state, area, ctx)),
      ...ctx.pending.filter((n) => n.area === area.id).map((n) => pendingView(n)),
    ];
    const list = (items) => el("ul", { class: "notes" }, ...items.map((item) => el("li", {}, item)));
    const section = el(
      "section",
      {
        class: `area${inFocus(state, area) ? "" : " area--muted"}`,
        "aria-labelledby": `area-${area.id}`,
      },
      el("h2", { id: `area-${area.id}`, text: area.title }),
      area.prompt ? el("p", { class: "area-prompt", text: area.prompt }) : null,
      loose.length || groups.length ? list(loose) : el("p", { class: "empty", text: t("No notes yet.") }),
      ...groups.map((g) =>
        el(
          "section",
          { class: "group", "aria-label": t("Group: {name}", { name: g.name || t("Unnamed group") }) },
          el("h3", { text: g.name || t("Unnamed group") }),
          list(notes.filter((n) => n.group === g.id).map((n) => noteView(n, state, area, ctx))),
        ),
      ),
      writer ? groupForm(area, ctx) : null,
    );
    if (writer) {
      // dragging is a shortcut; "Move to" on every note does the same from the keyboard
      section.addEventListener("dragover", (e) => e.preventDefault());
      section.addEventListener("drop", (e) => {
        e.preventDefault();
        const id = e.dataTransfer.getData("text/x-planche-note");
        const note = state.notes[id];
        if (note && note.area !== area.id) ctx.actions.move(note, area.id);
      });
    }
    return section;
  });
  container.replaceChildren(...columns);
  restoreFocus(container, focus);
}

function voteCount(state, noteId) {
  const voting = state.voting;
  if (!voting?.closed) return null;
  return Object.values(voting.votes).flat().filter((id) => id === noteId).length;
}

function noteView(note, state, area, ctx) {
  const author = state.participants[note.author]?.name ?? "";
  const writer = !ctx.projector && (ctx.role === "facilitator" || ctx.role === "participant");
  const mine = ctx.role === "facilitator" || note.author === ctx.me;
  const hidden = note.private && !note.text; // someone else's, until the reveal
  const editing = ctx.editing?.id === note.id;
  const article = el("article", {
    class: `note note--${note.color ?? "yellow"}${hidden ? " note--hidden" : ""}`,
    "data-note-id": note.id,
  });
  if (editing) {
    article.append(editor(note, ctx));
    return article;
  }
  const votes = voteCount(state, note.id);
  article.append(
    ...[
    el("p", { class: "note-text", text: hidden ? t("Written in silence – shown when the facilitator reveals the notes") : note.text }),
    author ? el("p", { class: "note-author", text: t("by {name}", { name: author }) }) : null,
    note.private && !hidden ? el("p", { class: "note-private", text: t("Only you see this until the notes are revealed") }) : null,
    note.anonymous && !author ? el("p", { class: "note-author", text: t("written anonymously") }) : null,
    note.owner ? el("p", { class: "note-owner", text: t("Owner: {name}", { name: note.owner }) }) : null,
    note.source ? el("p", { class: "note-source", text: note.source }) : null,
    votes ? el("p", { class: "note-votes", text: t("{n} votes", { n: votes }) }) : null,
    ].filter(Boolean),
  );
  if (!writer || state.closed) return article;
  if (!hidden) {
    article.draggable = true;
    article.addEventListener("dragstart", (e) => e.dataTransfer.setData("text/x-planche-note", note.id));
    article.addEventListener("drop", (e) => {
      const id = e.dataTransfer.getData("text/x-planche-note");
      if (!id || id === note.id) return;
      e.preventDefault();
      e.stopPropagation();
      ctx.actions.placeBefore(state.notes[id], note);
    });
  }
  const actions = el("div", { class: "note-actions" });
  if (canVote(state, note, ctx)) actions.append(...voteButtons(state, note, ctx));
  if (mine && !hidden) actions.append(button(t("Edit"), `edit:${note.id}`, () => ctx.actions.edit(note)));
  if (mine) actions.append(button(t("Delete"), `delete:${note.id}`, () => ctx.actions.remove(note)));
  if (state.areas.length > 1 && !hidden) actions.append(moveSelect(note, state, area, ctx));
  const groups = Object.values(state.groups ?? {}).filter((g) => g.area === area.id);
  if (groups.length && !hidden) actions.append(groupSelect(note, groups, ctx));
  if (!hidden) {
    actions.append(
      button("↑", `up:${note.id}`, () => ctx.actions.reorder(note, -1), { "aria-label": t("Move earlier") }),
      button("↓", `down:${note.id}`, () => ctx.actions.reorder(note, 1), { "aria-label": t("Move later") }),
    );
  }
  article.append(actions);
  return article;
}

function canVote(state, note, ctx) {
  const voting = state.voting;
  const hidden = note.private && note.author !== ctx.me;
  return voting && !voting.closed && !hidden && (voting.area == null || voting.area === note.area);
}

function voteButtons(state, note, ctx) {
  const mine = state.voting.votes[ctx.me] ?? [];
  const onThis = mine.filter((id) => id === note.id).length;
  const left = state.voting.per_person - mine.length;
  const buttons = [
    button(t("Vote"), `vote:${note.id}`, () => ctx.actions.vote(note), {
      disabled: left <= 0,
      "aria-label": t("Vote for this note ({n} of your votes on it)", { n: onThis }),
    }),
  ];
  if (onThis) {
    buttons.push(button(t("Remove vote"), `unvote:${note.id}`, () => ctx.actions.unvote(note)));
  }
  return buttons;
}

function editor(note, ctx) {
  const field = el("textarea", {
    class: "note-edit",
    "aria-label": t("Edit"),
    "data-focus": `edit:${note.id}`,
    maxlength: 1000,
    oninput: (e) => (ctx.editing.text = e.target.value),
    onkeydown: (e) => {
      if (e.key === "Escape") ctx.actions.cancel();
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        ctx.actions.save(note.id);
      }
    },
  });
  field.value = ctx.editing.text;
  return el(
    "div",
    {},
    field,
    el(
      "div",
      { class: "note-actions" },
      button(t("Save"), `save:${note.id}`, () => ctx.actions.save(note.id)),
      button(t("Cancel"), `cancel:${note.id}`, () => ctx.actions.cancel()),
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

function moveSelect(note, state, area, ctx) {
  const select = el(
    "select",
    { "data-focus": `move:${note.id}`, onchange: (e) => ctx.actions.move(note, e.target.value) },
    ...state.areas.map((a) => el("option", { value: a.id, text: a.title, selected: a.id === area.id })),
  );
  return el("label", { class: "note-move" }, el("span", { text: t("Move to") }), select);
}

function groupSelect(note, groups, ctx) {
  const select = el(
    "select",
    { "data-focus": `group:${note.id}`, onchange: (e) => ctx.actions.group(note, e.target.value || null) },
    el("option", { value: "", text: t("No group") }),
    ...groups.map((g) => el("option", { value: g.id, text: g.name || t("Unnamed group"), selected: g.id === note.group })),
  );
  return el("label", { class: "note-move" }, el("span", { text: t("Group") }), select);
}

function groupForm(area, ctx) {
  const id = `new-group-${area.id}`;
  const input = el("input", { id, maxlength: 200, autocomplete: "off", "data-focus": id });
  return el(
    "form",
    {
      class: "group-form",
      onsubmit: (e) => {
        e.preventDefault();
        ctx.actions.newGroup(area, input.value.trim());
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
      : t("{area} ({n} notes)", { area: area.title, n: notes.length });
    return el(
      "section",
      {},
      el("h2", { id: `${prefix}-${area.id}`, text: heading }),
      notes.length || groups.length ? null : el("p", { text: t("No notes yet.") }),
      loose.length ? listItems(loose, state) : null,
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
      const counted = votes === 1 ? t("1 vote") : t("{n} votes", { n: votes });
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
