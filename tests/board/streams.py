"""Generated op streams for the replica properties: every op kind the domain has, sent by a
facilitator and participants as the server would let them, no-ops included, each op
completed and applied as the server's room does (`complete`, then `apply`).

Used by tests/board/test_views.py (Python replicas) and tests/browser/test_replica.py
(the browser's store.js replaying the same records).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from hypothesis import strategies as st

from server.board.ops import KINDS, REACTIONS, SENDERS, dump_op
from server.board.state import (
    Area,
    BoardState,
    GridSpec,
    Participant,
    PhaseSpec,
    Survey,
    SurveyQuestion,
    Table,
)
from tests.board.boards import a_board, send

FAC, ANN, BO, WALL = "p-fac", "p-ann", "p-bo", "p-wall"
CY = "p-cy"  # joins during the stream
PEOPLE = (FAC, ANN, BO, WALL)  # WALL: the projector's viewer token
VIEWERS = (*PEOPLE, CY)
_WRITERS = (FAC, ANN, BO, CY)

# the texts hidden while private: test_views checks they never reach anyone else
SECRET_WORDS = ("hidden", "secret")


def start() -> BoardState:
    return a_board(
        "Analysis",
        "category-analysis",
        "en",
        (Area("values", "Values"), Area("myths", "Urban myths", "What do people say?")),
        (
            Participant(FAC, "Fac", "facilitator"),
            Participant(ANN, "Ann", "participant"),
            Participant(BO, "Bo", "participant", consent=True),
            Participant(WALL, "", "viewer"),
        ),
        phases=(PhaseSpec("silent", "individual", 12), PhaseSpec("together", "joint", 15)),
        grid=GridSpec(("clarity", "relevance"), 1, 5),
        fields={"goal": ""},
        tables={"actions": Table(("what", "who"), ("r1",))},
        # answered until the 10th op (the clock is 1 s per op), anonymous
        survey=Survey(
            (
                SurveyQuestion("q-scale", "scale", "How useful?"),
                SurveyQuestion("q-text", "text", "Else?"),
            ),
            deadline=10_000,
        ),
    )


# whole minutes as the page sends them, any float the protocol admits, and minutes that
# come to a half millisecond (Python rounds halves to even)
_HALVES = [0.5 / 60_000, 2.5 / 60_000]
_MINUTES = st.one_of(st.sampled_from([0, 1, 5, 0.5, *_HALVES]), st.floats(0, 480))
_COORD = st.one_of(st.none(), st.integers(0, 2000), st.floats(0, 100_000))
_OWNER = st.sampled_from(["Ann Berg", None])
_PERSON = st.sampled_from([FAC, ANN, BO, CY, "p-nobody"])
_TABLE = st.sampled_from(["actions", "actions", "nope"])
_ROW = st.sampled_from(["r1", "r2"])
_S = st.SearchStrategy


def _one(existing: list[str], pool: list[str]) -> _S[str]:
    """An id of something that exists, mostly; sometimes one that may not (a no-op)."""
    return st.sampled_from([*existing, *existing, *existing, *pool])


class _Shape(NamedTuple):
    """The ids on a board, all an op's strategy depends on (so strategies are made once)."""

    notes: tuple[str, ...]
    areas: tuple[str, ...]
    groups: tuple[str, ...]
    links: tuple[str, ...]
    ideas: tuple[str, ...]
    breakouts: tuple[str, ...]

    @classmethod
    def of(cls, s: BoardState) -> _Shape:
        areas = tuple(a.id for a in s.areas)
        return cls(
            tuple(s.notes),
            areas,
            tuple(s.groups),
            tuple(s.links),
            tuple(s.parked),
            tuple(s.breakouts),
        )


def _notes(s: _Shape) -> _S[str]:
    return _one(list(s.notes), ["n1", "n2", "n3"])


def _areas(s: _Shape) -> _S[str]:
    return _one(list(s.areas), ["values", "extra", "group-b1"])


def _groups(s: _Shape) -> _S[str]:
    return _one(list(s.groups), ["g1", "g2"])


def _links(s: _Shape) -> _S[str]:
    return _one(list(s.links), ["l1", "l2"])


def _ideas(s: _Shape) -> _S[str]:
    return _one(list(s.ideas), ["i1", "i2"])


def _some(strategy: _S[Any]) -> _S[list[Any]]:
    return st.lists(strategy, max_size=2)


