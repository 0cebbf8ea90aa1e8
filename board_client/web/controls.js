// @ts-check
// The facilitator's toolbar: one row with the phase stepper (previous, the method's phases
// as done / now / next, next), the timer, reveal and voting, a "More" popover for the
// rarer tools (jump to a phase, show an area, small groups, close the meeting), and two
// dialogs: board settings (lock, anonymous notes, the access and privacy section) and
// meeting records. Built once; `update` keeps it in step with the board without losing
// focus or typed values.

/** @import { Ack, BoardState, Breakout, Op, Phase } from "../types/board" */

import { AreaDialog } from "./areadialog.js";
import { GroupRoles } from "./grouproles.js";
import { SurveyDialog } from "./survey.js";
import { PollDialog } from "./polls.js";
import { nt, t } from "./i18n.js";
import { phaseOptions, phaseSpec, phaseTitle } from "./meeting.js";
import { el, fillSelect } from "./views.js";

const TIMER_WITH_PHASE = "planche:timer-with-phase"; // "off" when the facilitator turned it off
const MINUTE_MS = 60000;

// drawn icons (a few strokes in the style of Lucide), never emoji
/** @type {Record<"tick" | "back" | "forward", string>} */
const ICONS = {
  tick: "M4 12.5l5 5L20 6.5",
  back: "M15 18l-6-6 6-6",
  forward: "M9 18l6-6-6-6",
};

/** @param {keyof typeof ICONS} name */
function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

/** @type {WeakMap<HTMLDialogElement, Element | null>} an open dialog -> what opened it */
const openers = new WeakMap();

// A modal dialog with a title and a close button; focus goes back where it came from.
/**
 * @param {string} id
 * @param {string} titleId the id of its heading
 * @param {...Node} children
 * @returns {HTMLDialogElement}
 */
function dialog(id, titleId, ...children) {
  /** @type {HTMLDialogElement} */
  const node = el(
    "dialog",
    { id, class: "panel-dialog", "aria-labelledby": titleId },
    el("button", { type: "button", class: "dialog-close", text: t("Close"), onclick: () => node.close() }),
    ...children,
  );
  node.addEventListener("close", () => {
    const back = openers.get(node);
    openers.delete(node);
    if (back instanceof HTMLElement && back.isConnected && !back.matches(":disabled")) back.focus();
  });
  return node;
}

/**
 * @param {HTMLDialogElement} node
 * @param {EventTarget | null} [opener] what gets the focus back (else the focused element)
 */
function open(node, opener) {
  if (node.open) return;
  openers.set(node, opener instanceof Element ? opener : document.activeElement);
  node.showModal();
}

/**
 * What an accidental "Next phase" replaced: the phase, its time left and whether it ran;
 * `reached` once the board is in the new phase.
 * @typedef {{from: Phase, to: string, remaining: number, running: boolean, reached?: boolean, groups: Breakout[]}} PhaseUndo
 */

export class Controls {
  /**
   * @param {HTMLElement} section where the toolbar goes
   * @param {(op: Op) => string} send sends an op, returns its message id
   * @param {() => number} timerRemaining ms left on the board's timer now
   */
  constructor(section, send, timerRemaining = () => 0) {
    this.section = section;
    this.send = send;
    this.timerRemaining = timerRemaining;
    /** @type {PhaseUndo | null} what an accidental "Next phase" replaced, until the phase changes again */
    this.undo = null;
    /** @type {BoardState | null} */
    this.state = null;
    /** @type {string | null} the message id of the last "close the meeting" */
    this.closingOp = null;
    this.build();
  }

