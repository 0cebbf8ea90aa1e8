"""Reactions on notes: a small fixed set (`ops.REACTIONS`), each person's own, counted.

`reaction.toggle` turns the sender's reaction on a note on or off. A note still private
(private writing, not yet revealed) takes none, nor one waiting in the facilitators' inbox:
nobody else can see it (and the approval carries the note, not reactions to it). A locked board
still takes them, like the ready check: a reaction changes no one's words. Pure like
`apply`, which calls it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from server.board import ops as o
from server.board.rules import NoopReason, need, need_note
from server.board.state import BoardState

V = TypeVar("V")


def apply_reaction(state: BoardState, op: o.ReactionToggle, by: str) -> BoardState:
    need(by in state.participants, NoopReason.PARTICIPANT_NOT_FOUND)
    note = need_note(state, op.note_id)
    need(not note.private, NoopReason.NOTE_PRIVATE)
    need(not note.pending, NoopReason.NOTE_PENDING)
    on_note = state.reactions.get(note.id, {})
    who = on_note.get(op.reaction, ())
    who = tuple(p for p in who if p != by) if by in who else (*who, by)
    on_note = {**on_note, op.reaction: who} if who else _without(on_note, op.reaction)
    reactions = (
        {**state.reactions, note.id: on_note} if on_note else _without(state.reactions, note.id)
    )
    return replace(state, reactions=reactions)


def reaction_counts(state: BoardState, note_id: str) -> dict[str, int]:
    """How many reacted so on the note, in the fixed order of `ops.REACTIONS`; none: absent."""
    on_note = state.reactions.get(note_id, {})
    return {r: len(on_note[r]) for r in o.REACTIONS if on_note.get(r)}


def _without(mapping: dict[str, V], key: str) -> dict[str, V]:
    return {k: v for k, v in mapping.items() if k != key}
