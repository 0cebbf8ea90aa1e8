// @ts-check
// The start page's list of the facilitator's boards: from their account when signed in
// (GET /api/me/boards), otherwise the boards this browser holds credentials for. A board
// opened from the account on a new device gets a fresh facilitator token in a response
// body (never in a URL), kept as the start page keeps a new board's.

/** @import { BoardState, Credentials } from "../types/board" */

/**
 * One board or learning network in GET /api/me/boards.
 * @typedef {{ id: string, title: string }} Owned
 */

/** @param {string} id */
const credKey = (id) => `planche:board:${id}`;

/**
 * The element `selector` finds in `root`; the page's template always has it.
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {HTMLElement}
 */
const find = (root, selector) => /** @type {HTMLElement} */ (root.querySelector(selector));

/**
 * @param {string} id
 * @returns {Credentials | null}
 */
function stored(id) {
  try {
    return JSON.parse(localStorage.getItem(credKey(id)) ?? "null");
  } catch {
    return null;
  }
}

function heldBoards() {
  const ids = [];
  for (let i = 0; i < localStorage.length; i++) {
    const found = /^planche:board:(.+)$/.exec(localStorage.key(i) ?? "");
    if (found) ids.push(found[1]);
  }
  return ids;
}

/**
 * @param {string} id
 * @param {string} token
 * @returns {Promise<{ state: BoardState } | null>}
 */
async function readBoard(id, token) {
  const response = await fetch(`/api/boards/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return response.ok ? response.json() : null;
}

/**
 * A new list item from the section's template, with the board's title in it.
 * @param {HTMLElement} section
 * @param {string} title
 * @returns {HTMLLIElement}
 */
function item(section, title) {
  const template = /** @type {HTMLTemplateElement} */ (find(section, "#my-board-item"));
  const li = /** @type {HTMLLIElement} */ (template.content.firstElementChild?.cloneNode(true));
  find(li, ".my-board-title").textContent = title;
  return li;
}

/** @param {string} id */
async function openOwned(id) {
  const held = stored(id);
  if (held?.token && held.role !== "participant" && held.role !== "viewer") {
    location.assign(`/b/${id}`);
    return;
  }
  const response = await fetch(`/api/boards/${encodeURIComponent(id)}/facilitator-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error?.message ?? `HTTP ${response.status}`);
  localStorage.setItem(
    credKey(id),
    JSON.stringify({ token: data.token, participant_id: data.participant_id }),
  );
  location.assign(`/b/${id}`);
}

/**
 * @param {HTMLElement} section
 * @param {HTMLElement} list
 * @param {HTMLElement} alert
 * @returns {Promise<number>} how many boards and networks it listed
 */
async function fromAccount(section, list, alert) {
  const response = await fetch("/api/me/boards");
  if (!response.ok) return 0;
  /** @type {{ boards: Owned[], networks: Owned[] }} */
  const mine = await response.json();
  for (const board of mine.boards) {
    const li = item(section, board.title);
    const link = /** @type {HTMLAnchorElement} */ (find(li, ".my-board-title"));
    link.href = `/b/${board.id}`;
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        await openOwned(board.id);
      } catch (error) {
        alert.textContent = /** @type {Error} */ (error).message;
      }
    });
    find(li, ".my-board-role").textContent = section.dataset.facilitator ?? "";
    list.append(li);
  }
  for (const network of mine.networks) {
    const li = item(section, network.title);
    find(li, ".my-board-title").replaceWith(Object.assign(document.createElement("span"), {
      className: "my-board-title",
      textContent: network.title,
    }));
    find(li, ".my-board-role").textContent = section.dataset.network ?? "";
    list.append(li);
  }
  return mine.boards.length + mine.networks.length;
}

/**
 * @param {HTMLElement} section
 * @param {HTMLElement} list
 * @returns {Promise<number>} how many boards it listed
 */
async function fromBrowser(section, list) {
  let shown = 0;
  for (const id of heldBoards()) {
    const creds = stored(id);
    if (!creds?.token) continue;
    const board = await readBoard(id, creds.token).catch(() => null);
    if (!board) continue; // deleted, or access ended: nothing to go back to
    const me = creds.participant_id ? board.state.participants?.[creds.participant_id] : undefined;
    const role = creds.role ?? me?.role ?? "participant";
    const li = item(section, board.state.title);
    /** @type {HTMLAnchorElement} */ (find(li, ".my-board-title")).href = `/b/${id}`;
    find(li, ".my-board-role").textContent = section.dataset[role] ?? "";
    if (role === "facilitator") {
      const box = find(li, ".my-board-link");
      box.hidden = false;
      find(box, ".copy-link").addEventListener("click", async () => {
        // the token rides in the fragment, which no server ever receives
        const link = `${location.origin}/b/${id}#token=${creds.token}`;
        const status = find(box, ".copied");
        try {
          await navigator.clipboard.writeText(link);
          status.textContent = section.dataset.copied ?? "";
        } catch {
          status.textContent = link; // no clipboard: the link to copy by hand
        }
      });
    }
    list.append(li);
    shown += 1;
  }
  return shown;
}

/**
 * The learning networks this browser holds the token of, each a link to its page.
 * @param {HTMLElement} section
 * @param {HTMLElement} list
 * @returns {Promise<number>} how many it listed
 */
async function networksInBrowser(section, list) {
  let shown = 0;
  for (let i = 0; i < localStorage.length; i++) {
    const id = /^planche:network:(.+)$/.exec(localStorage.key(i) ?? "")?.[1];
    if (!id) continue;
    let held = null;
    try {
      held = JSON.parse(localStorage.getItem(`planche:network:${id}`) ?? "null");
    } catch {
      continue;
    }
    if (!held?.token) continue;
    const response = await fetch(`/api/networks/${encodeURIComponent(id)}`, {
      headers: { Authorization: `Bearer ${held.token}` },
    }).catch(() => null);
    if (!response?.ok) continue; // deleted, or not this browser's any more
    const network = await response.json();
    const li = item(section, network.title);
    /** @type {HTMLAnchorElement} */ (find(li, ".my-board-title")).href = `/n/${id}`;
    find(li, ".my-board-role").textContent = section.dataset.network ?? "";
    list.append(li);
    shown += 1;
  }
  return shown;
}

/** Fills the start page's list of boards, if the page has one. */
export async function showMyBoards() {
  const section = /** @type {HTMLElement | null} */ (document.querySelector("#my-boards"));
  if (!section) return;
  const list = find(section, "#my-boards-list");
  const alert = find(section, "[role=alert]");
  section.querySelector("#signout")?.addEventListener("click", async () => {
    // the answer names where to go: the provider's logout, which ends its session too
    const response = await fetch("/auth/logout", { method: "POST" });
    const next = response.ok ? (await response.json()).redirect : "/";
    location.assign(next);
  });
  const shown = section.dataset.source === "account"
    ? await fromAccount(section, list, alert)
    : (await networksInBrowser(section, list)) + (await fromBrowser(section, list));
  find(section, "#my-boards-empty").hidden = shown > 0;
  section.dataset.loaded = "true";
}
