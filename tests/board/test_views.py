"""Redaction keeps replicas exact: a viewer applying the records as delivered to it holds
precisely its view of the server's state, whatever the ops, phases and votes."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from server.board.apply import Record, apply, follow
from server.board.complete import complete
from server.board.ops import parse_op
from server.board.state import Area, BoardState, GridSpec, Participant, PhaseSpec, new_board
from server.board.views import RULES, redact, released, view_state

FAC, ANN, BO, WALL = "p-fac", "p-ann", "p-bo", "p-wall"
PEOPLE = (FAC, ANN, BO, WALL)  # WALL: the projector's viewer token


def start() -> BoardState:
    board = new_board(
        "b",
        "Analysis",
        "category-analysis",
        "en",
        (Area("values", "Values"), Area("myths", "Urban myths")),
        phases=(PhaseSpec("silent", "individual", 12), PhaseSpec("together", "joint", 15)),
        grid=GridSpec(("clarity", "relevance"), 1, 5),
    )
    participants = {
        FAC: Participant(FAC, "Fac", "facilitator"),
        ANN: Participant(ANN, "Ann", "participant"),
        BO: Participant(BO, "Bo", "participant"),
        WALL: Participant(WALL, "", "viewer"),
    }
    return replace(board, participants=participants)


_NOTE = st.sampled_from(["n1", "n2", "n3"])
_AREA = st.sampled_from(["values", "myths"])
_OPS = st.one_of(
    st.builds(
        lambda n, a, t: {"kind": "note.add", "note": {"id": n, "area": a, "text": t}},
        _NOTE,
        _AREA,
        st.sampled_from(["hidden", "secret", "plain"]),
    ),
    st.builds(lambda n: {"kind": "note.edit", "note_id": n, "text": "edited"}, _NOTE),
    st.builds(lambda n, a: {"kind": "note.move", "note_id": n, "area": a}, _NOTE, _AREA),
    st.builds(lambda n: {"kind": "note.delete", "note_id": n}, _NOTE),
    st.builds(lambda p: {"kind": "phase.set", "phase": p}, st.sampled_from(["silent", "together"])),
    st.builds(lambda a: {"kind": "notes.reveal", "area": a}, st.one_of(st.none(), _AREA)),
    st.builds(lambda k: {"kind": "vote.open", "per_person": k}, st.integers(1, 2)),
    st.builds(lambda n: {"kind": "vote.cast", "note_id": n}, _NOTE),
    st.builds(lambda n: {"kind": "vote.retract", "note_id": n}, _NOTE),
    st.just({"kind": "vote.close"}),
    st.builds(lambda n: {"kind": "link.add", "link": {"id": "l1", "a": n, "b": "n1"}}, _NOTE),
    st.builds(lambda n: {"kind": "priorities.set", "note_ids": [n]}, _NOTE),
    st.builds(
        lambda n, a, t: {"kind": "note.add", "note": {"id": n, "area": a, "text": t, "example": 1}},
        _NOTE,
        _AREA,
        st.sampled_from(["example", "sample"]),
    ),
    st.builds(lambda a: {"kind": "group.add", "group": {"id": "g1", "area": a}}, _AREA),
    st.builds(
        lambda n, g: {"kind": "note.group", "note_id": n, "group_id": g},
        _NOTE,
        st.sampled_from(["g1", None]),
    ),
    st.builds(
        lambda n, c: {"kind": "note.color", "note_id": n, "color": c},
        _NOTE,
        st.sampled_from(["pink", "green"]),
    ),
    st.builds(
        lambda n, o: {"kind": "note.own", "note_id": n, "owner": o},
        _NOTE,
        st.sampled_from(["Ann Berg", None]),
    ),
    st.builds(
        lambda c, v: {"kind": "score.set", "criterion": c, "score": v},
        st.sampled_from(["clarity", "relevance", "nope"]),
        st.integers(0, 6),
    ),
    st.builds(lambda b: {"kind": "board.lock", "locked": b}, st.booleans()),
    st.builds(lambda b: {"kind": "board.anonymous", "anonymous": b}, st.booleans()),
    st.builds(lambda f: {"kind": "meeting.close", "force": f}, st.booleans()),
)


_SILENT_ROUND = [
    ({"kind": "phase.set", "phase": "silent"}, FAC),
    ({"kind": "note.add", "note": {"id": "n1", "area": "values", "text": "secret"}}, ANN),
    ({"kind": "note.add", "note": {"id": "n2", "area": "values", "text": "hidden"}}, FAC),
    ({"kind": "note.move", "note_id": "n1", "area": "myths"}, ANN),
    ({"kind": "note.own", "note_id": "n1", "owner": "Ann Berg"}, ANN),
    ({"kind": "score.set", "criterion": "clarity", "score": 4}, BO),
    ({"kind": "score.set", "criterion": "clarity", "score": 2}, ANN),
    ({"kind": "board.lock", "locked": True}, FAC),
    ({"kind": "note.delete", "note_id": "n2"}, FAC),
    ({"kind": "note.edit", "note_id": "n1", "text": "secret too"}, ANN),
    ({"kind": "phase.set", "phase": "together"}, FAC),
    ({"kind": "notes.reveal"}, FAC),
]


@settings(max_examples=400, deadline=None)
@example(_SILENT_ROUND)
@given(st.lists(st.tuples(_OPS, st.sampled_from(PEOPLE)), max_size=40))
def test_every_viewer_replica_equals_its_view_of_the_full_state(
    steps: list[tuple[dict[str, Any], str]],
) -> None:
    full = start()
    replicas = {p: view_state(full, p) for p in PEOPLE}
    log = []
    for i, (raw, by) in enumerate(steps, start=1):
        op = complete(full, parse_op(raw), by, now_ms=1_000 * i)
        record = Record(i, f"op-{i}", by, op)
        full, noop = apply(full, record)
        wire = record.to_json()
        log.append({**wire, "noop": noop})
        for viewer in PEOPLE:
            raw = redact(wire, viewer)
            rule = RULES.get(wire["op"]["kind"])
            if viewer != by and rule is not None:
                # nothing hidden on the wire: neither the text nor, where hidden, the sender
                if rule.content(wire["op"]):
                    assert "hidden" not in json.dumps(raw) and "secret" not in json.dumps(raw)
                if rule.sender(wire["op"]):
                    assert by not in json.dumps(raw)
            delivered = Record.from_json(raw)
            replicas[viewer] = follow(replicas[viewer], delivered, noop)
            expected = view_state(full, viewer)
            assert replicas[viewer] == expected, f"viewer {viewer} diverged at seq {i}"
            assert replicas[viewer].to_json() == expected.to_json()
    # the history as an export gives it later (what became public whole) replays the same
    public = released(log)
    for viewer in PEOPLE:
        replica = view_state(start(), viewer)
        for entry in log:
            noop = entry["noop"]
            delivered = Record.from_json(redact(entry, viewer, public))
            replica = follow(replica, delivered, noop)
        assert replica == view_state(full, viewer), f"{viewer}'s history replays otherwise"


def test_a_private_note_reaches_others_blank_and_its_author_whole() -> None:
    board = start()
    board, _ = apply(
        board, Record(1, "o1", FAC, parse_op({"kind": "phase.set", "phase": "silent"}))
    )
    add = parse_op({"kind": "note.add", "note": {"id": "n1", "area": "values", "text": "trust"}})
    record = Record(2, "o2", ANN, complete(board, add, ANN, 0)).to_json()
    assert redact(record, ANN)["op"]["note"]["text"] == "trust"
    assert redact(record, BO)["op"]["note"]["text"] == ""
    assert redact(record, FAC)["op"]["note"]["text"] == ""
