// @ts-check
// Live polls and word clouds (server/board/polls.py). The facilitator opens a poll in a
// dialog (`PollDialog`, from "More": single or multiple choice, a 1-5 scale, or up to three
// words for a word cloud; answers shown live or hidden until the close), closes it and
// chooses what the projector shows. A participant answers in the panel (radio buttons,
// check boxes, five large buttons or three short text fields), may change the answer while
// the poll is open, and sees "Answer sent". The facilitator and the projector see the totals
// as bars with counts and shares, or a word cloud whose words grow with their count (with
// the words and counts as a list for screen readers); a hidden poll shows only how many
// have answered until it closes. Nobody sees who answered what.

/** @import { BoardState, Op, Poll } from "../types/board" */

import { nt, t } from "./i18n.js";
import { barList } from "./survey.js";
import { el } from "./views.js";

const SCALE = [1, 2, 3, 4, 5];
const WORDS = 3;
const CLOUD_MOST = 40; // the projector's cloud shows this many words at most, most first

/** The poll the panel is about: the open one, else the one on the projector.
 * @param {BoardState} state */
export function currentPoll(state) {
  const polls = Object.values(state.polls ?? {});
  return polls.find((p) => !p.closed) ?? polls.find((p) => p.shown) ?? null;
}

/** What the projector shows in the areas' place, if anything. @param {BoardState} state */
export function shownPoll(state) {
  return Object.values(state.polls ?? {}).find((p) => p.shown) ?? null;
}

/**
 * The word cloud: per stem, its most frequent form (first in the alphabet among equals) and
 * how many wrote it, most first (polls.py `cloud`).
 * @param {Poll} poll
 * @returns {[string, number][]}
 */
