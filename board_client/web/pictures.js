// @ts-check
// Pictures: a participant or the facilitator adds one from a file, the phone's camera or a
// paste; the server re-encodes it without its metadata (GPS, camera) and a `note.add` with
// `picture` shows it, its text the caption. A picture is read with the board token, so the
// page fetches it and shows it from a blob: URL (the page's CSP allows 'self' and blob:).

/** @import { BoardState, Note } from "../types/board" */
/** @import { Connection } from "./connection.js" */
/** @import { BoardStore } from "./store.js" */

import { t } from "./i18n.js";

/** @type {{boardId: string, token: string} | null} */
let source = null;
/** @type {Map<string, Promise<string>>} picture id -> its blob: URL ("" if not shown) */
const loading = new Map();
/** @type {Map<string, string>} the URLs already loaded, to show without waiting */
const loaded = new Map();

/**
 * @param {string} boardId
 * @param {string} token
 */
export function usePictures(boardId, token) {
  source = { boardId, token };
}

/**
 * Shows picture `id` in `img` (once loaded; the same picture is fetched once per page).
 * @param {HTMLImageElement} img
 * @param {string} id
 */
export function showPicture(img, id) {
  if (img.dataset.picture === id && img.getAttribute("src")) return;
  img.dataset.picture = id;
  const ready = loaded.get(id);
  if (ready) {
    img.src = ready;
    return;
  }
  img.removeAttribute("src");
  pictureUrl(id).then((url) => {
    if (url && img.dataset.picture === id) img.src = url;
  });
}

/** @param {string} id */
function pictureUrl(id) {
  let url = loading.get(id);
  if (!url && source) {
    const { boardId, token } = source;
    url = fetch(`/api/boards/${boardId}/pictures/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${token}` },
    })
      .then((r) => (r.ok ? r.blob() : null))
      .then((blob) => {
        if (!blob) {
          loading.delete(id); // perhaps not revealed yet: ask again when it is shown again
          return "";
        }
        const made = URL.createObjectURL(blob);
        loaded.set(id, made);
        return made;
      })
      .catch(() => {
        loading.delete(id);
        return "";
      });
    loading.set(id, url);
  }
  return url ?? Promise.resolve("");
}

/**
 * A picture's text alternative: its caption, or whose picture it is.
 * @param {Note} note
 * @param {BoardState} state
 */
export function pictureAlt(note, state) {
  const caption = note.text.trim();
  if (caption) return caption;
  const name = state.participants[note.author]?.name;
  return name ? t("Picture from {name}", { name }) : t("A picture");
}

/**
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {{new (): T, prototype: T}} kind
 * @returns {T}
 */
function find(root, selector, kind) {
  const node = root.querySelector(selector);
  if (!(node instanceof kind)) throw new Error(`The board page has no ${kind.name} ${selector}.`);
  return node;
}

const TOO_LARGE = () => t("The picture is too large: at most 10 MB and 50 million pixels.");
const NOT_TAKEN = () => t("This file is not a picture the board takes. Use a JPEG, PNG, WebP or GIF picture.");
const FULL = () => t("This board holds 300 pictures, the most it may. Delete one to add another.");
const FAILED = () => t("The picture could not be added. Check the connection and try again.");

/**
 * The composer's "Add picture": choose a file (or take a photo on a phone, or paste one),
 * describe it, send it; progress and refusals in words.
 * @param {Connection} connection
 * @param {{root: HTMLElement, store: BoardStore, boardId: string, token: string}} page
 */
