// The start page's list of the facilitator's boards: from their account when signed in
// (GET /api/me/boards), otherwise the boards this browser holds credentials for. A board
// opened from the account on a new device gets a fresh facilitator token in a response
// body (never in a URL), kept as the start page keeps a new board's.

const credKey = (id) => `planche:board:${id}`;

function stored(id) {
  try {
    return JSON.parse(localStorage.getItem(credKey(id)));
  } catch {
    return null;
  }
}

function heldBoards() {
  const ids = [];
  for (let i = 0; i < localStorage.length; i++) {
    const found = /^planche:board:(.+)$/.exec(localStorage.key(i));
    if (found) ids.push(found[1]);
  }
  return ids;
}

async function readBoard(id, token) {
  const response = await fetch(`/api/boards/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return response.ok ? response.json() : null;
}

function item(section, title) {
  const li = section.querySelector("#my-board-item").content.firstElementChild.cloneNode(true);
  li.querySelector(".my-board-title").textContent = title;
  return li;
}

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

async function fromAccount(section, list, alert) {
  const response = await fetch("/api/me/boards");
  if (!response.ok) return 0;
  const mine = await response.json();
  for (const board of mine.boards) {
    const li = item(section, board.title);
    const link = li.querySelector(".my-board-title");
    link.href = `/b/${board.id}`;
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        await openOwned(board.id);
      } catch (error) {
        alert.textContent = error.message;
      }
    });
    li.querySelector(".my-board-role").textContent = section.dataset.facilitator;
    list.append(li);
  }
  for (const network of mine.networks) {
    const li = item(section, network.title);
    const title = li.querySelector(".my-board-title");
    title.replaceWith(Object.assign(document.createElement("span"), {
      className: "my-board-title",
      textContent: network.title,
    }));
    li.querySelector(".my-board-role").textContent = section.dataset.network;
    list.append(li);
  }
  return mine.boards.length + mine.networks.length;
}

async function fromBrowser(section, list) {
  let shown = 0;
  for (const id of heldBoards()) {
    const creds = stored(id);
    if (!creds?.token) continue;
    const board = await readBoard(id, creds.token).catch(() => null);
    if (!board) continue; // deleted, or access ended: nothing to go back to
    const me = board.state.participants?.[creds.participant_id];
    const role = creds.role ?? me?.role ?? "participant";
    const li = item(section, board.state.title);
    li.querySelector(".my-board-title").href = `/b/${id}`;
    li.querySelector(".my-board-role").textContent = section.dataset[role] ?? "";
    if (role === "facilitator") {
      const box = li.querySelector(".my-board-link");
      box.hidden = false;
      box.querySelector(".copy-link").addEventListener("click", async () => {
        // the token rides in the fragment, which no server ever receives
        const link = `${location.origin}/b/${id}#token=${creds.token}`;
        const status = box.querySelector(".copied");
        try {
          await navigator.clipboard.writeText(link);
          status.textContent = section.dataset.copied;
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

export async function showMyBoards() {
  const section = document.querySelector("#my-boards");
  if (!section) return;
  const list = section.querySelector("#my-boards-list");
  const alert = section.querySelector("[role=alert]");
  section.querySelector("#signout")?.addEventListener("click", async () => {
    // the answer names where to go: the provider's logout, which ends its session too
    const response = await fetch("/auth/logout", { method: "POST" });
    const next = response.ok ? (await response.json()).redirect : "/";
    location.assign(next);
  });
  const shown = section.dataset.source === "account"
    ? await fromAccount(section, list, alert)
    : await fromBrowser(section, list);
  section.querySelector("#my-boards-empty").hidden = shown > 0;
  section.dataset.loaded = "true";
}
