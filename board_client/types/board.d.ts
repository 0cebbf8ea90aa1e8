// The board and the WebSocket messages as the browser receives them, for JSDoc in web/:
//   /** @import { BoardState } from "../types/board" */
// BoardState mirrors server/board/state.py's `BoardState.to_json()` (as `views.view_state`
// gives it to one viewer); the messages mirror server/board/protocol.py. Types only: this
// folder is outside web/, so nothing here is served.

export type Role = "facilitator" | "participant" | "viewer";

export interface Area {
  id: string;
  title: string;
  prompt: string;
  /** a quadrant (2x2) for prioritising; absent on a plain area (quadrant.js) */
  axes?: Axes;
}

/** each axis named by what grows along it: x from left (low) to right (high), y bottom to top */
export interface Axes {
  x: string;
  y: string;
}

export interface Note {
  id: string;
  area: string;
  text: string;
  author: string;
  color: string | null;
  x: number | null;
  y: number | null;
  created_seq: number;
  updated_seq: number;
  private: boolean;
  group: string | null;
  owner: string | null;
  /** by when the owner takes it forward (YYYY-MM-DD) */
  due: string | null;
  source: string | null;
  anonymous: boolean;
  /** a picture note: its text is the caption; null when blanked (a private note) */
  picture: Picture | null;
  /** waiting in the facilitators' inbox: only its author and the facilitators hold it */
  pending: boolean;
  /** who else wrote it: the authors of duplicates merged into it */
  authors: string[];
  /** a facilitator changed its text before approving it */
  edited_by_facilitator: boolean;
  /** a scribe's note: whom in the room it was written for; null when blanked */
  for_name: string | null;
}

/** a pending note a facilitator declined: held by its author and the facilitators only */
export interface Declined {
  note_id: string;
  author: string;
  text: string;
  reason: string;
  anonymous: boolean;
}

export interface Picture {
  id: string;
  width: number;
  height: number;
}

export interface Participant {
  id: string;
  name: string;
  role: Role;
  consent: boolean;
  carried: boolean;
  /** writes notes for named people without a device */
  scribe: boolean;
}

export interface Phase {
  id: string;
  kind: string;
  focus: string[];
}

export interface PhaseSpec {
  id: string;
  kind: string;
  minutes: number;
}

/** One text in each of the product's languages, by language code (facilitation_methods Texts). */
export type Texts = Record<string, string>;

/** A phase as its method describes it (facilitation_methods/schema.py Phase, from /api/methods). */
export interface MethodPhase {
  id: string;
  kind: string;
  title: Texts;
  minutes: number;
  prompt?: Texts;
  /** the areas in focus; empty means all */
  areas: string[];
}

/** A field of a method's worksheet (facilitation_methods/schema.py FormField). */
export interface MethodField {
  id: string;
  label: Texts;
  help?: Texts;
  /** written by the facilitator only (a worksheet field; never a criterion) */
  facilitator_only?: boolean;
}

/** A table of a method's worksheet: fixed rows, or rows added on the board when none. */
export interface MethodTable {
  id: string;
  title: Texts;
  columns: { id: string; title: Texts }[];
  rows: { id: string; title: Texts }[];
}

/** A method's scoring grid: each participant scores each criterion on the scale. */
export interface MethodGrid {
  criteria: MethodField[];
  scale_min: number;
  scale_max: number;
}

/** A method as /api/methods lists it: only what the board page reads is typed. */
export interface Method {
  id: string;
  name: Texts;
  description: Texts;
  phases: MethodPhase[];
  fields: MethodField[];
  tables: MethodTable[];
  /** absent when the method has none */
  grid?: MethodGrid;
}

export interface GridSpec {
  criteria: string[];
  low: number;
  high: number;
  /** the facilitator's own criteria (grid.set), by position; empty: the method's labels */
  labels: string[];
}

export interface Timer {
  duration_ms: number;
  remaining_ms: number;
  /** the server's clock (ms) while the timer runs */
  ends_at: number | null;
}

export interface Voting {
  per_person: number;
  area: string | null;
  closed: boolean;
  /** by voter: note ids */
  votes: Record<string, string[]>;
  /** reopened after a close: how many of each voter's first votes the close showed */
  shown: Record<string, number>;
}

export interface Group {
  id: string;
  area: string;
  name: string;
}

export interface Link {
  id: string;
  a: string;
  b: string;
  contradiction: boolean;
}

export interface ParkedIdea {
  id: string;
  text: string;
  by: string;
  owner: string | null;
  created_seq: number;
  source: string | null;
}

export interface Table {
  columns: string[];
  rows: string[];
  /** "row/column" -> text */
  cells: Record<string, string>;
}

export interface Breakout {
  id: string;
  name: string;
  area: string;
  members: string[];
  note_taker: string | null;
  /** who leads the group's talk; the page names them */
  discussion_leader: string | null;
}

export interface SurveyQuestion {
  id: string;
  /** "scale" (1-5), "choice" (answered by the index of its option) or "text" */
  kind: string;
  text: string;
  options: string[];
}

