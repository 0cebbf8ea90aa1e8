// @ts-check
// The start page: create a board, or join one with its code. Its texts are rendered by the
// server; only error messages come from here (the server's own words, or the page's own
// for a refused invite code or an expired sign-in).

/** @import { Credentials } from "../types/board" */

import { showMyBoards } from "./myboards.js";

/**
 * POSTs `body` as JSON and returns the answer; throws an Error with the server's message
 * (or `refused` when the server says 401 or 403).
 * @param {string} path
 * @param {object} body
 * @param {Record<string, string>} [headers]
 * @param {string | null} [refused]
 * @returns {Promise<any>}
 */
async function post(path, body, headers = {}, refused = null) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (refused && (response.status === 401 || response.status === 403)) throw new Error(refused);
  if (!response.ok) throw new Error(data.error?.message ?? `HTTP ${response.status}`);
  return data;
}

/**
 * @param {string} boardId
 * @param {Credentials} credentials
 */
function enter(boardId, credentials) {
  localStorage.setItem(`planche:board:${boardId}`, JSON.stringify(credentials));
  location.assign(`/b/${boardId}`);
}

/**
 * Sends the form with `submit` and shows what went wrong in the form's alert.
 * @param {HTMLFormElement} form
 * @param {(data: FormData) => Promise<void>} submit
 */
function handle(form, submit) {
  const alert = /** @type {HTMLElement} */ (form.querySelector("[role=alert]"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    const button = /** @type {HTMLButtonElement} */ (form.querySelector("button"));
    button.disabled = true;
    try {
      await submit(new FormData(form));
    } catch (error) {
      alert.textContent = /** @type {Error} */ (error).message;
      button.disabled = false;
    }
  });
}

/**
 * A text field of a submitted form (the templates have no file inputs).
 * @param {FormData} data
 * @param {string} name
 */
const field = (data, name) => /** @type {string | null} */ (data.get(name));

const create = /** @type {HTMLFormElement | null} */ (document.querySelector("#create"));
if (create) handle(create, async (data) => {
  const name = (field(data, "name") ?? "").trim();
  const invite = field(data, "invite");
  const body = {
    title: field(data, "title"),
    method: field(data, "method"),
    language: field(data, "language"),
    ...(name ? { name } : {}),
  };
  /** @type {Record<string, string>} */
  const headers = invite === null ? {} : { "X-Planche-Invite": invite };
  const board = await post("/api/boards", body, headers, create.dataset.refused ?? null);
  enter(board.id, {
    token: board.facilitator_token,
    participant_id: board.participant_id,
    viewer_token: board.viewer_token,
  });
});

handle(/** @type {HTMLFormElement} */ (document.querySelector("#join")), async (data) => {
  const joined = await post("/api/join", { code: field(data, "code"), name: field(data, "name") });
  enter(joined.board_id, { token: joined.token, participant_id: joined.participant_id });
});

showMyBoards();
