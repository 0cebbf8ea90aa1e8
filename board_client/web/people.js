// @ts-check
// Co-facilitators, the lead and scribes, in the page. The facilitators' People panel lists
// everyone who joined with what they may do (make a co-facilitator, a scribe, step down:
// role.set, scribe.set) and makes invite links for co-facilitators (POST .../invites; the
// secret travels in the link's fragment). The lead line in the toolbar says who runs the
// timer and phases (lead.set) and offers to take over; it shows only once a board has more
// than one facilitator. `acceptInvite` turns an opened invite link into a facilitator's
// token after asking for a name.

/** @import { BoardState, Op, Participant } from "../types/board" */

import { t } from "./i18n.js";
import { el } from "./views.js";

// the toolbar's buttons for what the lead alone runs (phase.set, timer.*)
const LED = "[data-action=next-phase], [data-action=previous-phase], [data-action^=timer-]";

export class People {
  /**
   * @param {HTMLElement} section the People panel (#people)
   * @param {HTMLElement} toolbar where the lead line goes (#controls)
   * @param {(op: Op) => void} send
   * @param {{ me: string, boardId: string, token: string }} who
   */
  constructor(section, toolbar, send, who) {
    this.section = section;
    this.send = send;
    this.who = who;
    this.list = el("ul", { id: "people-list", class: "people-list" });
    this.list.hidden = true;
    // a disclosure: closed at first, as a meeting of 70 is 140 buttons to tab past
    this.summary = el("button", {
      type: "button",
      id: "people-toggle",
      class: "people-toggle",
      "aria-expanded": "false",
      "aria-controls": "people-list",
      onclick: () => {
        this.list.hidden = !this.list.hidden;
        this.summary.setAttribute("aria-expanded", String(!this.list.hidden));
      },
    });
    this.inviteMessage = el("p", { class: "people-message", role: "status" });
    this.inviteLink = el("input", { id: "invite-link", class: "invite-link", readonly: true, hidden: true });
    this.inviteLabel = el("label", { for: "invite-link", text: t("Link for your co-facilitator (it works once)"), hidden: true });
    this.copy = el("button", { type: "button", hidden: true, text: t("Copy link"), onclick: () => this.copyLink() });
    section.append(
      el("button", { type: "button", id: "invite-cofacilitator", text: t("Invite a co-facilitator"), onclick: () => this.invite() }),
      this.inviteLabel,
      el("p", { class: "invite-row" }, this.inviteLink, this.copy),
      this.inviteMessage,
      this.summary,
      this.list,
    );
    this.leadText = el("span", { id: "lead-text" });
    this.leadButton = el("button", { type: "button", id: "lead-take", class: "tool", onclick: () => this.toggleLead() });
    this.lead = el("p", { id: "lead", class: "lead-line", role: "status", hidden: true }, this.leadText, " ", this.leadButton);
    toolbar.append(this.lead);
    this.toolbar = toolbar;
    section.hidden = false;
    /** @type {BoardState | null} */
    this.state = null;
    /** @type {string} what the list shows, to redraw it only when that changes */
    this.drawn = "";
  }

  toggleLead() {
    const mine = this.state?.lead === this.who.me;
    this.send({ kind: "lead.set", participant: mine ? null : this.who.me });
  }

