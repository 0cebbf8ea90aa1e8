// @ts-check
// The meeting's records: the facilitator saves a named snapshot and gets read-only links;
// facilitator and participants list the records, export a record or the live board in any
// format, and look back at the board as it stood after any earlier change. Everything goes
// through the HTTP API with the page's own token, so a participant gets the board as the
// board showed it to them (docs/records.md).

/** @import { BoardState } from "../types/board" */

import { t } from "./i18n.js";
import { el, fillSelect, renderList } from "./views.js";

/**
 * A saved record as GET /records lists it.
 * @typedef {{ name: string, seq: number, created_at: number, share_url: string | null }} SavedRecord
 */

/** @returns {[string, string][]} the export formats: [value, label] */
const formats = () => [
  ["docx", t("Word (DOCX)")],
  ["pdf", "PDF"],
  ["html", t("Web page (HTML)")],
  ["md", "Markdown"],
  ["csv", t("Spreadsheet (CSV)")],
  ["json", t("Planche archive (JSON)")],
];

export class Records {
  /**
   * @param {HTMLElement} section where the controls go
   * @param {string} boardId
   * @param {string} token the page's token
   * @param {{ reader?: boolean }} [options] reader: a participant's, who saves no records
   */
  constructor(section, boardId, token, { reader = false } = {}) {
    this.section = section;
    this.reader = reader;
    this.base = `/api/boards/${boardId}`;
    this.token = token;
    this.seq = 0;
    this.closed = false;
    /** @type {SavedRecord[]} */
    this.records = [];
    this.name = el("input", { id: "record-name", maxlength: 200, autocomplete: "off" });
    this.list = el("ul", { id: "record-list", class: "record-list" });
    this.message = el("p", { class: "records-message", role: "status" });
    this.source = el("select", { id: "export-source" });
    this.format = el("select", { id: "export-format" });
    this.named = el("input", { id: "export-named", type: "checkbox" });
    this.historySeq = el("input", { id: "history-seq", type: "range", min: 0, max: 0, value: 0, step: 1 });
    this.historyLabel = el("output", { for: "history-seq", id: "history-label" });
    this.historyView = el("div", { id: "history-view", class: "list-view history-view" });
    this.build();
  }

  build() {
    /** @param {string} title @param {...Node} children */
    const group = (title, ...children) =>
      el("fieldset", { class: "control-group" }, el("legend", { text: title }), ...children);
    fillSelect(this.format, formats());
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let pending;
    this.historySeq.addEventListener("input", () => {
      this.historyLabel.textContent = this.describeSeq(Number(this.historySeq.value));
      clearTimeout(pending);
      pending = setTimeout(() => this.showHistory(), 250);
    });
    this.section.append(
      this.reader
        ? el("p", { class: "hint", text: t("The records of this meeting, as the board showed them to you.") })
        : el(
            "form",
            { class: "control-group", onsubmit: (/** @type {SubmitEvent} */ event) => this.save(event) },
            el("label", { for: "record-name", text: t("Name of the record") }),
            this.name,
            el("button", { type: "submit", text: t("Save a record") }),
          ),
      this.message,
      this.list,
      group(
        t("Export"),
        el("label", { for: "export-source", text: t("What to export") }),
        this.source,
        el("label", { for: "export-format", text: t("Format") }),
        this.format,
        el("span", { class: "check" }, this.named, el("label", { for: "export-named", text: t("Name the authors") })),
        el("button", { type: "button", text: t("Download"), onclick: () => this.download() }),
      ),
      group(
        t("History"),
        el("label", { for: "history-seq", text: t("The board after change") }),
        this.historySeq,
        this.historyLabel,
        this.historyView,
      ),
    );
    this.refresh();
  }

  // keeps the history slider's end at the board's last change; the record saved by closing
  // the meeting appears in the list as soon as the board says it is closed
  /** @param {BoardState} state */
  update(state) {
    const atEnd = Number(this.historySeq.value) === this.seq;
    this.seq = state.seq;
    this.historySeq.max = String(state.seq);
    if (atEnd) this.historySeq.value = String(state.seq);
    this.historyLabel.textContent = this.describeSeq(Number(this.historySeq.value));
    if (state.closed && !this.closed) this.awaitClosingRecord(state.seq);
    this.closed = state.closed;
  }