  build() {
    /**
     * @param {string} label
     * @param {() => void} onclick
     * @param {Record<string, string>} [attrs]
     * @returns {HTMLButtonElement}
     */
    const button = (label, onclick, attrs = {}) => el("button", { type: "button", text: label, onclick, ...attrs });

    // the stepper
    /** @type {HTMLSpanElement} */
    this.previousText = el("span", { class: "visually-hidden", text: t("Previous phase") });
    /** @type {HTMLButtonElement} */
    this.previous = el(
      "button",
      { type: "button", class: "tool tool--icon", "data-action": "previous-phase", onclick: () => this.previousPhase() },
      icon("back"),
      this.previousText,
    );
    /** @type {HTMLButtonElement} */
    this.next = el(
      "button",
      {
        type: "button",
        class: "tool tool--primary",
        "data-action": "next-phase",
        "aria-label": t("Next phase"),
        onclick: () => this.nextPhase(),
      },
      t("Next"),
      icon("forward"),
    );
    /** @type {HTMLOListElement} */
    this.steps = el("ol", { class: "steps" });
    /** @type {HTMLDivElement} */
    this.stepper = el(
      "div",
      { class: "stepper", role: "group", "aria-label": t("Phases") },
      this.previous,
      this.steps,
      this.next,
    );

    // the timer, reveal, voting
    /** @type {HTMLButtonElement} */
    this.timerToggle = button(t("Start timer"), () => this.toggleTimer(), { "data-action": "timer-toggle", class: "tool" });
    /** @type {HTMLInputElement} */
    this.perPerson = el("input", {
      id: "control-votes",
      type: "number",
      min: 1,
      max: 20,
      value: 3,
      class: "votes-input",
      title: t("Votes per person"),
    });
    /** @type {HTMLButtonElement} */
    this.voteButton = button(t("Open voting"), () => this.toggleVoting(), { class: "tool", "data-action": "voting" });
    /** @type {HTMLButtonElement} right after "Close voting": the vote goes on, no vote lost (vote.reopen) */
    this.voteUndo = button(t("Undo"), () => this.reopenVoting(), {
      class: "tool tool--undo",
      "data-action": "voting-undo",
      "aria-label": t("Undo: open the voting again"),
    });
    this.voteUndo.hidden = true;
    this.voteUndo.prepend(icon("back"));
    /** whether this page closed the vote just now: its undo shows until the vote changes */
    this.closedVote = false;
    /** "Close voting" was pressed here, and the close is not on the board yet */
    this.closeAsked = false;
    /** @type {HTMLLabelElement} */
    this.votesLabel = el("label", { for: "control-votes", class: "visually-hidden", text: t("Votes per person") });
    // one set of voting controls: in the toolbar while votes are cast (a `vote` phase, a board
    // without phases, a vote open or just closed here), under "More" for a quick vote otherwise
    /** @type {HTMLDivElement} */
    this.voting = el(
      "div",
      { class: "tools", role: "group", "aria-label": t("Voting") },
      this.voteButton,
      this.voteUndo,
      this.votesLabel,
      this.perPerson,
    );
    /** @type {HTMLButtonElement} */
    this.revealButton = button(t("Reveal notes"), () => this.send({ kind: "notes.reveal" }), { class: "tool", "data-action": "reveal" });
    /** @type {HTMLDivElement} the toolbar's place for reveal and voting */
    this.votingHome = el("div", { class: "tools" }, this.revealButton, this.voting);
    /** @type {HTMLDivElement} where the voting controls wait under "More" */
    this.votingAside = el("div", { class: "more-group" });

    // the "More" popover
    /** @type {HTMLSelectElement} */
    this.phase = el("select", { id: "control-phase" });
    /** @type {HTMLSelectElement} */
    this.focus = el("select", { id: "control-focus" });
    /** @type {HTMLInputElement} */
    this.groupCount = el("input", { id: "control-groups", type: "number", min: 2, max: 12, value: 3, class: "votes-input" });
    /** @type {HTMLButtonElement} */
    this.split = button(t("Split into groups"), () => this.splitGroups());
    /** @type {HTMLButtonElement} */
    this.plenary = button(t("Back to plenary"), () => this.send({ kind: "breakout.end" }));
    /** @type {HTMLDivElement} */
    this.phaseJump = el(
      "div",
      { class: "more-group" },
      el("label", { for: "control-phase", text: t("Phase") }),
      this.phase,
      button(t("Start this phase"), () => this.startPhase(this.phase.value, this.focus.value ? [this.focus.value] : [])),
    );
    // choosing a phase here proposes the area its method names; the facilitator may change it
    this.phase.addEventListener("change", () => {
      const areas = this.declaredAreas(this.phase.value);
      this.focus.value = areas.length === 1 ? areas[0] : "";
    });
    // who leads each group's talk and who takes its notes, while the groups work
    /** @type {GroupRoles} */
    this.roles = new GroupRoles(this.send);
    /** @type {HTMLDivElement} */
    this.more = el(
      "div",
      { id: "control-more", class: "more", popover: "auto", role: "group", "aria-label": t("More") },
      this.phaseJump,
      this.votingAside,
      el(
        "div",
        { class: "more-group" },
        el("label", { for: "control-focus", text: t("Focus on") }),
        this.focus,
        button(t("Show everyone this area"), () =>
          this.send({ kind: "focus.set", areas: this.focus.value ? [this.focus.value] : [] }),
        ),
      ),
      el(
        "div",
        { class: "more-group" },
        el("label", { for: "control-groups", text: t("Number of groups") }),
        this.groupCount,
        this.split,
        this.plenary,
      ),
      this.roles.node,
      el("div", { class: "more-group" }, button(t("Survey"), () => this.openSurvey(), { "data-action": "survey" })),
      el("div", { class: "more-group" }, button(t("New poll"), () => this.openPoll(), { "data-action": "poll" })),
      el("div", { class: "more-group" }, button(t("Close the meeting"), () => this.askToClose(), { class: "quiet-danger" })),
    );
    // a new frame, or a quadrant (2x2) for prioritising: areadialog.js
    /** @type {AreaDialog} */
    this.areaDialog = new AreaDialog(this.send);
    // the survey's questions, deadline and anonymity: survey.js
    /** @type {SurveyDialog} */
    this.surveyDialog = new SurveyDialog(this.send);
    // a live poll or word cloud: polls.js
    /** @type {PollDialog} */
    this.pollDialog = new PollDialog(this.send);
    this.more.prepend(
      el("div", { class: "more-group" }, button(t("Add area"), () => this.addArea(), { "data-action": "add-area" })),
    );
    /** @type {HTMLButtonElement} */
    this.moreButton = el("button", {
      type: "button",
      class: "tool",
      popovertarget: "control-more",
      "data-action": "more",
      text: t("More"),
    });

    // the dialogs
    /** @type {HTMLDialogElement} */
    this.settings = this.buildSettings();
    /** @type {HTMLDialogElement} */
    this.records = this.buildRecords();
    /** @type {HTMLDialogElement} */
    this.closing = this.buildClose();
    /** @type {HTMLButtonElement} */
    this.settingsButton = button(t("Settings"), () => open(this.settings, this.settingsButton), {
      class: "tool",
      "aria-label": t("Board settings"),
      "aria-haspopup": "dialog",
      "data-action": "board-settings",
    });
    /** @type {HTMLButtonElement} */
    this.recordsButton = button(t("Records"), () => open(this.records, this.recordsButton), {
      class: "tool",
      "aria-haspopup": "dialog",
      "data-action": "records",
    });

    this.section.classList.add("toolbar");
    this.section.append(
      el(
        "div",
        { class: "toolbar-row" },
        this.stepper,
        el(
          "div",
          { class: "tools", role: "group", "aria-label": t("Timer") },
          this.timerToggle,
          el("button", {
            type: "button",
            class: "tool",
            "data-action": "timer-plus-1",
            "aria-label": t("+1 minute"),
            title: t("+1 minute"),
            text: "+1",
            onclick: () => this.send({ kind: "timer.add", minutes: 1 }),
          }),
          el("button", {
            type: "button",
            class: "tool",
            "data-action": "timer-plus-5",
            "aria-label": t("+5 minutes"),
            title: t("+5 minutes"),
            text: "+5",
            onclick: () => this.send({ kind: "timer.add", minutes: 5 }),
          }),
        ),
        this.votingHome,
        el("div", { class: "tools tools--end" }, this.moreButton, this.recordsButton, this.settingsButton),
      ),
      this.more,
      this.settings,
      this.records,
      this.closing,
      this.areaDialog.node,
      this.surveyDialog.node,
      this.pollDialog.node,
    );
    // the popover hangs under its button
    this.moreButton.style.setProperty("anchor-name", "--control-more");
    this.more.style.setProperty("position-anchor", "--control-more");
  }

