"""`apply(state, record)`: the one function that changes a board.

Pure and deterministic: no clock, no randomness, no I/O. Every replica (the server's room,
the Python client, a test replaying the stored log) calls it with the same records in the
same order and ends with the same state. An op that cannot apply to the state it meets
(an edit of a deleted note) changes nothing but `seq`, and the reason it gives is the same
everywhere, so it can be recorded in the log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from server.board.facilitation import apply_facilitation, may_write_in
from server.board.inbox import INBOX, apply_inbox
from server.board.ops import (
    AreaAdd,
    AreaDelete,
    AreaRename,
    BoardRename,
    ConsentSet,
    NoteAdd,
    NoteColor,
    NoteDelete,
    NoteEdit,
    NoteMove,
    Op,
    ParticipantJoin,
    PollAnswer,
    ReactionToggle,
    SummarySet,
    SurveyAnswer,
    SurveyClose,
    SurveySet,
    dump_op,
    parse_op,
)
from server.board.polls import POLLS, apply_poll
from server.board.reactions import apply_reaction
from server.board.roles import ROLES, apply_role, may_write_for
from server.board.rules import (
    HIDDEN_SENDER,
    Noop,
    NoopReason,
    need,
    need_area,
    own_note,
    put_note,
    visible_note,
)
from server.board.signals import SIGNALS, apply_signal
from server.board.state import Area, Axes, BoardState, Note, Participant, Picture

__all__ = ["NoopReason", "Record", "apply", "follow", "replay"]


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
        op = parse_op(data["op"], from_server=True)
        return cls(seq=data["seq"], id=data["id"], by=data["by"], op=op)


def apply(state: BoardState, record: Record) -> tuple[BoardState, NoopReason | None]:
    """The state after `record`, and the reason if the op was a no-op.

    `record.seq` must be `state.seq + 1`; anything else is a bug in the caller, not bad input.
    """
    if record.seq != state.seq + 1:
        raise ValueError(f"record seq {record.seq} does not follow state seq {state.seq}")
    try:
        changed = _apply_op(state, record)
    except Noop as noop:
        return replace(state, seq=record.seq), noop.reason
    return replace(changed, seq=record.seq), None


def follow(state: BoardState, record: Record, noop: NoopReason | None) -> BoardState:
    """A client's replica taking a record from the server, which says whether it applied.

    A replica may hold a blanked view (`views`), on which a check can come out otherwise
    than on the server's full state; the server's word decides.
    """
    if noop is not None:
        return replace(state, seq=record.seq)
    changed, _ = apply(state, record)
    return changed


def replay(state: BoardState, records: list[Record]) -> BoardState:
    for record in records:
        state, _ = apply(state, record)
    return state


def _apply_op(state: BoardState, rec: Record) -> BoardState:
    op = rec.op
    # consent stays anyone's to give; a survey is answered after the meeting too, until its
    # deadline (survey.py); the summary is often written after it
    after_close = ParticipantJoin | ConsentSet | SurveySet | SurveyAnswer | SurveyClose | SummarySet
    if not isinstance(op, after_close):
        need(not state.closed, NoopReason.MEETING_CLOSED)
        trusted = rec.by == HIDDEN_SENDER or state.role_of(rec.by) == "facilitator"
        # a locked board still hears who is done, who asks to speak and who agrees
        unlocked = isinstance(op, (*SIGNALS, ReactionToggle, PollAnswer))
        need(not state.locked or trusted or unlocked, NoopReason.LOCKED)
    match op:
        case NoteAdd(note=new):
            if not new.id:  # someone else's note waiting in the inbox, checked by the server
                return state
            need(new.id not in state.notes, NoopReason.NOTE_EXISTS)
            need_area(state, new.area)
            need(may_write_in(state, new.area, rec.by), NoopReason.GROUP_NOT_YOURS)
            need(may_write_for(state, rec.by, new.for_name), NoopReason.NOT_SCRIBE)
            pic = new.picture
            need(pic is None or pic.stored, NoopReason.PICTURE_NOT_FOUND)
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
                private=new.private,
                anonymous=new.anonymous,
                picture=Picture(pic.id, pic.width, pic.height) if pic else None,
                pending=new.pending,
                for_name=new.for_name,
            )
            return replace(state, notes={**state.notes, note.id: note})
        case NoteEdit(note_id=note_id, text=text):
            note = own_note(state, note_id, rec.by)
            # a private note only by its author: nobody else can read it yet
            need(not note.private or note.author == rec.by, NoopReason.NOT_AUTHOR)
            # in the inbox, a facilitator's edit of someone's note: the record says so
            moderated = note.pending and rec.by not in (note.author, HIDDEN_SENDER)
            edited = note.edited_by_facilitator or moderated
            changed = replace(note, text=text, updated_seq=rec.seq, edited_by_facilitator=edited)
            return put_note(state, changed)
        case NoteMove(note_id=note_id, area=area, x=x, y=y):
            note = visible_note(state, note_id, rec.by, pending=True)
            if area is not None:
                need_area(state, area)
                if area != note.area:  # moving a note in is writing there
                    need(may_write_in(state, area, rec.by), NoopReason.GROUP_NOT_YOURS)
            moved = replace(
                note,
                area=note.area if area is None else area,
                group=note.group if area in (None, note.area) else None,
                x=note.x if x is None else x,
                y=note.y if y is None else y,
                updated_seq=rec.seq,
            )
            return put_note(state, moved)
        case NoteColor(note_id=note_id, color=color):
            note = visible_note(state, note_id, rec.by, pending=True)
            return put_note(state, replace(note, color=color, updated_seq=rec.seq))
        case NoteDelete(note_id=note_id):
            own_note(state, note_id, rec.by)
            notes = dict(state.notes)
            del notes[note_id]
            links = {k: v for k, v in state.links.items() if note_id not in (v.a, v.b)}
            priorities = tuple(p for p in state.priorities if p != note_id)
            return replace(state, notes=notes, links=links, priorities=priorities)
        case AreaAdd(area=new):
            need(state.area(new.id) is None, NoopReason.AREA_EXISTS)
            axes = Axes(new.axes.x, new.axes.y) if new.axes else None
            added = Area(id=new.id, title=new.title, prompt=new.prompt, axes=axes)
            return replace(state, areas=(*state.areas, added))
        case AreaRename(area_id=area_id, title=title):
            need_area(state, area_id)
            areas = tuple(replace(a, title=title) if a.id == area_id else a for a in state.areas)
            return replace(state, areas=areas)
        case AreaDelete(area_id=area_id):
            need_area(state, area_id)
            need(len(state.areas) > 1, NoopReason.LAST_AREA)
            in_use = any(n.area == area_id for n in state.notes.values())
            need(not in_use, NoopReason.AREA_NOT_EMPTY)
            return replace(state, areas=tuple(a for a in state.areas if a.id != area_id))
        case BoardRename(title=title):
            return replace(state, title=title)
        case ConsentSet(consent=consent):
            me = state.participants.get(rec.by)
            need(me is not None, NoopReason.PARTICIPANT_NOT_FOUND)
            assert me is not None
            return replace(
                state, participants={**state.participants, me.id: replace(me, consent=consent)}
            )
        case ParticipantJoin(participant=p):
            need(p.id not in state.participants, NoopReason.PARTICIPANT_EXISTS)
            joined = Participant(id=p.id, name=p.name, role=p.role)
            return replace(state, participants={**state.participants, p.id: joined})
    if isinstance(op, SIGNALS):
        return apply_signal(state, op, rec.by)
    if isinstance(op, ReactionToggle):
        return apply_reaction(state, op, rec.by)
    if isinstance(op, POLLS):
        return apply_poll(state, op, rec.by)
    if isinstance(op, INBOX):
        return apply_inbox(state, op, rec.by)
    if isinstance(op, ROLES):
        return apply_role(state, op)
    return apply_facilitation(state, op, rec.by, rec.seq)
