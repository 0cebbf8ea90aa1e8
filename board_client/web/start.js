// @ts-check
// The start page: create a board (a method from the gallery; for category analysis, the
// categories, the handbook's and the facilitator's own), or join one with its code. Its texts
// are rendered by the server, messages included (data-* attributes), so this needs no
// catalogue; the server's own words are shown when it refuses.

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
    const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
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

/**
 * The categories fieldset of `method`, if it has categories.
 * @param {string | null} method
 */
const categoriesOf = (method) =>
  /** @type {HTMLFieldSetElement | null} */ (document.querySelector(`fieldset.categories[data-method="${method}"]`));

/** Shows the categories of the chosen method only. @param {HTMLFormElement} form */
function showCategories(form) {
  const method = field(new FormData(form), "method");
  for (const set of form.querySelectorAll("fieldset.categories")) {
    /** @type {HTMLFieldSetElement} */ (set).hidden = set !== categoriesOf(method);
  }
}

/**
 * Adds the category typed into `set`'s own-category fields to its list, chosen.
 * @param {HTMLFieldSetElement} set
 * @param {HTMLButtonElement} button
 */
function addCategory(set, button) {
  const title = /** @type {HTMLInputElement} */ (set.querySelector(".custom-title"));
  const explanation = /** @type {HTMLTextAreaElement} */ (set.querySelector(".custom-explanation"));
  const alert = /** @type {HTMLElement} */ (set.querySelector(".category-alert"));
  if (!title.value.trim() || !explanation.value.trim()) {
    alert.textContent = button.dataset.incomplete ?? "";
    (title.value.trim() ? explanation : title).focus();
    return;
  }
  alert.textContent = "";
  const id = `custom-category-${set.querySelectorAll("li").length}`;
  const box = Object.assign(document.createElement("input"), { type: "checkbox", id, checked: true });
  box.dataset.title = title.value.trim();
  box.dataset.explanation = explanation.value.trim();
  box.setAttribute("aria-describedby", `${id}-about`);
  const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: box.dataset.title });
  const about = Object.assign(document.createElement("span"), {
    className: "hint",
    id: `${id}-about`,
    textContent: box.dataset.explanation,
  });
  const remove = Object.assign(document.createElement("button"), {
    type: "button",
    className: "link-button",
    textContent: button.dataset.remove ?? "",
  });
  remove.setAttribute("aria-label", `${button.dataset.remove}: ${box.dataset.title}`);
  const item = document.createElement("li");
  item.className = "category--own";
  remove.addEventListener("click", () => {
    item.remove();
    title.focus();
  });
  item.append(box, label, about, remove);
  /** @type {HTMLElement} */ (set.querySelector(".category-list")).append(item);
  title.value = explanation.value = "";
  title.focus();
}

/**
 * The chosen categories in the order shown: the handbook's by id, one's own with their texts;
 * throws the fieldset's own message when there are too few, too many or two alike.
 * @param {HTMLFieldSetElement} set
 * @returns {(string | { title: string, explanation: string })[]}
 */
function chosenCategories(set) {
  const boxes = /** @type {HTMLInputElement[]} */ ([...set.querySelectorAll("input[type=checkbox]:checked")]);
  const chosen = boxes.map((box) =>
    box.dataset.title ? { title: box.dataset.title, explanation: box.dataset.explanation ?? "" } : box.value,
  );
  const alert = /** @type {HTMLElement} */ (set.querySelector(".category-alert"));
  const names = boxes.map((box) => (box.dataset.title ?? box.labels?.[0]?.textContent ?? "").trim().toLowerCase());
  const wrong =
    chosen.length < Number(set.dataset.min) || chosen.length > Number(set.dataset.max)
      ? set.dataset.wrong
      : new Set(names).size < names.length
        ? set.dataset.same
        : "";
  alert.textContent = wrong ?? "";
  if (wrong) {
    boxes[0]?.focus();
    throw new Error(wrong);
  }
  return chosen;
}

const create = /** @type {HTMLFormElement | null} */ (document.querySelector("#create"));
if (create) {
  create.addEventListener("change", (event) => {
    if (/** @type {HTMLInputElement} */ (event.target).name === "method") showCategories(create);
  });
  for (const button of create.querySelectorAll(".add-category")) {
    const set = /** @type {HTMLFieldSetElement} */ (button.closest("fieldset"));
    const add = () => addCategory(set, /** @type {HTMLButtonElement} */ (button));
    button.addEventListener("click", add);
    // Enter in the name adds the category rather than creating the board
    set.querySelector(".custom-title")?.addEventListener("keydown", (event) => {
      if (/** @type {KeyboardEvent} */ (event).key !== "Enter") return;
      event.preventDefault();
      add();
    });
  }
  showCategories(create);
}
if (create) handle(create, async (data) => {
  const name = (field(data, "name") ?? "").trim();
  const invite = field(data, "invite");
  const method = field(data, "method");
  const set = categoriesOf(method);
  const body = {
    title: field(data, "title"),
    method,
    language: field(data, "language"),
    ...(name ? { name } : {}),
    ...(set ? { categories: chosenCategories(set) } : {}),
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

const network = /** @type {HTMLFormElement | null} */ (document.querySelector("#network"));
if (network) handle(network, async (data) => {
  const invite = field(data, "invite");
  /** @type {Record<string, string>} */
  const headers = invite === null ? {} : { "X-Planche-Invite": invite };
  const body = { title: field(data, "title"), theme: field(data, "theme"), language: field(data, "language") };
  const made = await post("/api/networks", body, headers, network.dataset.refused ?? null);
  localStorage.setItem(`planche:network:${made.id}`, JSON.stringify({ token: made.token }));
  location.assign(`/n/${made.id}`);
});

handle(/** @type {HTMLFormElement} */ (document.querySelector("#join")), async (data) => {
  const joined = await post("/api/join", { code: field(data, "code"), name: field(data, "name") });
  enter(joined.board_id, { token: joined.token, participant_id: joined.participant_id });
});

showMyBoards();
