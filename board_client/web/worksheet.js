// @ts-check
// The method's worksheet: its fields (a theme, a summary), its tables (the meetings of a
// process plan, a meeting's agenda) and its scoring grid (critical friend), filled in live
// by the facilitator and the participants, read on the projector. Each field and each cell
// is its own op (`field.set`, `cell.set`), so two people typing in different cells never
// overwrite each other; a control someone is typing in is never rewritten under them.

/** @import { BoardState, Method, Op, Texts } from "../types/board" */

import { nt, t } from "./i18n.js";
import { reconcile, setText } from "./keyed.js";
import { icon } from "./icons.js";
import { el } from "./views.js";

const SEND_AFTER_MS = 600; // a pause in typing sends the text; leaving the control sends it at once
const AWAIT_ECHO_MS = 5000; // how long a sent text waits for the board to show it back

/**
 * A text control that sends its value a moment after typing stops and when it loses focus,
 * and that an incoming value replaces only while nobody is editing it here.
 */
class LiveText {
  /**
   * @param {HTMLInputElement | HTMLTextAreaElement} control
   * @param {(text: string) => void} send
   */
  constructor(control, send) {
    this.control = control;
    this.sent = "";
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {{ text: string, until: number } | null} sent and not yet back from the board */
    this.awaiting = null;
    const flush = () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (control.value !== this.sent) {
        this.sent = control.value;
        this.awaiting = { text: control.value, until: Date.now() + AWAIT_ECHO_MS };
        send(control.value);
      }
    };
    control.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(flush, SEND_AFTER_MS);
    });
    control.addEventListener("blur", flush);
  }

  /** @param {string} text the board's value */
  show(text) {
    const control = this.control;
    // typed here and not yet sent: what is typed stays
    if (this.timer !== undefined || control.value !== this.sent) return;
    // sent and not yet back: the board still shows the text before it, which must not
    // replace what was sent (a refused change gives up waiting after a while)
    if (this.awaiting) {
      if (text === this.awaiting.text || Date.now() > this.awaiting.until) this.awaiting = null;
      else return;
    }
    this.sent = text;
    if (control.value === text) return;
    const focused = document.activeElement === control;
    const caret = control.selectionStart ?? 0;
    control.value = text;
    if (focused) control.setSelectionRange(Math.min(caret, text.length), Math.min(caret, text.length));
  }
}

/** What a projector or a watcher sees instead of a control: the text itself. */
class ReadText {
  /** @param {HTMLElement} node */
  constructor(node) {
    this.control = node;
  }

  /** @param {string} text */
  show(text) {
    setText(this.control, text);
  }
}

/**
 * @param {Texts | undefined} texts
 * @param {string} lang
 */
const say = (texts, lang) => (texts ? texts[lang] ?? texts.en ?? Object.values(texts)[0] ?? "" : "");

/**
 * A field only the facilitator writes, still empty: shown to nobody else.
 * @param {Method["fields"][number]} field
 * @param {BoardState} state
 */
const unwritten = (field, state) => Boolean(field.facilitator_only) && !(state.fields[field.id] ?? "").trim();

export class Worksheet {
  /**
   * @param {HTMLElement} section where the worksheet goes (hidden while the method has none)
   * @param {(op: Op) => void} send
   * @param {{ me: string, readOnly: boolean, facilitator: boolean }} who
   * @param {boolean} [fold] a page's worksheet folds to its heading while the method does not
   *   use it, so the board stays on the first screen (the projector shows it whole, see
   *   `worksheetTime`)
   */
  constructor(section, send, who, fold = false) {
    this.section = section;
    this.send = send;
    this.who = who;
    /** @type {Method | null} */
    this.method = null;
    this.lang = "";
    /** @type {Map<string, LiveText | ReadText>} by "field:ID" or "cell:TABLE/ROW/COLUMN" */
    this.live = new Map();
    /** @type {BoardState | null} the board as last drawn */
    this.state = null;
    /** @type {string | undefined} the table this page just added a row to */
    this.addingTo = undefined;
    this.body = el("div", { class: "worksheet-body", id: "worksheet-body" });
    /** @type {HTMLElement} */
    this.title = /** @type {HTMLElement} */ (section.querySelector("#worksheet-title"));
    // the disclosure pattern: the heading holds the button, so the region keeps its name
    this.toggle = fold
      ? el("button", {
          type: "button",
          class: "fold-toggle worksheet-toggle",
          "aria-controls": "worksheet-body",
          "aria-expanded": "true",
          "aria-describedby": "worksheet-summary",
          onclick: () => this.choose(),
        })
      : null;
    /** what is written, while folded: that others are filling it in shows without opening it */
    this.summary = el("p", { id: "worksheet-summary", class: "worksheet-summary hint", hidden: true });
    /** @type {{ phase: string, open: boolean } | null} this person's own choice, until the phase changes */
    this.chosen = null;
    this.section.append(this.summary, this.body);
  }

