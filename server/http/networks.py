"""Learning networks over HTTP: a theme and its series of meeting boards.

A new meeting opens with a recap of the previous meeting's capture and the ideas parked
there; a closing meeting also gathers every earlier meeting's notes as source material.
Each carried note says where it came from (meeting, date, title) and who wrote it, both as
they were where it was first written, however many meetings it passed through.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_date
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from facilitation_methods.schema import Method
from server.board.ops import FIELD_TEXT_MAX, NOTE_TEXT_MAX, TITLE_MAX, CellSet, FieldSet
from server.board.state import Area, BoardState, Note, ParkedIdea, Participant
from server.http.boards import (
    NAME_MAX,
    Categories,
    CreateBoard,
    Language,
    count_creation,
    open_board,
)
from server.http.errors import ApiError, read_json
from server.http.facilitate import facilitator_of
from server.ids import hash_token, new_board_id, new_token
from server.services import Services, services_of
from server.store.base import BoardRow, NetworkRow

_MEETING = {"da": "Møde", "sv": "Möte", "en": "Meeting"}
_RECAP = {
    "da": ("Sidste møde", "Det vigtigste fra sidste møde, som vi bygger videre på i dag."),
    "sv": ("Förra mötet", "Det viktigaste från förra mötet, som vi bygger vidare på i dag."),
    "en": ("Last meeting", "What mattered most last time, to build on today."),
}
_MATERIAL = {
    "da": ("Materiale fra møderne", "Noter fra netværkets tidligere møder, med kilde."),
    "sv": ("Material från mötena", "Lappar från nätverkets tidigare möten, med källa."),
    "en": ("Material from the meetings", "Notes from the network's earlier meetings, with source."),
}
# the areas of a meeting capture that make up its joint capture
_CAPTURE_AREAS = ("knowledge", "learning", "actions")


class CreateNetwork(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    theme: str = Field(min_length=1, max_length=NOTE_TEXT_MAX)
    language: Language = "da"


class CreateMeeting(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    method: str = "meeting-capture"
    categories: Categories = None
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    closing: bool = Field(default=False, description="Gather every earlier meeting's notes.")
    planning: bool = Field(
        default=False,
        description="A planning board of the network (its theme unfolding, its process plan): "
        "no meeting number and no recap; a closing meeting gathers its fields too.",
    )


async def create_network(request: Request) -> JSONResponse:
    body = await read_json(request, CreateNetwork)
    count_creation(request, services_of(request))
    token = new_token()
    network = NetworkRow(
        id=new_board_id(),
        title=body.title.strip(),
        theme=body.theme.strip(),
        language=body.language,
        token_hash=hash_token(token),
        created_at=time.time(),
    )
    await services_of(request).store.create_network(network)
    return JSONResponse(
        {"id": network.id, "token": token, "urls": {"network": f"/api/networks/{network.id}"}},
        status_code=201,
    )


_DELIVERABLE = "leadership-deliverable"


def _series(
    boards: list[BoardRow],
) -> tuple[list[BoardRow], list[BoardRow], list[BoardRow]]:
    """A network's planning boards (oldest first), its meetings (by number) and its
    deliverables (oldest first): every store sorts a missing number differently, so the
    order is made here. A deliverable is neither a planning board nor a meeting: nothing is
    carried from it, and it takes no meeting number (one drafted before the network's last
    meetings, as it may be, neither recaps them nor leaves a gap in their numbers)."""
    by_age = sorted(boards, key=lambda b: b.created_at)
    deliverables = [b for b in by_age if b.method == _DELIVERABLE]
    planning = [b for b in by_age if b.meeting_no is None and b.method != _DELIVERABLE]
    meetings = sorted(
        (b for b in boards if b.meeting_no is not None and b.method != _DELIVERABLE),
        key=lambda b: b.meeting_no or 0,
    )
    return planning, meetings, deliverables


async def get_network(request: Request) -> JSONResponse:
    services = services_of(request)
    network = await _authorized(request, services)
    planning, meetings, deliverables = _series(await services.store.network_meetings(network.id))
    boards = [*planning, *meetings, *deliverables]
    states = {}
    for board in boards:
        if (room := await services.rooms.get(board.id)) is not None:
            states[board.id] = room.state
    # an idea's owner as the latest meeting holds it: one given at a later meeting counts
    latest = _ideas([(b, states[b.id]) for b in boards if b.id in states], network.language)

    def described(board: BoardRow) -> dict[str, Any]:
        state = states.get(board.id)
        # the network's facilitator sees each board as the board's facilitator would
        ideas = (
            [
                {"text": i.text, "owner": latest[_first_id(board, i.id)][0].owner}
                for i in sorted(state.parked.values(), key=lambda i: i.created_seq)
                if not i.source  # carried ideas are listed where they were parked
            ]
            if state is not None
            else []
        )
        return {
            "board_id": board.id,
            "number": board.meeting_no,
            "title": state.title if state is not None else board.title,
            "method": board.method,
            "date": _date(board),
            "join_code": board.join_code,
            "closed": bool(state and state.closed),
            "parked": ideas,
        }

    return JSONResponse(
        {
            "id": network.id,
            "title": network.title,
            "theme": network.theme,
            "language": network.language,
            "planning": [described(b) for b in planning],
            # the deliverables after the meetings (the page tells them apart by method)
            "meetings": [described(b) for b in [*meetings, *deliverables]],
        }
    )


async def add_meeting(request: Request) -> JSONResponse:
    services = services_of(request)
    network = await _authorized(request, services)
    body = await read_json(request, CreateMeeting)
    count_creation(request, services)  # a meeting is a board like any other
    planning, earlier, _ = _series(await services.store.network_meetings(network.id))
    meetings = []
    for board in [*planning, *earlier] if body.closing else earlier:
        room = await services.rooms.get(board.id)
        if room is not None:
            method = services.methods.get(board.method)
            labels = {f.id: f.label[network.language] for f in method.fields} if method else {}
            rows = _rows(method, room.state) if method else {}
            writers = await _field_writers(services, board.id) if room.state.fields or rows else {}
            meetings.append(_Meeting(board, room.state, labels, writers, rows))
    states = [(m.board, m.state) for m in meetings]

    def seed(state: BoardState, facilitator: str) -> BoardState:
        if body.planning:
            return state  # planned before the meetings: nothing to carry yet
        if state.method == _DELIVERABLE:
            # a document for the leadership forum, not a meeting: its headings are drafted
            # from the meetings (ideas and owners under "Andet"), with no "last meeting"
            # recap and no parking lot to repeat them below the headings
            return draft_deliverable(state, network.theme, states)
        return _seed(state, meetings, closing=body.closing)

    create = CreateBoard(
        title=body.title,
        method=body.method,
        language=network.language,
        name=body.name,
        categories=body.categories,
    )
    number = None if body.planning or body.method == _DELIVERABLE else len(earlier) + 1
    answer = await open_board(services, create, network_id=network.id, meeting_no=number, seed=seed)
    return JSONResponse({**answer, "number": number}, status_code=201)


async def board_token(request: Request) -> JSONResponse:
    """A fresh facilitator token for one of the network's boards, for its facilitator on a
    device that never held it (the network's page opens its meetings with it); in the
    answer's body only, never in a URL."""
    services = services_of(request)
    network = await _authorized(request, services)
    board_id = request.path_params["board_id"]
    board = await services.store.get_board(board_id)
    room = await services.rooms.get(board_id)
    if board is None or room is None or board.network_id != network.id:
        raise ApiError(404, "not_found", "This learning network has no such board.")
    facilitator = facilitator_of(room.state.participants)
    if facilitator is None:
        raise ApiError(404, "not_found", "This board has no facilitator to stand for.")
    token = new_token()
    await services.store.add_facilitator_token(board_id, facilitator, hash_token(token))
    return JSONResponse(
        {"token": token, "participant_id": facilitator, "urls": {"board": f"/b/{board_id}"}},
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )


async def _authorized(request: Request, services: Services) -> NetworkRow:
    network = await services.store.get_network(request.path_params["network_id"])
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "Send 'Authorization: Bearer <network token>'.")
    if network is None:
        raise ApiError(404, "not_found", "There is no learning network with this id.")
    if not hmac.compare_digest(network.token_hash, hash_token(token.strip())):
        raise ApiError(403, "forbidden", "This token does not open this learning network.")
    return network