export function cloud(poll) {
  /** @type {Map<string, Map<string, number>>} */
  const forms = new Map();
  for (const [word, n] of Object.entries(poll.tally)) {
    const stem = poll.stems[word] ?? word;
    if (!forms.has(stem)) forms.set(stem, new Map());
    forms.get(stem)?.set(word, n);
  }
  const byCount = (/** @type {[string, number]} */ a, /** @type {[string, number]} */ b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  /** @type {[string, number][]} */
  const words = [...forms.values()].map((f) => {
    const [shown] = [...f.entries()].sort(byCount)[0];
    return [shown, [...f.values()].reduce((a, b) => a + b, 0)];
  });
  return words.sort(byCount);
}

/** @param {Poll} poll @returns {[string, number][]} */
function bars(poll) {
  if (poll.kind === "scale") return SCALE.map((v) => [String(v), poll.tally[String(v)] ?? 0]);
  return poll.options.map((label, i) => [label, poll.tally[String(i)] ?? 0]);
}

export class PollPanel {
  /**
   * @param {HTMLElement} section
   * @param {(op: Op) => string | undefined} send returns the op's id
   * @param {{me: string, role: string | null, projector: boolean}} who
   */
  constructor(section, send, who) {
    this.section = section;
    this.send = send;
    this.who = who;
    /** @type {Poll | null} */
    this.poll = null;
    /** @type {string | undefined} the id of the answer sent and not yet answered */
    this.sent = undefined;
    this.dirty = false; // the person has changed the form since it was last filled
    this.formKey = "";
    this.resultsKey = "";
    this.question = el("p", { class: "poll-question" });
    this.count = el("p", { class: "poll-count" });
    this.tools = el("p", { class: "poll-tools", hidden: true });
    this.closeButton = el("button", { type: "button", "data-action": "poll-close", text: t("Close the poll"), onclick: () => this.poll && this.send({ kind: "poll.close", poll_id: this.poll.id }) });
    this.showButton = el("button", { type: "button", class: "secondary", "data-action": "poll-show", onclick: () => this.poll && this.send({ kind: "poll.show", poll_id: this.poll.id, shown: !this.poll.shown }) });
    this.tools.append(this.closeButton, this.showButton);
    /** @type {HTMLFormElement} */
    this.form = el("form", { class: "poll-form", novalidate: true, hidden: true });
    this.fields = el("div", { class: "poll-fields" });
    this.submitButton = el("button", { type: "submit", "data-action": "poll-answer" });
    this.form.append(this.fields, el("p", { class: "poll-buttons" }, this.submitButton));
    this.form.addEventListener("input", () => {
      this.dirty = true;
      this.said.textContent = "";
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.said = el("p", { class: "poll-said", role: "status" });
    this.results = el("div", { class: "poll-results" });
    section.append(this.question, this.count, this.tools, this.form, this.said, this.results);
  }

  /** @param {BoardState} state */
  update(state) {
    const poll = this.who.projector ? shownPoll(state) : currentPoll(state);
    const facilitator = this.who.role === "facilitator" && !this.who.projector;
    const answering = this.who.role === "participant" && !this.who.projector && !state.closed;
    // a participant sees a closed poll only while it is on the projector, the room's screen
    const visible = Boolean(poll && (facilitator || this.who.projector || !poll.closed || poll.shown));
    this.section.hidden = !visible;
    this.poll = visible ? poll : null;
    if (!poll || !visible) return;
    this.section.dataset.kind = poll.kind;
    this.question.textContent = poll.question;
    this.count.textContent = nt("{n} answer", "{n} answers", poll.count, { n: poll.count });
    this.tools.hidden = !facilitator;
    this.closeButton.hidden = poll.closed;
    this.showButton.textContent = poll.shown ? t("Hide from the projector") : t("Show on the projector");
    this.form.hidden = !answering || poll.closed;
    if (!this.form.hidden) this.fillForm(poll);
    else if (!this.said.dataset.error) this.said.textContent = "";
    // the totals: for everyone once closed; live for the facilitator and the projector
    const totals = poll.closed || (!poll.hidden && !answering);
    this.results.hidden = !totals;
    if (totals) this.showResults(poll);
    else if (this.resultsKey) {
      this.resultsKey = ""; // an earlier poll's totals are not this one's
      this.results.replaceChildren();
    }
    this.count.dataset.waiting = String(!poll.closed && poll.hidden);
    if (!poll.closed && poll.hidden && !answering) {
      this.count.textContent = [this.count.textContent, t("The answers show when the poll closes.")].join(" ");
    }
  }

  /** @param {Poll} poll */
  fillForm(poll) {
    const key = `${poll.id}:${poll.kind}`;
    if (key !== this.formKey) {
      this.formKey = key;
      this.fields.replaceChildren(this.fieldsFor(poll));
      this.dirty = false;
      this.said.textContent = "";
      delete this.said.dataset.error;
    }
    const mine = poll.answers[this.who.me];
    this.submitButton.textContent = mine ? t("Change my answer") : t("Send my answer");
    if (this.dirty || this.sent || !mine) return; // never overwrite what the person is choosing
    if (poll.kind === "words") {
      this.wordInputs().forEach((input, i) => {
        if (document.activeElement !== input) input.value = mine[i] ?? "";
      });
    } else {
      for (const input of this.choiceInputs()) input.checked = mine.includes(input.value);
    }
  }

  /** @returns {HTMLInputElement[]} */
  wordInputs() {
    return [...this.fields.querySelectorAll("input[type=text]")].map((n) => /** @type {HTMLInputElement} */ (n));
  }

  /** @returns {HTMLInputElement[]} */
  choiceInputs() {
    return [...this.fields.querySelectorAll("input[type=radio], input[type=checkbox]")].map((n) => /** @type {HTMLInputElement} */ (n));
  }

  /** @param {Poll} poll */
  fieldsFor(poll) {
    const name = `poll-${poll.id}`;
    if (poll.kind === "words") {
      const hint = el("p", { id: `${name}-hint`, class: "hint", text: t("Up to three short answers, a word or two each.") });
      const inputs = Array.from({ length: WORDS }, (_, i) =>
        el(
          "p",
          { class: "poll-word" },
          el("label", { for: `${name}-w${i}`, text: t("Answer {n}", { n: i + 1 }) }),
          el("input", { id: `${name}-w${i}`, type: "text", maxlength: 40, autocomplete: "off", "aria-describedby": `${name}-hint` }),
        ),
      );
      return el("fieldset", { class: "poll-fieldset" }, el("legend", { text: poll.question }), hint, ...inputs);
    }
    const type = poll.kind === "multiple" ? "checkbox" : "radio";
    /** @type {[string, string][]} */
    const choices = poll.kind === "scale" ? SCALE.map((v) => [String(v), String(v)]) : poll.options.map((o, i) => [String(i), o]);
    const hints = { multiple: t("Choose one or more."), scale: t("1 is the lowest, 5 the highest.") };
    const hint = hints[/** @type {"multiple" | "scale"} */ (poll.kind)];
    return el(
      "fieldset",
      { class: `poll-fieldset survey-question survey-kind-${poll.kind}` },
      el("legend", { text: poll.question }),
      el(
        "div",
        { class: "survey-choices" },
        ...choices.map(([value, label]) => el("label", { class: "survey-choice" }, el("input", { type, name, value }), el("span", { text: label }))),
      ),
      hint ? el("p", { class: "hint", text: hint }) : null,
    );
  }

  submit() {
    const poll = this.poll;
    if (!poll || poll.closed) return;
    /** @type {Op} */
    let op;
    if (poll.kind === "words") {
      const words = this.wordInputs().map((i) => i.value.trim()).filter(Boolean);
      if (!words.length) return this.say(t("Write an answer first."), true);
      op = { kind: "poll.answer", poll_id: poll.id, words };
    } else {
      const choices = this.choiceInputs().filter((i) => i.checked).map((i) => Number(i.value));
      if (!choices.length) return this.say(t("Choose an answer first."), true);
      op = { kind: "poll.answer", poll_id: poll.id, choices };
    }
    this.say(t("Sending your answer…"), false);
    this.sent = this.send(op);
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
    if (!message.noop) {
      this.dirty = false;
      this.say(t("Answer sent. You can change it until the poll closes."), false);
    } else if (message.noop === "poll_closed") {
      this.say(t("The poll closed before your answer came. It was not counted."), true);
    } else {
      this.say(t("Your answer was not counted. Check it and send it again."), true);
    }
  }

  /** @param {Poll} poll */
  showResults(poll) {
    const key = JSON.stringify([poll.id, poll.tally, poll.count]);
    if (key === this.resultsKey) return;
    this.resultsKey = key;
    if (poll.kind !== "words") {
      const percent = new Intl.NumberFormat(document.documentElement.lang, { style: "percent" });
      const rows = bars(poll).map(([label, value]) => ({
        label,
        value,
        text: `${nt("{n} answer", "{n} answers", value, { n: value })} (${percent.format(poll.count ? value / poll.count : 0)})`,
      }));
      this.results.replaceChildren(barList(rows));
      return;
    }
    const words = cloud(poll).slice(0, CLOUD_MOST);
    if (!words.length) {
      this.results.replaceChildren(el("p", { class: "poll-empty", text: t("No answers") }));
      return;
    }
    const top = words[0][1];
    // the cloud is a picture of the list beside it, which screen readers read instead
    const picture = el(
      "p",
      { class: "poll-cloud", "aria-hidden": "true" },
      ...words.map(([word, n]) => {
        const span = el("span", { class: "poll-cloud-word", text: word });
        span.style.setProperty("--weight", String(top > 1 ? (n - 1) / (top - 1) : 1));
        return span;
      }),
    );
    const list = el("ul", { class: "visually-hidden" }, ...words.map(([word, n]) => el("li", { text: `${word}: ${nt("{n} answer", "{n} answers", n, { n })}` })));
    this.results.replaceChildren(el("figure", { class: "poll-cloud-figure", "aria-label": t("Word cloud") }, picture, list));
  }
}

export class PollDialog {
  /** @param {(op: Op) => unknown} send */
  constructor(send) {
    this.send = send;
    /** @type {HTMLElement | null} */
    this.opener = null;
    /** @type {BoardState | null} */
    this.state = null;
    // the polls closed earlier, each to show on the projector again (or take off it)
    this.earlier = el("ul", { class: "poll-earlier" });
    this.earlierBox = el("section", { class: "poll-earlier-box", "aria-labelledby": "poll-earlier-title" }, el("h3", { id: "poll-earlier-title", text: t("Earlier polls") }), this.earlier);
    /** @type {HTMLInputElement} */
    this.question = el("input", { id: "poll-question", maxlength: 500, autocomplete: "off" });
    /** @type {HTMLSelectElement} */
    this.kind = el(
      "select",
      { id: "poll-kind" },
      el("option", { value: "single", text: t("One choice among options") }),
      el("option", { value: "multiple", text: t("Several choices among options") }),
      el("option", { value: "scale", text: t("Scale from 1 to 5") }),
      el("option", { value: "words", text: t("Short answers for a word cloud") }),
    );
    /** @type {HTMLTextAreaElement} */
    this.options = el("textarea", { id: "poll-options", rows: 4 });
    this.optionsBox = el("p", { class: "survey-edit-field" }, el("label", { for: "poll-options", text: t("Options, one per line") }), this.options);
    this.kind.addEventListener("change", () => (this.optionsBox.hidden = !this.choice()));
    /** @type {HTMLInputElement} */
    this.hidden = el("input", { id: "poll-hidden", type: "checkbox" });
    this.error = el("p", { class: "field-error", role: "alert" });
    const form = el(
      "form",
      { class: "survey-edit", novalidate: true },
      el("p", { class: "survey-edit-field" }, el("label", { for: "poll-question", text: t("Question") }), this.question),
      el("p", { class: "survey-edit-field" }, el("label", { for: "poll-kind", text: t("Kind of answer") }), this.kind),
      this.optionsBox,
      el("p", { class: "check" }, this.hidden, el("label", { for: "poll-hidden", text: t("Hide the answers until I close the poll") })),
      this.error,
      el(
        "p",
        { class: "dialog-buttons" },
        el("button", { type: "submit", "data-action": "poll-open", text: t("Open the poll") }),
        el("button", { type: "button", class: "secondary", text: t("Cancel"), onclick: () => this.node.close() }),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.save();
    });
    /** @type {HTMLDialogElement} */
    this.node = el("dialog", { id: "poll-dialog", class: "panel-dialog survey-dialog", "aria-labelledby": "poll-dialog-title" }, el("h2", { id: "poll-dialog-title", text: t("New poll") }), form, this.earlierBox);
    this.node.addEventListener("close", () => {
      if (this.opener?.isConnected) this.opener.focus();
      this.opener = null;
    });
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
  }

  showEarlier() {
    const closed = Object.values(this.state?.polls ?? {}).filter((p) => p.closed);
    this.earlierBox.hidden = !closed.length;
    this.earlier.replaceChildren(
      ...closed.reverse().map((p) => {
        const label = p.shown ? t("Hide from the projector") : t("Show on the projector");
        const show = () => {
          this.send({ kind: "poll.show", poll_id: p.id, shown: !p.shown });
          this.node.close();
        };
        return el(
          "li",
          {},
          el("span", { text: `${p.question} (${nt("{n} answer", "{n} answers", p.count, { n: p.count })})` }),
          el("button", { type: "button", class: "secondary", "aria-label": `${label}: ${p.question}`, text: label, onclick: show }),
        );
      }),
    );
  }

  choice() {
    return this.kind.value === "single" || this.kind.value === "multiple";
  }

  /** @param {HTMLElement | null} opener where the focus goes back to */
  open(opener) {
    this.opener = opener;
    this.question.value = "";
    this.options.value = "";
    this.kind.value = "single";
    this.optionsBox.hidden = false;
    this.hidden.checked = false;
    this.error.textContent = "";
    this.showEarlier();
    this.node.showModal();
    this.question.focus();
  }

  save() {
    const question = this.question.value.trim();
    if (!question) return this.fail(t("Write the question."), this.question);
    const options = this.options.value.split("\n").map((o) => o.trim()).filter(Boolean).slice(0, 10);
    if (this.choice() && options.length < 2) return this.fail(t("A choice needs at least two options."), this.options);
    const id = `poll-${Date.now().toString(36)}`;
    const poll = { id, kind: this.kind.value, question, hidden: this.hidden.checked, ...(this.choice() ? { options } : {}) };
    this.send({ kind: "poll.open", poll });
    this.node.close();
  }

  /** @param {string} message @param {HTMLElement} where */
  fail(message, where) {
    this.error.textContent = message;
    where.focus();
  }
}
