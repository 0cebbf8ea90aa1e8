// @ts-check
// A learning network's page: its planning boards, its meetings with their parked ideas and
// owners, the next meeting and the deliverable to the leadership forum. Everything goes
// through the network's API with the network's token, which the page keeps in this browser
// (from the link's #token=, which no server receives). Its texts are rendered by the server.

/** @import { Credentials } from "../types/board" */

/**
 * A board of the network as GET /api/networks/{id} lists it.
 * @typedef {{ board_id: string, number: number | null, title: string, method: string,
 *   date: string, join_code: string, closed: boolean,
 *   parked: { text: string, owner: string | null }[] }} NetworkBoard
 * @typedef {{ id: string, title: string, theme: string, language: string,
 *   planning: NetworkBoard[], meetings: NetworkBoard[] }} Network
 */

const main = /** @type {HTMLElement} */ (document.querySelector("main.network"));
const networkId = main.dataset.networkId ?? "";
const key = `planche:network:${networkId}`;
const texts = main.dataset;

/**
 * The element `selector` finds; the page's template always has it.
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement}
 */
const $ = (selector, root = document) => /** @type {HTMLElement} */ (root.querySelector(selector));

/**
 * @param {string | undefined} template a text with {name} placeholders
 * @param {Record<string, string | number>} values
 */
const fill = (template, values) => (template ?? "").replace(/\{(\w+)\}/g, (_, k) => String(values[k]));

/** The network's token: from the link's fragment (kept, then taken out of the address) or this browser. */
function token() {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink) {
    localStorage.setItem(key, JSON.stringify({ token: fromLink }));
    history.replaceState(null, "", location.pathname + location.search);
    return fromLink;
  }
  try {
    return JSON.parse(localStorage.getItem(key) ?? "null")?.token ?? null;
  } catch {
    return null;
  }
}

const secret = token();

/**
 * The API's answer; throws an Error with the server's words when it refuses.
 * @param {string} path
 * @param {object} [body] POSTed as JSON when given
 */
