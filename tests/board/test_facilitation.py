"""The facilitation ops on the board domain alone: timer, lock, closing, tables, grid,
breakout groups."""

from __future__ import annotations

from typing import Any

from server.board.state import Area, BoardState, GridSpec, Participant, PhaseSpec, Table
from tests.board.boards import a_board, send

FAC, ANN, BO = "p-fac", "p-ann", "p-bo"


class Board:
    """A board driven op by op, as a room would: completed, sequenced, applied."""

    def __init__(self) -> None:
        self.state: BoardState = a_board(
            "Meeting",
            "sounding-board",
            "da",
            (Area("main", "Tavlen"),),
            (
                Participant(FAC, "Fac", "facilitator"),
                Participant(ANN, "Ann", "participant"),
                Participant(BO, "Bo", "participant"),
            ),
            phases=(PhaseSpec("groups", "breakout", 20),),
            fields={"topic": "", "notes": ""},
            facilitator_fields=("topic",),
            tables={"agenda": Table(("time", "content"), ("r1",))},
            grid=GridSpec(("clarity",), 1, 5),
        )
        self.clock = 0

    def send(self, by: str, op: dict[str, Any], at_ms: int | None = None) -> str | None:
        if at_ms is not None:
            self.clock = at_ms
        self.state, _, noop = send(self.state, by, op, self.clock)
        return noop


def test_the_timer_runs_on_the_servers_clock_and_survives_pauses() -> None:
    board = Board()
    assert board.send(FAC, {"kind": "phase.set", "phase": "groups"}) is None
    assert board.state.timer.remaining(0) == 20 * 60_000
    board.send(FAC, {"kind": "timer.start"}, at_ms=1_000)
    assert board.state.timer.remaining(61_000) == 19 * 60_000
    board.send(FAC, {"kind": "timer.pause"}, at_ms=61_000)
    assert board.state.timer.remaining(999_999) == 19 * 60_000  # paused: time stands still
    assert board.send(FAC, {"kind": "timer.pause"}) == "timer_stopped"
    board.send(FAC, {"kind": "timer.add", "minutes": 2})
    assert board.state.timer.remaining(0) == 21 * 60_000


def test_a_locked_board_takes_only_the_facilitators_ops() -> None:
    board = Board()
    board.send(FAC, {"kind": "board.lock", "locked": True})
    note = {"kind": "note.add", "note": {"id": "n1", "area": "main", "text": "x"}}
    assert board.send(ANN, note) == "locked"
    assert board.send(FAC, note) is None
    board.send(FAC, {"kind": "board.lock", "locked": False})
    assert board.send(ANN, {**note, "note": {**note["note"], "id": "n2"}}) is None


def test_closing_waits_for_owners_of_parked_ideas_then_freezes_the_board() -> None:
    board = Board()
    board.send(ANN, {"kind": "idea.park", "idea": {"id": "i1", "text": "A café"}})
    assert board.send(FAC, {"kind": "meeting.close"}) == "ideas_without_owner"
    assert board.send(FAC, {"kind": "meeting.close", "force": True}) is None
    assert board.send(FAC, {"kind": "board.rename", "title": "Later"}) == "meeting_closed"


def test_fields_cells_and_scores_follow_the_method() -> None:
    board = Board()
    assert board.send(ANN, {"kind": "field.set", "field": "notes", "text": "Volunteers"}) is None
    assert board.send(ANN, {"kind": "field.set", "field": "nope", "text": "x"}) == "field_not_found"
    # the topic, described in advance, is the facilitator's to write; everyone reads it
    topic = {"kind": "field.set", "field": "topic", "text": "Who helps?"}
    assert board.send(ANN, topic) == "facilitator_field"
    assert board.send(FAC, topic) is None
    assert board.state.fields == {"topic": "Who helps?", "notes": "Volunteers"}
    cell = {"kind": "cell.set", "table": "agenda", "row": "r1", "column": "time", "text": "9:00"}
    assert board.send(ANN, cell) is None
    assert board.send(ANN, {**cell, "column": "mood"}) == "column_not_found"
    board.send(BO, {"kind": "row.add", "table": "agenda", "row": "r2"})
    board.send(BO, {"kind": "row.delete", "table": "agenda", "row": "r1"})
    assert board.state.tables["agenda"] == Table(("time", "content"), ("r2",), {})
    assert board.send(BO, {"kind": "score.set", "criterion": "clarity", "score": 4}) is None
    too_high = {"kind": "score.set", "criterion": "clarity", "score": 9}
    assert board.send(BO, too_high) == "score_out_of_range"
    assert board.state.scores == {BO: {"clarity": 4}}


def test_breakout_groups_write_in_their_own_areas_until_plenary() -> None:
    board = Board()
    start = {
        "kind": "breakout.start",
        "groups": [
            {"id": "a", "name": "Gruppe A", "members": [ANN], "note_taker": ANN},
            {"id": "b", "name": "Gruppe B", "members": [BO]},
        ],
    }
    assert board.send(FAC, start) is None
    assert [a.id for a in board.state.areas] == ["main", "group-a", "group-b"]

    def note(note_id: str, area: str) -> dict[str, Any]:
        return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": "x"}}

    assert board.send(ANN, note("n1", "group-a")) is None
    assert board.send(BO, note("n2", "group-a")) == "group_not_yours"
    assert board.send(BO, note("n3", "group-b")) is None
    assert board.send(FAC, note("n4", "group-b")) is None  # the facilitator sees and writes all
    board.send(FAC, {"kind": "breakout.assign", "participant": BO, "group": "a"})
    assert board.state.breakouts["a"].members == (ANN, BO)
    assert board.send(FAC, {"kind": "breakout.end"}) is None
    assert board.send(BO, note("n5", "group-a")) is None  # plenary: the areas are open again
    assert board.send(FAC, {"kind": "breakout.end"}) == "no_breakout"
