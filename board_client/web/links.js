// @ts-check
// A `#token=` link opens a board with the token it carries. A browser that already holds
// another token for the same board keeps it unless its user chooses the link's: a link
// someone else sent must not silently replace a facilitator's access, nor make a
// participant write (and write privately) as someone else.

/** @import { Credentials, Role } from "../types/board" */

import { readJson } from "./connection.js";
import { t } from "./i18n.js";
import { el } from "./views.js";

/**
 * The link's token, taken out of the address bar at once (before anything is fetched, so it
 * is in no history entry and no screenshot of the page). When this browser holds no token
 * under `key`, it is kept at once too: a reload a moment later must not lose the access
 * that is no longer in the address (only a choice between two tokens waits, for
 * `takeLinkToken`).
 * @param {string} key
 * @returns {string | null}
 */
export function linkToken(key) {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!fromLink) return null;
  history.replaceState(null, "", location.pathname + location.search);
  if (!readJson(key, /** @type {Credentials | null} */ (null))?.token) {
    localStorage.setItem(key, JSON.stringify({ token: fromLink }));
  }
  return fromLink;
}

/**
 * Stores the link's token under `key` when that changes nothing or the user agrees.
 * @param {string} key the localStorage key of this board's credentials
 * @param {string | null} fromLink
 * @returns {Promise<void>}
 */
export async function takeLinkToken(key, fromLink) {
  if (!fromLink) return;
  const held = readJson(key, /** @type {Credentials | null} */ (null));
  if (held?.token === fromLink) return; // the same: keep what is remembered with it
  if (held?.token && !(await askToSwitch(held.role))) return;
  localStorage.setItem(key, JSON.stringify({ token: fromLink }));
}

/**
 * @param {Role | undefined} role the role remembered with the token this browser holds
 * @returns {Promise<boolean>} true when the user chooses the link's access
 */
function askToSwitch(role) {
  const warning = role === "facilitator"
    ? t("You are this board's facilitator in this browser. If you switch, this browser loses your facilitator access.")
    : t("If you switch, what you write here is written under the link's access, not yours.");
  return new Promise((resolve) => {
    /** @param {boolean} value */
    const answer = (value) => () => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const keep = el("button", { id: "keep-access", type: "button", text: t("Keep my access"), onclick: answer(false) });
    const dialog = el(
      "dialog",
      { id: "switch-access", class: "switch-access", "aria-labelledby": "switch-access-title" },
      el("h2", { id: "switch-access-title", text: t("This link opens the board with another access") }),
      el("p", { text: t("This browser already has its own access to this board.") }),
      el("p", { text: warning }),
      el(
        "p",
        { class: "switch-access-buttons" },
        keep,
        el("button", { id: "switch-access-button", type: "button", text: t("Use the link's access"), onclick: answer(true) }),
      ),
    );
    dialog.addEventListener("cancel", answer(false)); // Escape keeps what was held
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}
