// Drawing the board: areas as columns, notes in them. All user text goes in through
// textContent, never as HTML.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

// ctx: {t, me, role, editing: {id, text} | null, pending: [note], actions: {edit, save,
// cancel, remove, move}}
export function renderAreas(container, state, ctx) {
  const focus = focusKey(document.activeElement);
  const columns = state.areas.map((area) => {
    const notes = Object.values(state.notes)
      .filter((n) => n.area === area.id)
      .sort((a, b) => a.created_seq - b.created_seq);
    const pending = ctx.pending.filter((n) => n.area === area.id);
    const items = [
      ...notes.map((n) => noteView(n, state, area, ctx)),
      ...pending.map((n) => pendingView(n, ctx)),
    ];
    return el(
      "section",
      { class: "area", "aria-labelledby": `area-${area.id}` },
      el("h2", { id: `area-${area.id}`, text: area.title }),
      area.prompt ? el("p", { class: "area-prompt", text: area.prompt }) : null,
      items.length
        ? el("ul", { class: "notes" }, ...items.map((item) => el("li", {}, item)))
        : el("p", { class: "empty", text: ctx.t("board.empty") }),
    );
  });
  container.replaceChildren(...columns);
  restoreFocus(container, focus);
}

function noteView(note, state, area, ctx) {
  const author = state.participants[note.author]?.name ?? "";
  const writer = ctx.role === "facilitator" || ctx.role === "participant";
  const mine = ctx.role === "facilitator" || note.author === ctx.me;
  const editing = ctx.editing?.id === note.id;
  const article = el("article", {
    class: `note note--${note.color ?? "yellow"}`,
    "data-note-id": note.id,
  });
  if (editing) {
    const field = el("textarea", {
      class: "note-edit",
      "aria-label": ctx.t("note.edit"),
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
    article.append(
      field,
      el(
        "div",
        { class: "note-actions" },
        button(ctx.t("note.save"), `save:${note.id}`, () => ctx.actions.save(note.id)),
        button(ctx.t("note.cancel"), `cancel:${note.id}`, () => ctx.actions.cancel()),
      ),
    );
    return article;
  }
  const hidden = note.private && !note.text; // someone else's, until the reveal
  if (hidden) article.classList.add("note--hidden");
  article.append(
    el("p", { class: "note-text", text: hidden ? ctx.t("note.hidden") : note.text }),
    author ? el("p", { class: "note-author", text: ctx.t("note.by", { name: author }) }) : null,
  );
  if (writer) {
    const actions = el("div", { class: "note-actions" });
    if (mine && !hidden) {
      actions.append(button(ctx.t("note.edit"), `edit:${note.id}`, () => ctx.actions.edit(note)));
    }
    if (mine) {
      actions.append(
        button(ctx.t("note.delete"), `delete:${note.id}`, () => ctx.actions.remove(note)),
      );
    }
    if (state.areas.length > 1 && !hidden) actions.append(moveSelect(note, state, area, ctx));
    article.append(actions);
  }
  return article;
}

function pendingView(note, ctx) {
  return el(
    "article",
    { class: "note note--pending", "data-pending": "true" },
    el("p", { class: "note-text", text: note.text }),
    el("p", { class: "note-author", text: ctx.t("note.pending") }),
  );
}

function button(label, key, onclick) {
  return el("button", { type: "button", "data-focus": key, text: label, onclick });
}

function moveSelect(note, state, area, ctx) {
  const select = el(
    "select",
    {
      "data-focus": `move:${note.id}`,
      onchange: (e) => ctx.actions.move(note, e.target.value),
    },
    ...state.areas.map((a) => el("option", { value: a.id, text: a.title, selected: a.id === area.id })),
  );
  return el("label", { class: "note-move" }, el("span", { text: ctx.t("note.move") }), select);
}

function focusKey(element) {
  return element?.dataset?.focus ?? null;
}

function restoreFocus(container, key) {
  if (!key) return;
  const target = [...container.querySelectorAll("[data-focus]")].find(
    (node) => node.dataset.focus === key,
  );
  target?.focus();
}

export function fillAreaSelect(select, state) {
  const current = select.value;
  select.replaceChildren(...state.areas.map((a) => el("option", { value: a.id, text: a.title })));
  if (state.areas.some((a) => a.id === current)) select.value = current;
}