def _with(**fields: Any) -> dict[str, Any]:
    """The fields that are not None."""
    return {k: v for k, v in fields.items() if v is not None}


def _note_add(
    n: str, a: str, t: str, example: bool, color: Any, x: Any, y: Any, for_name: Any = None
) -> dict[str, Any]:
    note = {"id": n, "area": a, "text": t, **_with(color=color, x=x, y=y, for_name=for_name)}
    return {"kind": "note.add", "note": {**note, "example": True} if example else note}


def _note_move(n: str, a: Any, x: Any, y: Any) -> dict[str, Any]:
    where = _with(area=a, x=x, y=y) or {"area": "values"}
    return {"kind": "note.move", "note_id": n, **where}


def _note_merge(kept: str, others: list[str]) -> dict[str, Any]:
    merged = [n for n in dict.fromkeys(others) if n != kept] or ["n9"]
    return {"kind": "note.merge", "note_id": kept, "from": merged}


def _breakout(
    id_: str, name: str, members: list[str], taker: Any, leader: Any = None
) -> dict[str, Any]:
    roles = _with(note_taker=taker, discussion_leader=leader)
    return {"id": id_, "name": name, "members": members, **roles}


def _new_note(s: _Shape) -> _S[dict[str, Any]]:
    fresh = [n for n in ("n1", "n2", "n3", "n4") if n not in s.notes] or ["n1"]
    return st.builds(
        _note_add,
        st.sampled_from(fresh),
        _areas(s),
        st.sampled_from(["hidden", "secret", "plain"]),
        st.sampled_from([False, False, True]),
        st.none() | st.sampled_from(["yellow", "blue"]),
        _COORD,
        _COORD,
        st.none() | st.sampled_from(["Ahmed", "Gurli"]),  # a scribe's note for someone
    )


def _kind(kind: str, **fields: _S[Any]) -> _S[dict[str, Any]]:
    """An op of `kind`; a field drawn as None is left out."""
    return st.fixed_dictionaries(fields).map(lambda f: {"kind": kind, **_with(**f)})


# one strategy per op kind, given the state it will meet, with how often it comes (often
# enough to be met in most streams; meeting.close, which ends a stream's changes, rarely)
_QUESTIONS = [
    {"id": "q-scale", "kind": "scale", "text": "How useful?"},
    {"id": "q-choice", "kind": "choice", "text": "Again?", "options": ["Yes", "No", "Maybe"]},
    {"id": "q-text", "kind": "text", "text": "Anything else?"},
]

# mostly answers that fit the questions above, some that do not (a no-op)
_ANSWERS = [
    ("q-scale", 4),
    ("q-scale", 1),
    ("q-choice", 2),
    ("q-text", "secret answer"),
    ("q-text", "hidden <b>"),
    ("q-scale", 3),
    ("q-text", "secret too"),
    ("q-scale", 0),
    ("q-nope", 3),
]

# polls by id (a second open of an id is a no-op); "secret!" must not leak from a hidden one
_POLLS = [
    {"id": "poll-choice", "kind": "single", "question": "First?", "options": ["Tid", "Mod"]},
    {"id": "poll-many", "kind": "multiple", "question": "Which?", "options": ["a", "b", "c"]},
    {"id": "poll-scale", "kind": "scale", "question": "How sure?"},
    {"id": "poll-words", "kind": "words", "question": "One word?"},
]

_WORDS = ["Tid", "tiden", "secret!", "mod"]

