"""The ready check and the queue of raised hands on the board domain alone."""

from __future__ import annotations

from tests.board.test_facilitation import ANN, BO, FAC, Board


def test_done_counts_for_the_current_phase_only() -> None:
    board = Board()
    assert board.send(ANN, {"kind": "ready.set", "ready": True}) == "no_phase"
    board.send(FAC, {"kind": "phase.set", "phase": "groups"})
    board.send(ANN, {"kind": "ready.set", "ready": True})
    board.send(BO, {"kind": "ready.set", "ready": True})
    board.send(ANN, {"kind": "ready.set", "ready": True})  # said twice: counted once
    assert board.state.ready == (BO, ANN)
    board.send(BO, {"kind": "ready.set", "ready": False})  # not done after all
    assert board.state.ready == (ANN,)
    board.send(FAC, {"kind": "phase.set", "phase": "groups"})
    assert board.state.ready == ()  # a new phase: nobody is done with it yet


def test_hands_queue_in_order_and_only_a_facilitator_lowers_anothers() -> None:
    board = Board()
    board.send(FAC, {"kind": "board.lock", "locked": True})  # a locked board still hears hands
    assert board.send(BO, {"kind": "hand.raise"}) is None
    assert board.send(ANN, {"kind": "hand.raise"}) is None
    assert board.send(ANN, {"kind": "hand.raise"}) == "hand_raised"
    assert board.state.hands == (BO, ANN)
    assert board.send(ANN, {"kind": "hand.lower", "participant": BO}) == "not_your_hand"
    assert board.send(FAC, {"kind": "hand.lower", "participant": BO}) is None
    assert board.send(ANN, {"kind": "hand.lower"}) is None
    assert board.send(ANN, {"kind": "hand.lower"}) == "hand_not_raised"
    assert board.state.hands == ()
    board.send(ANN, {"kind": "hand.raise"})
    board.send(FAC, {"kind": "meeting.close", "force": True})
    assert board.send(BO, {"kind": "hand.raise"}) == "meeting_closed"
