"""The pure board state machine: what each op does, and what it refuses as a recorded no-op."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.board.apply import NoopReason, Record, apply, replay
from server.board.ops import looks_empty, parse_op
from server.board.state import Area, BoardState, Participant, new_board

FAC, ANNA, BO = "p-fac", "p-anna", "p-bo"


def board() -> BoardState:
    start = new_board("b1", "Workshop", "free", "da", (Area("main", "Tavlen"),))
    people = {
        FAC: Participant(FAC, "Facilitator", "facilitator"),
        ANNA: Participant(ANNA, "Anna", "participant"),
        BO: Participant(BO, "Bo", "participant"),
    }
    return replace(start, participants=people)


def run(state: BoardState, by: str, op: dict[str, Any]) -> tuple[BoardState, NoopReason | None]:
    return apply(state, Record(seq=state.seq + 1, id=f"op-{state.seq + 1}", by=by, op=parse_op(op)))


def add(note_id: str, text: str = "hello", area: str = "main") -> dict[str, Any]:
    return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}


def test_added_note_belongs_to_its_sender_and_advances_seq() -> None:
    state, noop = run(board(), ANNA, add("n1", "Skjult skat: borgerne"))
    assert noop is None
    assert state.seq == 1
    assert state.notes["n1"].author == ANNA
    assert state.notes["n1"].text == "Skjult skat: borgerne"


def test_edit_of_a_deleted_note_is_a_noop_that_still_takes_a_seq() -> None:
    state, _ = run(board(), ANNA, add("n1"))
    state, _ = run(state, ANNA, {"kind": "note.delete", "note_id": "n1"})
    after, noop = run(state, ANNA, {"kind": "note.edit", "note_id": "n1", "text": "late"})
    assert noop is NoopReason.NOTE_NOT_FOUND
    assert after.seq == state.seq + 1
    assert after.notes == state.notes


def test_participant_cannot_edit_or_delete_someone_elses_note_but_facilitator_can() -> None:
    state, _ = run(board(), ANNA, add("n1"))
    _, noop = run(state, BO, {"kind": "note.edit", "note_id": "n1", "text": "mine now"})
    assert noop is NoopReason.NOT_AUTHOR
    _, noop = run(state, BO, {"kind": "note.delete", "note_id": "n1"})
    assert noop is NoopReason.NOT_AUTHOR
    edited, noop = run(state, FAC, {"kind": "note.edit", "note_id": "n1", "text": "tidied"})
    assert noop is None and edited.notes["n1"].text == "tidied"


def test_anyone_writing_may_move_any_note_between_areas() -> None:
    state, _ = run(board(), FAC, {"kind": "area.add", "area": {"id": "later", "title": "Later"}})
    state, _ = run(state, ANNA, add("n1"))
    moved, noop = run(state, BO, {"kind": "note.move", "note_id": "n1", "area": "later", "x": 5})
    assert noop is None
    assert (moved.notes["n1"].area, moved.notes["n1"].x) == ("later", 5)


def test_anyone_writing_may_recolour_a_note_but_not_anothers_private_one() -> None:
    state, _ = run(board(), ANNA, add("n1"))
    coloured, noop = run(state, BO, {"kind": "note.color", "note_id": "n1", "color": "green"})
    assert noop is None and coloured.notes["n1"].color == "green"
    private = replace(state, notes={"n1": replace(state.notes["n1"], private=True)})
    _, noop = run(private, BO, {"kind": "note.color", "note_id": "n1", "color": "pink"})
    assert noop is NoopReason.NOT_AUTHOR
    with pytest.raises(ValueError, match="color"):
        parse_op({"kind": "note.color", "note_id": "n1", "color": "grey"})


def test_note_in_unknown_area_and_duplicate_note_id_are_noops() -> None:
    _, noop = run(board(), ANNA, add("n1", area="nowhere"))
    assert noop is NoopReason.AREA_NOT_FOUND
    state, _ = run(board(), ANNA, add("n1"))
    _, noop = run(state, BO, add("n1", "again"))
    assert noop is NoopReason.NOTE_EXISTS


def test_area_with_notes_or_the_last_area_cannot_be_deleted() -> None:
    state, _ = run(board(), ANNA, add("n1"))
    _, noop = run(state, FAC, {"kind": "area.delete", "area_id": "main"})
    assert noop is NoopReason.LAST_AREA
    state, _ = run(state, FAC, {"kind": "area.add", "area": {"id": "b", "title": "B"}})
    _, noop = run(state, FAC, {"kind": "area.delete", "area_id": "main"})
    assert noop is NoopReason.AREA_NOT_EMPTY
    emptied, noop = run(state, FAC, {"kind": "area.delete", "area_id": "b"})
    assert noop is None and [a.id for a in emptied.areas] == ["main"]


def test_apply_refuses_a_record_out_of_order() -> None:
    with pytest.raises(ValueError, match="does not follow"):
        apply(board(), Record(seq=5, id="x", by=ANNA, op=parse_op(add("n1"))))


def test_state_survives_its_json_form_unchanged() -> None:
    state, _ = run(board(), ANNA, {**add("n1", "æøå 🎉"), "note": {**add("n1")["note"], "x": 1.5}})
    assert BoardState.from_json(state.to_json()) == state


# Random op sequences: two replicas fed the same records agree, and so does a replay.

_ids = st.sampled_from(["n1", "n2", "n3", "n4"])
_areas = st.sampled_from(["main", "a2", "gone"])


# a text the ops take: ops refuse NUL and text that shows nothing, so apply never sees those
_text = st.text(min_size=1, max_size=20).filter(lambda t: "\x00" not in t and not looks_empty(t))
_ops = st.one_of(
    st.builds(lambda i, a, t: add(i, t, a), _ids, _areas, _text),
    st.builds(lambda i, t: {"kind": "note.edit", "note_id": i, "text": t}, _ids, _text),
    st.builds(lambda i, a: {"kind": "note.move", "note_id": i, "area": a}, _ids, _areas),
    st.builds(lambda i: {"kind": "note.delete", "note_id": i}, _ids),
    st.builds(lambda a: {"kind": "area.add", "area": {"id": a, "title": a}}, _areas),
    st.builds(lambda a: {"kind": "area.delete", "area_id": a}, _areas),
)
_steps = st.lists(st.tuples(st.sampled_from([FAC, ANNA, BO]), _ops), max_size=60)


@settings(max_examples=200)
@given(_steps)
def test_replicas_applying_the_same_ops_agree_and_equal_a_replay(steps: list[Any]) -> None:
    start = board()
    records = [
        Record(seq=i + 1, id=f"op-{i}", by=by, op=parse_op(op)) for i, (by, op) in enumerate(steps)
    ]
    one, two = start, start
    reasons_one, reasons_two = [], []
    for record in records:
        one, r1 = apply(one, record)
        two, r2 = apply(BoardState.from_json(two.to_json()), record)  # a replica from the wire
        reasons_one.append(r1)
        reasons_two.append(r2)
    assert one == two
    assert reasons_one == reasons_two
    assert replay(start, records) == one
    assert one.seq == len(records)
