"""Co-facilitator invites: a facilitator makes a link that makes one more facilitator.

`POST /api/boards/{id}/invites` (a facilitator's token) answers a secret and the link
`/b/{id}#invite=<secret>`: the secret rides in the fragment, which no server or proxy logs.
The page that opens it asks for a name and sends the secret in the body of
`POST /api/boards/{id}/invites/accept`, which answers a facilitator token of a new
participant. An invite opens the board once; until then it is held as a viewer's token of
its own id (so the store needs nothing new, and presented as a token it only watches), and
a new projector link (which replaces the viewers' tokens) cancels it.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from server.board.ops import NAME_MAX, JoiningParticipant, ParticipantJoin
from server.http.boards import board_credential
from server.http.errors import ApiError, read_json
from server.ids import hash_token, new_participant_id, new_token
from server.services import services_of
from server.store.base import NewParticipant

log = logging.getLogger("planche.http")

INVITED = "invited-"  # the participant id of an invite not used yet starts with this
_USED = "This invite is not valid or was used already. Ask for a new one."


class Accept(BaseModel):
    invite: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=NAME_MAX)


async def create_invite(request: Request) -> JSONResponse:
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    secret = new_token()
    invited = NewParticipant(INVITED + new_participant_id(), "", "viewer", hash_token(secret))
    await services.store.add_participant(room.board.id, invited)
    log.info("board %s: a co-facilitator invite", room.board.id)
    url = f"/b/{room.board.id}#invite={secret}"
    return JSONResponse({"invite": secret, "urls": {"invite": url}}, status_code=201)


async def accept_invite(request: Request) -> JSONResponse:
    services = services_of(request)
    body = await read_json(request, Accept)
    name = body.name.strip()
    if not name:
        raise ApiError(422, "invalid", "Field 'name': write the name others will see.")
    board_id = request.path_params["board_id"]
    credential = await services.store.authenticate(hash_token(body.invite.strip()))
    invited = credential.participant_id if credential else ""
    if credential is None or credential.role != "viewer" or not invited.startswith(INVITED):
        raise ApiError(403, "forbidden", _USED)
    if credential.board_id != board_id:
        raise ApiError(403, "forbidden", "This invite belongs to another board.")
    room = await services.rooms.get(board_id)
    if room is None:
        raise ApiError(404, "not_found", "That board no longer exists.")
    # whoever takes the invite out of the store first is the one it lets in
    if not await services.store.remove_participant(board_id, invited):
        raise ApiError(403, "forbidden", _USED)
    await services.rooms.revoke(board_id, invited)  # a page watching with it stops
    participant_id = new_participant_id()
    token = new_token()
    joining = NewParticipant(participant_id, name, "facilitator", hash_token(token))
    await services.store.add_participant(board_id, joining)
    joined = JoiningParticipant(id=participant_id, name=name, role="facilitator")
    await room.submit(
        f"join-{participant_id}",
        ParticipantJoin(kind="participant.join", participant=joined),
        participant_id,
    )
    log.info("board %s: a co-facilitator joined by invite", board_id)
    return JSONResponse({"board_id": board_id, "token": token, "participant_id": participant_id})
