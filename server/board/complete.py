"""What the server writes into an op before it takes a seq.

Some fields of an op are the server's to fill: the clock of a timer op, whether a note is
private (it is, when written in private writing, unless the facilitator posts an example),
whether an op touches its sender's own private note, the texts and authors a reveal makes
public, the votes a close makes public, the scores a round's end makes public. Whatever a
client put there is replaced. The completed op is what the log stores and every replica
applies, so `apply` stays pure. A revealing op that will not apply carries nothing revealed:
a recorded no-op reaches everyone too.
"""

from __future__ import annotations

from dataclasses import replace

from server.board import ops as o
from server.board.apply import Record, apply
from server.board.polls import poll_answer, poll_close
from server.board.rules import HIDDEN_SENDER
from server.board.state import BoardState, Note, note_to_json
from server.board.survey import first_answer
from server.board.survey import results as survey_results


def complete(state: BoardState, op: o.Op, by: str, now_ms: int) -> o.Op:
    done = _complete(state, op, by, now_ms)
    revealed = _REVEALED.get(done.kind)
    if revealed:
        _, noop = apply(state, Record(state.seq + 1, "", by, done))
        if noop is not None:
            return done.model_copy(update={name: {} for name in revealed})
    return done


# the server's fields of each kind that make hidden content public
_REVEALED: dict[str, tuple[str, ...]] = {
    "notes.reveal": ("texts", "authors", "owners", "dues", "pictures", "fors"),
    "vote.close": ("votes",),
    "phase.set": ("scores",),
    "meeting.close": ("scores",),
    "survey.close": ("results",),
    "poll.close": ("tally", "stems"),
    "note.approve": ("notes",),
}


def _complete(state: BoardState, op: o.Op, by: str, now_ms: int) -> o.Op:
    match op:
        case o.NoteAdd(note=note):
            facilitator = state.role_of(by) == "facilitator"
            example = note.example and facilitator
            # moderated posting comes first: a pending note is the facilitators' to see
            pending = state.moderated and not facilitator
            private = in_private_writing(state) and not example and not pending
            update = {
                "private": private,
                "example": example,
                "anonymous": state.anonymous,
                "pending": pending,
            }
            return op.model_copy(update={"note": note.model_copy(update=update)})
        case o.NoteEdit(note_id=n):
            edited = state.notes.get(n)
            private = bool(edited and edited.private)
            anonymous = _own(state, by, n, what="anonymous")
            edit: dict[str, object] = {
                "private": private,
                "anonymous": anonymous,
                "pending": _pending(state, n),
            }
            return op.model_copy(update=edit)
        case o.NoteMove(note_id=n) | o.NoteDelete(note_id=n) | o.NoteColor(note_id=n):
            return op.model_copy(
                update={"private": _own(state, by, n), "pending": _pending(state, n)}
            )
        case o.NoteGroup(note_id=n):
            return op.model_copy(update={"private": _own(state, by, n)})
        case o.NoteDecline(note_id=n):
            return op.model_copy(update={"pending": _pending(state, n)})
        case o.NoteApprove(note_ids=note_ids):
            waiting = [n for n in map(state.notes.get, note_ids) if n is not None and n.pending]
            notes = {n.id: note_to_json(_approved(n)) for n in waiting}
            return op.model_copy(update={"notes": notes})
        case o.NoteMerge(note_id=n, from_=others):
            return op.model_copy(update={"authors": _merged_authors(state, n, others)})
        case o.NoteOwn(note_id=n):
            private, anonymous = (
                _own(state, by, n, what="private"),
                _own(state, by, n, what="anonymous"),
            )
            return op.model_copy(update={"private": private, "anonymous": anonymous})
        case o.LinkAdd(link=link):
            return op.model_copy(update={"private": _own(state, by, link.a, link.b)})
        case o.TimerSet() | o.TimerStart() | o.TimerPause() | o.TimerAdd():
            return op.model_copy(update={"at": now_ms})
        case o.NotesReveal(area=area):
            revealed = [
                n for n in state.notes.values() if n.private and (area is None or n.area == area)
            ]
            texts = {n.id: n.text for n in revealed}
            authors = {n.id: n.author for n in revealed if not n.anonymous}
            owners = {n.id: n.owner for n in revealed if n.owner is not None}
            dues = {n.id: n.due for n in revealed if n.due is not None}
            fors = {n.id: n.for_name for n in revealed if n.for_name and not n.anonymous}
            pictures = {
                n.id: o.NotePicture(
                    id=n.picture.id, width=n.picture.width, height=n.picture.height, stored=True
                )
                for n in revealed
                if n.picture is not None
            }
            revealed_parts: dict[str, object] = {
                "texts": texts,
                "authors": authors,
                "owners": owners,
                "dues": dues,
                "pictures": pictures,
                "fors": fors,
            }
            return op.model_copy(update=revealed_parts)
        case o.VoteClose():
            votes = state.voting.votes if state.voting and not state.voting.closed else {}
            return op.model_copy(update={"votes": dict(votes)})
        case o.ScoreSet():
            return op.model_copy(update={"private": in_private_writing(state)})
        case o.SurveyAnswer():
            anonymous = state.survey is not None and state.survey.anonymous
            first = first_answer(state, by)
            return op.model_copy(update={"at": now_ms, "first": first, "anonymous": anonymous})
        case o.SurveyClose():
            results = survey_results(state.survey) if state.survey else {}
            return op.model_copy(update={"at": now_ms, "results": results})
        case o.PollAnswer():
            return poll_answer(state, op, by)
        case o.PollClose():
            return poll_close(state, op)
        case o.PhaseSet() | o.MeetingClose():
            # the round ends: its scores become everyone's
            return op.model_copy(update={"scores": dict(state.sealed_scores)})
    return op


def _pending(state: BoardState, note_id: str) -> str:
    """The author of the note if it waits in the inbox (`views.MODERATED`), else ""."""
    note = state.notes.get(note_id)
    return note.author if note is not None and note.pending else ""


def _approved(note: Note) -> Note:
    """A note as an approval carries it to everyone: an anonymous one without its author."""
    return replace(note, pending=False, author=HIDDEN_SENDER if note.anonymous else note.author)


def _merged_authors(state: BoardState, note_id: str, others: tuple[str, ...]) -> tuple[str, ...]:
    """Who else wrote the kept note once `others` are merged into it: every named author of
    the notes everyone sees (a merge of others refuses; it must not name their authors)."""
    kept = state.notes.get(note_id)
    if kept is None:
        return ()
    names = list(kept.authors)
    for note in map(state.notes.get, others):
        if note is not None and not note.pending and not note.private:
            names += [] if note.anonymous else [note.author]
            names += note.authors
    return tuple(dict.fromkeys(a for a in names if a != kept.author))


def in_private_writing(state: BoardState) -> bool:
    return state.phase is not None and state.phase.kind == "individual"


def _own(state: BoardState, by: str, *note_ids: str, what: str = "") -> bool:
    """Whether the op touches a note of its sender's whose author others may not know
    (`what`: "private" or "anonymous" only), so its `by` would tell who wrote it."""
    notes = [n for n in map(state.notes.get, note_ids) if n is not None and n.author == by]
    private = what in ("", "private") and any(n.private for n in notes)
    return private or (what in ("", "anonymous") and any(n.anonymous for n in notes))
