// The board replica: the state from the welcome, changed by each op in seq order.
// The server marks every op that changed nothing with `noop`, so this port of
// server/board/apply.py only carries out the ops that did apply.

export class BoardStore {
  // cacheKey: where the last state is kept, so a page reloaded offline still shows the board
  constructor(cacheKey) {
    this.cacheKey = cacheKey;
    this.state = null;
    this.epoch = null;
    this.listeners = new Set();
    try {
      const cached = JSON.parse(localStorage.getItem(cacheKey));
      if (cached?.state) [this.state, this.epoch] = [cached.state, cached.epoch];
    } catch {
      localStorage.removeItem(cacheKey);
    }
  }

  get seq() {
    return this.state ? this.state.seq : null;
  }

  load(state, epoch) {
    this.state = structuredClone(state);
    this.epoch = epoch;
    this.changed();
  }

  forget() {
    this.state = null; // the next hello asks for the whole state
    localStorage.removeItem(this.cacheKey);
  }

  // Applies records in order; returns false at a gap (the caller must resume).
  applyAll(records) {
    for (const record of records) {
      if (record.seq <= this.state.seq) continue;
      if (record.seq !== this.state.seq + 1) return false;
      if (!record.noop && !applyOp(this.state, record)) return "unknown";
      this.state.seq = record.seq;
    }
    if (records.length) this.changed(records);
    return true;
  }

  subscribe(listener) {
    this.listeners.add(listener);
  }

  changed(records = []) {
    for (const listener of this.listeners) listener(this.state, records);
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

// Kinds this page does not draw yet (phases, votes, fields, ...): it keeps the seq and
// leaves their part of the state as it was; a full state comes with every reconnect.
const NOT_DRAWN = new Set([
  "phase.set", "timer.set", "timer.start", "timer.pause", "timer.add", "board.lock",
  "meeting.close", "vote.open", "vote.cast", "vote.retract", "vote.close", "priorities.set",
  "link.add", "link.mark", "link.delete", "note.own", "idea.park", "idea.own", "idea.delete",
  "field.set", "cell.set", "row.add", "row.delete", "score.set", "breakout.assign",
  "breakout.end",
]);

function applyOp(state, { seq, by, op }) {
  if (NOT_DRAWN.has(op.kind)) return true;
  switch (op.kind) {
    case "note.add": {
      const n = op.note;
      state.notes[n.id] = {
        id: n.id, area: n.area, text: n.text, author: by, color: n.color ?? null,
        x: n.x ?? null, y: n.y ?? null, created_seq: seq, updated_seq: seq,
        private: Boolean(n.private), group: null, owner: null, source: null,
      };
      return true;
    }
    case "note.edit":
      Object.assign(state.notes[op.note_id], { text: op.text, updated_seq: seq });
      return true;
    case "note.move": {
      const note = state.notes[op.note_id];
      if (op.area != null && op.area !== note.area) [note.area, note.group] = [op.area, null];
      if (op.x != null) note.x = op.x;
      if (op.y != null) note.y = op.y;
      note.updated_seq = seq;
      return true;
    }
    case "note.delete":
      delete state.notes[op.note_id];
      return true;
    case "area.add":
      state.areas.push({ id: op.area.id, title: op.area.title, prompt: op.area.prompt ?? "" });
      return true;
    case "area.rename":
      state.areas.find((a) => a.id === op.area_id).title = op.title;
      return true;
    case "area.delete":
      state.areas = state.areas.filter((a) => a.id !== op.area_id);
      return true;
    case "notes.reveal":
      for (const note of Object.values(state.notes)) {
        if (note.private && (op.area == null || note.area === op.area)) {
          note.private = false;
          note.text = op.texts?.[note.id] ?? note.text;
        }
      }
      return true;
    case "group.add":
      state.groups = { ...state.groups, [op.group.id]: { ...op.group, name: op.group.name ?? "" } };
      return true;
    case "group.rename":
      state.groups[op.group_id].name = op.name;
      return true;
    case "group.delete":
      delete state.groups[op.group_id];
      for (const note of Object.values(state.notes)) if (note.group === op.group_id) note.group = null;
      return true;
    case "note.group": {
      const note = state.notes[op.note_id];
      note.group = op.group_id;
      if (op.group_id) note.area = state.groups[op.group_id].area;
      return true;
    }
    case "breakout.start":
      for (const g of op.groups) {
        const area = `group-${g.id}`.slice(0, 64);
        if (!state.areas.some((a) => a.id === area)) state.areas.push({ id: area, title: g.name, prompt: "" });
      }
      return true;
    case "board.rename":
      state.title = op.title;
      return true;
    case "participant.join": {
      const p = op.participant;
      state.participants[p.id] = { id: p.id, name: p.name, role: p.role };
      return true;
    }
    default:
      return false; // a kind this page does not know: it reloads the whole state
  }
}