  async invite() {
    this.inviteMessage.textContent = "";
    try {
      const response = await fetch(`/api/boards/${this.who.boardId}/invites`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.who.token}`, "content-type": "application/json" },
        body: "{}",
      });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      this.inviteLink.value = new URL(answer.urls.invite, location.origin).href;
      for (const node of [this.inviteLink, this.inviteLabel, this.copy]) node.hidden = false;
      this.inviteLink.focus();
      this.inviteLink.select();
      this.inviteMessage.textContent = t("Send this link to your co-facilitator. Whoever opens it first joins as a facilitator.");
    } catch {
      this.inviteMessage.textContent = t("The invite could not be made. Try again.");
    }
  }

  async copyLink() {
    try {
      await navigator.clipboard.writeText(this.inviteLink.value);
      this.inviteMessage.textContent = t("The link is copied.");
    } catch {
      this.inviteLink.select();
      this.inviteMessage.textContent = t("Select the link and copy it.");
    }
  }

  /** @param {BoardState} state */
  update(state) {
    this.state = state;
    const people = Object.values(state.participants).filter((p) => !p.carried && p.role !== "viewer");
    const facilitators = people.filter((p) => p.role === "facilitator");
    this.showLead(state, facilitators.length);
    const order = (/** @type {Participant} */ p) => (p.role === "facilitator" ? 0 : p.scribe ? 1 : 2);
    people.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
    this.summary.textContent = t("Everyone who joined ({n})", { n: people.length });
    const drawn = JSON.stringify([people, facilitators.length]);
    if (drawn === this.drawn) return; // redrawn only when someone or something changed
    this.drawn = drawn;
    // the focus stays on the same person's same action (its label may have changed)
    const focused = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement)
      ? document.activeElement.dataset.focus
      : undefined;
    this.list.replaceChildren(...people.map((p) => this.person(p, facilitators.length)));
    if (focused) {
      const again = [...this.list.querySelectorAll("button")].find((b) => b.dataset.focus === focused);
      (again ?? this.list.querySelector("button"))?.focus();
    }
  }

  /**
   * @param {BoardState} state
   * @param {number} facilitators how many the board has
   */
  showLead(state, facilitators) {
    const lead = state.lead ?? null;
    this.lead.hidden = facilitators < 2 && lead === null;
    // while another leads, the phase and timer buttons say who runs them
    const others = lead !== null && lead !== this.who.me;
    for (const button of this.toolbar.querySelectorAll(LED)) {
      if (others) button.setAttribute("aria-describedby", "lead-text");
      else button.removeAttribute("aria-describedby");
    }
    if (lead === this.who.me) {
      this.leadText.textContent = t("You run the timer and phases.");
      this.leadButton.textContent = t("Let any facilitator run them");
    } else {
      const name = lead ? state.participants[lead]?.name || t("Another facilitator") : "";
      this.leadText.textContent = lead
        ? t("{name} runs the timer and phases.", { name })
        : t("Every facilitator may run the timer and phases.");
      this.leadButton.textContent = t("Take over the timer and phases");
    }
  }

  /**
   * @param {Participant} p
   * @param {number} facilitators
   */
  person(p, facilitators) {
    const me = p.id === this.who.me;
    /** @type {string[]} */
    const tags = [];
    if (p.role === "facilitator") tags.push(t("facilitator"));
    if (p.scribe) tags.push(t("scribe"));
    if (me) tags.push(t("you"));
    const name = p.name || t("Participant");
    /**
     * @param {string} label
     * @param {string} aria
     * @param {Op} op
     */
    const action = (label, aria, op) =>
      el("button", {
        type: "button",
        class: "people-action",
        text: label,
        "aria-label": aria,
        "data-focus": `${p.id}:${op.kind}`,
        onclick: () => this.send(op),
      });
    const actions = [];
    if (p.role === "facilitator") {
      // the last facilitator cannot step down (last_facilitator): no button for it
      if (facilitators > 1) {
        actions.push(
          me
            ? action(t("Step down as facilitator"), t("Step down as facilitator"), { kind: "role.set", participant: p.id, role: "participant" })
            : action(t("Remove as facilitator"), t("Remove {name} as facilitator", { name }), { kind: "role.set", participant: p.id, role: "participant" }),
        );
      }
    } else {
      actions.push(action(t("Make co-facilitator"), t("Make {name} a co-facilitator", { name }), { kind: "role.set", participant: p.id, role: "facilitator" }));
      actions.push(
        p.scribe
          ? action(t("Stop as scribe"), t("{name} stops as scribe", { name }), { kind: "scribe.set", participant: p.id, on: false })
          : action(t("Make scribe"), t("Make {name} a scribe", { name }), { kind: "scribe.set", participant: p.id, on: true }),
      );
    }
    return el(
      "li",
      { class: "people-person", "data-participant": p.id },
      el("span", { class: "people-name", text: name }),
      tags.length ? el("span", { class: "people-tags", text: tags.join(", ") }) : null,
      actions.length ? el("span", { class: "people-actions" }, ...actions) : null,
    );
  }
}

/**
 * An invite link opened (`#invite=<secret>`): the secret is taken out of the address at
 * once, the person asked for their name, and the invite used. Resolves with the new
 * facilitator's token, or null when there is no invite (or it is refused: the page says so).
 * @param {string} boardId
 * @returns {Promise<string | null>}
 */
export async function acceptInvite(boardId) {
  const invite = new URLSearchParams(location.hash.slice(1)).get("invite");
  if (!invite) return null;
  history.replaceState(null, "", location.pathname + location.search);
  const name = el("input", { id: "invite-name", name: "name", required: true, maxlength: 60, autocomplete: "name" });
  const error = el("p", { id: "invite-error", class: "invite-error", role: "alert" });
  const form = el(
    "form",
    { method: "dialog", class: "invite-form" },
    el("label", { for: "invite-name", text: t("Your name") }),
    name,
    error,
    el("button", { type: "submit", id: "invite-join", text: t("Join as co-facilitator") }),
  );
  const dialog = el(
    "dialog",
    { id: "invite-dialog", class: "switch-access", "aria-labelledby": "invite-title" },
    el("h2", { id: "invite-title", text: t("You are invited to facilitate this board") }),
    el("p", { text: t("Write the name the others will see.") }),
    form,
  );
  document.body.append(dialog);
  dialog.showModal();
  name.focus();
  return new Promise((resolve) => {
    dialog.addEventListener("cancel", () => {
      dialog.remove();
      resolve(null);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!name.value.trim()) return;
      const response = await fetch(`/api/boards/${boardId}/invites/accept`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ invite, name: name.value.trim() }),
      });
      if (!response.ok) {
        error.textContent = response.status === 403
          ? t("This invite is not valid any more. Ask for a new one.")
          : t("Joining did not work. Try again.");
        return;
      }
      const answer = await response.json();
      dialog.close();
      dialog.remove();
      resolve(answer.token);
    });
  });
}

/**
 * Why the board refused an op of this module's kinds, or a phase or timer op while another
 * facilitator leads; null for any other refusal.
 * @param {any} op
 * @param {string} reason a `noop` reason (server/board/rules.py NoopReason)
 * @param {BoardState | null} state
 * @returns {string | null}
 */
export function roleRefusal(op, reason, state) {
  if (reason === "not_lead") {
    const lead = state?.lead ? state.participants[state.lead]?.name : "";
    return lead
      ? t("Not changed: {name} runs the timer and phases. Take over to change them.", { name: lead })
      : t("Not changed: another facilitator runs the timer and phases.");
  }
  if (reason === "last_facilitator") return t("Not changed: a board keeps at least one facilitator.");
  if (reason === "not_scribe") return t("The note was not added: only a scribe writes notes for someone else.");
  if (reason === "not_a_facilitator") return t("Not changed: only a facilitator can run the timer and phases.");
  return null;
}