export interface Survey {
  questions: SurveyQuestion[];
  /** the server's clock, UTC ms; null: open until closed */
  deadline: number | null;
  anonymous: boolean;
  closed: boolean;
  closed_at: number | null;
  /** how many have answered */
  count: number;
  /** the viewer's own answer only */
  answers: Record<string, Record<string, number | string>>;
  /** by question, once closed: how many chose each value, and the texts sorted */
  results: Record<string, { counts: Record<string, number>; texts: string[] }>;
}

export interface Poll {
  id: string;
  /** "single", "multiple", "scale" (1-5) or "words" (a word cloud) */
  kind: string;
  question: string;
  options: string[];
  /** answers reach nobody else until close: `tally` is empty until then */
  hidden: boolean;
  closed: boolean;
  /** on the projector (one poll at a time) */
  shown: boolean;
  /** how many have answered */
  count: number;
  /** how many chose each option index or scale value, or wrote each word */
  tally: Record<string, number>;
  /** a word cloud's words: the stem by which each counts */
  stems: Record<string, string>;
  /** the viewer's own answer only, as tally keys */
  answers: Record<string, string[]>;
}

export interface BoardState {
  id: string;
  title: string;
  method: string;
  language: string;
  seq: number;
  areas: Area[];
  notes: Record<string, Note>;
  participants: Record<string, Participant>;
  phase: Phase | null;
  timer: Timer;
  locked: boolean;
  anonymous: boolean;
  closed: boolean;
  voting: Voting | null;
  groups: Record<string, Group>;
  links: Record<string, Link>;
  priorities: string[];
  parked: Record<string, ParkedIdea>;
  fields: Record<string, string>;
  facilitator_fields: string[];
  tables: Record<string, Table>;
  scores: Record<string, Record<string, number>>;
  sealed_scores: Record<string, Record<string, number>>;
  phases: PhaseSpec[];
  grid: GridSpec | null;
  breakouts: Record<string, Breakout>;
  in_breakout: boolean;
  focus: string[];
  survey: Survey | null;
  /** who is done with the current phase */
  ready: string[];
  /** raised hands, first raised first */
  hands: string[];
  /** by note, by reaction: who reacted so */
  reactions: Record<string, Record<string, string[]>>;
  /** live polls and word clouds, in the order they were opened */
  polls: Record<string, Poll>;
  /** participants' new notes wait in the facilitators' inbox */
  moderated: boolean;
  /** by note id */
  declined: Record<string, Declined>;
  /** the facilitator who runs the timer and phases; null: any facilitator */
  lead: string | null;
  /** the meeting's summary for its record (summary.set); "" none */
  summary: string;
}

// server/board/protocol.py, client to server

/** One op as the client sends it: `kind` and that kind's fields (server/board/ops.py). */
export interface Op {
  kind: string;
  [field: string]: unknown;
}

export interface OpMessage {
  type: "op";
  id: string;
  op: Op;
}

/** A note being dragged, shown to the others as a ghost (never stored). */
export interface Drag {
  note_id: string;
  area: string;
  x: number;
  y: number;
}

export interface PresenceUpdate {
  typing?: boolean;
  area?: string | null;
  drag?: Drag | null;
}

// server to client

export interface OpRecord {
  seq: number;
  id: string;
  by: string;
  op: Op;
  /** why the op changed nothing (server/board/rules.py NoopReason), or null */
  noop: string | null;
}

export interface Welcome {
  type: "welcome";
  protocol: number;
  role: Role;
  participant_id: string;
  seq: number;
  epoch: string;
  server_time: number | null;
  state: BoardState | null;
  ops: OpRecord[] | null;
  limits: Record<string, number>;
  join_code: string | null;
}

export interface OpsMessage {
  type: "ops";
  ops: OpRecord[];
}

export interface Ack {
  type: "ack";
  id: string;
  seq: number;
  noop: string | null;
}

export type ErrorCode =
  | "invalid"
  | "forbidden"
  | "too_large"
  | "rate_limited"
  | "unknown_op"
  | "unauthorized"
  | "unavailable";

export interface ErrorMessage {
  type: "error";
  id: string | null;
  code: ErrorCode;
  message: string;
}

export interface PeerPresence {
  participant_id: string;
  name: string;
  role: Role;
  typing: boolean;
  area: string | null;
  drag?: Drag | null;
}

/** how many are here, when too many to name (server/board/protocol.py Crowd) */
export interface Crowd {
  here: number;
  groups: Record<string, number>;
}

export interface Presence {
  type: "presence";
  peers: PeerPresence[];
  /** above people_list_max; above crowd_threshold `peers` holds the facilitators only */
  crowd?: Crowd | null;
}

export type ServerMessage = Welcome | OpsMessage | Ack | ErrorMessage | Presence;

// what the browser keeps

/** A board's access in localStorage under `planche:board:{id}` (the projector's apart). */
export interface Credentials {
  token: string;
  participant_id?: string;
  role?: Role;
  viewer_token?: string;
  join_code?: string | null;
}