  buildSettings() {
    /** @type {HTMLButtonElement} */
    this.anonymous = el("button", {
      type: "button",
      "aria-pressed": "false",
      "aria-describedby": "control-anonymous-hint",
      onclick: () => this.send({ kind: "board.anonymous", anonymous: !this.state?.anonymous }),
    });
    // the board's lock lives here only, with the other board settings
    /** @type {HTMLButtonElement} */
    this.lock = el("button", { type: "button", "aria-pressed": "false", onclick: () => this.toggleLock() });
    /** @type {HTMLInputElement} */
    this.timerWithPhase = el("input", { id: "control-timer-with-phase", type: "checkbox" });
    this.timerWithPhase.checked = localStorage.getItem(TIMER_WITH_PHASE) !== "off";
    this.timerWithPhase.addEventListener("change", () =>
      localStorage.setItem(TIMER_WITH_PHASE, this.timerWithPhase.checked ? "on" : "off"),
    );
    const node = dialog(
      "settings-dialog",
      "settings-title",
      el("h2", { id: "settings-title", text: t("Board settings") }),
      el(
        "fieldset",
        { class: "control-group" },
        el("legend", { text: t("During the meeting") }),
        this.lock,
        this.anonymous,
        el("p", {
          id: "control-anonymous-hint",
          class: "hint",
          text: t("Notes written while it is on name no author, not even to you, and never in the records."),
        }),
        el(
          "span",
          { class: "check" },
          this.timerWithPhase,
          el("label", { for: "control-timer-with-phase", text: t("Start the timer when a phase starts") }),
        ),
      ),
    );
    // the access and privacy section of the page (privacy.js), ids and behaviour unchanged
    const privacy = document.getElementById("privacy");
    if (privacy) node.append(privacy);
    return node;
  }

