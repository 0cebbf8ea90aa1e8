// @ts-check
// The board's survey (server/board/survey.py): a participant answers it in a form on the
// board (radio groups for a 1-5 scale or a single choice, a text area for free text) until
// its deadline, also after the meeting has closed; the facilitator and the projector see
// how many have answered, never what; once closed everyone sees each question's totals as
// bars with their numbers, and the free-text answers. The facilitator writes the questions,
// the deadline and whether it is anonymous in a dialog (`SurveyDialog`, from "More" or
// from the survey itself); one `survey.set` per save.

/** @import { BoardState, Op, Survey, SurveyQuestion } from "../types/board" */

import { nt, t } from "./i18n.js";
import { el } from "./views.js";

const SCALE = [1, 2, 3, 4, 5];

/** @param {number} ms */
function when(ms) {
  return new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "long", timeStyle: "short" }).format(new Date(ms));
}

/**
 * Whether answers are taken now, by the server's clock.
 * @param {Survey} survey
 * @param {number} now
 */
export function surveyOpen(survey, now) {
  return !survey.closed && (survey.deadline == null || now <= survey.deadline);
}

/**
 * Whether the projector shows the survey in the areas' place: in the method's survey phase,
 * and once its results are in.
 * @param {BoardState} state
 */
export function surveyTime(state) {
  return Boolean(state.survey && (state.survey.closed || state.phase?.id === "survey"));
}

/** @param {Survey} survey @param {number} now */
function statusText(survey, now) {
  const answered = nt("{n} has answered.", "{n} have answered.", survey.count, { n: survey.count });
  if (survey.closed || !surveyOpen(survey, now)) {
    const at = survey.deadline != null && !survey.closed ? survey.deadline : survey.closed_at;
    const closed = at != null ? t("The survey closed {when}.", { when: when(at) }) : t("The survey is closed.");
    return [closed, answered].join(" ");
  }
  const until = survey.deadline != null ? t("Open for answers until {when}.", { when: when(survey.deadline) }) : t("Open for answers until the facilitator closes it.");
  return [until, answered].join(" ");
}

