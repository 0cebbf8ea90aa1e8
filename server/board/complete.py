"""What the server writes into an op before it takes a seq.

Some fields of an op are the server's to fill: the clock of a timer op, whether a note is
private (it is, when written in private writing), the texts a reveal makes public, the
votes a close makes public. Whatever a client put there is replaced. The completed op is
what the log stores and every replica applies, so `apply` stays pure.
"""

from __future__ import annotations

from server.board import ops as o
from server.board.state import BoardState


def complete(state: BoardState, op: o.Op, by: str, now_ms: int) -> o.Op:
    match op:
        case o.NoteAdd(note=note):
            private = (
                state.phase is not None
                and state.phase.kind == "individual"
                and state.role_of(by) != "facilitator"
            )
            return op.model_copy(update={"note": note.model_copy(update={"private": private})})
        case o.NoteEdit(note_id=note_id):
            edited = state.notes.get(note_id)
            return op.model_copy(update={"private": bool(edited and edited.private)})
        case o.TimerSet() | o.TimerStart() | o.TimerPause() | o.TimerAdd():
            return op.model_copy(update={"at": now_ms})
        case o.NotesReveal(area=area):
            texts = {
                k: n.text
                for k, n in state.notes.items()
                if n.private and (area is None or n.area == area)
            }
            return op.model_copy(update={"texts": texts})
        case o.VoteClose():
            votes = state.voting.votes if state.voting and not state.voting.closed else {}
            return op.model_copy(update={"votes": dict(votes)})
    return op