  buildRecords() {
    const node = dialog("records-dialog", "records-title");
    const records = document.getElementById("records"); // built by records.js
    if (records) node.append(records);
    return node;
  }

  buildClose() {
    /** @type {HTMLParagraphElement} */
    this.closeWarning = el("p", { class: "alert", role: "alert" });
    /** @type {HTMLButtonElement} */
    this.closeCancel = el("button", { id: "close-cancel", type: "button", class: "secondary", text: t("Cancel"), onclick: () => node.close() });
    const node = dialog(
      "close-dialog",
      "close-title",
      el("h2", { id: "close-title", text: t("Close the meeting?") }),
      el("p", { text: t("Nobody can write on the board after this. The board stays as the meeting's record.") }),
      this.closeWarning,
      el(
        "p",
        { class: "dialog-buttons" },
        el("button", { id: "close-meeting", type: "button", class: "danger", text: t("Close the meeting"), onclick: () => this.close(false) }),
        this.closeCancel,
      ),
    );
    return node;
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
    this.surveyDialog.update(state);
    this.pollDialog.update(state);
    const phases = state.phases ?? [];
    /** @type {[string, string][]} */
    const focusOptions = [["", t("All areas")], ...state.areas.map((a) => /** @type {[string, string]} */ ([a.id, a.title]))];
    if (this.phase.options.length !== phases.length) fillSelect(this.phase, phaseOptions(state));
    fillSelect(this.focus, focusOptions);
    // the undo lasts until the phase changes again (the ops are still on their way at first)
    if (this.undo && state.phase?.id === this.undo.to) this.undo.reached = true;
    else if (this.undo?.reached) this.undo = null;
    this.renderSteps(state);

    const timer = state.timer;
    const running = timer?.ends_at != null;
    this.timerToggle.textContent = running ? t("Pause timer") : t("Start timer");
    const open = state.voting && !state.voting.closed;
    this.voteButton.textContent = open ? t("Close voting") : t("Open voting");
    if (open) this.voteButton.setAttribute("aria-label", t("Close voting and show results"));
    else this.voteButton.removeAttribute("aria-label");
    this.perPerson.hidden = Boolean(open); // how many votes each matters only for opening
    // the undo shows once the close this page asked for is on the board, until the vote changes
    if (state.voting?.closed && this.closeAsked) [this.closedVote, this.closeAsked] = [true, false];
    else if (!state.voting || (open && !this.closeAsked)) this.closedVote = false;
    this.voteUndo.hidden = !(this.closedVote && state.voting?.closed && !state.closed);
    // calm (DESIGN.md 1): reveal while there is something to reveal, voting where votes are cast
    const writing = state.phase?.kind === "individual";
    this.revealButton.hidden = !writing && !Object.values(state.notes).some((n) => n.private);
    const kind = state.phase?.kind ?? state.phases?.[0]?.kind; // before the plan, as in its first phase
    this.placeVoting(!kind || kind === "vote" || Boolean(open) || !this.voteUndo.hidden);
    this.lock.textContent = state.locked ? t("Unlock the board") : t("Lock the board");
    this.lock.setAttribute("aria-pressed", String(Boolean(state.locked)));
    this.anonymous.textContent = state.anonymous ? t("Anonymous notes: on") : t("Anonymous notes: off");
    this.anonymous.setAttribute("aria-pressed", String(Boolean(state.anonymous)));

    // a control that turns off under the keyboard hands the focus on instead of dropping it
    const focused = this.section.contains(document.activeElement) ? document.activeElement : null;
    this.disable(state);
    if (focused?.matches(":disabled")) {
      const fallback = [this.next, this.previous, this.timerToggle, this.settingsButton].find((b) => !b.disabled);
      if (this.section.querySelector(".toolbar-row")?.contains(focused)) fallback?.focus();
    }
  }

