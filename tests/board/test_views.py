"""Redaction keeps replicas exact: a viewer applying the records as delivered to it holds
precisely its view of the server's state, whatever the ops, phases and votes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from server.board.apply import NoopReason, Record, apply, follow
from server.board.complete import complete
from server.board.ops import parse_op
from server.board.views import RULES, pending_author, redact, released, view_state
from tests.board.streams import (
    ANN,
    BO,
    FAC,
    OPS_BY_KIND,
    SECRET_WORDS,
    VIEWERS,
    Entry,
    _Shape,
    run,
    start,
    steps,
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


@settings(max_examples=300, deadline=None)
@example(_SILENT_ROUND)
@given(steps(max_ops=15))
def test_every_viewer_replica_equals_its_view_of_the_full_state(
    steps: list[tuple[dict[str, Any], str]],
) -> None:
    log = run(steps)
    replicas = {p: view_state(start(), p) for p in VIEWERS}
    roles = {p: start().role_of(p) for p in VIEWERS}
    for entry in log:
        wire, full, by = entry.wire, entry.state, entry.wire["by"]
        noop = NoopReason(wire["noop"]) if "noop" in wire else None
        for viewer in VIEWERS:
            role = full.role_of(viewer)
            raw = redact(wire, viewer, role=role)
            rule = RULES.get(wire["op"]["kind"])
            waiting = pending_author(wire)
            if waiting is not None and viewer not in (by, waiting) and role != "facilitator":
                # a note in the inbox: neither its text, nor the reason it was declined
                assert not any(word in json.dumps(raw) for word in SECRET_WORDS)
            if viewer != by and rule is not None:
                # nothing hidden on the wire: neither the text nor, where hidden, the sender
                if rule.content(wire["op"]):
                    assert not any(word in json.dumps(raw) for word in SECRET_WORDS)
                if rule.sender(wire["op"]):
                    assert by not in json.dumps(raw)
            delivered = Record.from_json(raw)
            replicas[viewer] = follow(replicas[viewer], delivered, noop)
            if None not in (roles[viewer], role) and role != roles[viewer]:
                # a role sees more or less: a client whose role changed loads the board again
                replicas[viewer] = view_state(full, viewer)
            roles[viewer] = role
            expected = view_state(full, viewer)
            assert replicas[viewer] == expected, (
                f"viewer {viewer} diverged at seq {wire['seq']}; the log so far:\n"
                + _printed(log[: wire["seq"]])
            )
    # the history as an export gives it later (what became public whole) replays the same
    wires = [e.wire for e in log]
    public = released(wires)
    final = log[-1].state if log else start()
    for viewer in VIEWERS:
        replica = view_state(start(), viewer)
        for wire in wires:
            noop = NoopReason(wire["noop"]) if "noop" in wire else None
            role = final.role_of(viewer)
            replica = follow(
                replica, Record.from_json(redact(wire, viewer, public, role=role)), noop
            )
        assert replica == view_state(final, viewer), (
            f"{viewer}'s history replays otherwise; the log:\n{_printed(log)}"
        )
        assert replica.to_json() == view_state(final, viewer).to_json()


def _printed(log: list[Entry]) -> str:
    """The server's log of a stream, one record a line, as a failure prints it."""
    return "\n".join(json.dumps(e.wire, ensure_ascii=False) for e in log)


def test_a_private_note_reaches_others_blank_and_its_author_whole() -> None:
    board = start()
    board, _ = apply(
        board, Record(1, "o1", FAC, parse_op({"kind": "phase.set", "phase": "silent"}))
    )
    add = parse_op({"kind": "note.add", "note": {"id": "n1", "area": "values", "text": "trust"}})
    record = Record(2, "o2", ANN, complete(board, add, ANN, 0)).to_json()
    assert redact(record, ANN, role=board.role_of(ANN))["op"]["note"]["text"] == "trust"
    assert redact(record, BO, role=board.role_of(BO))["op"]["note"]["text"] == ""
    assert redact(record, FAC, role=board.role_of(FAC))["op"]["note"]["text"] == ""


@settings(max_examples=5)
@given(st.data())
def test_the_stream_strategy_of_each_kind_draws_an_op_of_that_kind(data: st.DataObject) -> None:
    shape = _Shape.of(start())
    for kind, (strategy, _) in OPS_BY_KIND.items():
        assert data.draw(strategy(shape))["kind"] == kind