async def _field_writers(services: Services, board_id: str) -> dict[str, str]:
    """Who set each field (and each table row) of the board last: the author its carried
    text keeps."""
    writers = {}
    for stored in await services.store.ops_after(board_id, 0):
        op = stored.record.op
        if stored.noop is None and isinstance(op, FieldSet):
            writers[op.field] = stored.record.by
        elif stored.noop is None and isinstance(op, CellSet):
            writers[f"{op.table}/{op.row}"] = stored.record.by
    return writers


def _rows(method: Method, state: BoardState) -> dict[str, str]:
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


def _date(board: BoardRow) -> str:
    return datetime.fromtimestamp(board.created_at, UTC).date().isoformat()


def _source(board: BoardRow, language: str) -> str:
    when = datetime.fromtimestamp(board.created_at, UTC).date()
    date = format_date(when, format="medium", locale=language)  # 24. nov. 2026 / 24 Nov 2026
    if board.meeting_no is None:
        return f"{board.title} · {date}"
    return f"{_MEETING[language]} {board.meeting_no} · {date} · {board.title}"


def _carried(note: Note) -> bool:
    """Whether a note of an earlier meeting is material for a later one: one the room saw
    (not private, not left waiting in the facilitators' inbox)."""
    return not note.private and not note.pending