  /**
   * Puts the voting controls in the toolbar or under "More"; a button that moves under the
   * keyboard keeps the focus, and a vote opened from "More" lands in the toolbar with it.
   * @param {boolean} now votes are cast in this phase
   */
  placeVoting(now) {
    const home = now ? this.votingHome : this.votingAside;
    if (this.voting.parentElement === home) return;
    const focused = this.voting.contains(document.activeElement);
    home.append(this.voting);
    this.votesLabel.classList.toggle("visually-hidden", now);
    if (!focused) return;
    if (now && this.more.matches(":popover-open")) this.more.hidePopover();
    this.voteButton.focus();
  }

  /** @param {BoardState} state */
  disable(state) {
    const phases = state.phases ?? [];
    const timer = state.timer;
    // a closed meeting keeps its records and settings (privacy, delete); nothing else acts
    const always = new Set([this.settingsButton, this.recordsButton, this.moreButton]);
    /** @type {NodeListOf<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>} */
    const controls = this.section.querySelectorAll(".toolbar-row button, .toolbar-row input, .more button, .more select, .more input");
    for (const control of controls) {
      if (!(control instanceof HTMLButtonElement && always.has(control))) control.disabled = state.closed;
    }
    for (const control of [this.anonymous, this.lock]) control.disabled = state.closed;
    if (state.closed) return;
    this.timerToggle.disabled = !timer?.duration_ms;
    const at = this.phaseIndex(state);
    this.previous.disabled = !this.undo?.reached && at <= 0;
    this.next.disabled = at >= phases.length - 1;
    this.split.disabled = state.in_breakout;
    this.plenary.disabled = !state.in_breakout;
    this.roles.update(state);
  }

  /** @param {BoardState} state */
  phaseIndex(state) {
    return (state.phases ?? []).findIndex((p) => p.id === state.phase?.id);
  }

