"""The facilitators' inbox (moderated posting) on the board domain alone: who sees a note
that waits, and what approving, declining and merging do to every replica."""

from __future__ import annotations

import json
from typing import Any

from server.board.apply import NoopReason, Record, follow
from server.board.views import ANYONE, redact, released, view_state
from tests.board.streams import ANN, BO, FAC, VIEWERS, WALL, Entry, run, start


def _add(note_id: str, text: str, area: str = "values") -> dict[str, Any]:
    return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}


_MODERATED_ROUND = [
    ({"kind": "moderation.set", "on": True}, FAC),
    (_add("n1", "secret doubt"), ANN),
    (_add("n2", "Trust the team"), BO),
    (_add("n3", "trust the team!"), ANN),
    (_add("n4", "Facilitator's example"), FAC),  # a facilitator's note waits for nobody
    ({"kind": "note.edit", "note_id": "n1", "text": "secret doubt, reworded"}, ANN),
    ({"kind": "note.move", "note_id": "n1", "x": 40, "y": 40}, ANN),
    ({"kind": "note.edit", "note_id": "n2", "text": "Trust in the team"}, FAC),
    ({"kind": "vote.open", "per_person": 2}, FAC),
    ({"kind": "vote.cast", "note_id": "n2"}, BO),  # not yet: it waits
    ({"kind": "note.approve", "note_ids": ["n2", "n3"]}, FAC),
    ({"kind": "note.merge", "note_id": "n2", "from": ["n3"]}, FAC),
    ({"kind": "note.decline", "note_id": "n1", "reason": "secret: off topic"}, FAC),
    ({"kind": "note.approve", "note_ids": ["n4"]}, FAC),  # never waited
]


def _noops(log: list[Entry]) -> list[str | None]:
    return [e.wire.get("noop") for e in log]


def test_a_participants_note_waits_seen_only_by_its_author_and_the_facilitators() -> None:
    log = run(_MODERATED_ROUND[:5])
    board = log[-1].state
    assert board.notes["n1"].pending and not board.notes["n4"].pending
    for viewer in (ANN, FAC):
        assert view_state(board, viewer).notes["n1"].text == "secret doubt"
    for viewer in (BO, WALL, ANYONE):
        seen = view_state(board, viewer)
        assert "n1" not in seen.notes and "n3" not in seen.notes  # not even a placeholder
        assert "n4" in seen.notes and ("n2" in seen.notes) == (viewer == BO)


def test_approve_decline_and_merge_as_the_room_and_the_author_see_them() -> None:
    log = run(_MODERATED_ROUND)
    assert _noops(log)[9] == NoopReason.NOTE_PENDING  # no vote on a note still waiting
    assert _noops(log)[13] == NoopReason.NOT_PENDING
    assert all(n is None for i, n in enumerate(_noops(log)) if i not in (9, 13))
    board = log[-1].state
    kept = board.notes["n2"]
    assert kept.text == "Trust in the team" and kept.author == BO and kept.authors == (ANN,)
    assert kept.edited_by_facilitator and not board.notes["n4"].edited_by_facilitator
    assert set(board.notes) == {"n2", "n4"} and not kept.pending
    # declined: gone for everyone; the author and the facilitators know why
    assert view_state(board, ANN).declined["n1"].reason == "secret: off topic"
    assert view_state(board, FAC).declined["n1"].text == "secret doubt, reworded"
    for viewer in (BO, WALL, ANYONE):
        assert view_state(board, viewer).declined == {}


def test_a_merge_keeps_every_vote_and_takes_notes_everyone_sees() -> None:
    steps = [
        (_add("n1", "More time"), ANN),
        (_add("n2", "more time please"), BO),
        (_add("n3", "Less time"), BO),
        ({"kind": "vote.open", "per_person": 3}, FAC),
        ({"kind": "vote.cast", "note_id": "n1"}, ANN),
        ({"kind": "vote.cast", "note_id": "n2"}, ANN),
        ({"kind": "vote.cast", "note_id": "n2"}, BO),
        ({"kind": "note.merge", "note_id": "n1", "from": ["n2"]}, FAC),
        ({"kind": "vote.close"}, FAC),
        ({"kind": "moderation.set", "on": True}, FAC),
        (_add("n4", "waiting"), ANN),
        ({"kind": "note.merge", "note_id": "n3", "from": ["n4"]}, FAC),
    ]
    log = run(steps)
    board = log[-1].state
    assert board.voting is not None and board.voting.results() == {"n1": 3}
    assert board.notes["n1"].authors == (BO,) and "n2" not in board.notes
    assert log[-1].wire["noop"] == NoopReason.NOTE_PENDING and board.notes["n4"].pending


def test_every_replica_holds_its_view_and_no_frame_leaks_a_waiting_note() -> None:
    log = run(_MODERATED_ROUND)
    public = released([e.wire for e in log])
    for viewer in (*VIEWERS, ANYONE):
        live = history = view_state(start(), viewer)
        for entry in log:
            role = entry.state.role_of(viewer)
            noop = NoopReason(entry.wire["noop"]) if "noop" in entry.wire else None
            frame = redact(entry.wire, viewer, role=role)
            if viewer not in (ANN, FAC):
                assert "secret" not in json.dumps(frame), (viewer, frame)
            live = follow(live, Record.from_json(frame), noop)
            assert live == view_state(entry.state, viewer), (viewer, entry.wire)
            later = redact(entry.wire, viewer, public, role=role)
            if viewer not in (ANN, FAC):
                assert "secret" not in json.dumps(later)
            history = follow(history, Record.from_json(later), noop)
        assert history == live
