"""`apply(state, record)`: the one function that changes a board.

Pure and deterministic: no clock, no randomness, no I/O. Every replica (the server's room,
the Python client, a test replaying the stored log) calls it with the same records in the
same order and ends with the same state. An op that cannot apply to the state it meets
(an edit of a deleted note) changes nothing but `seq`, and the reason it gives is the same
everywhere, so it can be recorded in the log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from server.board.ops import (
    AreaAdd,
    AreaDelete,
    AreaRename,
    BoardRename,
    NoteAdd,
    NoteDelete,
    NoteEdit,
    NoteMove,
    Op,
    ParticipantJoin,
    dump_op,
    parse_op,
)
from server.board.state import Area, BoardState, Note, Participant


class NoopReason(StrEnum):
    """Why a well-formed op changed nothing. A closed list: clients may switch on it."""

    NOTE_EXISTS = "note_exists"
    NOTE_NOT_FOUND = "note_not_found"
    AREA_NOT_FOUND = "area_not_found"
    AREA_EXISTS = "area_exists"
    AREA_NOT_EMPTY = "area_not_empty"
    LAST_AREA = "last_area"
    NOT_AUTHOR = "not_author"
    PARTICIPANT_EXISTS = "participant_exists"


@dataclass(frozen=True, slots=True)
class Record:
    """One entry of a board's op log: the op, where it stands and who sent it."""

    seq: int
    id: str
    by: str
    op: Op

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "by": self.by, "op": dump_op(self.op)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        return cls(seq=data["seq"], id=data["id"], by=data["by"], op=parse_op(data["op"]))


class _Noop(Exception):
    def __init__(self, reason: NoopReason) -> None:
        self.reason = reason


def apply(state: BoardState, record: Record) -> tuple[BoardState, NoopReason | None]:
    """The state after `record`, and the reason if the op was a no-op.

    `record.seq` must be `state.seq + 1`; anything else is a bug in the caller, not bad input.
    """
    if record.seq != state.seq + 1:
        raise ValueError(f"record seq {record.seq} does not follow state seq {state.seq}")
    try:
        changed = _apply_op(state, record)
    except _Noop as noop:
        return replace(state, seq=record.seq), noop.reason
    return replace(changed, seq=record.seq), None


def replay(state: BoardState, records: list[Record]) -> BoardState:
    for record in records:
        state, _ = apply(state, record)
    return state


def _apply_op(state: BoardState, rec: Record) -> BoardState:
    op = rec.op
    match op:
        case NoteAdd(note=new):
            if new.id in state.notes:
                raise _Noop(NoopReason.NOTE_EXISTS)
            _need_area(state, new.area)
            note = Note(
                id=new.id,
                area=new.area,
                text=new.text,
                author=rec.by,
                color=new.color,
                x=new.x,
                y=new.y,
                created_seq=rec.seq,
                updated_seq=rec.seq,
            )
            return replace(state, notes={**state.notes, note.id: note})
        case NoteEdit(note_id=note_id, text=text):
            note = _own_note(state, note_id, rec.by)
            return _put_note(state, replace(note, text=text, updated_seq=rec.seq))
        case NoteMove(note_id=note_id, area=area, x=x, y=y):
            note = _need_note(state, note_id)
            if area is not None:
                _need_area(state, area)
            moved = replace(
                note,
                area=note.area if area is None else area,
                x=note.x if x is None else x,
                y=note.y if y is None else y,
                updated_seq=rec.seq,
            )
            return _put_note(state, moved)
        case NoteDelete(note_id=note_id):
            _own_note(state, note_id, rec.by)
            notes = dict(state.notes)
            del notes[note_id]
            return replace(state, notes=notes)
        case AreaAdd(area=new):
            if state.area(new.id) is not None:
                raise _Noop(NoopReason.AREA_EXISTS)
            added = Area(id=new.id, title=new.title, prompt=new.prompt)
            return replace(state, areas=(*state.areas, added))
        case AreaRename(area_id=area_id, title=title):
            _need_area(state, area_id)
            areas = tuple(replace(a, title=title) if a.id == area_id else a for a in state.areas)
            return replace(state, areas=areas)
        case AreaDelete(area_id=area_id):
            _need_area(state, area_id)
            if len(state.areas) == 1:
                raise _Noop(NoopReason.LAST_AREA)
            if any(n.area == area_id for n in state.notes.values()):
                raise _Noop(NoopReason.AREA_NOT_EMPTY)
            return replace(state, areas=tuple(a for a in state.areas if a.id != area_id))
        case BoardRename(title=title):
            return replace(state, title=title)
        case ParticipantJoin(participant=p):
            if p.id in state.participants:
                raise _Noop(NoopReason.PARTICIPANT_EXISTS)
            joined = Participant(id=p.id, name=p.name, role=p.role)
            return replace(state, participants={**state.participants, p.id: joined})
    raise AssertionError(f"unhandled op kind {op.kind}")  # pragma: no cover


def _need_area(state: BoardState, area_id: str) -> None:
    if state.area(area_id) is None:
        raise _Noop(NoopReason.AREA_NOT_FOUND)


def _need_note(state: BoardState, note_id: str) -> Note:
    note = state.notes.get(note_id)
    if note is None:
        raise _Noop(NoopReason.NOTE_NOT_FOUND)
    return note


def _own_note(state: BoardState, note_id: str, by: str) -> Note:
    """A note that `by` may change: their own, or any note for a facilitator."""
    note = _need_note(state, note_id)
    actor = state.participants.get(by)
    if note.author != by and (actor is None or actor.role != "facilitator"):
        raise _Noop(NoopReason.NOT_AUTHOR)
    return note


def _put_note(state: BoardState, note: Note) -> BoardState:
    return replace(state, notes={**state.notes, note.id: note})
