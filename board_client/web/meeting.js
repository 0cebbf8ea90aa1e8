// @ts-check
// What a meeting shows besides the notes: the phase and its timer, the voting, the parked
// ideas, who is present, and a polite live region that announces what changed.

/** @import { BoardState, Method, MethodPhase, OpRecord, ParkedIdea, PeerPresence, Role, Crowd } from "../types/board" */
/** @import { BoardStore } from "./store.js" */

import { nt, t } from "./i18n.js";
import { reconcile, setText, show } from "./keyed.js";
import { button, el } from "./views.js";

const ANNOUNCE_EVERY_MS = 2000; // screen readers get at most one message this often

export class Announcer {
  /** @param {HTMLElement} region a polite live region */
  constructor(region) {
    this.region = region;
    /** @type {string[]} */
    this.queue = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }

  /** @param {string} text */
  say(text) {
    if (!this.queue.includes(text)) this.queue.push(text);
    if (this.timer == null) this.flush();
  }

  flush() {
    if (!this.queue.length) {
      this.timer = null;
      return;
    }
    this.region.textContent = this.queue.splice(0).join(" ");
    this.timer = setTimeout(() => this.flush(), ANNOUNCE_EVERY_MS);
  }
}

// What to announce for a batch of ops (phase, voting, new notes by others).
/**
 * @param {OpRecord[]} records
 * @param {BoardState} state the board after them
 * @param {string | null} me
 * @returns {string[]}
 */
export function describe(records, state, me) {
  const said = [];
  const added = records.filter((r) => !r.noop && r.op.kind === "note.add" && r.by !== me);
  if (added.length === 1) {
    const note = /** @type {{area: string}} */ (added[0].op.note); // server/board/ops.py NoteAdd
    const area = state.areas.find((a) => a.id === note.area);
    said.push(t("New note in {area}.", { area: area?.title ?? "" }));
  } else if (added.length > 1) {
    said.push(t("{n} new notes.", { n: added.length })); // more than one
  }
  for (const r of records) {
    if (r.noop) continue;
    if (r.op.kind === "phase.set") said.push(t("New phase: {phase}.", { phase: phaseTitle(state) }));
    if (r.op.kind === "notes.reveal") said.push(t("The notes are revealed."));
    if (r.op.kind === "timer.start") said.push(t("The timer runs: {time} left.", { time: formatTime(state.timer.remaining_ms) }));
    if (r.op.kind === "timer.pause") said.push(t("The timer is paused."));
    if (r.op.kind === "focus.set" && state.focus.length) {
      const names = state.focus.map((id) => state.areas.find((a) => a.id === id)?.title);
      said.push(t("The facilitator shows: {areas}.", { areas: names.join(", ") }));
    }
    if (r.op.kind === "vote.open") said.push(t("Voting is open."));
    if (r.op.kind === "vote.close") said.push(t("Voting is closed. The results are shown."));
    if (r.op.kind === "meeting.close") said.push(t("The meeting is closed."));
  }
  return said;
}

/** @type {Method | null} the board's method from /api/methods, for phase titles and prompts */
let methodTexts = null;

/** @param {string} methodId */
export async function loadMethod(methodId) {
  try {
    /** @type {Method[]} */
    const methods = await (await fetch("/api/methods")).json();
    methodTexts = methods.find((m) => m.id === methodId) ?? null;
  } catch {
    methodTexts = null;
  }
}

/** The board's method as /api/methods describes it, once loaded. */
export const boardMethod = () => methodTexts;

/**
 * The current phase's title in the board's language (its id until the method is loaded).
 * @param {BoardState} state
 */
export function phaseTitle(state) {
  const spec = phaseSpec(state.phase?.id);
  return spec ? spec.title[state.language] : state.phase?.id ?? "";
}

// the method's own description of a phase: title, prompt, minutes, areas in focus
/**
 * @param {string | undefined} id
 * @returns {MethodPhase | null}
 */
export function phaseSpec(id) {
  return methodTexts?.phases?.find((p) => p.id === id) ?? null;
}

/**
 * The board's phases for a select: id and title.
 * @param {BoardState} state
 * @returns {[id: string, title: string][]}
 */
export function phaseOptions(state) {
  return (state.phases ?? []).map((p) => {
    const spec = phaseSpec(p.id);
    return [p.id, spec ? spec.title[state.language] : p.id];
  });
}