  /**
   * @param {BoardState} state
   * @param {Method | null} method
   */
  update(state, method) {
    const has = Boolean(method && (method.fields.length || method.tables.length || method.grid));
    this.section.hidden = !has;
    if (!method || !has) return;
    this.state = state;
    if (method !== this.method || state.language !== this.lang) this.build(method, state.language);
    const readOnly = this.who.readOnly || state.closed;
    for (const control of this.body.querySelectorAll("textarea, input, button")) {
      /** @type {HTMLInputElement} */ (control).disabled = readOnly;
    }
    for (const f of method.fields) {
      const text = state.fields[f.id] ?? "";
      const live = this.live.get(`field:${f.id}`);
      live?.show(text);
      // the facilitator's own text (a sounding board's topic) says nothing to the others while
      // it is empty: no heading over a blank on a phone or on the projector; a field to fill
      // in together keeps its heading there, as the prompt it is
      if (live instanceof ReadText) /** @type {HTMLElement} */ (live.control.parentElement).hidden = unwritten(f, state);
    }
    for (const spec of method.tables) this.updateTable(spec, state);
    if (method.grid) this.updateGrid(method, state);
    this.fold(state, method);
    this.section.hidden = ![...this.body.children].some((part) => !(/** @type {HTMLElement} */ (part).hidden));
  }

  /**
   * @param {Method} method
   * @param {string} lang
   */
  build(method, lang) {
    this.method = method;
    this.lang = lang;
    this.live.clear();
    const parts = [];
    for (const f of method.fields) {
      const id = `field-${f.id}`;
      if (this.who.readOnly || (f.facilitator_only && !this.who.facilitator)) {
        const text = el("p", { class: "worksheet-text", "data-field": f.id });
        this.live.set(`field:${f.id}`, new ReadText(text));
        parts.push(el("div", { class: "worksheet-field" }, el("h3", { text: say(f.label, lang) }), text));
        continue;
      }
      const control = el("textarea", { id, rows: 3, maxlength: 4000, "data-field": f.id });
      if (f.help) control.setAttribute("aria-describedby", `${id}-help`);
      this.live.set(`field:${f.id}`, new LiveText(control, (text) => this.send({ kind: "field.set", field: f.id, text })));
      parts.push(
        el(
          "div",
          { class: "worksheet-field" },
          el("label", { for: id, text: say(f.label, lang) }),
          f.help ? el("p", { class: "hint", id: `${id}-help`, text: say(f.help, lang) }) : null,
          control,
        ),
      );
    }
    for (const spec of method.tables) parts.push(this.buildTable(spec, lang));
    if (method.grid) parts.push(this.buildGrid());
    this.body.replaceChildren(...parts);
    // a worksheet only the facilitator writes (a sounding board's topic) is not one to
    // fill in together
    const writes = method.tables.length > 0 || method.grid || method.fields.some((f) => !f.facilitator_only);
    const title = writes ? t("Fill in together") : t("For this meeting");
    // a facilitator's single field is short and always in use: it does not fold
    if (this.toggle && writes) {
      this.toggle.replaceChildren(icon("chevron-down"), title);
      this.title.replaceChildren(this.toggle);
    } else this.title.textContent = title;
  }

  /** The heading's button: open or fold the worksheet, for as long as this phase lasts. */
  choose() {
    this.chosen = { phase: this.state?.phase?.id ?? "", open: Boolean(this.body.hidden) };
    if (this.state && this.method) this.fold(this.state, this.method);
  }

  /**
   * Open while the method uses the worksheet (see `inUse`), or as this person chose in this
   * phase; never folded away from under someone writing in it.
   * @param {BoardState} state
   * @param {Method} method
   */
  fold(state, method) {
    if (!this.toggle?.isConnected) return;
    const phase = state.phase?.id ?? "";
    if (this.chosen && this.chosen.phase !== phase) this.chosen = null;
    // someone writing in it keeps it open for the rest of the phase, as if they had chosen to
    if (!this.chosen && !this.body.hidden && this.body.contains(document.activeElement)) this.chosen = { phase, open: true };
    const open = this.chosen ? this.chosen.open : inUse(state, method);
    this.body.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    const summary = open ? "" : written(state, method);
    this.summary.hidden = !summary;
    setText(this.summary, summary);
  }

