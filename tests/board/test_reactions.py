"""Reactions on notes and undoing a vote's close, on the board domain alone."""

from __future__ import annotations

from dataclasses import replace

from server.board.reactions import reaction_counts
from server.board.state import PhaseSpec
from server.board.views import view_state
from tests.board.test_facilitation import ANN, BO, FAC, Board

NOTE = {"kind": "note.add", "note": {"id": "n1", "area": "main", "text": "More volunteers"}}


def react(reaction: str, note_id: str = "n1") -> dict[str, str]:
    return {"kind": "reaction.toggle", "note_id": note_id, "reaction": reaction}


def test_each_person_toggles_their_own_reaction_and_the_note_counts_them() -> None:
    board = Board()
    board.send(ANN, NOTE)
    board.send(ANN, react("agree"))
    board.send(BO, react("agree"))
    board.send(BO, react("idea"))
    assert reaction_counts(board.state, "n1") == {"agree": 2, "idea": 1}
    board.send(ANN, react("agree"))  # again: off
    assert reaction_counts(board.state, "n1") == {"agree": 1, "idea": 1}
    assert board.state.reactions["n1"] == {"agree": (BO,), "idea": (BO,)}
    board.send(BO, react("idea"))
    board.send(BO, react("agree"))
    assert board.state.reactions == {}  # nothing left: no empty lists kept
    assert board.send(ANN, react("agree", "ghost")) == "note_not_found"


def test_a_locked_board_takes_reactions_and_a_private_note_none() -> None:
    board = Board()
    board.state = replace(board.state, phases=(PhaseSpec("silent", "individual", 10),))
    board.send(ANN, NOTE)
    board.send(FAC, {"kind": "board.lock", "locked": True})
    assert board.send(BO, react("thanks")) is None  # a reaction changes no one's words
    board.send(FAC, {"kind": "board.lock", "locked": False})
    board.send(FAC, {"kind": "phase.set", "phase": "silent"})
    board.send(ANN, {"kind": "note.add", "note": {"id": "n2", "area": "main", "text": "Mine"}})
    assert board.send(BO, react("agree", "n2")) == "note_private"
    assert board.send(ANN, react("agree", "n2")) == "note_private"  # its author neither
    board.send(FAC, {"kind": "notes.reveal"})
    assert board.send(BO, react("agree", "n2")) is None
    board.send(FAC, {"kind": "meeting.close", "force": True})
    assert board.send(BO, react("agree", "n2")) == "meeting_closed"


def test_reopening_a_closed_vote_keeps_every_vote_and_hides_only_the_new_ones() -> None:
    board = Board()
    board.send(ANN, NOTE)
    board.send(ANN, {"kind": "note.add", "note": {"id": "n2", "area": "main", "text": "Café"}})
    assert board.send(FAC, {"kind": "vote.reopen"}) == "vote_not_closed"
    board.send(FAC, {"kind": "vote.open", "per_person": 3})
    board.send(ANN, {"kind": "vote.cast", "note_id": "n1"})
    board.send(BO, {"kind": "vote.cast", "note_id": "n1"})
    assert board.send(FAC, {"kind": "vote.reopen"}) == "vote_not_closed"  # still open
    board.send(FAC, {"kind": "vote.close"})  # too early: Bo had more to give
    assert board.send(FAC, {"kind": "vote.reopen"}) is None
    assert board.state.voting and not board.state.voting.closed
    assert board.state.voting.results() == {"n1": 2}  # nothing lost
    board.send(BO, {"kind": "vote.cast", "note_id": "n2"})
    # the close showed Bo's first vote to everyone; the new one is his own until the next close
    assert view_state(board.state, ANN).voting.votes[BO] == ("n1", "")  # type: ignore[union-attr]
    assert board.send(BO, {"kind": "vote.retract", "note_id": "n1"}) == "vote_shown"
    board.send(BO, {"kind": "vote.cast", "note_id": "n1"})
    assert board.send(BO, {"kind": "vote.retract", "note_id": "n1"}) is None  # the new one
    assert board.state.voting.votes[BO] == ("n1", "n2")
    board.send(FAC, {"kind": "vote.close"})
    assert board.state.voting.closed and board.state.voting.results() == {"n1": 2, "n2": 1}
