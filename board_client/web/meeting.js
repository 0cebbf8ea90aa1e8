// What a meeting shows besides the notes: the phase and its timer, the voting, the parked
// ideas, who is present, and a polite live region that announces what changed.

import { t } from "./i18n.js";
import { reconcile, setText, show } from "./keyed.js";
import { button, el } from "./views.js";

const ANNOUNCE_EVERY_MS = 2000; // screen readers get at most one message this often

export class Announcer {
  constructor(region) {
    this.region = region;
    this.queue = [];
    this.timer = null;
  }

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
export function describe(records, state, me) {
  const said = [];
  const added = records.filter((r) => !r.noop && r.op.kind === "note.add" && r.by !== me);
  if (added.length === 1) {
    const area = state.areas.find((a) => a.id === added[0].op.note.area);
    said.push(t("New note in {area}.", { area: area?.title ?? "" }));
  } else if (added.length > 1) {
    said.push(t("{n} new notes.", { n: added.length }));
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

let methodTexts = null; // the board's method from /api/methods, for phase titles and prompts

export async function loadMethod(methodId) {
  try {
    const methods = await (await fetch("/api/methods")).json();
    methodTexts = methods.find((m) => m.id === methodId) ?? null;
  } catch {
    methodTexts = null;
  }
}

export function phaseTitle(state) {
  const spec = methodTexts?.phases?.find((p) => p.id === state.phase?.id);
  return spec ? spec.title[state.language] : state.phase?.id ?? "";
}

// the method's own description of a phase: title, prompt, minutes, areas in focus
export function phaseSpec(id) {
  return methodTexts?.phases?.find((p) => p.id === id) ?? null;
}

export function phaseOptions(state) {
  return (state.phases ?? []).map((p) => {
    const spec = methodTexts?.phases?.find((m) => m.id === p.id);
    return [p.id, spec ? spec.title[state.language] : p.id];
  });
}

export function renderPhase(section, state) {
  section.hidden = !state.phase && !state.timer?.duration_ms && !state.anonymous;
  const untimed = !state.phase && !state.timer?.duration_ms; // shown for the anonymous hint only
  section.querySelector("#phase-title").textContent = state.phase ? phaseTitle(state) : untimed ? t("Anonymous notes") : t("Timer");
  const spec = methodTexts?.phases?.find((p) => p.id === state.phase?.id);
  const focus = (state.focus ?? []).map((id) => state.areas.find((a) => a.id === id)?.title);
  const prompt = [spec?.prompt?.[state.language], focus.length ? t("Now: {areas}", { areas: focus.join(", ") }) : null];
  section.querySelector("#phase-prompt").textContent = prompt.filter(Boolean).join(" ");
  if (state.phase?.kind === "individual") {
    section.querySelector("#phase-prompt").append(
      el("span", { class: "private-hint", text: " " + t("Notes stay private until the facilitator reveals them.") }),
    );
  }
  if (state.anonymous) {
    section.querySelector("#phase-prompt").append(
      el("span", { class: "private-hint", text: " " + t("New notes are anonymous: nobody sees who wrote them.") }),
    );
  }
}

export function formatTime(ms) {
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, "0")}`;
}

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

export function renderVoting(node, state, me) {
  const voting = state.voting;
  node.hidden = !voting;
  if (!voting) return;
  if (voting.closed) {
    node.textContent = t("Voting is closed. The results are shown on the notes.");
    return;
  }
  const used = (voting.votes[me] ?? []).length;
  const cast = Object.values(voting.votes).flat().length;
  node.textContent = t("Voting: you have {left} of {total} votes left. {cast} votes cast so far; results when voting closes.", {
    left: voting.per_person - used,
    total: voting.per_person,
    cast,
  });
}

// ctx: {me, role, projector, actions: {own(idea, owner)}}
// One node per idea for its life (keyed.js): an owner half typed survives every update.
export function renderParked(list, state, ctx) {
  const ideas = Object.values(state.parked ?? {}).sort((a, b) => a.created_seq - b.created_seq);
  const items = ideas.length ? ideas : [{ id: "", text: "" }];
  reconcile(list, items, (idea) => idea.id, ideaNode, (item, idea) => updateIdea(item, idea, state, ctx));
}

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

function updateIdea(item, idea, state, ctx) {
  if (!idea.id) return;
  const [text, owner, source] = item.children;
  setText(text, idea.text);
  owner.className = idea.owner ? "idea-owner" : "idea-owner idea-owner--missing";
  setText(owner, idea.owner ? t("Owner: {name}", { name: idea.owner }) : t("No owner yet"));
  show(source, Boolean(idea.source), idea.source ?? "");
  const myName = state.participants[ctx.me]?.name;
  const acting = !ctx.projector && ctx.role !== "viewer" && !state.closed;
  const form = item.querySelector(".owner-form");
  const take = item.querySelector("button.take");
  if (acting && ctx.role === "facilitator") {
    if (!form) item.append(ownerForm(idea, ctx));
    const input = item.querySelector("input");
    // someone else set the owner: shown, unless this person has started typing one
    if (input.value === input.dataset.shown) input.value = idea.owner ?? "";
    input.dataset.shown = idea.owner ?? "";
  } else form?.remove();
  const offer = acting && ctx.role !== "facilitator" && !idea.owner && myName;
  if (offer && !take) {
    item.append(button(t("I will take it on"), `take:${idea.id}`, () => ctx.actions.own(idea, myName), { class: "take" }));
  } else if (!offer) take?.remove();
}

function ownerForm(idea, ctx) {
  const id = `owner-${idea.id}`;
  const input = el("input", { id, value: idea.owner ?? "", maxlength: 60, "data-focus": id, "data-shown": idea.owner ?? "" });
  return el(
    "form",
    {
      class: "owner-form",
      onsubmit: (e) => {
        e.preventDefault();
        ctx.actions.own(idea, input.value.trim() || null);
      },
    },
    el("label", { for: id, text: t("Owner") }),
    input,
    el("button", { type: "submit", text: t("Save owner") }),
  );
}

export function renderPeers(list, peers) {
  const names = [...new Map(peers.map((p) => [p.participant_id, p])).values()]
    .filter((p) => p.role !== "viewer")
    .map((p) => el("li", {}, el("span", { text: p.name }), p.typing ? el("span", { class: "typing", text: " " + t("is writing…") }) : null));
  list.replaceChildren(...(names.length ? names : [el("li", { text: t("Nobody yet.") })]));
}
