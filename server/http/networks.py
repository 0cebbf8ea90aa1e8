"""Learning networks over HTTP: a theme and its series of meeting boards.

What a new board of the network carries from the earlier ones, and in which order they
come, is decided in server/board/network.py; this module reads and stores.
"""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from server.board.network import (
    Meeting,
    first_id,
    ideas_by_first_id,
    meeting_number,
    series,
    table_rows,
)
from server.board.network import seed as carried_into
from server.board.ops import NOTE_TEXT_MAX, TITLE_MAX, CellSet, FieldSet
from server.board.state import BoardState
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


async def get_network(request: Request) -> JSONResponse:
    services = services_of(request)
    network = await _authorized(request, services)
    planning, meetings, deliverables = series(await services.store.network_meetings(network.id))
    boards = [*planning, *meetings, *deliverables]
    states = {}
    for board in boards:
        if (room := await services.rooms.get(board.id)) is not None:
            states[board.id] = room.state
    # an idea's owner as the latest meeting holds it: one given at a later meeting counts
    read = [(b, states[b.id]) for b in boards if b.id in states]
    latest = ideas_by_first_id(read, network.language)

    def described(board: BoardRow) -> dict[str, Any]:
        state = states.get(board.id)
        # the network's facilitator sees each board as the board's facilitator would
        ideas = (
            [
                {"text": i.text, "owner": latest[first_id(board, i.id)][0].owner}
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
    planning, earlier, _ = series(await services.store.network_meetings(network.id))
    meetings = []
    for board in [*planning, *earlier] if body.closing else earlier:
        room = await services.rooms.get(board.id)
        if room is not None:
            method = services.methods.get(board.method)
            labels = {f.id: f.label[network.language] for f in method.fields} if method else {}
            rows = table_rows(method, room.state) if method else {}
            writers = await _field_writers(services, board.id) if room.state.fields or rows else {}
            meetings.append(Meeting(board, room.state, labels, writers, rows))

    def seed(state: BoardState, facilitator: str) -> BoardState:
        return carried_into(
            state, network.theme, meetings, planning=body.planning, closing=body.closing
        )

    create = CreateBoard(
        title=body.title,
        method=body.method,
        language=network.language,
        name=body.name,
        categories=body.categories,
    )
    number = meeting_number(body.method, planning=body.planning, earlier=earlier)
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


def _date(board: BoardRow) -> str:
    return datetime.fromtimestamp(board.created_at, UTC).date().isoformat()
