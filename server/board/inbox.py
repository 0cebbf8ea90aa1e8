"""Moderated posting: the facilitators' inbox.

While a board is moderated (`moderation.set`), a note a participant writes is *pending*
(`complete` marks its `note.add`): only its author and the facilitators see it
(`views.MODERATED`) until a facilitator approves it (`note.approve`, which carries each note
whole to the replicas that never saw it), declines it with an optional reason
(`note.decline`: the note is gone, and only its author and the facilitators learn that and
why), or edits it first (a plain `note.edit`: the author's own text stays in the log).
`note.merge` folds duplicates into one note that keeps every author and every vote; it takes
notes everyone sees, so the inbox approves duplicates and merges them in one batch.
Pure like `apply`, which calls it.
"""

from __future__ import annotations

from dataclasses import replace

from server.board import ops as o
from server.board.rules import NoopReason, need, need_note, visible_note
from server.board.state import BoardState, Declined, Note, note_from_json

INBOX = (o.ModerationSet, o.NoteApprove, o.NoteDecline, o.NoteMerge)


def apply_inbox(
    state: BoardState, op: o.ModerationSet | o.NoteApprove | o.NoteDecline | o.NoteMerge, by: str
) -> BoardState:
    match op:
        case o.ModerationSet(on=on):
            return replace(state, moderated=on)
        case o.NoteApprove(note_ids=note_ids, notes=carried):
            notes = dict(state.notes)
            for note_id in dict.fromkeys(note_ids):
                held = notes.get(note_id)
                if held is None:
                    # a replica that never saw it; the server holds every note it approves
                    need(note_id in carried, NoopReason.NOTE_NOT_FOUND)
                    notes[note_id] = replace(note_from_json(carried[note_id]), pending=False)
                else:
                    need(held.pending, NoopReason.NOT_PENDING)
                    notes[note_id] = replace(held, pending=False)
            return replace(state, notes=notes)
        case o.NoteDecline(note_id=note_id, reason=reason):
            note = need_note(state, note_id)
            need(note.pending, NoopReason.NOT_PENDING)
            notes = {k: n for k, n in state.notes.items() if k != note_id}
            gone = Declined(note_id, note.author, note.text, reason, note.anonymous)
            return replace(state, notes=notes, declined={**state.declined, note_id: gone})
        case o.NoteMerge(note_id=note_id, from_=others, authors=authors):
            kept = visible_note(state, note_id, by)
            for other in others:
                visible_note(state, other, by)
            return _merged(state, replace(kept, authors=authors), frozenset(others))


def _merged(state: BoardState, kept: Note, gone: frozenset[str]) -> BoardState:
    """`kept` in place of itself and of the notes `gone`: their votes, priorities and links
    are its own now."""

    def into(note_id: str) -> str:
        return kept.id if note_id in gone else note_id

    notes = {k: n for k, n in state.notes.items() if k not in gone}
    notes[kept.id] = kept
    voting = state.voting
    if voting is not None:
        votes = {k: tuple(map(into, v)) for k, v in voting.votes.items()}
        voting = replace(voting, votes=votes)
    priorities = tuple(dict.fromkeys(map(into, state.priorities)))
    links = {
        k: replace(link, a=into(link.a), b=into(link.b))
        for k, link in state.links.items()
        if into(link.a) != into(link.b)
    }
    return replace(state, notes=notes, voting=voting, priorities=priorities, links=links)