  /**
   * The server saves the closing record just after the close reaches everyone: ask again,
   * a little later each time, until the list has it.
   * @param {number} seq the close's change
   */
  async awaitClosingRecord(seq) {
    for (let wait = 250; wait < 8000; wait *= 2) {
      await this.refresh();
      if (this.records.some((r) => r.seq >= seq)) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** @param {number} seq */
  describeSeq(seq) {
    return t("Change {n} of {total}", { n: seq, total: this.seq });
  }

  /**
   * The server's answer; throws an Error with the server's message when it refuses.
   * @param {string} path under the board's address
   * @param {RequestInit & { headers?: Record<string, string> }} [options]
   * @returns {Promise<Response>}
   */
  async request(path, options = {}) {
    const response = await fetch(this.base + path, {
      ...options,
      headers: { authorization: `Bearer ${this.token}`, ...(options.headers ?? {}) },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error?.message || t("The server did not answer. Try again."));
    }
    return response;
  }

  async refresh() {
    try {
      this.records = await (await this.request("/records")).json();
    } catch (error) {
      this.message.textContent = /** @type {Error} */ (error).message;
      return;
    }
    const when = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });
    this.list.replaceChildren(
      ...this.records.map((r) =>
        el(
          "li",
          {},
          el("strong", { text: r.name }),
          el("span", {
            class: "list-meta",
            text: " – " + when.format(new Date(r.created_at * 1000)) + " – " + t("change {n}", { n: r.seq }),
          }),
          r.share_url ? el("a", { href: r.share_url, target: "_blank", rel: "noopener", text: t("Read-only link") }) : null,
        ),
      ),
    );
    if (!this.records.length) this.list.replaceChildren(el("li", { class: "empty", text: t("No records yet.") }));
    const current = this.source.value;
    fillSelect(
      this.source,
      [["", t("The board as it is now")], ...this.records.map((r) => /** @type {[string, string]} */ ([String(r.seq), r.name]))],
      current,
    );
  }

  /** @param {SubmitEvent} event */
  async save(event) {
    event.preventDefault();
    const name = this.name.value.trim();
    if (!name) {
      this.message.textContent = t("Give the record a name.");
      this.name.focus();
      return;
    }
    try {
      await this.request("/records", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
    } catch (error) {
      this.message.textContent = /** @type {Error} */ (error).message;
      return;
    }
    this.name.value = "";
    this.message.textContent = t("Saved: {name}", { name });
    await this.refresh();
  }

  async download() {
    const query = new URLSearchParams({ format: this.format.value });
    if (this.source.value) query.set("snapshot", this.source.value);
    if (this.named.checked) query.set("authors", "named");
    this.message.textContent = t("Preparing the file…");
    /** @type {Response} */
    let response;
    try {
      response = await this.request(`/export?${query}`);
    } catch (error) {
      this.message.textContent = /** @type {Error} */ (error).message;
      return;
    }
    const disposition = response.headers.get("content-disposition") ?? "";
    const name = fileName(disposition) ?? `planche.${this.format.value}`;
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    this.message.textContent = t("Downloaded: {name}", { name });
  }

  async showHistory() {
    const seq = Number(this.historySeq.value);
    try {
      const answer = await (await this.request(`/history?seq=${seq}`)).json();
      if (Number(this.historySeq.value) !== seq) return;
      renderList(this.historyView, answer.state, "history");
      // a facilitator's change names who made it
      const change = answer.change;
      const what = change ? changeText(change.kind) : "";
      if (what) {
        const name = answer.state.participants[change.by]?.name || t("A facilitator");
        this.historyLabel.textContent = this.describeSeq(seq) + " – " + name + ": " + what;
      }
    } catch (error) {
      this.message.textContent = /** @type {Error} */ (error).message;
    }
  }
}

/**
 * A participant's way to the records: `opener` (in the page's header) shows `section` in a
 * modal dialog, and focus goes back to it on closing.
 * @param {HTMLElement} section
 * @param {HTMLElement} opener
 */
export function readerDialog(section, opener) {
  /** @type {HTMLDialogElement} */
  const dialog = el("dialog", { id: "records-dialog", class: "panel-dialog", "aria-labelledby": "records-title" });
  dialog.append(el("button", { type: "button", class: "dialog-close", text: t("Close"), onclick: () => dialog.close() }));
  section.before(dialog);
  dialog.append(section);
  section.hidden = false;
  opener.hidden = false;
  opener.addEventListener("click", () => dialog.showModal());
  dialog.addEventListener("close", () => opener.focus());
}

/**
 * What a facilitator's change was, for the history (as the record's "Who ran the meeting").
 * @param {string} kind
 * @returns {string}
 */
function changeText(kind) {
  const text = {
    "phase.set": t("Started a phase"),
    "timer.set": t("Set the timer"),
    "timer.start": t("Started the timer"),
    "timer.pause": t("Paused the timer"),
    "timer.add": t("Changed the time"),
    "notes.reveal": t("Revealed the notes"),
    "vote.open": t("Opened the vote"),
    "vote.close": t("Closed the vote"),
    "board.lock": t("Locked or unlocked the board"),
    "meeting.close": t("Closed the meeting"),
    "lead.set": t("Handed over the timer and phases"),
    "role.set": t("Changed who facilitates"),
    "scribe.set": t("Changed who is a scribe"),
  }[kind];
  return text ?? "";
}

/**
 * The file name a Content-Disposition header gives: `filename*` (UTF-8, so "Møde - 2026-12-02")
 * before the plain ASCII `filename`.
 * @param {string} disposition
 * @returns {string | undefined}
 */
export function fileName(disposition) {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (utf8) return decodeURIComponent(utf8);
  return /filename="?([^";]+)"?/.exec(disposition)?.[1];
}
