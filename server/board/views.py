"""The board as one person may see it: the one visibility rule, declared once.

`RULES` says, per op kind (as each declares it beside its model in ops.py), what others
may not see of an op and until when. Everything that leaves the server for a person goes
through `redact` (an op, as the fan-out, the welcome, a resume and the archive's log deliver
it) or `view_state` (a board, as the welcome, REST reads, history, records, the share page
and every export show it). The server itself, the store and the operator's CLI hold the whole board.

Private writing: a note reaches its author only, and everyone else (the facilitator and
the projector too) sees an empty placeholder without its author, so neither what it says
nor who has written how much shows; any op of the author's on it reaches others without
`by`. `notes.reveal` carries the texts, authors, owners and pictures it makes public (a
picture's bytes are served only to those who may see a note that shows it). On an
anonymous board (`board.anonymous`) a note and every op of its author's on it reach others
without `by` for good (a scribe's note also without whom it was for: `naming`): records
and exports name no author for it. An open vote reaches
others without its choice until `vote.close` carries every vote (after a `vote.reopen` the
votes the close showed stay shown; those cast since are hidden until the next close). A
poll answer reaches others without its sender, ever; on a hidden poll without what it chose
too, until `poll.close` carries the totals (polls.py). A survey answer reaches nobody else,
ever (only that someone answered; on an anonymous survey not who); the totals come with
`survey.close`. A score given in a round still open (an individual phase) reaches others
without criterion and value until the phase ends, when `phase.set` or `meeting.close`
carries the round's scores.

Moderated posting (server/board/inbox.py): a note waiting in the inbox, and every op on
it, reaches only its author and the facilitators (`MODERATED`, on top of the rules above);
everyone else gets the `note.add` without id, text, picture or sender (a replica adds
nothing) and no text or reason of what follows, and their view holds no trace of the note
(not even a placeholder, which would tell how many wait). `note.approve` carries each
approved note whole; what was written before it stays hidden from others for good, so a
facilitator's edit before approval is what the room sees. A declined note stays known to
its author and the facilitators only. The viewer's role decides: `view_state` reads it
from the board, `redact` takes it from the caller (the room, the records).

A replica that applies redacted ops to a redacted state holds exactly `view_state` (the
property test in tests/board/test_views.py). Live, redaction depends on the op alone: the
op that makes hidden content public carries it. A history read later (an export's log)
also shows whole what a later op made public (`released`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from server.board.ops import DECLARED
from server.board.rules import HIDDEN_SENDER
from server.board.state import BoardState, Note, Poll, Role
from server.board.visibility import Hidden

# per kind, as each declares it beside its model (server/board/ops.py)
RULES: dict[str, Hidden] = {k: m.hidden for k, m in DECLARED.items() if m.hidden is not None}
# on top of RULES, for an op on a note waiting in the inbox as others than its author and the
# facilitators get it
MODERATED: dict[str, Hidden] = {
    k: m.moderated for k, m in DECLARED.items() if m.moderated is not None
}
# what a blanked field holds when "" is not its type
_BLANK: dict[str, Any] = {
    "score": 0,
    "answers": {},
    "picture": None,
    "for_name": None,
    **dict.fromkeys(("choices", "words", "stems", "previous"), ()),
}

# the viewer of a share link or any page that is no one's: sees nothing hidden from anyone
ANYONE = "*"  # never a participant id


def pending_author(record: dict[str, Any]) -> str | None:
    """Whose note waiting in the inbox the record's op touches, if any."""
    op = record["op"]
    if op["kind"] == "note.add":
        return record["by"] if op["note"].get("pending") else None
    return op.get("pending") or None


def hidden_from_others(record: dict[str, Any]) -> bool:
    """Whether anyone but the record's sender must get it redacted."""
    if pending_author(record) is not None:
        return True
    rule = RULES.get(record["op"]["kind"])
    return rule is not None and (rule.content(record["op"]) or rule.sender(record["op"]))


def _rule(record: dict[str, Any], viewer: str, role: Role | None) -> Hidden | None:
    author = pending_author(record)
    if author is not None and viewer != author:
        moderated = MODERATED[record["op"]["kind"]]
        if not (moderated.facilitators and role == "facilitator"):
            return moderated
    return RULES.get(record["op"]["kind"])


def redact(
    record: dict[str, Any],
    viewer: str,
    released: Mapping[int, bool] = MappingProxyType({}),
    *,
    role: Role | None,
) -> dict[str, Any]:
    """The record as `viewer`, whose role is `role`, may receive it (the same object when
    nothing is hidden); `released`: the seqs whose content a later op has made public,
    each with whether its sender is public too (see `released`)."""
    if record["by"] == viewer or not hidden_from_others(record):
        return record
    rule = _rule(record, viewer, role)
    if rule is None or not (rule.content(record["op"]) or rule.sender(record["op"])):
        return record
    op = record["op"]
    public = record["seq"] in released
    if rule.content(op) and not public:
        op = dict(op)
        for path in rule.blank:
            head, _, leaf = path.partition(".")
            if leaf:
                op[head] = {**op[head], leaf: _BLANK.get(leaf, "")}
            elif op.get(head) is not None:
                op[head] = _BLANK.get(head, "")
    named = not rule.sender(record["op"]) or released.get(record["seq"], False)
    if not named:
        for path in rule.naming:
            head, _, leaf = path.partition(".")
            if op[head].get(leaf) is not None:
                op = {**op, head: {**op[head], leaf: _BLANK[leaf]}}
    return {**record, "by": record["by"] if named else HIDDEN_SENDER, "op": op}