/**
 * @param {HTMLElement} section the phase banner, with #phase-title and #phase-prompt
 * @param {BoardState} state
 */
export function renderPhase(section, state) {
  section.hidden = !state.phase && !state.timer?.duration_ms && !state.anonymous;
  const untimed = !state.phase && !state.timer?.duration_ms; // shown for the anonymous hint only
  const title = section.querySelector("#phase-title");
  const promptNode = section.querySelector("#phase-prompt");
  if (!title || !promptNode) return;
  title.textContent = state.phase ? phaseTitle(state) : untimed ? t("Anonymous notes") : t("Timer");
  const spec = phaseSpec(state.phase?.id);
  const focus = (state.focus ?? []).map((id) => state.areas.find((a) => a.id === id)?.title);
  const prompt = [spec?.prompt?.[state.language], focus.length ? t("Now: {areas}", { areas: focus.join(", ") }) : null];
  promptNode.textContent = prompt.filter(Boolean).join(" ");
  if (state.phase?.kind === "individual") {
    promptNode.append(el("span", { class: "private-hint", text: " " + t("Notes stay private until the facilitator reveals them.") }));
  }
  if (state.anonymous) {
    promptNode.append(el("span", { class: "private-hint", text: " " + t("New notes are anonymous: nobody sees who wrote them.") }));
  }
}

/**
 * A time left as minutes:seconds, rounded up ("4:05").
 * @param {number} ms
 */