  // the method's phases: done (a tick), now (its title), next (its title), later (a number)
  /** @param {BoardState} state */
  renderSteps(state) {
    const phases = state.phases ?? [];
    this.stepper.hidden = phases.length === 0; // the free board has no phases
    this.phaseJump.hidden = phases.length === 0;
    const at = this.phaseIndex(state);
    this.steps.style.minWidth = `${phases.length * 2.1}rem`; // every number stays in view
    const titles = new Map(phaseOptions(state));
    const key = JSON.stringify([at, state.language, [...titles]]);
    if (this.steps.dataset.key !== key) {
      this.steps.dataset.key = key;
      this.steps.replaceChildren(
        ...phases.map((p, i) => {
          const where = i < at ? "done" : i === at ? "now" : i === at + 1 ? "next" : "later";
          const title = titles.get(p.id);
          const spoken = { done: t("done"), now: t("now"), next: t("next"), later: "" }[where];
          return el(
            "li",
            { class: `step step--${where}`, "aria-current": where === "now" ? "step" : false, title },
            el("span", { class: "step-mark", "aria-hidden": "true" }, where === "done" ? icon("tick") : String(i + 1)),
            el("span", { class: where === "now" || where === "next" ? "step-title" : "visually-hidden", text: title }),
            spoken ? el("span", { class: "visually-hidden", text: ` (${spoken})` }) : null,
          );
        }),
      );
    }
    // right after "Next phase" the back button says what it does: undo the advance
    const undo = this.undo?.reached ? this.undo : null;
    this.previous.classList.toggle("tool--undo", undo != null);
    this.previousText.className = undo ? "undo-text" : "visually-hidden";
    this.previousText.textContent = undo ? t("Undo") : t("Previous phase");
    const label = undo ? t("Undo: back to {phase}", { phase: titles.get(undo.from.id) ?? undo.from.id }) : null;
    if (label) this.previous.setAttribute("aria-label", label);
    else this.previous.removeAttribute("aria-label");
    this.previous.title = label ?? t("Previous phase");
  }

  // the areas the method puts in focus for a phase, where the board has them
  /**
   * @param {string} id a phase
   * @returns {string[]}
   */
  declaredAreas(id) {
    return (phaseSpec(id)?.areas ?? []).filter((a) => this.state?.areas.some((area) => area.id === a));
  }

  // a phase starts with the method's areas in focus and, unless turned off, its timer running
  /**
   * @param {string} id
   * @param {string[] | null} [focus] the areas in focus (else the method's)
   */
  startPhase(id, focus = null) {
    const spec = (this.state?.phases ?? []).find((p) => p.id === id);
    if (!spec) return;
    // moving on from the groups' phase brings everyone back: a participant still in a group
    // could write only in the group's area, not in the next phase's
    if (this.state?.in_breakout && spec.kind !== "breakout") this.send({ kind: "breakout.end" });
    this.send({ kind: "phase.set", phase: id, focus: focus ?? this.declaredAreas(id) });
    if (spec.minutes > 0 && this.timerWithPhase.checked) this.send({ kind: "timer.start" });
  }

  nextPhase() {
    const state = this.state;
    if (!state) return;
    const phases = state.phases ?? [];
    const at = this.phaseIndex(state);
    if (at >= phases.length - 1) return;
    const to = phases[at + 1].id;
    this.undo = state.phase
      ? {
          from: state.phase,
          to,
          remaining: this.timerRemaining(),
          running: state.timer?.ends_at != null,
          groups: state.in_breakout ? Object.values(state.breakouts ?? {}) : [], // ended by the step
        }
      : null;
    this.startPhase(to);
  }

