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

function applyOp(state, { seq, by, op }) {
  switch (op.kind) {
    case "note.add": {
      const n = op.note;
      state.notes[n.id] = {
        id: n.id, area: n.area, text: n.text, author: by, color: n.color ?? null,
        x: n.x ?? null, y: n.y ?? null, created_seq: seq, updated_seq: seq,
      };
      return true;
    }
    case "note.edit":
      Object.assign(state.notes[op.note_id], { text: op.text, updated_seq: seq });
      return true;
    case "note.move": {
      const note = state.notes[op.note_id];
      if (op.area != null) note.area = op.area;
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