def released(log: Iterable[dict[str, Any]]) -> dict[int, bool]:
    """The seqs of hidden ops in `log` (wire records, in order) whose content a later op
    has made public: ops on a note that was revealed, votes of a vote that was closed,
    scores of a round that ended; each with whether its sender is public too (never for
    an anonymous note). What was never made public (a private note deleted before the
    reveal, a vote replaced before a new vote opened, a refused op) stays hidden: a
    history read later shows no more than the meeting showed."""
    log = list(log)
    out: dict[int, bool] = {}
    added = [r["op"]["note"] for r in log if r["op"]["kind"] == "note.add"]
    private = {n["id"] for n in added if n.get("private")}  # a link may join a public note
    anonymous = {n["id"] for n in added if n.get("anonymous")}
    revealed: set[str] = set()  # notes revealed by a later op
    vote_closed = round_ended = False
    for r in reversed(log):
        op, applied = r["op"], not r.get("noop")
        kind = op["kind"]
        if applied and kind == "notes.reveal":
            revealed |= set(op.get("texts", {}))
        elif applied and kind == "vote.close":
            vote_closed = True
        elif applied and kind == "vote.open":
            vote_closed = False  # earlier votes belong to an earlier vote
        elif applied and kind in ("phase.set", "meeting.close"):
            round_ended = True
        if not applied or not hidden_from_others(r) or pending_author(r) is not None:
            continue  # a pending note's ops: its approval carries what the room sees
        if kind in ("vote.cast", "vote.retract"):
            if vote_closed:
                out[r["seq"]] = True
        elif kind == "score.set":
            if round_ended:
                out[r["seq"]] = True
        elif kind in ("survey.answer", "poll.answer"):
            continue  # never made public: the close carries the totals instead
        else:
            notes = _notes_of(op)
            hidden = notes & private
            if not hidden or hidden <= revealed:
                out[r["seq"]] = not notes & anonymous
            if kind == "note.add":
                revealed -= notes  # an earlier note of the same id is another note
    return out


def _notes_of(op: dict[str, Any]) -> set[str]:
    if op["kind"] == "note.add":
        return {op["note"]["id"]}
    if op["kind"] == "link.add":
        return {op["link"]["a"], op["link"]["b"]}
    return {op["note_id"]}


def view_state(state: BoardState, viewer: str) -> BoardState:
    """`state` as `viewer` may see it (the same object when nothing is hidden); the
    viewer's role is theirs on the board (`ANYONE`, a share link: no role)."""
    moderator = state.role_of(viewer) == "facilitator"
    if not moderator and any(n.pending and n.author != viewer for n in state.notes.values()):
        notes = {k: n for k, n in state.notes.items() if not n.pending or n.author == viewer}
        state = replace(state, notes=notes)
    if any(d.author != viewer and (d.anonymous or not moderator) for d in state.declined.values()):
        declined = {
            k: d if d.author == viewer or not d.anonymous else replace(d, author=HIDDEN_SENDER)
            for k, d in state.declined.items()
            if d.author == viewer or moderator
        }
        state = replace(state, declined=declined)
    hidden = [n for n in state.notes.values() if (n.private or n.anonymous) and n.author != viewer]
    if hidden:
        blanked = {n.id: _unnamed_note(n) for n in hidden}
        state = replace(state, notes={**state.notes, **blanked})
    voting = state.voting
    if voting is not None and not voting.closed:
        # what a close showed before the vote reopened stays shown (voting.shown)
        votes = {
            k: v
            if k == viewer
            else v[: voting.shown.get(k, 0)] + ("",) * (len(v) - voting.shown.get(k, 0))
            for k, v in voting.votes.items()
        }
        state = replace(state, voting=replace(voting, votes=votes))
    if any(k != viewer for k in state.sealed_scores):
        mine = state.sealed_scores.get(viewer)
        state = replace(state, sealed_scores={viewer: mine} if mine else {})
    survey = state.survey
    if survey is not None and any(k != viewer for k in survey.answers):
        answer = survey.answers.get(viewer)
        survey = replace(survey, answers={viewer: answer} if answer else {})
        state = replace(state, survey=survey)
    if any(k != viewer for p in state.polls.values() for k in p.answers):
        polls = {k: _own_answer(p, viewer) for k, p in state.polls.items()}
        state = replace(state, polls=polls)
    return state


def _blanked(votes: tuple[str, ...], shown: int) -> tuple[str, ...]:
    return votes[:shown] + ("",) * (len(votes) - shown)


def _own_answer(poll: Poll, viewer: str) -> Poll:
    mine = poll.answers.get(viewer)
    return replace(poll, answers={viewer: mine} if mine else {})


def _unnamed_note(note: Note) -> Note:
    """Without its author; a private note is an empty placeholder too."""
    if not note.private:
        return replace(note, author=HIDDEN_SENDER, for_name=None)
    owner = None if note.owner is None else ""
    due = None if note.due is None else ""
    return replace(
        note, text="", author=HIDDEN_SENDER, owner=owner, due=due, picture=None, for_name=None
    )
