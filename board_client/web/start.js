// The start page: create a board, or join one with its code.

import { pickLanguage, translatePage } from "./i18n.js";

const lang = pickLanguage(navigator.language);
translatePage(document, lang);
document.querySelector("#create-language").value = lang;

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error?.message ?? `HTTP ${response.status}`);
  return data;
}

function enter(boardId, token, participantId) {
  const key = `planche:board:${boardId}`;
  localStorage.setItem(key, JSON.stringify({ token, participant_id: participantId }));
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

handle(document.querySelector("#create"), async (data) => {
  const name = data.get("name").trim();
  const board = await post("/api/boards", {
    title: data.get("title"),
    language: data.get("language"),
    ...(name ? { name } : {}),
  });
  enter(board.id, board.facilitator_token, board.participant_id);
});

handle(document.querySelector("#join"), async (data) => {
  const joined = await post("/api/join", { code: data.get("code"), name: data.get("name") });
  enter(joined.board_id, joined.token, joined.participant_id);
});
