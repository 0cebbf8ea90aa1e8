// The board replica: the state from the welcome, changed by each op in seq order. The
// server marks every op that changed nothing with `noop`, so this port of the board
// domain (server/board/apply.py, facilitation.py) carries out only ops that did apply.
// Like every client, it holds the board as its participant may see it (views.py).
// tests/browser/test_replica.py checks it against the Python domain for every op kind.
// @ts-check

/**
 * The board as `BoardState.to_json()` gives it (server/board/state.py), typed once for every
 * module in types/board.d.ts.
 * @import { BoardState, OpRecord, Timer } from "../types/board"
 * @typedef {BoardState["scores"]} Scores
 */

/**
 * One entry of the log as this viewer receives it; `noop`: why it changed nothing.
 * @typedef {OpRecord} WireRecord
 * @typedef {(state: BoardState, records: WireRecord[]) => void} Listener
 * @typedef {(state: BoardState, op: any, by: string, seq: number) => unknown} Handler
 */

const MINUTE_MS = 60000;

export class BoardStore {
  /** @param {string} cacheKey where the last state is kept, so a page reloaded offline still shows the board */
  constructor(cacheKey) {
    this.cacheKey = cacheKey;
    /** @type {BoardState | null} */
    this.state = null;
    /** @type {string | null} */
    this.epoch = null;
    this.clockOffset = 0; // server clock minus ours, ms
    /** @type {Set<Listener>} */
    this.listeners = new Set();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.saveTimer = undefined;
    try {
      const cached = JSON.parse(localStorage.getItem(cacheKey) ?? "null");
      if (cached?.state) [this.state, this.epoch] = [cached.state, cached.epoch];
    } catch {
      localStorage.removeItem(cacheKey);
    }
  }

  get seq() {
    return this.state ? this.state.seq : null;
  }

  serverNow() {
    return Date.now() + this.clockOffset;
  }

  timerRemaining() {
    const timer = this.state?.timer;
    if (!timer) return 0;
    return timer.ends_at == null ? timer.remaining_ms : Math.max(0, timer.ends_at - this.serverNow());
  }

  /** @param {BoardState} state @param {string | null} epoch */
  load(state, epoch) {
    this.state = structuredClone(state);
    this.epoch = epoch;
    this.changed();
  }

  forget() {
    this.state = null; // the next hello asks for the whole state
    localStorage.removeItem(this.cacheKey);
  }

  /**
   * Applies records in order; false at a gap (the caller must resume), "unknown" at a kind
   * this page does not know (the caller must load the whole state).
   * @param {WireRecord[]} records
   * @returns {true | false | "unknown"}
   */
  applyAll(records) {
    const state = this.state;
    if (!state) return false;
    for (const record of records) {
      if (record.seq <= state.seq) continue;
      if (record.seq !== state.seq + 1) return false;
      if (!record.noop && !applyOp(state, record)) return "unknown";
      state.seq = record.seq;
    }
    if (records.length) this.changed(records);
    return true;
  }

  /** @param {Listener} listener */
  subscribe(listener) {
    this.listeners.add(listener);
  }

  /** @param {WireRecord[]} records */
  changed(records = []) {
    const state = this.state;
    if (state) for (const listener of this.listeners) listener(state, records);
    clearTimeout(this.saveTimer); // at most one write a second, however busy the board
    this.saveTimer = setTimeout(() => this.save(), 1000);
  }

  save() {
    if (!this.state) return;
    try {
      localStorage.setItem(this.cacheKey, JSON.stringify({ state: this.state, epoch: this.epoch }));
    } catch {
      localStorage.removeItem(this.cacheKey); // full: the server has it anyway
    }
  }
}

/** @param {BoardState} state @param {WireRecord} record */
function applyOp(state, { seq, by, op }) {
  const handler = HANDLERS[op.kind];
  if (!handler) return false; // a kind this page does not know: it reloads the whole state
  handler(state, op, by, seq);
  return true;
}

/**
 * @template T
 * @param {Record<string, T>} map
 * @param {string} key
 * @returns {Record<string, T>}
 */
function without(map, key) {
  const { [key]: _gone, ...rest } = map;
  return rest;
}

/**
 * The scores of a round that ends become everyone's.
 * @param {BoardState} state
 * @param {Scores | undefined} scores what the server sealed
 */
