"""REST: create a board, join it with a code, read its state."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.board import creation
from server.board.ops import PROMPT_MAX, TITLE_MAX, JoiningParticipant, ParticipantJoin
from server.board.state import BoardState
from server.board.views import view_state
from server.http.errors import ApiError, read_json
from server.http.ratelimit import Refused, client_address
from server.ids import (
    hash_token,
    new_board_id,
    new_epoch,
    new_join_code,
    new_participant_id,
    new_token,
    normalize_join_code,
)
from server.services import Services, services_of
from server.store.base import BoardRow, Credential, NewParticipant
from server.sync.rooms import Room, effective_role

NAME_MAX = 60


class CustomCategory(BaseModel):
    """A category of the facilitator's own, shown to participants with its explanation."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    explanation: str = Field(min_length=1, max_length=PROMPT_MAX)


Language = Literal["da", "sv", "en"]


Categories = Annotated[
    list[str | CustomCategory] | None,
    Field(
        max_length=10,
        description="For methods with categories: the ids chosen, or custom categories.",
    ),
]


class CreateBoard(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    method: str = "free"
    language: Language = "da"
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    categories: Categories = None
    anonymous: bool = Field(
        default=False, strict=True, description="Notes name no author but to their author."
    )


class Join(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=NAME_MAX)


def count_creation(request: Request, services: Services) -> None:
    """One more board (or import, or network) from this address; 429 over the limit."""
    try:
        services.creations.count(client_address(request))
    except Refused as e:
        retry = {"Retry-After": str(e.retry_after)}
        raise ApiError(429, "rate_limited", e.message, retry) from None


async def create_board(request: Request) -> JSONResponse:
    services = services_of(request)
    body = await read_json(request, CreateBoard)
    count_creation(request, services)
    return JSONResponse(await open_board(services, body), status_code=201)


Seed = Callable[[BoardState, str], BoardState]


async def open_board(
    services: Services,
    body: CreateBoard,
    *,
    network_id: str | None = None,
    meeting_no: int | None = None,
    seed: Seed | None = None,
) -> dict[str, Any]:
    """A new board as `POST /api/boards` answers it; `seed(state, facilitator_id)` may add
    to its first state (a network's recap)."""
    method = services.methods.get(body.method)
    if method is None:
        known = ", ".join(sorted(services.methods))
        raise ApiError(422, "invalid", f"Unknown method {body.method!r}; known methods: {known}.")
    board_id, facilitator_id = new_board_id(), new_participant_id()
    categories = (
        None
        if body.categories is None
        else [
            c if isinstance(c, str) else creation.CustomCategory(c.title, c.explanation)
            for c in body.categories
        ]
    )
    try:
        state = creation.first_state(
            board_id,
            body.title,
            method,
            body.language,
            facilitator_id=facilitator_id,
            facilitator_name=body.name,
            categories=categories,
            anonymous=body.anonymous,
        )
    except creation.CreationError as e:
        raise ApiError(422, "invalid", str(e)) from None
    board = BoardRow(
        id=board_id,
        title=state.title,
        method=method.id,
        language=body.language,
        join_code=new_join_code(),
        epoch=new_epoch(),
        created_at=time.time(),
        network_id=network_id,
        meeting_no=meeting_no,
    )
    facilitator_token, viewer_token = new_token(), new_token()
    facilitator = state.participants[facilitator_id]
    viewer = NewParticipant(new_participant_id(), "", "viewer", hash_token(viewer_token))
    if seed is not None:
        state = seed(state, facilitator.id)
    await services.store.create_board(
        board,
        state.to_json(),
        [
            NewParticipant(
                facilitator.id, facilitator.name, "facilitator", hash_token(facilitator_token)
            ),
            viewer,
        ],
    )
    return {
        "id": board.id,
        "join_code": board.join_code,
        "facilitator_token": facilitator_token,
        "viewer_token": viewer_token,
        "participant_id": facilitator.id,
        "epoch": board.epoch,
        "urls": {
            "board": f"/b/{board.id}",
            "join": f"/?code={board.join_code}",
            # a fragment never reaches the server, so the token stays out of its logs
            "viewer": f"/b/{board.id}#token={viewer_token}",
        },
    }


async def join_board(request: Request) -> JSONResponse:
    services = services_of(request)
    address = client_address(request)
    body = await read_json(request, Join)
    name = body.name.strip()
    if not name:
        raise ApiError(422, "invalid", "Field 'name': write the name others will see.")
    code = normalize_join_code(body.code)
    try:
        # counted before the lookup is awaited: concurrent guesses cannot all be checked
        attempt = await services.join_guard.admit(address, code)
    except Refused as e:
        raise ApiError(
            429, "rate_limited", e.message, {"Retry-After": str(e.retry_after)}
        ) from None
    try:
        board = await services.store.find_board_by_code(code)
    except BaseException:
        attempt.cancel()
        raise
    if board is None:
        attempt.wrong()
        raise ApiError(404, "not_found", "No board has that code. Check it and try again.")
    attempt.found()
    room = await services.rooms.get(board.id)
    if room is None:
        raise ApiError(404, "not_found", "That board no longer exists.")
    token = new_token()
    participant = NewParticipant(new_participant_id(), name, "participant", hash_token(token))
    await services.store.add_participant(board.id, participant)
    joined = JoiningParticipant(id=participant.id, name=name, role="participant")
    await room.submit(
        f"join-{participant.id}",
        ParticipantJoin(kind="participant.join", participant=joined),
        participant.id,
    )
    return JSONResponse({"board_id": board.id, "token": token, "participant_id": participant.id})


async def board_credential(
    request: Request, services: Services, *, facilitator: bool = False
) -> tuple[Credential, Room]:
    """The bearer token's credential for the board in the path, and the board's room."""
    board_id = request.path_params["board_id"]
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "Send 'Authorization: Bearer <token>'.")
    credential = await services.store.authenticate(hash_token(token.strip()))
    if credential is None:
        raise ApiError(401, "unauthorized", "This token is not valid. Join the board again.")
    room = await services.rooms.get(board_id)
    if room is None:
        raise ApiError(404, "not_found", "There is no board with this id.")
    if credential.board_id != board_id:
        raise ApiError(403, "forbidden", "This token belongs to another board.")
    # a role.set since the token was made counts: a co-facilitator, or one who stepped down
    role = effective_role(room.state, credential.participant_id, credential.role)
    credential = replace(credential, role=role)
    if facilitator and credential.role != "facilitator":
        raise ApiError(403, "forbidden", "Only the board's facilitator may do this.")
    await room.close_overdue_survey()  # what is read (a record, an export) holds its totals
    return credential, room