OPS_BY_KIND: dict[str, tuple[Callable[[_Shape], _S[dict[str, Any]]], int]] = {
    "note.add": (_new_note, 6),
    "note.edit": (
        lambda s: _kind(
            "note.edit", note_id=_notes(s), text=st.sampled_from(["edited", "secret edit"])
        ),
        3,
    ),
    "note.move": (
        lambda s: st.builds(_note_move, _notes(s), st.none() | _areas(s), _COORD, _COORD),
        3,
    ),
    "note.delete": (lambda s: _kind("note.delete", note_id=_notes(s)), 2),
    "area.add": (
        lambda s: _kind(
            "area.add",
            area=st.fixed_dictionaries(
                {"id": st.sampled_from(["extra", "values"]), "title": st.just("Extra")},
                optional={
                    "prompt": st.just("Why?"),
                    # a quadrant area (2x2, low to high along each axis)
                    "axes": st.just({"x": "Effort", "y": "Effect"}),
                },
            ),
        ),
        1,
    ),
    "area.rename": (lambda s: _kind("area.rename", area_id=_areas(s), title=st.just("New")), 1),
    "area.delete": (lambda s: _kind("area.delete", area_id=_areas(s)), 1),
    "board.rename": (lambda s: _kind("board.rename", title=st.just("Retitled")), 1),
    "participant.join": (
        lambda s: _kind(
            "participant.join",
            participant=st.fixed_dictionaries(
                {
                    "id": st.sampled_from([CY, CY, ANN]),
                    "name": st.just("Cy"),
                    "role": st.just("participant"),
                }
            ),
        ),
        2,
    ),
    "phase.set": (
        lambda s: _kind(
            "phase.set",
            phase=st.sampled_from(["silent", "together", "silent", "together", "nope"]),
            focus=_some(_areas(s)),
        ),
        3,
    ),
    "focus.set": (lambda s: _kind("focus.set", areas=_some(_areas(s))), 1),
    "timer.set": (lambda s: _kind("timer.set", minutes=_MINUTES), 1),
    "timer.start": (lambda s: _kind("timer.start"), 2),
    "timer.pause": (lambda s: _kind("timer.pause"), 1),
    "timer.add": (
        lambda s: _kind(
            "timer.add",
            minutes=st.sampled_from([1, -1, -30, 2.5, -1.5 / 60_000]) | st.floats(-480, 480),
        ),
        1,
    ),
    "notes.reveal": (lambda s: _kind("notes.reveal", area=st.none() | _areas(s)), 2),
    "board.lock": (lambda s: _kind("board.lock", locked=st.booleans()), 1),
    "board.anonymous": (lambda s: _kind("board.anonymous", anonymous=st.booleans()), 2),
    "meeting.close": (lambda s: _kind("meeting.close", force=st.booleans()), 1),
    "vote.open": (
        lambda s: _kind("vote.open", per_person=st.integers(1, 2), area=st.none() | _areas(s)),
        3,
    ),
    "vote.cast": (lambda s: _kind("vote.cast", note_id=_notes(s)), 4),
    "vote.retract": (lambda s: _kind("vote.retract", note_id=_notes(s)), 2),
    "vote.close": (lambda s: _kind("vote.close"), 1),
    "vote.reopen": (lambda s: _kind("vote.reopen"), 1),
    "priorities.set": (lambda s: _kind("priorities.set", note_ids=_some(_notes(s))), 1),
    "group.add": (
        lambda s: _kind(
            "group.add",
            group=st.fixed_dictionaries(
                {"id": _one([], ["g1", "g2"]), "area": _areas(s)},
                optional={"name": st.just("Trust")},
            ),
        ),
        2,
    ),
    "group.rename": (
        lambda s: _kind("group.rename", group_id=_groups(s), name=st.sampled_from(["", "Time"])),
        1,
    ),
    "group.delete": (lambda s: _kind("group.delete", group_id=_groups(s)), 1),
    "note.group": (
        lambda s: _kind("note.group", note_id=_notes(s), group_id=st.none() | _groups(s)),
        2,
    ),
    "note.color": (
        lambda s: _kind("note.color", note_id=_notes(s), color=st.sampled_from(["pink", "green"])),
        1,
    ),
    "link.add": (
        lambda s: _kind(
            "link.add",
            link=st.fixed_dictionaries(
                {
                    "id": _one([], ["l1", "l2"]),
                    "a": _notes(s),
                    "b": _notes(s),
                    "contradiction": st.booleans(),
                }
            ),
        ),
        3,
    ),
    "link.mark": (
        lambda s: _kind("link.mark", link_id=_links(s), contradiction=st.booleans()),
        1,
    ),
    "link.delete": (lambda s: _kind("link.delete", link_id=_links(s)), 1),
    "note.own": (
        lambda s: _kind(
            "note.own",
            note_id=_notes(s),
            owner=_OWNER,
            due=st.sampled_from([None, "2027-01-15", "2026-12-24"]),
        ),
        2,
    ),
    "idea.park": (
        lambda s: _kind(
            "idea.park",
            idea=st.fixed_dictionaries({"id": _one([], ["i1", "i2"]), "text": st.just("Later")}),
        ),
        2,
    ),
    "idea.own": (lambda s: _kind("idea.own", idea_id=_ideas(s), owner=_OWNER), 2),
    "idea.delete": (lambda s: _kind("idea.delete", idea_id=_ideas(s)), 1),
    "field.set": (
        lambda s: _kind(
            "field.set",
            field=st.sampled_from(["goal", "goal", "nope"]),
            text=st.sampled_from(["", "Our goal"]),
        ),
        1,
    ),
    "cell.set": (
        lambda s: _kind(
            "cell.set",
            table=_TABLE,
            row=_ROW,
            column=st.sampled_from(["what", "who", "when"]),
            text=st.sampled_from(["", "Ann"]),
        ),
        1,
    ),
    "row.add": (lambda s: _kind("row.add", table=_TABLE, row=_ROW), 1),
    "row.delete": (lambda s: _kind("row.delete", table=_TABLE, row=_ROW), 1),
    "score.set": (
        lambda s: _kind(
            "score.set",
            criterion=st.sampled_from(["clarity", "relevance", "nope"]),
            score=st.integers(0, 6),
        ),
        2,
    ),
    "grid.set": (
        lambda s: _kind(
            "grid.set",
            criteria=st.lists(
                st.builds(
                    lambda i, label: {"id": i, "label": label},
                    st.sampled_from(["clarity", "reach", "cost"]),
                    st.sampled_from(["Klarhed", "Reach", "Cost <b>"]),
                ),
                min_size=1,
                max_size=3,
                unique_by=lambda c: c["id"],
            ),
            low=st.integers(0, 2),
            high=st.integers(3, 7),
        ),
        1,
    ),
    "summary.set": (
        lambda s: _kind("summary.set", text=st.sampled_from(["", "Opsummering: tre temaer"])),
        1,
    ),
    "consent.set": (lambda s: _kind("consent.set", consent=st.booleans()), 1),
    "breakout.start": (
        lambda s: _kind(
            "breakout.start",
            groups=st.lists(
                st.builds(
                    _breakout,
                    st.sampled_from(["b1", "b2"]),
                    st.sampled_from(["Group 1", "Group 2"]),
                    _some(_PERSON),
                    st.none() | _PERSON,
                    st.none() | _PERSON,
                ),
                min_size=1,
                max_size=3,
            ),
        ),
        2,
    ),
    "breakout.assign": (
        lambda s: _kind(
            "breakout.assign",
            participant=_PERSON,
            group=_one(list(s.breakouts), ["b1", "b9"]),
        ),
        1,
    ),
    "breakout.end": (lambda s: _kind("breakout.end"), 1),
    "breakout.roles": (
        lambda s: _kind(
            "breakout.roles",
            group=_one(list(s.breakouts), ["b1", "b9"]),
            note_taker=st.none() | _PERSON,
            discussion_leader=st.none() | _PERSON,
        ),
        1,
    ),
    "survey.set": (
        lambda s: _kind(
            "survey.set",
            questions=st.lists(
                st.sampled_from(_QUESTIONS), min_size=1, max_size=3, unique_by=lambda q: q["id"]
            ),
            deadline=st.sampled_from([None, 5_000, 20_000, 10**12]),
            anonymous=st.booleans(),
        ),
        1,
    ),
    "survey.answer": (
        lambda s: _kind(
            "survey.answer",
            answers=st.lists(st.sampled_from(_ANSWERS), min_size=1, max_size=2).map(dict),
        ),
        6,
    ),
    "survey.close": (lambda s: _kind("survey.close"), 1),
    "poll.open": (
        lambda s: _kind(
            "poll.open",
            poll=st.sampled_from(_POLLS).map(lambda p: {**p, "hidden": False})
            | st.sampled_from(_POLLS).map(lambda p: {**p, "hidden": True}),
        ),
        2,
    ),
    "poll.answer": (
        lambda s: _kind("poll.answer", poll_id=st.sampled_from([p["id"] for p in _POLLS])).flatmap(
            lambda op: st.one_of(
                st.lists(st.integers(0, 6), min_size=1, max_size=3).map(
                    lambda c: {**op, "choices": c}
                ),
                st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(
                    lambda w: {**op, "words": w}
                ),
            )
        ),
        6,
    ),
    "poll.close": (
        lambda s: _kind("poll.close", poll_id=st.sampled_from([p["id"] for p in _POLLS])),
        1,
    ),
    "poll.show": (
        lambda s: _kind(
            "poll.show",
            poll_id=st.sampled_from([p["id"] for p in _POLLS]),
            shown=st.booleans(),
        ),
        1,
    ),
    "ready.set": (lambda s: _kind("ready.set", ready=st.booleans()), 1),
    "hand.raise": (lambda s: _kind("hand.raise"), 1),
    "hand.lower": (lambda s: _kind("hand.lower", participant=st.none() | _PERSON), 1),
    "reaction.toggle": (
        lambda s: _kind("reaction.toggle", note_id=_notes(s), reaction=st.sampled_from(REACTIONS)),
        2,
    ),
    "moderation.set": (
        lambda s: _kind("moderation.set", on=st.sampled_from([True, True, False])),
        2,
    ),
    "note.approve": (
        lambda s: _kind("note.approve", note_ids=st.lists(_notes(s), min_size=1, max_size=3)),
        3,
    ),
    "note.decline": (
        lambda s: _kind(
            "note.decline", note_id=_notes(s), reason=st.sampled_from(["", "secret reason"])
        ),
        2,
    ),
    "note.merge": (
        lambda s: st.builds(_note_merge, _notes(s), st.lists(_notes(s), min_size=1, max_size=2)),
        2,
    ),
    "role.set": (
        lambda s: _kind(
            "role.set", participant=_PERSON, role=st.sampled_from(["facilitator", "participant"])
        ),
        1,
    ),
    "lead.set": (lambda s: _kind("lead.set", participant=st.none() | _PERSON), 1),
    "scribe.set": (lambda s: _kind("scribe.set", participant=_PERSON, on=st.booleans()), 1),
}
# every kind of ops.py is drawn, none with weight 0, each strategy making its own kind
assert set(OPS_BY_KIND) == set(KINDS), set(KINDS) ^ set(OPS_BY_KIND)
assert all(weight > 0 for _, weight in OPS_BY_KIND.values()), OPS_BY_KIND