export class SurveyPanel {
  /**
   * @param {HTMLElement} section
   * @param {(op: Op) => string | undefined} send returns the op's id
   * @param {{me: string, role: string | null, projector: boolean, now: () => number, edit: (opener: HTMLElement) => void}} who
   */
  constructor(section, send, who) {
    this.section = section;
    this.send = send;
    this.who = who;
    /** @type {BoardState | null} */
    this.state = null;
    /** @type {string | undefined} the id of the answer sent and not yet answered */
    this.sent = undefined;
    this.dirty = false; // the person has changed the form since it was last filled
    this.formKey = "";
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.due = undefined;
    this.status = el("p", { class: "survey-status" });
    this.facilitation = el("p", { class: "survey-tools", hidden: true });
    this.editButton = el("button", { type: "button", class: "secondary", "data-action": "survey-edit", text: t("Edit the survey"), onclick: () => who.edit(this.editButton) });
    this.closeButton = el("button", { type: "button", class: "secondary", "data-action": "survey-close", text: t("Close the survey now"), onclick: () => this.send({ kind: "survey.close" }) });
    this.facilitation.append(this.editButton, this.closeButton);
    /** @type {HTMLFormElement} */
    this.form = el("form", { id: "survey-form", class: "survey-form", novalidate: true, hidden: true });
    // before the survey's phase the form waits behind one button, so the notes stay in front
    this.expanded = false;
    this.opener = el("button", {
      type: "button",
      "data-action": "survey-open",
      "aria-controls": "survey-form",
      "aria-expanded": "false",
      text: t("Answer the survey"),
      hidden: true,
      onclick: () => {
        this.expanded = true;
        if (this.state) this.update(this.state);
        /** @type {HTMLElement | null} */ (this.form.querySelector("input, textarea"))?.focus();
      },
    });
    this.form.addEventListener("input", () => {
      this.dirty = true;
      this.said.textContent = "";
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.questions = el("div", { class: "survey-questions" });
    this.submitButton = el("button", { type: "submit", "data-action": "survey-answer" });
    this.said = el("p", { class: "survey-said", role: "status" });
    this.form.append(this.questions, el("p", { class: "survey-buttons" }, this.submitButton));
    this.results = el("div", { class: "survey-results", hidden: true });
    // outside the form: a refusal still shows once the deadline has closed the form
    this.section.append(this.status, this.facilitation, this.opener, this.form, this.said, this.results);
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
    const survey = state.survey;
    const shown = Boolean(survey && survey.questions.length && (!this.who.projector || surveyTime(state)));
    this.section.hidden = !shown;
    if (!survey || !shown) return;
    const now = this.who.now();
    const open = surveyOpen(survey, now);
    this.status.textContent = statusText(survey, now);
    const facilitator = this.who.role === "facilitator" && !this.who.projector;
    this.facilitation.hidden = !facilitator;
    this.closeButton.hidden = survey.closed;
    this.editButton.hidden = survey.closed;
    const answering = this.who.role === "participant" && !this.who.projector && open;
    const asked = surveyTime(state) || state.closed || this.expanded || Boolean(survey.answers[this.who.me]);
    this.opener.hidden = !answering || asked;
    this.opener.setAttribute("aria-expanded", String(answering && asked));
    this.form.hidden = !answering || !asked;
    if (answering) this.fillForm(survey);
    else if (!this.said.dataset.error) this.said.textContent = ""; // "saved" belongs to the form
    this.results.hidden = !survey.closed;
    if (survey.closed) this.showResults(survey);
    // the form turns into "closed" at the deadline, by itself
    clearTimeout(this.due);
    if (open && survey.deadline != null) {
      this.due = setTimeout(() => this.state && this.update(this.state), Math.min(survey.deadline - now + 50, 2 ** 31 - 1));
    }
  }

  /** @param {Survey} survey */
  fillForm(survey) {
    const key = JSON.stringify(survey.questions);
    if (key !== this.formKey) {
      this.formKey = key;
      this.questions.replaceChildren(...survey.questions.map((q) => this.question(q)));
      this.dirty = false;
    }
    const mine = survey.answers[this.who.me];
    this.submitButton.textContent = mine ? t("Change my answer") : t("Send my answer");
    if (this.dirty || this.sent) return; // never overwrite what the person is writing
    for (const q of survey.questions) {
      const value = mine?.[q.id];
      if (q.kind === "text") {
        const area = /** @type {HTMLTextAreaElement | null} */ (this.form.querySelector(`#survey-${CSS.escape(q.id)}`));
        if (area && document.activeElement !== area) area.value = typeof value === "string" ? value : "";
      } else {
        for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (this.form.querySelectorAll(`input[name="survey-${CSS.escape(q.id)}"]`))) {
          radio.checked = value != null && radio.value === String(value);
        }
      }
    }
    if (mine && !this.said.dataset.error) this.said.textContent = t("Your answer is saved. You can change it until the survey closes.");
  }

  /** @param {SurveyQuestion} q */
  question(q) {
    const id = `survey-${q.id}`;
    if (q.kind === "text") {
      return el(
        "p",
        { class: "survey-question survey-kind-text" },
        el("label", { for: id, text: q.text }),
        el("textarea", { id, name: id, rows: 3, maxlength: 1000 }),
      );
    }
    const choices = q.kind === "scale" ? SCALE.map((v) => [String(v), String(v)]) : q.options.map((o, i) => [String(i), o]);
    return el(
      "fieldset",
      { class: `survey-question survey-kind-${q.kind}` },
      el("legend", { text: q.text }),
      el(
        "div",
        { class: "survey-choices" },
        ...choices.map(([value, label]) =>
          el("label", { class: "survey-choice" }, el("input", { type: "radio", name: id, value }), el("span", { text: label })),
        ),
      ),
      q.kind === "scale" ? el("p", { class: "hint", text: t("1 is the lowest, 5 the highest.") }) : null,
    );
  }

  submit() {
    const survey = this.state?.survey;
    if (!survey) return;
    /** @type {Record<string, number | string>} */
    const answers = {};
    for (const q of survey.questions) {
      if (q.kind === "text") {
        const area = /** @type {HTMLTextAreaElement | null} */ (this.form.querySelector(`#survey-${CSS.escape(q.id)}`));
        const text = area?.value.trim() ?? "";
        if (text) answers[q.id] = text;
      } else {
        const chosen = /** @type {HTMLInputElement | null} */ (this.form.querySelector(`input[name="survey-${CSS.escape(q.id)}"]:checked`));
        if (chosen) answers[q.id] = Number(chosen.value);
      }
    }
    if (!Object.keys(answers).length) {
      this.say(t("Answer at least one question first."), true);
      return;
    }
    this.say(t("Sending your answer…"), false);
    this.sent = this.send({ kind: "survey.answer", answers });
  }

  /** @param {string} text @param {boolean} error */
  say(text, error) {
    this.said.textContent = text;
    if (error) this.said.dataset.error = "true";
    else delete this.said.dataset.error;
  }

  /**
   * The server's answer to an op of this person's.
   * @param {{id: string, noop?: string | null}} message
   */
  acked(message) {
    if (!this.sent || message.id !== this.sent) return;
    this.sent = undefined;
    const survey = this.state?.survey;
    if (!message.noop) {
      this.dirty = false;
      this.say(t("Your answer is saved. You can change it until the survey closes."), false);
    } else if (message.noop === "survey_closed" && survey) {
      const at = survey.deadline != null && !survey.closed ? survey.deadline : survey.closed_at;
      const closed = at != null ? t("The survey closed {when}.", { when: when(at) }) : t("The survey is closed.");
      const lost = t("Your answer was not saved.");
      this.say([closed, lost].join(" "), true);
    } else {
      this.say(t("Your answer was not saved. The survey has changed; answer again."), true);
    }
    if (this.state) this.update(this.state);
  }

  /** @param {Survey} survey */
  showResults(survey) {
    const key = JSON.stringify([survey.results, survey.questions]);
    if (this.results.dataset.key === key) return;
    this.results.dataset.key = key;
    this.results.replaceChildren(
      ...survey.questions.map((q, i) => {
        const result = survey.results[q.id] ?? { counts: {}, texts: [] };
        const headingId = `survey-result-${i}`;
        const part = el("section", { class: "survey-result", "aria-labelledby": headingId }, el("h3", { id: headingId, text: q.text }));
        if (q.kind === "text") {
          part.append(
            result.texts.length
              ? el("ul", { class: "survey-texts" }, ...result.texts.map((text) => el("li", { text })))
              : el("p", { text: t("No answers") }),
          );
          return part;
        }
        const labels = q.kind === "scale" ? SCALE.map(String) : q.options;
        const values = labels.map((_, j) => result.counts[q.kind === "scale" ? String(j + 1) : String(j)] ?? 0);
        part.append(barList(labels.map((label, j) => ({ label, value: values[j], text: nt("{n} answer", "{n} answers", values[j], { n: values[j] }) }))));
        return part;
      }),
    );
  }
}

/**
 * Totals as bars, one row per option: its label, a bar as long as its share of the largest,
 * and its number in words (the bar is only a picture of the number). Polls draw theirs so too.
 * @param {{label: string, value: number, text: string}[]} rows
 */
export function barList(rows) {
  const top = Math.max(1, ...rows.map((r) => r.value));
  return el(
    "ul",
    { class: "survey-bars" },
    ...rows.map(({ label, value, text }) => {
      const bar = el("span", { class: "survey-bar", "aria-hidden": "true" });
      bar.style.setProperty("--share", `${(100 * value) / top}%`);
      return el("li", {}, el("span", { class: "survey-label", text: label }), bar, el("span", { class: "survey-count", text }));
    }),
  );
}

/** A datetime-local input's value for `ms`, in this computer's time zone. @param {number} ms */
function localInput(ms) {
  const d = new Date(ms);
  return new Date(ms - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export class SurveyDialog {
  /** @param {(op: Op) => unknown} send */
  constructor(send) {
    this.send = send;
    /** @type {BoardState | null} */
    this.state = null;
    /** @type {HTMLElement | null} */
    this.opener = null;
    this.count = 0;
    this.list = el("ol", { class: "survey-edit-list" });
    this.locked = el("p", { class: "hint", hidden: true });
    this.addButton = el("button", { type: "button", class: "secondary", "data-action": "survey-add-question", text: t("Add a question"), onclick: () => this.addQuestion() });
    /** @type {HTMLInputElement} */
    this.deadline = el("input", { id: "survey-deadline", type: "datetime-local", "aria-describedby": "survey-deadline-hint" });
    /** @type {HTMLInputElement} */
    this.anonymous = el("input", { id: "survey-anonymous", type: "checkbox", checked: true });
    this.error = el("p", { class: "field-error", role: "alert" });
    const form = el(
      "form",
      { class: "survey-edit", novalidate: true },
      this.locked,
      this.list,
      el("p", {}, this.addButton),
      el(
        "p",
        { class: "survey-edit-field" },
        el("label", { for: "survey-deadline", text: t("Answers are taken until") }),
        el("span", { id: "survey-deadline-hint", class: "hint", text: t("Leave it empty to take answers until you close the survey.") }),
        this.deadline,
      ),
      el("p", { class: "check" }, this.anonymous, el("label", { for: "survey-anonymous", text: t("Anonymous: nobody sees who gave which answer") })),
      this.error,
      el(
        "p",
        { class: "dialog-buttons" },
        el("button", { type: "submit", "data-action": "survey-save", text: t("Save the survey") }),
        el("button", { type: "button", class: "secondary", text: t("Cancel"), onclick: () => this.node.close() }),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.save();
    });
    /** @type {HTMLDialogElement} */
    this.node = el("dialog", { id: "survey-dialog", class: "panel-dialog survey-dialog", "aria-labelledby": "survey-dialog-title" }, el("h2", { id: "survey-dialog-title", text: t("Survey") }), form);
    this.node.addEventListener("close", () => {
      if (this.opener?.isConnected) this.opener.focus();
      this.opener = null;
    });
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
  }

  /** @param {HTMLElement | null} opener where the focus goes back to */
  open(opener) {
    const survey = this.state?.survey;
    this.opener = opener;
    this.count = 0;
    this.list.replaceChildren();
    for (const q of survey?.questions ?? [{ id: "", kind: "scale", text: "", options: [] }]) this.addQuestion(q);
    this.deadline.value = survey?.deadline != null ? localInput(survey.deadline) : "";
    this.anonymous.checked = survey?.anonymous ?? true;
    const answered = survey?.count ?? 0;
    this.locked.hidden = !answered;
    this.locked.textContent = answered ? nt("{n} has answered, so only the deadline can change now.", "{n} have answered, so only the deadline can change now.", answered, { n: answered }) : "";
    for (const control of [...this.list.querySelectorAll("input, select, textarea, button"), this.addButton, this.anonymous]) {
      /** @type {HTMLInputElement} */ (control).disabled = answered > 0;
    }
    this.error.textContent = "";
    this.node.showModal();
    (answered ? this.deadline : /** @type {HTMLElement | null} */ (this.list.querySelector("input")))?.focus();
  }

  /** @param {SurveyQuestion} [q] */
  addQuestion(q = { id: "", kind: "scale", text: "", options: [] }) {
    const n = ++this.count;
    const id = (/** @type {string} */ part) => `survey-q${n}-${part}`;
    /** @type {HTMLSelectElement} */
    const kind = el(
      "select",
      { id: id("kind") },
      el("option", { value: "scale", text: t("Scale from 1 to 5") }),
      el("option", { value: "choice", text: t("One choice among options") }),
      el("option", { value: "text", text: t("Free text") }),
    );
    kind.value = q.kind;
    const optionsBox = el(
      "p",
      { class: "survey-edit-field", hidden: q.kind !== "choice" },
      el("label", { for: id("options"), text: t("Options, one per line") }),
      el("textarea", { id: id("options"), rows: 3, text: q.options.join("\n") }),
    );
    kind.addEventListener("change", () => (optionsBox.hidden = kind.value !== "choice"));
    const item = el(
      "li",
      { class: "survey-edit-question", "data-id": q.id || `q-${Date.now().toString(36)}-${n}` },
      el("p", { class: "survey-edit-field" }, el("label", { for: id("text"), text: t("Question") }), el("input", { id: id("text"), maxlength: 500, value: q.text, autocomplete: "off" })),
      el("p", { class: "survey-edit-field" }, el("label", { for: id("kind"), text: t("Kind of answer") }), kind),
      optionsBox,
      el("button", { type: "button", class: "secondary", text: t("Remove this question"), onclick: () => item.remove() }),
    );
    this.list.append(item);
    return item;
  }

  save() {
    const questions = [];
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (this.list.querySelectorAll(".survey-edit-question"))) {
      const text = /** @type {HTMLInputElement} */ (item.querySelector("input")).value.trim();
      const kind = /** @type {HTMLSelectElement} */ (item.querySelector("select")).value;
      const options = /** @type {HTMLTextAreaElement} */ (item.querySelector("textarea")).value.split("\n").map((o) => o.trim()).filter(Boolean);
      if (!text) return this.fail(t("Write each question, or remove it."), item.querySelector("input"));
      if (kind === "choice" && options.length < 2) return this.fail(t("A choice needs at least two options."), item.querySelector("textarea"));
      questions.push({ id: item.dataset.id, kind, text, ...(kind === "choice" ? { options: options.slice(0, 10) } : {}) });
    }
    if (!questions.length) return this.fail(t("Add at least one question."), this.addButton);
    const deadline = this.deadline.value ? new Date(this.deadline.value).getTime() : null;
    this.send({ kind: "survey.set", questions, deadline, anonymous: this.anonymous.checked });
    this.node.close();
  }

  /** @param {string} message @param {Element | null} where */
  fail(message, where) {
    this.error.textContent = message;
    if (where instanceof HTMLElement) where.focus();
  }
}