async function call(path, body) {
  const response = await fetch(path, {
    method: body ? "POST" : "GET",
    headers: { authorization: `Bearer ${secret}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error?.message ?? `HTTP ${response.status}`);
  return data;
}

/** @param {unknown} error */
function complain(error) {
  $("#network-alert").textContent = /** @type {Error} */ (error).message;
}

/**
 * Opens a board of the network as its facilitator: with the credentials this browser holds,
 * else with a fresh facilitator token the network's token gets for it.
 * @param {string} boardId
 */
async function openBoard(boardId) {
  const held = localStorage.getItem(`planche:board:${boardId}`);
  if (!held) {
    const fresh = await call(`/api/networks/${networkId}/boards/${boardId}/facilitator-token`, {});
    /** @type {Credentials} */
    const credentials = { token: fresh.token, participant_id: fresh.participant_id };
    localStorage.setItem(`planche:board:${boardId}`, JSON.stringify(credentials));
  }
  location.assign(`/b/${boardId}`);
}

/**
 * Creates a board of the network and opens it.
 * @param {object} body the POST /meetings body
 */
async function create(body) {
  const board = await call(`/api/networks/${networkId}/meetings`, body);
  /** @type {Credentials} */
  const credentials = {
    token: board.facilitator_token,
    participant_id: board.participant_id,
    viewer_token: board.viewer_token,
  };
  localStorage.setItem(`planche:board:${board.id}`, JSON.stringify(credentials));
  location.assign(`/b/${board.id}`);
}

/** @type {Record<string, string>} method id → its name in the network's language */
let methodNames = {};

/**
 * One board as a list item: title, facts, an "Open" button and its parked ideas.
 * @param {NetworkBoard} board
 * @param {string} title
 */
function item(board, title) {
  const template = /** @type {HTMLTemplateElement} */ ($("#board-item"));
  const li = /** @type {HTMLLIElement} */ (template.content.firstElementChild?.cloneNode(true));
  $(".network-board-title", li).textContent = title;
  const date = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium" }).format(new Date(board.date));
  const method = methodNames[board.method] ?? board.method;
  const facts = method === title ? [date] : [date, method];
  facts.push(board.closed ? texts.closed ?? "" : fill(texts.code, { code: board.join_code }));
  $(".network-board-facts", li).textContent = ` · ${facts.join(" · ")}`;
  const open = /** @type {HTMLButtonElement} */ ($(".open-board", li));
  open.textContent = texts.openBoard ?? "";
  open.setAttribute("aria-label", `${texts.openBoard}: ${title}`);
  open.addEventListener("click", () => openBoard(board.board_id).catch(complain));
  const ideas = $(".network-ideas", li);
  for (const idea of board.parked) {
    const owner = idea.owner ? fill(texts.owner, { name: idea.owner }) : texts.noOwner ?? "";
    const line = Object.assign(document.createElement("li"), { textContent: `${idea.text} – ` });
    line.append(Object.assign(document.createElement("span"), { className: idea.owner ? "" : "unowned", textContent: owner }));
    ideas.append(line);
  }
  ideas.hidden = !board.parked.length;
  return li;
}

/** @param {Network} network */
function show(network) {
  document.title = `${network.title} – Planche`;
  $("#network-title").textContent = network.title;
  $("#network-theme").textContent = network.theme;
  $("#planning-list").replaceChildren(...network.planning.map((b) => item(b, b.title)));
  for (const id of ["#plan-theme", "#plan-process"]) {
    const button = $(id);
    button.hidden = network.planning.some((b) => b.method === button.dataset.method);
  }
  const meetings = network.meetings.filter((m) => m.method !== "leadership-deliverable");
  const deliverables = network.meetings.filter((m) => m.method === "leadership-deliverable");
  $("#meeting-list").replaceChildren(
    ...meetings.map((m) => item(m, `${fill(texts.meeting, { n: m.number ?? "" })}: ${m.title}`)),
  );
  $("#no-meetings").hidden = meetings.length > 0;
  $("#deliverable-list").replaceChildren(...deliverables.map((d) => item(d, d.title)));
  $("#draft-deliverable").hidden = deliverables.length > 0;
  const next = /** @type {HTMLInputElement} */ ($("#next-name"));
  if (!next.value) next.value = fill(texts.nextTitle, { n: meetings.length + 1 });
  $("#network-body").hidden = false;
}

async function load() {
  if (!secret) {
    $("#network-missing").hidden = false;
    return;
  }
  try {
    const [network, methods] = await Promise.all([call(`/api/networks/${networkId}`), fetch("/api/methods").then((r) => r.json())]);
    const lang = document.documentElement.lang;
    methodNames = Object.fromEntries(methods.map((/** @type {{ id: string, name: Record<string, string> }} */ m) => [m.id, m.name[lang] ?? m.id]));
    show(network);
  } catch (error) {
    complain(error);
  }
}

for (const id of ["#plan-theme", "#plan-process"]) {
  const button = $(id);
  button.addEventListener("click", () =>
    create({ title: button.dataset.title, method: button.dataset.method, planning: true }).catch(complain),
  );
}

$("#draft-deliverable").addEventListener("click", () =>
  create({ title: $("#draft-deliverable").dataset.title, method: "leadership-deliverable" }).catch(complain),
);

$("#next-meeting").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.currentTarget);
  const data = new FormData(form);
  const submit = /** @type {HTMLButtonElement} */ ($("button[type=submit]", form));
  submit.disabled = true;
  create({ title: data.get("title"), method: data.get("method"), closing: data.get("closing") === "on" }).catch((error) => {
    submit.disabled = false;
    complain(error);
  });
});

$("#copy-network-link").addEventListener("click", async () => {
  // the token rides in the fragment, which no server ever receives
  const link = `${location.origin}/n/${networkId}#token=${secret}`;
  try {
    await navigator.clipboard.writeText(link);
    $("#copy-status").textContent = texts.copied ?? "";
  } catch {
    $("#copy-status").textContent = link; // no clipboard: the link to copy by hand
  }
});

load();