export function setUpPictureAdder(connection, { root, store, boardId, token }) {
  const form = find(root, "#new-note", HTMLFormElement);
  const area = find(root, "#note-area", HTMLSelectElement);
  const add = find(root, "#add-picture", HTMLButtonElement);
  const take = find(root, "#take-photo", HTMLButtonElement);
  const file = find(root, "#picture-file", HTMLInputElement);
  const camera = find(root, "#picture-camera", HTMLInputElement);
  const panel = find(root, "#picture-panel", HTMLElement);
  const previewSlot = find(root, "#picture-preview", HTMLElement);
  /** @type {HTMLImageElement | null} the chosen picture, until it is sent or dropped */
  let preview = null;
  const caption = find(root, "#picture-caption", HTMLInputElement);
  const status = find(root, "#picture-status", HTMLElement);
  const send = find(root, "#picture-send", HTMLButtonElement);
  const cancel = find(root, "#picture-cancel", HTMLButtonElement);
  /** @type {File | null} */
  let chosen = null;
  /** @type {XMLHttpRequest | null} */
  let sending = null;

  take.hidden = !matchMedia("(pointer: coarse)").matches; // a camera at hand: phones, tablets
  add.addEventListener("click", () => file.click());
  take.addEventListener("click", () => camera.click());
  for (const input of [file, camera]) {
    input.addEventListener("change", () => {
      const picked = input.files?.[0];
      input.value = "";
      if (picked) open(picked);
    });
  }
  /** @param {DataTransfer | null} data */
  const imageIn = (data) => [...(data?.files ?? [])].find((f) => f.type.startsWith("image/"));
  document.addEventListener("paste", (event) => {
    const pasted = imageIn(event.clipboardData);
    if (!pasted || form.hidden) return;
    event.preventDefault();
    open(pasted);
  });
  // a file dropped on the page from the desktop (moving notes is the canvas's own dragging)
  document.addEventListener("dragover", (event) => {
    if (!form.hidden && event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const dropped = imageIn(event.dataTransfer);
    if (!dropped || form.hidden) return;
    event.preventDefault();
    open(dropped);
  });

  const write = find(root, "#write-note", HTMLButtonElement);
  /** @param {File} picked */
  function open(picked) {
    // on a phone the form is a sheet: a pasted or dropped picture opens it
    if (form.dataset.sheet !== "open" && write.offsetParent !== null) write.click();
    forget();
    chosen = picked;
    preview = Object.assign(document.createElement("img"), { className: "picture-preview", alt: "" });
    preview.src = URL.createObjectURL(picked);
    previewSlot.replaceChildren(preview);
    status.textContent = "";
    delete status.dataset.kind;
    send.disabled = false;
    panel.hidden = false;
    caption.focus();
  }

  function forget() {
    if (preview) URL.revokeObjectURL(preview.src);
    preview?.remove();
    preview = null;
  }

  function close() {
    sending?.abort();
    sending = null;
    chosen = null;
    forget();
    caption.value = "";
    panel.hidden = true;
  }

  /** @param {string} text @param {"error" | "busy" | ""} kind */
  function say(text, kind) {
    status.textContent = text;
    if (kind) status.dataset.kind = kind;
    else delete status.dataset.kind;
  }

  caption.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault(); // the picture, not the note form
      send.click();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
      add.focus();
    }
  });
  cancel.addEventListener("click", () => {
    close();
    add.focus();
  });
  send.addEventListener("click", () => {
    if (!chosen || sending) return;
    const picked = chosen;
    const text = caption.value.trim();
    const where = area.value || store.state?.areas[0]?.id;
    if (!where) return;
    send.disabled = true;
    say(t("Sending the picture…"), "busy");
    const request = new XMLHttpRequest();
    sending = request;
    request.open("POST", `/api/boards/${boardId}/pictures`);
    request.setRequestHeader("Authorization", `Bearer ${token}`);
    request.setRequestHeader("Content-Type", picked.type || "application/octet-stream");
    request.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.floor((event.loaded / event.total) * 100);
      say(percent < 100 ? t("Sending the picture… {percent} %", { percent }) : t("Preparing the picture…"), "busy");
    });
    request.addEventListener("load", () => {
      sending = null;
      if (request.status === 201) {
        const answer = JSON.parse(request.responseText);
        const picture = { id: answer.picture_id, width: answer.width, height: answer.height };
        connection.send({ kind: "note.add", note: { id: crypto.randomUUID(), area: where, text, picture } });
        close();
        say(t("Picture added."), "");
        add.focus();
        return;
      }
      send.disabled = false;
      let code = "";
      try {
        code = JSON.parse(request.responseText).error?.code ?? "";
      } catch {
        // not the server's error shape (a proxy's page): the general message
      }
      const words = { too_large: TOO_LARGE, unsupported: NOT_TAKEN, conflict: FULL }[code] ?? FAILED;
      say(words(), "error");
    });
    request.addEventListener("error", () => {
      sending = null;
      send.disabled = false;
      say(FAILED(), "error");
    });
    request.send(picked);
  });
}