@functools.cache
def _strategy(kind: str, shape: _Shape) -> _S[dict[str, Any]]:
    return OPS_BY_KIND[kind][0](shape)


_KINDS = st.sampled_from([k for k, (_, weight) in OPS_BY_KIND.items() for _ in range(weight)])
_WRITER = st.sampled_from(_WRITERS)


@st.composite
def _steps(draw: st.DrawFn, max_ops: int) -> list[tuple[dict[str, Any], str]]:
    """Ops drawn one by one against the board so far, so most find what they work on."""
    steps: list[tuple[dict[str, Any], str]] = []
    state = start()
    for i in range(1, draw(st.integers(5, max_ops)) + 1):
        kind = "note.add" if i <= 2 else draw(_KINDS)
        raw, by = draw(_strategy(kind, _Shape.of(state))), draw(_WRITER)
        mine = state.voting.votes.get(sender(state, kind, raw, by), ()) if state.voting else ()
        if kind == "vote.retract" and mine:  # mostly a vote the sender has cast
            raw["note_id"] = draw(st.sampled_from([*mine, raw["note_id"]]))
        steps.append((raw, by))
        state = _step(state, i, raw, by)[1]
    return steps


def steps(max_ops: int = 40) -> _S[list[tuple[dict[str, Any], str]]]:
    """Streams of (op as a client sends it, who sends it), 5 to `max_ops` ops long."""
    return _steps(max_ops)


