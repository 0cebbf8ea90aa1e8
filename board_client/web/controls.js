// The facilitator's controls: phase, timer, reveal, voting, lock and closing. Built once;
// `update` keeps them in step with the board without losing focus or typed values.

import { t } from "./i18n.js";
import { phaseOptions } from "./meeting.js";
import { el, fillSelect } from "./views.js";

export class Controls {
  constructor(section, send) {
    this.section = section;
    this.send = send; // (op) => op id
    this.phase = el("select", { id: "control-phase" });
    this.focus = el("select", { id: "control-focus" });
    this.perPerson = el("input", { id: "control-votes", type: "number", min: 1, max: 20, value: 3 });
    this.lock = el("button", { type: "button", "aria-pressed": "false", onclick: () => this.toggleLock() });
    this.anonymous = el("button", {
      type: "button",
      "aria-pressed": "false",
      "aria-describedby": "control-anonymous-hint",
      onclick: () => this.send({ kind: "board.anonymous", anonymous: !this.state?.anonymous }),
    });
    this.voteButton = el("button", { type: "button", onclick: () => this.toggleVoting() });
    this.closeWarning = el("p", { class: "alert", role: "alert" });
    this.groupCount = el("input", { id: "control-groups", type: "number", min: 2, max: 12, value: 3 });
    this.split = el("button", { type: "button", text: t("Split into groups"), onclick: () => this.splitGroups() });
    this.plenary = el("button", { type: "button", text: t("Back to plenary"), onclick: () => this.send({ kind: "breakout.end" }) });
    this.build();
  }

  build() {
    const group = (title, ...children) =>
      el("fieldset", { class: "control-group" }, el("legend", { text: title }), ...children);
    const act = (label, op) => el("button", { type: "button", text: label, onclick: () => this.send(op()) });
    this.section.append(
      group(
        t("Phase"),
        (this.phaseLabel = el("label", { for: "control-phase", text: t("Phase") })),
        this.phase,
        el("label", { for: "control-focus", text: t("Focus on") }),
        this.focus,
        (this.startPhase = act(t("Start this phase"), () => ({
          kind: "phase.set",
          phase: this.phase.value,
          focus: this.focus.value ? [this.focus.value] : [],
        }))),
        act(t("Show everyone this area"), () => ({
          kind: "focus.set",
          areas: this.focus.value ? [this.focus.value] : [],
        })),
      ),
      group(
        t("Timer"),
        act(t("Start timer"), () => ({ kind: "timer.start" })),
        act(t("Pause timer"), () => ({ kind: "timer.pause" })),
        act(t("+1 minute"), () => ({ kind: "timer.add", minutes: 1 })),
        act(t("+5 minutes"), () => ({ kind: "timer.add", minutes: 5 })),
      ),
      group(
        t("Notes and votes"),
        act(t("Reveal notes"), () => ({ kind: "notes.reveal" })),
        el("label", { for: "control-votes", text: t("Votes per person") }),
        this.perPerson,
        this.voteButton,
      ),
      group(
        t("Small groups"),
        el("label", { for: "control-groups", text: t("Number of groups") }),
        this.groupCount,
        this.split,
        this.plenary,
      ),
      group(
        t("Board"),
        this.lock,
        this.anonymous,
        el("p", {
          id: "control-anonymous-hint",
          class: "hint",
          text: t("Notes written while it is on name no author, not even to you, and never in the records."),
        }),
        el("button", { type: "button", text: t("Close the meeting"), onclick: () => this.close(false) }),
        this.closeWarning,
      ),
    );
  }

  update(state) {
    const focusOptions = [["", t("All areas")], ...state.areas.map((a) => [a.id, a.title])];
    if (this.phase.options.length !== (state.phases ?? []).length) fillSelect(this.phase, phaseOptions(state));
    fillSelect(this.focus, focusOptions);
    this.state = state;
    const open = state.voting && !state.voting.closed;
    this.voteButton.textContent = open ? t("Close voting and show results") : t("Open voting");
    this.lock.textContent = state.locked ? t("Unlock the board") : t("Lock the board");
    this.lock.setAttribute("aria-pressed", String(Boolean(state.locked)));
    this.anonymous.textContent = state.anonymous ? t("Anonymous notes: on") : t("Anonymous notes: off");
    this.anonymous.setAttribute("aria-pressed", String(Boolean(state.anonymous)));
    this.section.querySelectorAll("button, input, select").forEach((c) => (c.disabled = state.closed));
    // a method without phases (the free board) shows only the focus
    const phased = (state.phases ?? []).length > 0;
    for (const part of [this.phaseLabel, this.phase, this.startPhase]) part.hidden = !phased;
    this.split.disabled = state.closed || state.in_breakout;
    this.plenary.disabled = state.closed || !state.in_breakout;
  }

  // everyone who has joined, dealt round-robin into groups; each group gets its own area
  splitGroups() {
    const people = Object.values(this.state.participants).filter((p) => p.role === "participant" && !p.carried);
    const count = Math.max(2, Math.min(12, Number(this.groupCount.value) || 3));
    const run = Date.now().toString(36); // new area ids for each round of groups
    const groups = Array.from({ length: count }, (_, i) => ({
      id: `${run}-${i + 1}`,
      name: t("Group {n}", { n: i + 1 }),
      members: people.filter((_, j) => j % count === i).map((p) => p.id),
    }));
    this.send({ kind: "breakout.start", groups });
  }

  toggleVoting() {
    const open = this.state?.voting && !this.state.voting.closed;
    const perPerson = Math.max(1, Math.min(20, Number(this.perPerson.value) || 3));
    this.send(open ? { kind: "vote.close" } : { kind: "vote.open", per_person: perPerson });
  }

  toggleLock() {
    this.send({ kind: "board.lock", locked: !this.state?.locked });
  }

  close(force) {
    this.closing = this.send({ kind: "meeting.close", force });
    this.closeWarning.replaceChildren();
  }

  // the server's answer to a close: a warning while parked ideas have no owner
  acked(message) {
    if (message.id !== this.closing || message.noop !== "ideas_without_owner") return;
    this.closeWarning.replaceChildren(
      t("Some parked ideas have no owner yet."),
      " ",
      el("button", { type: "button", text: t("Close anyway"), onclick: () => this.close(true) }),
    );
  }
}