export function formatTime(ms) {
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, "0")}`;
}

/**
 * @param {HTMLElement} node
 * @param {BoardStore} store
 */
export function renderTimer(node, store) {
  const timer = store.state?.timer;
  if (!timer || !timer.duration_ms) {
    node.textContent = "";
    return;
  }
  const left = store.timerRemaining();
  const running = timer.ends_at != null;
  node.textContent = running ? formatTime(left) : t("{time} (paused)", { time: formatTime(left) });
  node.dataset.state = running ? (left === 0 ? "done" : "running") : "paused";
}

/**
 * @param {HTMLElement} node
 * @param {BoardState} state
 * @param {string | null} me
 */
export function renderVoting(node, state, me) {
  const voting = state.voting;
  node.hidden = !voting;
  if (!voting) return;
  if (voting.closed) {
    node.textContent = t("Voting is closed. The results are shown on the notes.");
    return;
  }
  const used = me == null ? 0 : (voting.votes[me] ?? []).length;
  const cast = Object.values(voting.votes).flat().length;
  const total = voting.per_person;
  node.textContent = [
    nt("Voting: you have {left} of {n} vote left.", "Voting: you have {left} of {n} votes left.", total, {
      left: total - used,
      n: total,
    }),
    nt("{n} vote cast so far; results when voting closes.", "{n} votes cast so far; results when voting closes.", cast, {
      n: cast,
    }),
  ].join(" ");
}

/**
 * Who draws the parked ideas, and what they may do with them.
 * @typedef {object} ParkedContext
 * @property {string | null} me
 * @property {Role | null} role
 * @property {boolean} projector
 * @property {{own: (idea: ParkedIdea, owner: string | null) => void} | undefined} [actions]
 */

/** @typedef {ParkedIdea | {id: "", text: ""}} IdeaItem an idea, or the "No parked ideas." line */

// One node per idea for its life (keyed.js): an owner half typed survives every update.
/**
 * @param {HTMLElement} list
 * @param {BoardState} state
 * @param {ParkedContext} ctx
 */
export function renderParked(list, state, ctx) {
  const ideas = Object.values(state.parked ?? {}).sort((a, b) => a.created_seq - b.created_seq);
  /** @type {IdeaItem[]} */
  const items = ideas.length ? ideas : [{ id: "", text: "" }];
  reconcile(list, items, (idea) => idea.id, ideaNode, (item, idea) => updateIdea(item, idea, state, ctx));
}

/**
 * @param {IdeaItem} idea
 * @returns {HTMLElement}
 */
function ideaNode(idea) {
  if (!idea.id) return el("li", { class: "empty", text: t("No parked ideas.") });
  return el(
    "li",
    { class: "idea", "data-idea-id": idea.id },
    el("span", { class: "idea-text" }),
    el("span", { class: "idea-owner" }),
    el("span", { class: "note-source" }),
  );
}

/**
 * @param {HTMLElement} item
 * @param {IdeaItem} idea
 * @param {BoardState} state
 * @param {ParkedContext} ctx
 */
function updateIdea(item, idea, state, ctx) {
  if (!idea.id || !("by" in idea)) return; // the "No parked ideas." line
  const [text, owner, source] = /** @type {HTMLElement[]} */ ([...item.children]);
  setText(text, idea.text);
  owner.className = idea.owner ? "idea-owner" : "idea-owner idea-owner--missing";
  setText(owner, idea.owner ? t("Owner: {name}", { name: idea.owner }) : t("No owner yet"));
  // carried from an earlier meeting: who parked it there goes along with where
  const parker = idea.source ? state.participants[idea.by]?.name : "";
  show(source, Boolean(idea.source), parker ? `${t("by {name}", { name: parker })} · ${idea.source}` : idea.source ?? "");
  const myName = ctx.me == null ? undefined : state.participants[ctx.me]?.name;
  const actions = ctx.actions;
  const acting = Boolean(actions) && !ctx.projector && ctx.role !== "viewer" && !state.closed;
  const form = item.querySelector(".owner-form");
  const take = item.querySelector("button.take");
  if (actions && acting && ctx.role === "facilitator") {
    if (!form) item.append(ownerForm(idea, actions));
    const input = item.querySelector("input");
    // someone else set the owner: shown, unless this person has started typing one
    if (input && input.value === input.dataset.shown) input.value = idea.owner ?? "";
    if (input) input.dataset.shown = idea.owner ?? "";
  } else form?.remove();
  const offer = actions && acting && ctx.role !== "facilitator" && !idea.owner && myName;
  if (offer && !take) {
    item.append(button(t("I will take it on"), `take:${idea.id}`, () => actions.own(idea, myName), { class: "take" }));
  } else if (!offer) take?.remove();
}

/**
 * @param {ParkedIdea} idea
 * @param {{own: (idea: ParkedIdea, owner: string | null) => void}} actions
 */
function ownerForm(idea, actions) {
  const id = `owner-${idea.id}`;
  /** @type {HTMLInputElement} */
  const input = el("input", { id, value: idea.owner ?? "", maxlength: 60, "data-focus": id, "data-shown": idea.owner ?? "" });
  return el(
    "form",
    {
      class: "owner-form",
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        actions.own(idea, input.value.trim() || null);
      },
    },
    el("label", { for: id, text: t("Owner") }),
    input,
    el("button", { type: "submit", text: t("Save owner") }),
  );
}

/**
 * How many are here: each person once, the projector and other viewers not counted; in a
 * large meeting the server's count.
 * @param {PeerPresence[]} peers
 * @param {Crowd | null} [crowd]
 */
export function countHere(peers, crowd = null) {
  return crowd ? crowd.here : present(peers).length;
}

/**
 * Each person here once, without the projector and other viewers.
 * @param {PeerPresence[]} peers
 */
function present(peers) {
  return [...new Map(peers.map((p) => [p.participant_id, p])).values()].filter((p) => p.role !== "viewer");
}

/**
 * Who is here now (each person once; the projector and other viewers are not named). In a
 * large meeting (`crowd`, past the server's people_list_max) how many, and how many in each
 * small group while groups work, instead of names.
 * @param {HTMLElement} list
 * @param {PeerPresence[]} peers
 * @param {Crowd | null} [crowd]
 * @param {BoardState | null} [state] for the groups' names
 */
export function renderPeers(list, peers, crowd = null, state = null) {
  list.classList.toggle("peers--counted", crowd != null);
  if (crowd) {
    const groups = Object.entries(crowd.groups ?? {}).map(([id, n]) =>
      el("li", { class: "peers-group", text: t("{group}: {n}", { group: state?.breakouts?.[id]?.name || t("Unnamed group"), n }) }),
    );
    list.replaceChildren(el("li", { class: "peers-count", text: nt("{n} here", "{n} here", crowd.here, { n: crowd.here }) }), ...groups);
    return;
  }
  const names = present(peers).map((p) => el("li", {}, el("span", { text: p.name }), p.typing ? el("span", { class: "typing", text: " " + t("is writing…") }) : null));
  list.replaceChildren(...(names.length ? names : [el("li", { text: t("Nobody yet.") })]));
}