STEPS = steps()


@dataclass(frozen=True)
class Entry:
    """One op of a stream as the server's log holds it, and the full state after it."""

    wire: dict[str, Any]  # seq, id, by, op (completed) and `noop` when it changed nothing
    state: BoardState


def sender(state: BoardState, kind: str, raw: dict[str, Any], by: str) -> str:
    """Who the server would take `raw` from: a joining participant's join is theirs, a
    facilitator's kind comes from the facilitator, and nobody sends before joining."""
    if kind == "participant.join":
        return str(raw["participant"]["id"])
    if kind not in SENDERS or "participant" not in SENDERS[kind]:
        return FAC
    return by if by in state.participants else BO


def run(steps: list[tuple[dict[str, Any], str]]) -> list[Entry]:
    """The server's log of `steps`: each op completed and applied in turn."""
    full = start()
    log = []
    for i, (raw, by) in enumerate(steps, start=1):
        wire, full = _step(full, i, raw, by)
        log.append(Entry(wire, full))
    return log


def _step(
    full: BoardState, seq: int, raw: dict[str, Any], by: str
) -> tuple[dict[str, Any], BoardState]:
    by = sender(full, raw["kind"], raw, by)
    full, op, noop = send(full, by, raw, now_ms=1_000 * seq)
    wire: dict[str, Any] = {"seq": seq, "id": f"op-{seq}", "by": by, "op": dump_op(op)}
    if noop is not None:
        wire["noop"] = noop
    return wire, full
