"""A ready check and a queue of raised hands: what participants signal to the facilitator.

"I'm done" counts for the current phase only (`phase.set` starts the count again); a hand
stays raised, in the order hands went up, until its owner or a facilitator lowers it.
Pure like `apply`, which calls it.
"""

from __future__ import annotations

from dataclasses import replace

from server.board import ops as o
from server.board.rules import NoopReason, need
from server.board.state import BoardState

SIGNALS = (o.ReadySet, o.HandRaise, o.HandLower)


def apply_signal(
    state: BoardState, op: o.ReadySet | o.HandRaise | o.HandLower, by: str
) -> BoardState:
    need(by in state.participants, NoopReason.PARTICIPANT_NOT_FOUND)
    match op:
        case o.ReadySet(ready=ready):
            need(state.phase is not None, NoopReason.NO_PHASE)
            others = tuple(p for p in state.ready if p != by)
            return replace(state, ready=(*others, by) if ready else others)
        case o.HandRaise():
            need(by not in state.hands, NoopReason.HAND_RAISED)
            return replace(state, hands=(*state.hands, by))
        case o.HandLower(participant=whose):
            whose = whose or by
            need(whose == by or state.role_of(by) == "facilitator", NoopReason.NOT_YOUR_HAND)
            need(whose in state.hands, NoopReason.HAND_NOT_RAISED)
            return replace(state, hands=tuple(p for p in state.hands if p != whose))