  // right after "Next phase": back to the phase as it was, its time left and running or not
  previousPhase() {
    const state = this.state;
    if (!state) return;
    const undo = this.undo;
    this.undo = null;
    if (undo?.reached && state.phase?.id === undo.to) {
      const spec = state.phases.find((p) => p.id === undo.from.id);
      this.send({ kind: "phase.set", phase: undo.from.id, focus: [...(undo.from.focus ?? [])] });
      const change = (undo.remaining - (spec?.minutes ?? 0) * MINUTE_MS) / MINUTE_MS;
      if (Math.abs(change) >= 1 / 60) this.send({ kind: "timer.add", minutes: Math.round(change * 1000) / 1000 });
      if (undo.running) this.send({ kind: "timer.start" });
      if (undo.groups.length && !state.in_breakout) {
        // the same groups again, with their members and roles
        const groups = undo.groups.map(({ id, name, members, note_taker, discussion_leader }) => ({ id, name, members, note_taker, discussion_leader }));
        this.send({ kind: "breakout.start", groups });
      }
      return;
    }
    const at = this.phaseIndex(state);
    if (at > 0) this.startPhase(state.phases[at - 1].id);
  }

  toggleTimer() {
    const running = this.state?.timer?.ends_at != null;
    this.send({ kind: running ? "timer.pause" : "timer.start" });
  }

  // everyone who has joined, dealt round-robin into groups; each group gets its own area
  splitGroups() {
    if (!this.state) return;
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

  // in a voting phase whose method names one area, the votes go to that area's notes
  toggleVoting() {
    const state = this.state;
    const open = state?.voting && !state.voting.closed;
    const perPerson = Math.max(1, Math.min(20, Number(this.perPerson.value) || 3));
    const focus = state?.phase?.kind === "vote" ? state.phase.focus ?? [] : [];
    const area = focus.length === 1 ? { area: focus[0] } : {};
    this.send(open ? { kind: "vote.close" } : { kind: "vote.open", per_person: perPerson, ...area });
    this.closeAsked = Boolean(open);
  }

  reopenVoting() {
    this.closedVote = this.closeAsked = false;
    this.voteUndo.hidden = true;
    this.voteButton.focus(); // the undo goes away under the keyboard: the focus stays near
    this.send({ kind: "vote.reopen" });
  }

  toggleLock() {
    this.send({ kind: "board.lock", locked: !this.state?.locked });
  }

  addArea() {
    this.more.hidePopover?.();
    this.areaDialog.open(this.moreButton);
  }

  openSurvey() {
    this.more.hidePopover?.();
    this.surveyDialog.open(this.moreButton);
  }

  openPoll() {
    this.more.hidePopover?.();
    this.pollDialog.open(this.moreButton);
  }

  askToClose() {
    this.more.hidePopover?.();
    this.closeWarning.replaceChildren();
    // notes never revealed stay out of every record: say so while they can still be shown
    const unrevealed = Object.values(this.state?.notes ?? {}).filter((n) => n.private).length;
    if (unrevealed) {
      this.closeWarning.replaceChildren(
        nt(
          "{n} note is still private: the record will not show it.",
          "{n} notes are still private: the record will not show them.",
          unrevealed,
          { n: unrevealed },
        ),
        " ",
        el("button", {
          type: "button",
          text: t("Reveal notes"),
          onclick: () => {
            this.send({ kind: "notes.reveal" });
            this.closeWarning.replaceChildren();
            this.closeCancel.focus();
          },
        }),
      );
    }
    open(this.closing, this.moreButton);
    this.closeCancel.focus(); // Enter twice must not close it by accident
  }

  /** @param {boolean} force close even while parked ideas have no owner */
  close(force) {
    this.closingOp = this.send({ kind: "meeting.close", force });
    this.closeWarning.replaceChildren();
  }

  // the server's answer to a close: a warning while parked ideas have no owner
  /** @param {Ack} message */
  acked(message) {
    if (message.id !== this.closingOp) return;
    if (message.noop !== "ideas_without_owner") {
      if (!message.noop) this.closing.close();
      return;
    }
    this.closeWarning.replaceChildren(
      t("Some parked ideas have no owner yet."),
      " ",
      el("button", { type: "button", text: t("Close anyway"), onclick: () => this.close(true) }),
    );
  }

  // the board is gone: no dialog stays open over the notice
  closeDialogs() {
    for (const node of [this.settings, this.records, this.closing, this.areaDialog.node, this.surveyDialog.node, this.pollDialog.node]) if (node.open) node.close();
  }
}