  /**
   * @param {Method["tables"][number]} spec
   * @param {string} lang
   */
  buildTable(spec, lang) {
    const fixed = spec.rows.length > 0;
    const head = el(
      "tr",
      {},
      fixed ? el("td", {}) : null,
      ...spec.columns.map((c) => el("th", { scope: "col", text: say(c.title, lang) })),
      fixed || this.who.readOnly ? null : el("td", {}),
    );
    const body = el("tbody", { "data-table": spec.id });
    const add = fixed || this.who.readOnly
      ? null
      : el("button", {
          type: "button",
          class: "worksheet-add-row",
          text: t("Add a row"),
          onclick: () => {
            this.addingTo = spec.id;
            this.send({ kind: "row.add", table: spec.id, row: `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}` });
          },
        });
    return el(
      "div",
      { class: "worksheet-table" },
      el(
        "table",
        {},
        el("caption", { text: say(spec.title, lang) }),
        el("thead", {}, head),
        body,
      ),
      add,
    );
  }

  /**
   * @param {Method["tables"][number]} spec
   * @param {BoardState} state
   */
  updateTable(spec, state) {
    const table = state.tables[spec.id];
    const body = this.section.querySelector(`tbody[data-table="${CSS.escape(spec.id)}"]`);
    if (!table || !body) return;
    const titles = new Map(spec.rows.map((r) => [r.id, say(r.title, this.lang)]));
    const fixed = spec.rows.length > 0;
    const before = body.children.length;
    reconcile(
      body,
      table.rows.map((row, i) => ({ row, i })),
      ({ row }) => row,
      ({ row }) => {
        const cells = spec.columns.map((c) => {
          const key = `cell:${spec.id}/${row}/${c.id}`;
          if (this.who.readOnly) {
            const text = el("td", { class: "worksheet-text", "data-cell": `${row}/${c.id}` });
            this.live.set(key, new ReadText(text));
            return text;
          }
          const control = el("textarea", { rows: 1, maxlength: 1000, "data-cell": `${row}/${c.id}` });
          const send = (/** @type {string} */ text) => this.send({ kind: "cell.set", table: spec.id, row, column: c.id, text });
          this.live.set(key, new LiveText(control, send));
          return el("td", {}, control);
        });
        return el(
          "tr",
          {},
          fixed ? el("th", { scope: "row", text: titles.get(row) ?? row }) : null,
          ...cells,
          fixed || this.who.readOnly
            ? null
            : el("td", {}, el("button", {
                type: "button",
                class: "worksheet-delete-row",
                text: t("Delete"),
                onclick: () => this.send({ kind: "row.delete", table: spec.id, row }),
              })),
        );
      },
      (node, { row, i }) => {
        for (const c of spec.columns) {
          const live = this.live.get(`cell:${spec.id}/${row}/${c.id}`);
          live?.show(table.cells[`${row}/${c.id}`] ?? "");
          // each cell says which row it is in, for a screen reader that lands in it
          const label = fixed ? `${titles.get(row) ?? row}, ${say(c.title, this.lang)}` : t("Row {n}, {column}", { n: i + 1, column: say(c.title, this.lang) });
          if (live instanceof LiveText) live.control.setAttribute("aria-label", label);
        }
        const remove = node.querySelector(".worksheet-delete-row");
        remove?.setAttribute("aria-label", t("Delete row {n}", { n: i + 1 }));
      },
    );
    // the row this page just added: its first cell takes the focus, ready for typing
    if (this.addingTo === spec.id && body.children.length > before) {
      this.addingTo = undefined;
      /** @type {HTMLElement | null} */ (body.lastElementChild?.querySelector("textarea") ?? null)?.focus();
    }
  }

  /**
   * The grid's frame: its title, a hint, the criteria (drawn by updateGrid) and, for the
   * facilitator, the editor of the board's own criteria and scale.
   */
  buildGrid() {
    return el(
      "section",
      { class: "worksheet-grid", "aria-labelledby": "worksheet-grid-title" },
      el("h3", { id: "worksheet-grid-title", text: t("Scores") }),
      el("p", { class: "hint worksheet-grid-hint" }),
      el("div", { class: "worksheet-criteria" }),
      this.who.facilitator ? this.buildCriteriaEditor() : null,
    );
  }

