"""Learning networks over HTTP: a theme and its series of meeting boards.

A new meeting opens with a recap of the previous meeting's capture and the ideas parked
there; a closing meeting also gathers every earlier meeting's notes as source material.
Each carried note says where it came from (meeting, date, title).
"""

from __future__ import annotations

import hmac
import time
from dataclasses import replace
from datetime import UTC, datetime

from babel.dates import format_date
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from server.board.ops import FIELD_TEXT_MAX, NOTE_TEXT_MAX, TITLE_MAX
from server.board.state import Area, BoardState, Note, ParkedIdea
from server.http.boards import (
    NAME_MAX,
    Categories,
    CreateBoard,
    Language,
    count_creation,
    open_board,
)
from server.http.errors import ApiError, read_json
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


async def get_network(request: Request) -> JSONResponse:
    services = services_of(request)
    network = await _authorized(request, services)
    meetings = await services.store.network_meetings(network.id)
    return JSONResponse(
        {
            "id": network.id,
            "title": network.title,
            "theme": network.theme,
            "language": network.language,
            "meetings": [
                {
                    "board_id": m.id,
                    "number": m.meeting_no,
                    "title": m.title,
                    "method": m.method,
                    "date": _date(m),
                    "join_code": m.join_code,
                }
                for m in meetings
            ],
        }
    )


async def add_meeting(request: Request) -> JSONResponse:
    services = services_of(request)
    network = await _authorized(request, services)
    body = await read_json(request, CreateMeeting)
    earlier = await services.store.network_meetings(network.id)
    states = []
    for board in earlier:
        room = await services.rooms.get(board.id)
        if room is not None:
            states.append((board, room.state))

    def seed(state: BoardState, facilitator: str) -> BoardState:
        seeded = _seed(state, facilitator, states, closing=body.closing)
        if seeded.method == "leadership-deliverable":
            seeded = draft_deliverable(seeded, network.theme, states)
        return seeded

    create = CreateBoard(
        title=body.title,
        method=body.method,
        language=network.language,
        name=body.name,
        categories=body.categories,
    )
    number = len(earlier) + 1
    answer = await open_board(services, create, network_id=network.id, meeting_no=number, seed=seed)
    return JSONResponse({**answer, "number": number}, status_code=201)


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


def _date(board: BoardRow) -> str:
    return datetime.fromtimestamp(board.created_at, UTC).date().isoformat()


def _source(board: BoardRow, language: str) -> str:
    when = datetime.fromtimestamp(board.created_at, UTC).date()
    date = format_date(when, format="medium", locale=language)  # 24. nov. 2026 / 24 Nov 2026
    return f"{_MEETING[language]} {board.meeting_no} · {date} · {board.title}"


def draft_deliverable(
    state: BoardState, theme: str, earlier: list[tuple[BoardRow, BoardState]]
) -> BoardState:
    """The deliverable's fields drafted from the meetings: their key learning points, their
    actions with owners, their priorities. The facilitator edits them on the board."""
    lang = state.language

    def lines(wanted: tuple[str, ...], with_owner: bool = False) -> str:
        out = []
        for board, meeting in earlier:
            for n in sorted(meeting.notes.values(), key=lambda n: n.created_seq):
                if n.private or n.source is not None or n.area not in wanted:
                    continue
                owner = f" ({n.owner})" if with_owner and n.owner else ""
                out.append(f"- {n.text}{owner} [{_MEETING[lang]} {board.meeting_no}]")
        return "\n".join(out)[:FIELD_TEXT_MAX]

    def priorities() -> str:
        out: list[str] = []
        for board, meeting in earlier:
            chosen = [meeting.notes[i] for i in meeting.priorities if i in meeting.notes]
            if not chosen and meeting.voting and meeting.voting.closed:
                ranked = sorted(meeting.voting.results().items(), key=lambda kv: -kv[1])
                chosen = [meeting.notes[i] for i, _ in ranked[:5] if i in meeting.notes]
            chosen += [n for n in meeting.notes.values() if n.area == "priorities"]
            out += [
                f"{len(out) + 1}. {n.text} [{_MEETING[lang]} {board.meeting_no}]" for n in chosen
            ]
        return "\n".join(out)[:FIELD_TEXT_MAX]

    drafted = {
        "theme": theme[:FIELD_TEXT_MAX],
        "knowledge": lines(("learning", "knowledge")),
        "practice": lines(("actions", "into-play"), with_owner=True),
        "recommendations": priorities(),
    }
    fields = {k: drafted.get(k) or v for k, v in state.fields.items()}
    return replace(state, fields=fields)


def _seed(
    state: BoardState,
    facilitator: str,
    earlier: list[tuple[BoardRow, BoardState]],
    *,
    closing: bool,
) -> BoardState:
    if not earlier:
        return state
    lang = state.language
    areas: list[Area] = []
    notes: dict[str, Note] = {}

    def carry(area: str, board: BoardRow, key: str, text: str) -> None:
        note_id = f"m{board.meeting_no}-{key}"[:64]
        source = _source(board, lang)
        notes[note_id] = Note(note_id, area, text, facilitator, source=source)

    last_board, last = earlier[-1]
    recap = [n for n in last.notes.values() if not n.private and n.area in _CAPTURE_AREAS]
    if not recap and last.method != "meeting-capture":
        recap = [n for n in last.notes.values() if not n.private]
    fields = [(k, v) for k, v in last.fields.items() if v.strip()]
    if recap or fields:
        areas.append(Area("recap", *_RECAP[lang]))
        for n in recap:
            carry("recap", last_board, n.id, n.text)
        for key, text in fields:
            carry("recap", last_board, f"field-{key}", text)
    if closing:
        areas.append(Area("material", *_MATERIAL[lang]))
        for board, earlier_state in earlier:
            for n in earlier_state.notes.values():
                if not n.private and n.source is None:  # carried notes count where first written
                    carry("material", board, f"all-{n.id}", n.text)
    parked = {
        f"m{last_board.meeting_no}-{i.id}"[:64]: ParkedIdea(
            f"m{last_board.meeting_no}-{i.id}"[:64],
            i.text,
            facilitator,
            owner=i.owner,
            source=_source(last_board, lang),
        )
        for i in last.parked.values()
    }
    return replace(
        state,
        areas=(*areas, *state.areas),
        notes={**state.notes, **notes},
        parked={**state.parked, **parked},
    )
