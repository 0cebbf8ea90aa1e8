// The start page: create a board, or join one with its code. Its texts are rendered by the
// server; only error messages come from here (the server's own words, or the page's own
// for a refused invite code or an expired sign-in).

import { showMyBoards } from "./myboards.js";

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

function enter(boardId, credentials) {
  localStorage.setItem(`planche:board:${boardId}`, JSON.stringify(credentials));
  location.assign(`/b/${boardId}`);
}

function handle(form, submit) {
  const alert = form.querySelector("[role=alert]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await submit(new FormData(form));
    } catch (error) {
      alert.textContent = error.message;
      button.disabled = false;
    }
  });
}

const create = document.querySelector("#create");
if (create) handle(create, async (data) => {
  const name = data.get("name").trim();
  const invite = data.get("invite");
  const body = {
    title: data.get("title"),
    method: data.get("method"),
    language: data.get("language"),
    ...(name ? { name } : {}),
  };
  const headers = invite === null ? {} : { "X-Planche-Invite": invite };
  const board = await post("/api/boards", body, headers, create.dataset.refused);
  enter(board.id, {
    token: board.facilitator_token,
    participant_id: board.participant_id,
    viewer_token: board.viewer_token,
  });
});

handle(document.querySelector("#join"), async (data) => {
  const joined = await post("/api/join", { code: data.get("code"), name: data.get("name") });
  enter(joined.board_id, { token: joined.token, participant_id: joined.participant_id });
});

showMyBoards();