async def get_board(request: Request) -> JSONResponse:
    services = services_of(request)
    credential, room = await board_credential(request, services)
    board_id = room.board.id
    state = view_state(room.state, credential.participant_id)
    # read from the store: another worker's facilitator may have changed it
    stored = await services.store.get_board(board_id)
    days = (stored.retention_days if stored else None) or services.config.retention_days
    return JSONResponse(
        {
            "id": board_id,
            "seq": state.seq,
            "epoch": room.epoch,
            "retention_days": days,
            "state": state.to_json(),
        }
    )


async def rotate_join_code(request: Request) -> JSONResponse:
    """The facilitator gives the board a new code; the old one opens nothing any more
    (tokens already handed out keep working: remove a participant to end theirs)."""
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    code = new_join_code()
    board_id = room.board.id
    # every screen reloads the board and so shows the new code
    await services.rooms.reset(
        board_id, lambda: services.store.set_join_code(board_id, code), "new join code"
    )
    return JSONResponse({"join_code": code, "urls": {"join": f"/?code={code}"}})


async def remove_participant(request: Request) -> Response:
    """The facilitator removes a participant: their token is revoked and their connections
    closed. Their notes stay (anonymise the board to take their name off them)."""
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    participant_id = request.path_params["participant_id"]
    who = room.state.participants.get(participant_id)
    if who is not None and who.role == "facilitator":
        raise ApiError(
            422, "invalid", "A facilitator cannot be removed; make them a participant first."
        )
    if not await services.store.remove_participant(room.board.id, participant_id):
        raise ApiError(404, "not_found", f"This board has no participant {participant_id!r}.")
    await services.rooms.revoke(room.board.id, participant_id)
    return Response(status_code=204)