  buildCriteriaEditor() {
    const lines = el("textarea", { id: "criteria-lines", rows: 4, maxlength: 2400, "aria-describedby": "criteria-hint" });
    const low = el("input", { id: "criteria-low", type: "number", min: 0, max: 9, step: 1, inputmode: "numeric" });
    const high = el("input", { id: "criteria-high", type: "number", min: 1, max: 10, step: 1, inputmode: "numeric" });
    const alert = el("p", { class: "alert", role: "alert" });
    const save = (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const labels = /** @type {HTMLTextAreaElement} */ (lines).value.split("\n").map((l) => l.trim()).filter(Boolean);
      const [from, to] = [Number(/** @type {HTMLInputElement} */ (low).value), Number(/** @type {HTMLInputElement} */ (high).value)];
      const wrong = !labels.length || labels.length > 12
        ? t("Write 1 to 12 criteria, one per line.")
        : labels.some((l) => l.length > 200)
          ? t("A criterion has at most 200 characters.")
          : !(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= 10)
            ? t("The scale runs from a lowest score of 0 to 9 up to a highest above it, at most 10.")
            : "";
      alert.textContent = wrong;
      if (wrong) return;
      const criteria = labels.map((label, i) => ({ id: `c${i + 1}`, label }));
      this.send({ kind: "grid.set", criteria, low: from, high: to });
      /** @type {HTMLDetailsElement} */ (form.closest("details")).open = false;
    };
    const form = el(
      "form",
      { class: "criteria-editor", novalidate: true, onsubmit: save },
      el("label", { for: "criteria-lines", text: t("Criteria, one per line") }),
      el("p", { class: "hint", id: "criteria-hint", text: t("You can change them until someone has scored.") }),
      lines,
      el(
        "p",
        { class: "criteria-scale" },
        el("label", { for: "criteria-low", text: t("Lowest score") }),
        low,
        el("label", { for: "criteria-high", text: t("Highest score") }),
        high,
      ),
      alert,
      el("button", { type: "submit", text: t("Use these criteria") }),
    );
    const summary = el("summary", { text: t("Change the criteria") });
    const details = el("details", { class: "criteria-details" }, summary, form);
    // filled from the board as it opens (on the click, not the later toggle event, which
    // would overwrite what someone quick had already typed), so it starts from what is there
    summary.addEventListener("click", () => {
      if (details.open || !this.state?.grid) return;
      /** @type {HTMLTextAreaElement} */ (lines).value = this.criteria(this.state).map((c) => c.label).join("\n");
      /** @type {HTMLInputElement} */ (low).value = String(this.state.grid.low);
      /** @type {HTMLInputElement} */ (high).value = String(this.state.grid.high);
    });
    return details;
  }

  /**
   * The scoring round's criteria: the board's own (grid.set), else its method's labels.
   * @param {BoardState} state
   * @returns {{ id: string, label: string, help: string }[]}
   */
  criteria(state) {
    const spec = state.grid;
    if (!spec) return [];
    const method = new Map((this.method?.grid?.criteria ?? []).map((c) => [c.id, c]));
    return spec.criteria.map((id, i) => ({
      id,
      label: spec.labels?.[i] || say(method.get(id)?.label, this.lang) || id,
      help: spec.labels?.length ? "" : say(method.get(id)?.help, this.lang),
    }));
  }

