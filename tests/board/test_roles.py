"""Co-facilitators, the lead and scribes on the board domain alone, and what others see of
a note a scribe wrote for someone."""

from __future__ import annotations

from typing import Any

from server.board.apply import Record
from server.board.state import Area, BoardState, Participant, PhaseSpec
from server.board.views import redact, released, view_state
from tests.board.boards import a_board, send

IDA, OLE, ANN = "p-ida", "p-ole", "p-ann"


class Board:
    def __init__(self) -> None:
        self.state: BoardState = a_board(
            "Møde",
            "free",
            "da",
            (Area("main", "Tavlen"),),
            (
                Participant(IDA, "Ida", "facilitator"),
                Participant(OLE, "Ole", "participant"),
                Participant(ANN, "Ann", "participant"),
            ),
            phases=(PhaseSpec("write", "individual", 5), PhaseSpec("talk", "plenary", 10)),
        )
        self.log: list[dict[str, Any]] = []

    def send(self, by: str, op: dict[str, Any]) -> str | None:
        self.state, done, noop = send(self.state, by, op, 1_000)
        record = Record(self.state.seq, f"op-{self.state.seq}", by, done).to_json()
        self.log.append({**record, "noop": noop})
        return noop


def _for(note_id: str, name: str) -> dict[str, Any]:
    return {
        "kind": "note.add",
        "note": {"id": note_id, "area": "main", "text": "x", "for_name": name},
    }


def test_a_facilitator_makes_a_co_facilitator_and_the_last_one_cannot_step_down() -> None:
    board = Board()
    step_down = {"kind": "role.set", "participant": IDA, "role": "participant"}
    assert board.send(IDA, step_down) == "last_facilitator"
    assert board.send(IDA, {"kind": "role.set", "participant": OLE, "role": "facilitator"}) is None
    assert board.state.role_of(OLE) == "facilitator"
    assert board.send(IDA, step_down) is None  # now Ole is left: Ida may step down
    assert board.state.role_of(IDA) == "participant"
    ghost = {"kind": "role.set", "participant": "p-ghost", "role": "facilitator"}
    assert board.send(OLE, ghost) == "participant_not_found"


def test_while_a_facilitator_leads_only_they_run_the_timer_and_phases() -> None:
    board = Board()
    board.send(IDA, {"kind": "role.set", "participant": OLE, "role": "facilitator"})
    assert board.send(IDA, {"kind": "lead.set", "participant": ANN}) == "not_a_facilitator"
    assert board.send(OLE, {"kind": "lead.set", "participant": OLE}) is None  # takes over
    assert board.send(IDA, {"kind": "phase.set", "phase": "talk"}) == "not_lead"
    assert board.send(IDA, {"kind": "timer.start"}) == "not_lead"
    assert board.send(OLE, {"kind": "phase.set", "phase": "talk"}) is None
    assert board.send(OLE, {"kind": "timer.start"}) is None
    assert board.send(IDA, {"kind": "board.lock", "locked": True}) is None  # not the lead's only
    # the lead stepping down leaves the timer to any facilitator again
    assert board.send(OLE, {"kind": "role.set", "participant": OLE, "role": "participant"}) is None
    assert board.state.lead is None
    assert board.send(IDA, {"kind": "timer.pause"}) is None


def test_only_a_scribe_writes_for_someone_and_the_note_keeps_whom_it_is_for() -> None:
    board = Board()
    assert board.send(OLE, _for("n1", "Ahmed")) == "not_scribe"
    assert board.send(IDA, {"kind": "scribe.set", "participant": OLE, "on": True}) is None
    assert board.send(OLE, _for("n1", "Ahmed")) is None
    assert board.send(OLE, _for("n2", "Gurli")) is None
    notes = board.state.notes
    assert (notes["n1"].for_name, notes["n1"].author) == ("Ahmed", OLE)
    assert notes["n2"].for_name == "Gurli"
    board.send(IDA, {"kind": "scribe.set", "participant": OLE, "on": False})
    assert board.send(OLE, _for("n3", "Ahmed")) == "not_scribe"


def test_whom_a_note_is_for_is_hidden_as_its_author_is() -> None:
    board = Board()
    board.send(IDA, {"kind": "scribe.set", "participant": OLE, "on": True})
    board.send(IDA, {"kind": "phase.set", "phase": "write"})
    board.send(OLE, _for("private", "Ahmed"))  # private writing
    board.send(IDA, {"kind": "phase.set", "phase": "talk"})
    board.send(IDA, {"kind": "board.anonymous", "anonymous": True})
    board.send(OLE, _for("anon", "Gurli"))
    for viewer in (IDA, ANN):
        seen = view_state(board.state, viewer).notes
        assert seen["private"].for_name is None and seen["anon"].for_name is None
        frames = str([redact(r, viewer, role=board.state.role_of(viewer)) for r in board.log])
        assert "Ahmed" not in frames and "Gurli" not in frames
    assert view_state(board.state, OLE).notes["anon"].for_name == "Gurli"  # the scribe's own
    board.send(IDA, {"kind": "notes.reveal"})
    assert view_state(board.state, ANN).notes["private"].for_name == "Ahmed"
    later = released(board.log)
    history = str([redact(r, ANN, later, role=board.state.role_of(ANN)) for r in board.log])
    assert "Ahmed" in history and "Gurli" not in history  # anonymous: never