def draft_deliverable(
    state: BoardState, theme: str, earlier: list[tuple[BoardRow, BoardState]]
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
                out.append(f"- {n.text}{owner} [{_called(board, lang)}]")
        return "\n".join(out)[:FIELD_TEXT_MAX]

    def summaries() -> str:
        """Each meeting's summary as its facilitator saved it (summary.set), named."""
        return "\n".join(
            f"{_called(board, lang)}:\n{meeting.summary.strip()}"
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
            out += [f"{len(out) + 1}. {n.text} [{_called(board, lang)}]" for n in chosen]
        return "\n".join(out)[:FIELD_TEXT_MAX]

    def ideas() -> str:
        """The ideas parked along the way, each once, with its owner as it stands last."""
        out = [
            f"- {idea.text}{f' ({idea.owner})' if idea.owner else ''} [{where}]"
            for idea, where in _ideas(earlier, lang).values()
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


def _ideas(
    boards: list[tuple[BoardRow, BoardState]], language: str
) -> dict[str, tuple[ParkedIdea, str]]:
    """Every idea parked in `boards` (in their order), once, by its first id: as the latest
    board holds it (an owner given at a later meeting counts), with where it was parked."""
    found: dict[str, tuple[ParkedIdea, str]] = {}
    for board, state in boards:
        for idea in sorted(state.parked.values(), key=lambda i: i.created_seq):
            key = idea.id if idea.source else _first_id(board, idea.id)
            where = found[key][1] if key in found else _called(board, language)
            found[key] = (idea, where)
    return found


def _seed(state: BoardState, earlier: list[_Meeting], *, closing: bool) -> BoardState:
    if not earlier:
        return state
    lang = state.language
    carry = _Carry(lang)
    areas: list[Area] = []
    last = earlier[-1]
    recap = [n for n in last.state.notes.values() if _carried(n) and n.area in _CAPTURE_AREAS]
    if not recap and last.state.method != "meeting-capture":
        recap = [n for n in last.state.notes.values() if _carried(n)]
    if recap or any(v.strip() for v in last.state.fields.values()):
        areas.append(Area("recap", *_RECAP[lang]))
        for n in recap:
            carry.note("recap", last, n)
        carry.fields("recap", last)
    if closing:  # after the recap, so what the recap holds is not repeated here
        areas.append(Area("material", *_MATERIAL[lang]))
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


@dataclass(frozen=True)
class _Meeting:
    """An earlier meeting as a new one takes from it."""

    board: BoardRow
    state: BoardState
    labels: dict[str, str]  # field id -> its label in the board's language
    writers: dict[str, str]  # field id (or "table/row") -> who set it last
    rows: dict[str, str]  # "table/row" -> the row as one line, for its filled tables


class _Carry:
    """What a new board takes from earlier meetings. Whatever the route, a carried note or
    idea keeps its first id, first source and first author, so it is taken only once and
    never re-labelled as coming from a meeting it merely passed through."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.notes: dict[str, Note] = {}
        self.parked: dict[str, ParkedIdea] = {}
        self.people: dict[str, Participant] = {}

    def note(self, area: str, meeting: _Meeting, n: Note) -> None:
        note_id = n.id if n.source else _first_id(meeting.board, n.id)
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

    def fields(self, area: str, meeting: _Meeting) -> None:
        for key, text in meeting.state.fields.items():
            note_id = _first_id(meeting.board, f"field-{key}")
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
            note_id = _first_id(meeting.board, "row-" + key.replace("/", ":"))
            if note_id in self.notes:
                continue
            self.notes[note_id] = Note(
                note_id,
                area,
                line[:NOTE_TEXT_MAX],
                self.author(meeting, meeting.writers.get(key, "")),
                source=_source(meeting.board, self.language),
            )

    def idea(self, meeting: _Meeting, idea: ParkedIdea) -> None:
        idea_id = idea.id if idea.source else _first_id(meeting.board, idea.id)
        self.parked[idea_id] = ParkedIdea(
            idea_id,
            idea.text,
            self.author(meeting, idea.by),
            owner=idea.owner,
            source=idea.source or _source(meeting.board, self.language),
        )
        self.owner(meeting, idea.owner)

    def author(self, meeting: _Meeting, participant_id: str) -> str:
        """The id the new board knows `participant_id` of `meeting` by: an entry of their
        own (no token maps to it), so the note stays theirs rather than the facilitator's."""
        if not participant_id:
            return ""  # nobody known (a field drafted by the server)
        was = meeting.state.participants.get(participant_id)
        if was is not None and was.carried:
            entry = was  # carried into that meeting already: the same person from the start
        else:
            entry = Participant(
                _first_id(meeting.board, participant_id),
                was.name if was else "",
                "participant",  # never "facilitator": that role is the new board's own
                carried=True,  # consent stays False: it was given for their own meeting
            )
        self.people.setdefault(entry.id, entry)
        return entry.id

    def owner(self, meeting: _Meeting, owner: str | None) -> None:
        """An owner who is a participant of `meeting` comes along too, so that anonymising
        the new board finds that name among its participants and takes it out."""
        if not owner:
            return
        wanted = owner.strip().casefold()
        for p in meeting.state.participants.values():
            if p.name and p.name.strip().casefold() == wanted and p.role != "viewer":
                self.author(meeting, p.id)


def _first_id(board: BoardRow, key: str) -> str:
    """The id of something first written in `board`, the same on every later hop."""
    prefix = f"m{board.meeting_no}-" if board.meeting_no is not None else f"p{board.id[:8]}-"
    carried = prefix + key
    if len(carried) <= 64:
        return carried
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:32]


def _called(board: BoardRow, language: str) -> str:
    """A board as a source names it: "Møde 2", or a planning board by its title."""
    if board.meeting_no is None:
        return board.title
    return f"{_MEETING[language]} {board.meeting_no}"
