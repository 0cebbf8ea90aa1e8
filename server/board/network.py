"""A learning network's series of boards: which comes first, what a new meeting carries
from the earlier ones, and the leadership deliverable drafted from them.

Pure: the HTTP handler (server/http/networks.py) reads the boards, their states and who
wrote each field from the store and the rooms, and stores the state this returns.

A new meeting opens with a recap of the previous meeting's capture and the ideas parked
there; a closing meeting also gathers every earlier meeting's notes as source material.
Each carried note says where it came from (meeting, date, title) and who wrote it, both as
they were where it was first written, however many meetings it passed through. The texts
a person sees come from the gettext catalogues in the network's language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from babel.dates import format_date

from facilitation_methods.schema import Method
from server.board.ops import FIELD_TEXT_MAX, NOTE_TEXT_MAX
from server.board.state import Area, BoardState, Note, ParkedIdea, Participant
from server.i18n import translations

DELIVERABLE = "leadership-deliverable"
# the areas of a meeting capture that make up its joint capture
_CAPTURE_AREAS = ("knowledge", "learning", "actions")


class NetworkBoard(Protocol):
    """A board of the network as the store lists it (server/store/base.py's BoardRow)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def meeting_no(self) -> int | None: ...
    @property
    def created_at(self) -> float: ...


B = TypeVar("B", bound=NetworkBoard)


def series(boards: Sequence[B]) -> tuple[list[B], list[B], list[B]]:
    """A network's planning boards (oldest first), its meetings (by number) and its
    deliverables (oldest first): every store sorts a missing number differently, so the
    order is made here. A deliverable is neither a planning board nor a meeting: nothing is
    carried from it, and it takes no meeting number (one drafted before the network's last
    meetings, as it may be, neither recaps them nor leaves a gap in their numbers)."""
    by_age = sorted(boards, key=lambda b: b.created_at)
    deliverables = [b for b in by_age if b.method == DELIVERABLE]
    planning = [b for b in by_age if b.meeting_no is None and b.method != DELIVERABLE]
    meetings = sorted(
        (b for b in boards if b.meeting_no is not None and b.method != DELIVERABLE),
        key=lambda b: b.meeting_no or 0,
    )
    return planning, meetings, deliverables


def meeting_number(method: str, *, planning: bool, earlier: Sequence[NetworkBoard]) -> int | None:
    """The number a new board of the network takes: the next after the `earlier` meetings;
    none for a planning board or a deliverable."""
    return None if planning or method == DELIVERABLE else len(earlier) + 1


@dataclass(frozen=True)
class Meeting:
    """An earlier board of the network as a new one takes from it."""

    board: NetworkBoard
    state: BoardState
    labels: dict[str, str]  # field id -> its label in the board's language
    writers: dict[str, str]  # field id (or "table/row") -> who set it last
    rows: dict[str, str]  # "table/row" -> the row as one line, for its filled tables


def seed(
    state: BoardState, theme: str, earlier: list[Meeting], *, planning: bool, closing: bool
) -> BoardState:
    """A new board of the network with what it carries from the `earlier` boards (in the
    order of `series`: for a closing meeting the planning boards first, then the meetings)."""
    if planning:
        return state  # planned before the meetings: nothing to carry yet
    if state.method == DELIVERABLE:
        # a document for the leadership forum, not a meeting: its headings are drafted
        # from the meetings (ideas and owners under "Andet"), with no "last meeting"
        # recap and no parking lot to repeat them below the headings
        return draft_deliverable(state, theme, [(m.board, m.state) for m in earlier])
    return _carry_in(state, earlier, closing=closing)


def table_rows(method: Method, state: BoardState) -> dict[str, str]:
    """Each table row of the board that holds something, as one line under its table's and
    row's titles ("Møderne, 1. møde: Undertema: …; Dato: …"), by "table/row"."""
    lang = state.language
    out = {}
    for spec in method.tables:
        table = state.tables.get(spec.id)
        if table is None:
            continue
        titles = {r.id: r.title[lang] for r in spec.rows}
        for i, row in enumerate(table.rows):
            cells = [
                f"{c.title[lang]}: {text}"
                for c in spec.columns
                if (text := table.cells.get(f"{row}/{c.id}", "").strip())
            ]
            if cells:
                title = titles.get(row) or str(i + 1)
                out[f"{spec.id}/{row}"] = f"{spec.title[lang]}, {title}: " + "; ".join(cells)
    return out


def _source(board: NetworkBoard, language: str) -> str:
    when = datetime.fromtimestamp(board.created_at, UTC).date()
    date = format_date(when, format="medium", locale=language)  # 24. nov. 2026 / 24 Nov 2026
    if board.meeting_no is None:
        return f"{board.title} · {date}"
    return f"{called(board, language)} · {date} · {board.title}"


def _carried(note: Note) -> bool:
    """Whether a note of an earlier meeting is material for a later one: one the room saw
    (not private, not left waiting in the facilitators' inbox)."""
    return not note.private and not note.pending


def draft_deliverable(
    state: BoardState, theme: str, earlier: Sequence[tuple[NetworkBoard, BoardState]]
) -> BoardState:
    """The deliverable's fields drafted from the meetings: their summaries and key learning
    points, their actions with owners, their priorities. The facilitator edits them on the
    board."""
    lang = state.language

    def lines(wanted: tuple[str, ...], with_owner: bool = False) -> str:
        out = []
        for board, meeting in earlier:
            for n in sorted(meeting.notes.values(), key=lambda n: n.created_seq):
                if n.private or n.pending or n.source is not None or n.area not in wanted:
                    continue
                owner = f" ({n.owner})" if with_owner and n.owner else ""
                out.append(f"- {n.text}{owner} [{called(board, lang)}]")
        return "\n".join(out)[:FIELD_TEXT_MAX]

    def summaries() -> str:
        """Each meeting's summary as its facilitator saved it (summary.set), named."""
        return "\n".join(
            f"{called(board, lang)}:\n{meeting.summary.strip()}"
            for board, meeting in earlier
            if meeting.summary.strip()
        )

    def priorities() -> str:
        out: list[str] = []
        for board, meeting in earlier:
            chosen = [meeting.notes[i] for i in meeting.priorities if i in meeting.notes]
            if not chosen and meeting.voting and meeting.voting.closed:
                ranked = sorted(meeting.voting.results().items(), key=lambda kv: -kv[1])
                chosen = [meeting.notes[i] for i, _ in ranked[:5] if i in meeting.notes]
            chosen += [n for n in meeting.notes.values() if n.area == "priorities"]
            out += [f"{len(out) + 1}. {n.text} [{called(board, lang)}]" for n in chosen]
        return "\n".join(out)[:FIELD_TEXT_MAX]

    def ideas() -> str:
        """The ideas parked along the way, each once, with its owner as it stands last."""
        out = [
            f"- {idea.text}{f' ({idea.owner})' if idea.owner else ''} [{where}]"
            for idea, where in ideas_by_first_id(earlier, lang).values()
        ]
        return "\n".join(out)[:FIELD_TEXT_MAX]

    drafted = {
        "theme": theme[:FIELD_TEXT_MAX],
        "knowledge": "\n".join(
            part for part in (summaries(), lines(("learning", "knowledge"))) if part
        )[:FIELD_TEXT_MAX],
        "practice": lines(("actions", "into-play"), with_owner=True),
        "recommendations": priorities(),
        "other": ideas(),
    }
    fields = {k: drafted.get(k) or v for k, v in state.fields.items()}
    return replace(state, fields=fields)


def ideas_by_first_id(
    boards: Sequence[tuple[NetworkBoard, BoardState]], language: str
) -> dict[str, tuple[ParkedIdea, str]]:
    """Every idea parked in `boards` (in their order), once, by its first id: as the latest
    board holds it (an owner given at a later meeting counts), with where it was parked."""
    found: dict[str, tuple[ParkedIdea, str]] = {}
    for board, state in boards:
        for idea in sorted(state.parked.values(), key=lambda i: i.created_seq):
            key = idea.id if idea.source else first_id(board, idea.id)
            where = found[key][1] if key in found else called(board, language)
            found[key] = (idea, where)
    return found


def _carry_in(state: BoardState, earlier: list[Meeting], *, closing: bool) -> BoardState:
    if not earlier:
        return state
    lang = state.language
    _ = translations(lang).gettext
    carry = _Carry(lang)
    areas: list[Area] = []
    last = earlier[-1]
    recap = [n for n in last.state.notes.values() if _carried(n) and n.area in _CAPTURE_AREAS]
    if not recap and last.state.method != "meeting-capture":
        recap = [n for n in last.state.notes.values() if _carried(n)]
    if recap or any(v.strip() for v in last.state.fields.values()):
        areas.append(
            Area("recap", _("Last meeting"), _("What mattered most last time, to build on today."))
        )
        for n in recap:
            carry.note("recap", last, n)
        carry.fields("recap", last)
    if closing:  # after the recap, so what the recap holds is not repeated here
        areas.append(
            Area(
                "material",
                _("Material from the meetings"),
                _("Notes from the network's earlier meetings, with source."),
            )
        )
        for meeting in earlier:
            for n in meeting.state.notes.values():
                if _carried(n):
                    carry.note("material", meeting, n)
            carry.fields("material", meeting)
    for idea in last.state.parked.values():
        carry.idea(last, idea)
    return replace(
        state,
        areas=(*areas, *state.areas),
        notes={**state.notes, **carry.notes},
        parked={**state.parked, **carry.parked},
        participants={**state.participants, **carry.people},
    )


class _Carry:
    """What a new board takes from earlier meetings. Whatever the route, a carried note or
    idea keeps its first id, first source and first author, so it is taken only once and
    never re-labelled as coming from a meeting it merely passed through."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.notes: dict[str, Note] = {}
        self.parked: dict[str, ParkedIdea] = {}
        self.people: dict[str, Participant] = {}

    def note(self, area: str, meeting: Meeting, n: Note) -> None:
        note_id = n.id if n.source else first_id(meeting.board, n.id)
        if note_id in self.notes:
            return
        self.notes[note_id] = Note(
            note_id,
            area,
            n.text,
            # written anonymously: it stays so on every hop, and its writer is not carried
            "" if n.anonymous else self.author(meeting, n.author),
            owner=n.owner,
            source=n.source or _source(meeting.board, self.language),
            anonymous=n.anonymous,
        )
        self.owner(meeting, n.owner)

    def fields(self, area: str, meeting: Meeting) -> None:
        for key, text in meeting.state.fields.items():
            note_id = first_id(meeting.board, f"field-{key}")
            if not text.strip() or note_id in self.notes:
                continue
            label = meeting.labels.get(key, key)
            self.notes[note_id] = Note(
                note_id,
                area,
                f"{label}: {text}",
                self.author(meeting, meeting.writers.get(key, "")),
                source=_source(meeting.board, self.language),
            )
        for key, line in meeting.rows.items():
            note_id = first_id(meeting.board, "row-" + key.replace("/", ":"))
            if note_id in self.notes:
                continue
            self.notes[note_id] = Note(
                note_id,
                area,
                line[:NOTE_TEXT_MAX],
                self.author(meeting, meeting.writers.get(key, "")),
                source=_source(meeting.board, self.language),
            )

    def idea(self, meeting: Meeting, idea: ParkedIdea) -> None:
        idea_id = idea.id if idea.source else first_id(meeting.board, idea.id)
        self.parked[idea_id] = ParkedIdea(
            idea_id,
            idea.text,
            self.author(meeting, idea.by),
            owner=idea.owner,
            source=idea.source or _source(meeting.board, self.language),
        )
        self.owner(meeting, idea.owner)

    def author(self, meeting: Meeting, participant_id: str) -> str:
        """The id the new board knows `participant_id` of `meeting` by: an entry of their
        own (no token maps to it), so the note stays theirs rather than the facilitator's."""
        if not participant_id:
            return ""  # nobody known (a field drafted by the server)
        was = meeting.state.participants.get(participant_id)
        if was is not None and was.carried:
            entry = was  # carried into that meeting already: the same person from the start
        else:
            entry = Participant(
                first_id(meeting.board, participant_id),
                was.name if was else "",
                "participant",  # never "facilitator": that role is the new board's own
                carried=True,  # consent stays False: it was given for their own meeting
            )
        self.people.setdefault(entry.id, entry)
        return entry.id

    def owner(self, meeting: Meeting, owner: str | None) -> None:
        """An owner who is a participant of `meeting` comes along too, so that anonymising
        the new board finds that name among its participants and takes it out."""
        if not owner:
            return
        wanted = owner.strip().casefold()
        for p in meeting.state.participants.values():
            if p.name and p.name.strip().casefold() == wanted and p.role != "viewer":
                self.author(meeting, p.id)


def first_id(board: NetworkBoard, key: str) -> str:
    """The id of something first written in `board`, the same on every later hop."""
    prefix = f"m{board.meeting_no}-" if board.meeting_no is not None else f"p{board.id[:8]}-"
    carried = prefix + key
    if len(carried) <= 64:
        return carried
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:32]


def called(board: NetworkBoard, language: str) -> str:
    """A board as a source names it: "Møde 2", or a planning board by its title."""
    if board.meeting_no is None:
        return board.title
    return translations(language).gettext("Meeting {n}").format(n=board.meeting_no)
