// @ts-check
// While small groups work: for each group, who leads its discussion and who takes its notes,
// chosen by the facilitator from the group's members (the toolbar's "More"). One
// `breakout.roles` per change; the group's members see the roles in their banner.

/** @import { BoardState, Breakout, Op } from "../types/board" */

import { t } from "./i18n.js";
import { reconcile } from "./keyed.js";
import { el, fillSelect } from "./views.js";

export class GroupRoles {
  /** @param {(op: Op) => unknown} send */
  constructor(send) {
    this.send = send;
    /** @type {HTMLElement} */
    this.node = el("div", { class: "more-group group-roles", hidden: true });
  }

  /** @param {BoardState} state */
  update(state) {
    const groups = state.in_breakout ? Object.values(state.breakouts ?? {}) : [];
    this.node.hidden = !groups.length;
    reconcile(
      this.node,
      groups,
      (g) => g.id,
      (g) => this.build(g),
      (node, g) => this.fill(node, g, state),
    );
  }

  /** @param {Breakout} group */
  build(group) {
    const id = (/** @type {string} */ role) => `roles-${group.id}-${role}`;
    const send = () => {
      const value = (/** @type {string} */ role) =>
        /** @type {HTMLSelectElement} */ (this.node.querySelector(`#${CSS.escape(id(role))}`)).value || null;
      this.send({ kind: "breakout.roles", group: group.id, discussion_leader: value("leader"), note_taker: value("taker") });
    };
    return el(
      "fieldset",
      { class: "group-role" },
      el("legend", {}),
      el("label", { for: id("leader"), text: t("Leads the discussion") }),
      el("select", { id: id("leader"), onchange: send }),
      el("label", { for: id("taker"), text: t("Takes the notes") }),
      el("select", { id: id("taker"), onchange: send }),
    );
  }

  /**
   * @param {HTMLElement} node
   * @param {Breakout} group
   * @param {BoardState} state
   */
  fill(node, group, state) {
    /** @type {HTMLElement} */ (node.querySelector("legend")).textContent = group.name;
    /** @type {[string, string][]} */
    const people = [["", t("Nobody")], ...group.members.map((m) => /** @type {[string, string]} */ ([m, state.participants[m]?.name || m]))];
    const [leader, taker] = /** @type {HTMLSelectElement[]} */ ([...node.querySelectorAll("select")]);
    for (const [select, chosen] of /** @type {[HTMLSelectElement, string][]} */ ([[leader, group.discussion_leader ?? ""], [taker, group.note_taker ?? ""]])) {
      // rebuilt only when the members change, so a list someone has open stays open; a
      // choice follows the board only when the board's changes, so a choice made here and
      // not yet answered is not put back (and then sent back with the other role)
      const options = JSON.stringify(people);
      if (select.dataset.options !== options) {
        select.dataset.options = options;
        fillSelect(select, people, chosen);
      } else if (select.dataset.given !== chosen && document.activeElement !== select) select.value = chosen;
      if (document.activeElement !== select) select.dataset.given = chosen;
    }
  }
}
