// The ready check and the raised hands (ready.set, hand.raise, hand.lower): a participant
// says "I'm done" with the phase and raises a hand; the facilitator and the projector see
// how many are done of those here, and the hands in the order they went up, which the
// facilitator lowers one by one.

import { nt, t } from "./i18n.js";
import { el } from "./views.js";

/** @import { BoardState, Op, Role } from "../types/board" */

export class Signals {
  /**
   * @param {HTMLElement} section where the signals go (#signals)
   * @param {(op: Op) => void} send
   * @param {{ me: string, role: Role | null }} who
   */
  constructor(section, send, who) {
    this.section = section;
    this.send = send;
    this.who = who;
    /** @type {Set<string>} the participants here now (presence), for "n of m done" */
    this.present = new Set();
    /** @type {number | null} participants here, in a large meeting (presence counts) */
    this.crowdHere = null;
    /** @type {BoardState | null} */
    this.state = null;
    const participant = who.role === "participant";
    this.done = el("button", { type: "button", class: "signal-done", "aria-pressed": "false", text: t("I'm done"), onclick: () => this.toggleDone() });
    this.hand = el("button", { type: "button", class: "signal-hand", "aria-pressed": "false", text: t("Raise hand"), onclick: () => this.toggleHand() });
    this.count = el("p", { class: "signal-count", role: "status" });
    this.queue = el("ol", { class: "hand-queue" });
    this.queueTitle = el("h3", { class: "hand-queue-title", text: t("Raised hands") });
    this.mine = participant ? el("div", { class: "signal-buttons" }, this.done, this.hand) : null;
    this.overview = participant ? null : el("div", { class: "signal-overview" }, this.count, this.queueTitle, this.queue);
    section.append(...[this.mine, this.overview].filter((n) => n !== null));
  }

  toggleDone() {
    const ready = !(this.state?.ready ?? []).includes(this.who.me);
    this.send({ kind: "ready.set", ready });
  }

  toggleHand() {
    const raised = (this.state?.hands ?? []).includes(this.who.me);
    this.send(raised ? { kind: "hand.lower" } : { kind: "hand.raise" });
  }

  /**
   * @param {{ participant_id: string, role: string }[]} peers
   * @param {{ here: number } | null} [crowd] a large meeting: the count, without the names
   */
  seePresence(peers, crowd = null) {
    this.present = new Set(peers.filter((p) => p.role === "participant").map((p) => p.participant_id));
    this.crowdHere = crowd ? crowd.here - peers.filter((p) => p.role === "facilitator").length : null;
    if (this.state) this.update(this.state);
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
    const ready = state.ready ?? [];
    const hands = state.hands ?? [];
    const open = !state.closed;
    this.section.hidden = !open || (this.mine === null && !state.phase && hands.length === 0);
    if (this.mine) {
      this.done.hidden = !state.phase;
      this.done.setAttribute("aria-pressed", String(ready.includes(this.who.me)));
      this.done.textContent = ready.includes(this.who.me) ? t("Done ✓") : t("I'm done");
      const raised = hands.includes(this.who.me);
      this.hand.setAttribute("aria-pressed", String(raised));
      this.hand.textContent = raised ? t("Lower hand") : t("Raise hand");
      return;
    }
    // those here now, and anyone who said done and then left, count
    const here = new Set([...this.present, ...ready.filter((p) => state.participants[p]?.role === "participant")]);
    const total = this.crowdHere ?? (here.size || Object.values(state.participants).filter((p) => p.role === "participant").length);
    const done = ready.filter((p) => state.participants[p]?.role === "participant").length;
    this.count.hidden = !state.phase || total === 0;
    this.count.textContent = t("{n} of {total} done", { n: done, total });
    this.queueTitle.hidden = hands.length === 0;
    const facilitator = this.who.role === "facilitator";
    if (this.who.role === "viewer") {
      // the projector names nobody: how many hands are up
      const count = hands.length ? nt("{n} hand raised", "{n} hands raised", hands.length, { n: hands.length }) : "";
      this.queue.replaceChildren(...(count ? [el("li", { text: count })] : []));
      return;
    }
    this.queue.replaceChildren(
      ...hands.map((id) => {
        const name = state.participants[id]?.name ?? "?";
        const lower = facilitator
          ? el("button", { type: "button", class: "hand-lower", text: t("Lower"), "aria-label": t("Lower {name}'s hand", { name }), onclick: () => this.send({ kind: "hand.lower", participant: id }) })
          : null;
        return el("li", {}, el("span", { text: name }), lower);
      }),
    );
  }
}