  /**
   * @param {Method} method
   * @param {BoardState} state
   */
  updateGrid(method, state) {
    const spec = state.grid;
    if (!spec || !method.grid) return;
    const mine = { ...(state.scores[this.who.me] ?? {}), ...(state.sealed_scores?.[this.who.me] ?? {}) };
    const sealed = state.phase?.kind === "individual";
    setText(
      /** @type {HTMLElement} */ (this.section.querySelector(".worksheet-grid-hint")),
      sealed
        ? t("Your scores stay hidden from the others until this round ends.")
        : t("Score each criterion from {low} to {high}.", { low: spec.low, high: spec.high }),
    );
    const editor = /** @type {HTMLElement | null} */ (this.section.querySelector(".criteria-details"));
    const scored = Object.keys(state.scores).length > 0 || Object.keys(state.sealed_scores ?? {}).length > 0;
    if (editor) editor.hidden = scored || state.closed;
    /** @type {number[]} */
    const values = [];
    for (let v = spec.low; v <= spec.high; v++) values.push(v);
    const list = /** @type {HTMLElement} */ (this.section.querySelector(".worksheet-criteria"));
    reconcile(
      list,
      this.criteria(state),
      (c) => c.id,
      (c) =>
        el(
          "fieldset",
          { class: "worksheet-criterion", "data-criterion": c.id },
          el("legend", {}),
          el("p", { class: "hint" }),
          el("div", { class: "worksheet-scale" }),
          el("p", { class: "worksheet-result", "data-result": c.id }),
        ),
      (set, criterion) => {
        setText(/** @type {HTMLElement} */ (set.querySelector("legend")), criterion.label);
        const help = /** @type {HTMLElement} */ (set.querySelector(".hint"));
        setText(help, criterion.help);
        help.hidden = !criterion.help;
        const scale = /** @type {HTMLElement} */ (set.querySelector(".worksheet-scale"));
        // the choice is set from the board only when the board's score changes: a score
        // chosen here and not yet answered stays chosen
        const given = String(mine[criterion.id] ?? "");
        const changed = set.dataset.given !== given;
        set.dataset.given = given;
        reconcile(
          scale,
          this.who.readOnly ? [] : values,
          (v) => String(v),
          (v) => {
            const id = `score-${criterion.id}-${v}`;
            const input = el("input", { type: "radio", id, name: `score-${criterion.id}`, value: v });
            input.addEventListener("change", () => this.send({ kind: "score.set", criterion: criterion.id, score: v }));
            return el("span", { class: "worksheet-choice" }, input, el("label", { for: id, text: String(v) }));
          },
          (node, v) => {
            const input = /** @type {HTMLInputElement} */ (node.querySelector("input"));
            if (changed) input.checked = mine[criterion.id] === v;
            input.disabled = state.closed;
          },
        );
        const scores = Object.values(state.scores).map((s) => s[criterion.id]).filter((s) => s !== undefined);
        const result = /** @type {HTMLElement} */ (set.querySelector(".worksheet-result"));
        if (!scores.length) setText(result, "");
        else {
          const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
          const average = new Intl.NumberFormat(document.documentElement.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);
          setText(result, nt("Average {average} ({n} person scored)", "Average {average} ({n} people scored)", scores.length, { average, n: scores.length }));
          result.style.setProperty("--share", String((mean - spec.low) / Math.max(1, spec.high - spec.low)));
        }
      },
    );
  }
}

/**
 * Whether a page opens the worksheet: on a method without phases (a meeting plan), in its
 * capture phase, and in every phase of a scoring round (the facilitator sets the criteria
 * as it is presented, the participants score, then all read the averages). In the phases
 * for notes it folds, and the board comes first; before the first phase, as in the first.
 * @param {BoardState} state
 * @param {Method} method
 */
function inUse(state, method) {
  const kind = state.phase?.kind ?? method.phases[0]?.kind;
  return !method.phases.length || kind === "capture" || Boolean(method.grid);
}

/**
 * What a folded worksheet says of itself: how many of its fields and cells hold text.
 * @param {BoardState} state
 * @param {Method} method
 */
function written(state, method) {
  const parts = [];
  if (method.fields.length) {
    const n = method.fields.filter((f) => (state.fields[f.id] ?? "").trim()).length;
    const total = method.fields.length;
    parts.push(nt("{n} of {total} field written", "{n} of {total} fields written", total, { n, total }));
  }
  if (method.tables.length) {
    const n = method.tables.reduce((sum, spec) => sum + Object.values(state.tables[spec.id]?.cells ?? {}).filter((c) => c.trim()).length, 0);
    parts.push(nt("{n} cell written", "{n} cells written", n, { n }));
  }
  return parts.join(" · ");
}

/**
 * Whether the projector shows the worksheet in place of the areas: while the method's
 * capture phase runs, on a board whose method has no phases but a table (a meeting plan),
 * and once a scoring round's results are public.
 * @param {BoardState} state
 * @param {Method | null} method
 */
export function worksheetTime(state, method) {
  if (!method || !(method.fields.length || method.tables.length || method.grid)) return false;
  // the facilitator's fields alone, all empty, show nothing (see `update`): the areas stay
  if (!method.tables.length && !method.grid && method.fields.every((f) => unwritten(f, state))) return false;
  if (state.phase?.kind === "capture") return true;
  if (!method.phases.length) return true;
  return Boolean(method.grid && Object.keys(state.scores).length && state.phase?.kind !== "individual");
}

/**
 * On the projector: the largest text (from 1.6rem down to 1.25rem, 20 px at 1080p) at which
 * the worksheet fits its place; what still does not fit is cut, and the section says so.
 * @param {HTMLElement} section
 */
export function fitWorksheet(section) {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  let size = 1.6;
  section.style.fontSize = `${size}rem`;
  while (section.scrollHeight > section.clientHeight + 1 && size > 1.25) {
    size = Math.max(1.25, size - 0.05);
    section.style.fontSize = `${size}rem`;
  }
  section.dataset.cut = String(section.scrollHeight > section.clientHeight + 1);
  return size * rem;
}
