// @ts-check
// One board's WebSocket: hello and resume, an outbox kept in localStorage, and reconnects
// with jittered exponential backoff. See docs/protocol.md, "How a client keeps up".

/** @import { Ack, BoardState, Crowd, ErrorMessage, OpMessage, Op, OpRecord, PeerPresence, PresenceUpdate, ServerMessage, Welcome } from "../types/board" */

/**
 * What the connection needs of the board replica (store.js's BoardStore).
 * @typedef {object} Replica
 * @property {BoardState | null} state the board, or null before the first welcome
 * @property {number | null} seq
 * @property {string | null} epoch
 * @property {number} clockOffset server clock minus ours, ms
 * @property {(state: BoardState, epoch: string) => void} load
 * @property {(records: OpRecord[]) => boolean | "unknown"} applyAll false at a gap
 * @property {() => void} forget
 */

/**
 * @typedef {"connecting" | "online" | "offline"} Status
 * @typedef {object} Handlers
 * @property {(status: Status) => void} status
 * @property {(message: Welcome) => void} welcome
 * @property {(message: ErrorMessage) => void} error
 * @property {(outbox: OpMessage[]) => void} outbox
 * @property {(message: Ack, op?: Op) => void} [ack] with the op it answers, when still kept
 * @property {(op: Op) => void} [sending] before an op is sent (undo.js)
 * @property {(peers: PeerPresence[], crowd: Crowd | null) => void} [presence] crowd: the counts, in a large meeting
 */

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;

export class Connection {
  /**
   * @param {string} boardId
   * @param {string} token
   * @param {Replica} store
   * @param {Handlers} handlers
   */
  constructor(boardId, token, store, handlers) {
    this.boardId = boardId;
    this.token = token;
    this.store = store;
    this.handlers = handlers;
    this.outboxKey = `planche:outbox:${boardId}`;
    /** @type {OpMessage[]} ops not acknowledged yet, oldest first */
    this.outbox = readJson(this.outboxKey, []);
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    /** @type {PresenceUpdate} what this person is doing, as last said (presence) */
    this.present = {};
    this.stopped = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  start() {
    window.addEventListener("online", () => this.reconnectNow());
    // the system says the network is gone: show it now, not when a ping times out
    window.addEventListener("offline", () => this.ws?.close(4001, "offline"));
    this.connect();
  }

  connect() {
    // the system says there is no network: say so, and wait for it ("online") rather than
    // show "connecting" to a socket that cannot open
    if (!navigator.onLine) {
      this.handlers.status("offline");
      return;
    }
    this.handlers.status("connecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/boards/${this.boardId}`);
    this.ws = ws;
    ws.onopen = () => {
      const since = this.store.state ? this.store.seq : null;
      const epoch = this.store.state ? this.store.epoch : null;
      ws.send(JSON.stringify({ type: "hello", token: this.token, since, epoch }));
    };
    ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.handlers.status("offline");
      if (!this.stopped) this.retryLater();
    };
  }

  retryLater() {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay * (0.5 + Math.random() / 2));
  }

  reconnectNow() {
    if (this.ws || this.stopped) return;
    this.attempt = 0;
    clearTimeout(this.timer);
    this.connect();
  }

  resume() {
    // a gap or an unknown op: drop this socket; the close handler reconnects
    if (this.ws) this.ws.close(4000, "resume");
  }

  /** @param {ServerMessage} message */
  receive(message) {
    switch (message.type) {
      case "welcome":
        this.attempt = 0;
        if (message.server_time != null) this.store.clockOffset = message.server_time - Date.now();
        if (message.state) {
          this.store.load(message.state, message.epoch);
        } else if (this.store.applyAll(message.ops ?? []) !== true) {
          this.forgetState();
          return;
        }
        this.handlers.welcome(message);
        this.handlers.status("online");
        for (const entry of this.outbox) this.ws?.send(JSON.stringify(entry));
        break;
      case "ops": {
        const result = this.store.applyAll(message.ops);
        if (result === "unknown") this.forgetState();
        else if (result === false) this.resume();
        break;
      }
      case "ack": {
        const entry = this.outbox.find((e) => e.id === message.id);
        this.drop(message.id);
        this.handlers.ack?.(message, entry?.op); // the op too: a refused one is explained
        break;
      }
      case "error":
        if (message.code === "unauthorized") {
          this.forgetAll();
        } else if (message.id && (message.code === "unavailable" || message.code === "rate_limited")) {
          this.resendSoon(message.id); // not stored this time: kept, and sent again soon
        } else if (message.id) {
          this.drop(message.id); // refused for good
        }
        this.handlers.error(message);
        break;
      case "presence":
        this.handlers.presence?.(message.peers ?? [], message.crowd ?? null);
        break;
    }
  }

  // access ended (removed, the board deleted): stop, and keep no copy of the board here
  forgetAll() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, "access ended");
    this.store.forget();
    this.outbox = [];
    localStorage.removeItem(this.outboxKey);
    this.handlers.outbox?.(this.outbox);
  }

  forgetState() {
    this.store.forget();
    this.resume();
  }

  /**
   * Sends an op now if the socket is open, and keeps it until the server acknowledges it.
   * @param {Op} op
   * @returns {string} the message id that the ack will carry
   */
  send(op) {
    this.handlers.sending?.(op); // before it counts as sent: undo.js reads the board as it was
    /** @type {OpMessage} */
    const entry = { type: "op", id: crypto.randomUUID(), op };
    this.outbox.push(entry);
    this.saveOutbox();
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.store.state) {
      this.ws.send(JSON.stringify(entry));
    }
    return entry.id;
  }

  /**
   * Says what this person is doing now; a field not in `update` stays as last said.
   * @param {PresenceUpdate} update
   */
  presence(update) {
    this.present = { ...this.present, ...update };
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: "presence", ...this.present }));
    }
  }

  /** @param {string} id */
  resendSoon(id) {
    setTimeout(() => {
      const entry = this.outbox.find((e) => e.id === id);
      if (entry && this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(entry));
    }, 1000 + Math.random() * 1000);
  }

  /** @param {string} id */
  drop(id) {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((entry) => entry.id !== id);
    if (this.outbox.length !== before) this.saveOutbox();
  }

  saveOutbox() {
    localStorage.setItem(this.outboxKey, JSON.stringify(this.outbox));
    this.handlers.outbox(this.outbox);
  }
}

/**
 * The JSON kept in localStorage under `key`, or `fallback` when there is none or it is broken.
 * @template T
 * @param {string} key
 * @param {T} fallback
 * @returns {T}
 */
export function readJson(key, fallback) {
  try {
    const kept = localStorage.getItem(key);
    return kept === null ? fallback : (JSON.parse(kept) ?? fallback);
  } catch {
    return fallback;
  }
}