function endRound(state, scores) {
  for (const [person, given] of Object.entries(scores ?? {})) {
    state.scores[person] = { ...(state.scores[person] ?? {}), ...given };
  }
  state.sealed_scores = {};
}

/**
 * Python's round(): a half goes to the even neighbour (Math.round takes it up).
 * @param {number} x
 */
function roundHalfEven(x) {
  const down = Math.floor(x);
  const rest = x - down;
  if (rest !== 0.5) return Math.round(x);
  return down % 2 === 0 ? down : down + 1;
}

/**
 * What an applied op works on: the server found it on its board, so this replica has it.
 * @template T
 * @param {T | null | undefined} value
 * @returns {T}
 */
function found(value) {
  if (value == null) throw new Error("an applied op names what this replica lacks");
  return value;
}

/** @param {BoardState} state @returns {Timer} */
function timerOf(state) {
  return state.timer ?? { duration_ms: 0, remaining_ms: 0, ends_at: null };
}

/** @type {Record<string, Handler>} */
const HANDLERS = {
  "note.add": (state, { note: n }, by, seq) => {
    if (!n.id) return; // someone else's note waiting in the facilitators' inbox
    state.notes[n.id] = {
      id: n.id, area: n.area, text: n.text, author: by, color: n.color ?? null,
      x: n.x ?? null, y: n.y ?? null, created_seq: seq, updated_seq: seq,
      private: Boolean(n.private), group: null, owner: null, due: null, source: null, anonymous: Boolean(n.anonymous),
      picture: n.picture ? { id: n.picture.id, width: n.picture.width, height: n.picture.height } : null,
      pending: Boolean(n.pending), authors: [], edited_by_facilitator: false,
      for_name: n.for_name ?? null,
    };
  },
  // an op on a note waiting in the inbox reaches a replica that does not hold it: nothing to do
  "note.edit": (state, op, by, seq) => {
    const note = state.notes[op.note_id];
    if (!note) return;
    // in the inbox, a facilitator's edit of someone's note (server/board/apply.py)
    const moderated = note.pending && by !== note.author && by !== "";
    Object.assign(note, { text: op.text, updated_seq: seq, edited_by_facilitator: note.edited_by_facilitator || moderated });
  },
  "note.color": (state, op, by, seq) => state.notes[op.note_id] && Object.assign(state.notes[op.note_id], { color: op.color, updated_seq: seq }),
  "note.move": (state, op, by, seq) => {
    const note = state.notes[op.note_id];
    if (!note) return;
    if (op.area != null && op.area !== note.area) [note.area, note.group] = [op.area, null];
    if (op.x != null) note.x = op.x;
    if (op.y != null) note.y = op.y;
    note.updated_seq = seq;
  },
  "note.delete": (state, op) => {
    state.notes = without(state.notes, op.note_id);
    state.links = Object.fromEntries(
      Object.entries(state.links ?? {}).filter(([, l]) => l.a !== op.note_id && l.b !== op.note_id),
    );
    state.priorities = (state.priorities ?? []).filter((id) => id !== op.note_id);
  },
  "area.add": (state, { area }) =>
    state.areas.push({ id: area.id, title: area.title, prompt: area.prompt ?? "", ...(area.axes && { axes: { x: area.axes.x, y: area.axes.y } }) }),
  "area.rename": (state, op) => (found(state.areas.find((a) => a.id === op.area_id)).title = op.title),
  "area.delete": (state, op) => (state.areas = state.areas.filter((a) => a.id !== op.area_id)),
  "board.rename": (state, op) => (state.title = op.title),
  "participant.join": (state, { participant: p }) => {
    state.participants[p.id] = { id: p.id, name: p.name, role: p.role, consent: false, carried: false, scribe: false };
  },
  "phase.set": (state, op) => {
    const spec = found(state.phases.find((p) => p.id === op.phase));
    state.phase = { id: spec.id, kind: spec.kind, focus: op.focus ?? [] };
    state.focus = op.focus ?? [];
    const duration = spec.minutes * MINUTE_MS;
    state.timer = { duration_ms: duration, remaining_ms: duration, ends_at: null };
    endRound(state, op.scores);
    state.ready = [];
  },
  "focus.set": (state, op) => (state.focus = op.areas ?? []),
  "timer.set": (state, op) => {
    const duration = roundHalfEven(op.minutes * MINUTE_MS);
    state.timer = { duration_ms: duration, remaining_ms: duration, ends_at: null };
  },
  "timer.start": (state, op) => {
    const timer = timerOf(state);
    state.timer = { ...timer, ends_at: op.at + timer.remaining_ms };
  },
  "timer.pause": (state, op) => {
    const timer = timerOf(state);
    state.timer = { ...timer, remaining_ms: Math.max(0, found(timer.ends_at) - op.at), ends_at: null };
  },
  "timer.add": (state, op) => {
    const timer = timerOf(state);
    const delta = roundHalfEven(op.minutes * MINUTE_MS);
    const duration = Math.max(0, timer.duration_ms + delta);
    state.timer = timer.ends_at == null
      ? { duration_ms: duration, remaining_ms: Math.max(0, timer.remaining_ms + delta), ends_at: null }
      : { duration_ms: duration, remaining_ms: 0, ends_at: Math.max(op.at, timer.ends_at + delta) };
  },
  "notes.reveal": (state, op) => {
    for (const note of Object.values(state.notes)) {
      if (note.private && (op.area == null || note.area === op.area)) {
        note.private = false;
        note.text = op.texts?.[note.id] ?? note.text;
        note.author = op.authors?.[note.id] ?? note.author;
        note.owner = op.owners?.[note.id] ?? note.owner;
        note.due = op.dues?.[note.id] ?? note.due;
        note.for_name = op.fors?.[note.id] ?? note.for_name;
        const pic = op.pictures?.[note.id];
        if (pic) note.picture = { id: pic.id, width: pic.width, height: pic.height };
      }
    }
  },
  "board.lock": (state, op) => (state.locked = op.locked),
  "board.anonymous": (state, op) => (state.anonymous = op.anonymous),
  "meeting.close": (state, op) => {
    state.closed = true;
    state.timer = { ...timerOf(state), ends_at: null };
    endRound(state, op.scores);
  },
  "vote.open": (state, op) => (state.voting = { per_person: op.per_person, area: op.area ?? null, closed: false, votes: {}, shown: {} }),
  "vote.cast": (state, op, by) => {
    const votes = found(state.voting).votes;
    votes[by] = [...(votes[by] ?? []), op.note_id];
  },
  "vote.retract": (state, op, by) => {
    const votes = found(state.voting).votes;
    const mine = [...votes[by]];
    const shown = found(state.voting).shown?.[by] ?? 0; // a close showed these: they stay
    mine.splice(mine.indexOf(op.note_id, shown), 1);
    votes[by] = mine;
  },
  "vote.close": (state, op) => Object.assign(found(state.voting), { closed: true, votes: op.votes, shown: {} }),
  "vote.reopen": (state) => {
    const voting = found(state.voting);
    const shown = Object.fromEntries(Object.entries(voting.votes).filter(([, v]) => v.length).map(([k, v]) => [k, v.length]));
    Object.assign(voting, { closed: false, shown });
  },
  "priorities.set": (state, op) => (state.priorities = [...new Set(op.note_ids)]),
  "group.add": (state, { group: g }) => (state.groups[g.id] = { id: g.id, area: g.area, name: g.name ?? "" }),
  "group.rename": (state, op) => (state.groups[op.group_id].name = op.name),
  "group.delete": (state, op) => {
    state.groups = without(state.groups, op.group_id);
    for (const note of Object.values(state.notes)) if (note.group === op.group_id) note.group = null;
  },
  "note.group": (state, op) => {
    const note = state.notes[op.note_id];
    note.group = op.group_id ?? null; // a null is left out of the stored form
    if (op.group_id) note.area = state.groups[op.group_id].area;
  },
  "link.add": (state, { link: l }) => (state.links[l.id] = { id: l.id, a: l.a, b: l.b, contradiction: Boolean(l.contradiction) }),
  "link.mark": (state, op) => (state.links[op.link_id].contradiction = op.contradiction),
  "link.delete": (state, op) => (state.links = without(state.links, op.link_id)),
  "note.own": (state, op, by, seq) =>
    Object.assign(state.notes[op.note_id], { owner: op.owner ?? null, due: op.owner != null ? op.due ?? null : null, updated_seq: seq }),
  "idea.park": (state, { idea }, by, seq) => {
    state.parked[idea.id] = { id: idea.id, text: idea.text, by, owner: null, created_seq: seq, source: null };
  },
  "idea.own": (state, op) => (state.parked[op.idea_id].owner = op.owner ?? null),
  "idea.delete": (state, op) => (state.parked = without(state.parked, op.idea_id)),
  "field.set": (state, op) => (state.fields[op.field] = op.text),
  "cell.set": (state, op) => {
    const table = state.tables[op.table];
    const key = `${op.row}/${op.column}`;
    if (op.text) table.cells[key] = op.text;
    else delete table.cells[key];
  },
  "row.add": (state, op) => state.tables[op.table].rows.push(op.row),
  "row.delete": (state, op) => {
    const table = state.tables[op.table];
    table.rows = table.rows.filter((r) => r !== op.row);
    table.cells = Object.fromEntries(Object.entries(table.cells).filter(([k]) => !k.startsWith(`${op.row}/`)));
  },
  "score.set": (state, op, by) => {
    if (!op.criterion) return; // someone's score in a round still open
    const scores = op.private ? (state.sealed_scores ??= {}) : state.scores;
    scores[by] = { ...(scores[by] ?? {}), [op.criterion]: op.score };
  },
  "grid.set": (state, op) => {
    state.grid = {
      criteria: op.criteria.map((/** @type {{id: string}} */ c) => c.id),
      low: op.low,
      high: op.high,
      labels: op.criteria.map((/** @type {{label: string}} */ c) => c.label),
    };
  },
  "summary.set": (state, op) => (state.summary = op.text),
  "consent.set": (state, op, by) => (state.participants[by].consent = op.consent),
  "breakout.start": (state, op) => {
    const existing = new Set(state.areas.map((a) => a.id));
    state.breakouts = {};
    for (const g of op.groups) { // a group id given twice: the last one counts
      const area = `group-${g.id}`.slice(0, 64);
      state.breakouts[g.id] = {
        id: g.id, name: g.name, area, members: g.members ?? [], note_taker: g.note_taker ?? null,
        discussion_leader: g.discussion_leader ?? null,
      };
    }
    for (const b of Object.values(state.breakouts)) {
      if (!existing.has(b.area)) state.areas.push({ id: b.area, title: b.name, prompt: "" });
    }
    state.in_breakout = true;
  },
  "breakout.assign": (state, op) => {
    for (const g of Object.values(state.breakouts)) g.members = g.members.filter((m) => m !== op.participant);
    state.breakouts[op.group].members.push(op.participant);
  },
  "breakout.end": (state) => (state.in_breakout = false),
  "survey.set": (state, op) => {
    const questions = op.questions.map((/** @type {any} */ q) => ({ ...q, options: q.options ?? [] }));
    const was = state.survey;
    state.survey = { answers: {}, count: 0, results: {}, closed: false, closed_at: null, ...was, questions, deadline: op.deadline ?? null, anonymous: op.anonymous ?? true };
  },
  // someone else's answer comes without its answers (views.py): only counted
  "survey.answer": (state, op, by) => {
    const survey = found(state.survey);
    if (by && Object.keys(op.answers).length) survey.answers[by] = op.answers;
    if (op.first) survey.count += 1;
  },
  "survey.close": (state, op) => Object.assign(found(state.survey), { closed: true, closed_at: op.at, results: op.results }),
  "breakout.roles": (state, op) =>
    Object.assign(state.breakouts[op.group], { note_taker: op.note_taker ?? null, discussion_leader: op.discussion_leader ?? null }),
  "poll.open": (state, op) => {
    state.polls ??= {};
    for (const other of Object.values(state.polls)) other.shown = false;
    const p = op.poll;
    state.polls[p.id] = { id: p.id, kind: p.kind, question: p.question, options: p.options ?? [], hidden: p.hidden ?? false, closed: false, shown: true, count: 0, tally: {}, stems: {}, answers: {} };
  },
  "poll.show": (state, op) => {
    if (op.shown) for (const other of Object.values(state.polls)) other.shown = false;
    found(state.polls[op.poll_id]).shown = op.shown;
  },
  // nobody else's answer names its sender; a hidden poll's comes without what it chose too
  // (views.py), and a live one with what the sender's earlier answer counted (`previous`)
  "poll.answer": (state, op, by) => {
    const poll = found(state.polls?.[op.poll_id]);
    const choices = op.choices ?? [];
    const words = op.words ?? [];
    if (op.first) poll.count += 1;
    if (!choices.length && !words.length) return;
    const keys = words.length ? words : choices.map(String);
    if (!poll.hidden) {
      for (const k of op.previous ?? []) poll.tally[k] = (poll.tally[k] ?? 0) - 1;
      for (const k of keys) poll.tally[k] = (poll.tally[k] ?? 0) + 1;
      (op.stems ?? []).forEach((/** @type {string} */ s, /** @type {number} */ i) => (poll.stems[words[i]] = s));
      pollDropZeros(poll);
    }
    if (by) poll.answers[by] = keys;
  },
  "poll.close": (state, op) => {
    const poll = found(state.polls?.[op.poll_id]);
    Object.assign(poll, { closed: true, tally: { ...op.tally }, stems: { ...op.stems } });
    pollDropZeros(poll);
  },
  "ready.set": (state, op, by) => {
    state.ready = state.ready.filter((p) => p !== by);
    if (op.ready) state.ready.push(by);
  },
  "hand.raise": (state, _op, by) => state.hands.push(by),
  "hand.lower": (state, op, by) => (state.hands = state.hands.filter((p) => p !== (op.participant ?? by))),
  "reaction.toggle": (state, op, by) => {
    const onNote = (state.reactions ??= {})[op.note_id] ?? {};
    const who = onNote[op.reaction] ?? [];
    const now = who.includes(by) ? who.filter((p) => p !== by) : [...who, by];
    if (now.length) onNote[op.reaction] = now;
    else delete onNote[op.reaction];
    if (Object.keys(onNote).length) state.reactions[op.note_id] = onNote;
    else delete state.reactions[op.note_id];
  },
  // the facilitators' inbox (server/board/inbox.py)
  "moderation.set": (state, op) => (state.moderated = op.on),
  "note.approve": (state, op) => {
    for (const id of op.note_ids) {
      const held = state.notes[id];
      if (held) held.pending = false;
      else state.notes[id] = { ...found(op.notes?.[id]), pending: false };
    }
  },
  "note.decline": (state, op) => {
    const note = state.notes[op.note_id];
    if (!note) return; // someone else's: only they and the facilitators learn of it
    state.notes = without(state.notes, op.note_id);
    state.declined = {
      ...(state.declined ?? {}),
      [op.note_id]: { note_id: op.note_id, author: note.author, text: note.text, reason: op.reason ?? "", anonymous: note.anonymous },
    };
  },
  "note.merge": (state, op) => {
    const gone = new Set(op.from);
    const into = (/** @type {string} */ id) => (gone.has(id) ? op.note_id : id);
    found(state.notes[op.note_id]).authors = op.authors ?? [];
    for (const id of gone) state.notes = without(state.notes, id);
    if (state.voting) {
      const votes = state.voting.votes;
      for (const voter of Object.keys(votes)) votes[voter] = votes[voter].map(into);
    }
    state.priorities = [...new Set((state.priorities ?? []).map(into))];
    state.links = Object.fromEntries(
      Object.entries(state.links ?? {})
        .map(([k, l]) => /** @type {const} */ ([k, { ...l, a: into(l.a), b: into(l.b) }]))
        .filter(([, l]) => l.a !== l.b),
    );
  },
  "role.set": (state, op) => {
    state.participants[op.participant].role = op.role;
    if (state.lead === op.participant && op.role !== "facilitator") state.lead = null;
  },
  "lead.set": (state, op) => (state.lead = op.participant ?? null),
  "scribe.set": (state, op) => (state.participants[op.participant].scribe = op.on),
};

/** A poll's tally without what counts nothing, and a cloud's stems of its words only.
 * @param {import("../types/board").Poll} poll */
function pollDropZeros(poll) {
  for (const [k, n] of Object.entries(poll.tally)) if (n <= 0) delete poll.tally[k];
  if (poll.kind === "words") poll.stems = Object.fromEntries(Object.keys(poll.tally).map((w) => [w, poll.stems[w] ?? w]));
  else poll.stems = {};
}

export const KNOWN_KINDS = Object.keys(HANDLERS);
