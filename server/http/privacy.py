"""REST for people's data: delete a board now, keep it for a set time, anonymise authorship,
and a participant's own view and removal of their name from their notes (docs/privacy.md).

Changes that rewrite stored history go through `Rooms.reset`: no room holds the board while
it changes, and every client loads it afresh (new epoch) afterwards.
"""

from __future__ import annotations

import time

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.board.ops import JoiningParticipant, ParticipantJoin
from server.board.privacy import Pseudonyms
from server.http.boards import board_credential
from server.http.errors import ApiError, read_json
from server.i18n import translations
from server.ids import hash_token, new_epoch, new_participant_id, new_token
from server.services import Services, services_of
from server.store.base import NewParticipant

RETENTION_MAX_DAYS = 3650


class BoardSettings(BaseModel):
    retention_days: int = Field(ge=1, le=RETENTION_MAX_DAYS)


async def delete_board(request: Request) -> Response:
    """The facilitator deletes the board now, with its ops, snapshots, records and tokens."""
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    board_id = room.board.id
    await services.rooms.reset(
        board_id, lambda: services.store.delete_board(board_id), "board deleted"
    )
    return Response(status_code=204)


async def update_board(request: Request) -> JSONResponse:
    """The facilitator sets how long the board is kept after its last change."""
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    body = await read_json(request, BoardSettings)
    await services.store.set_retention(room.board.id, body.retention_days)
    return JSONResponse({"retention_days": body.retention_days})


async def anonymise_board(request: Request) -> JSONResponse:
    """Every participant's name goes from the board's whole history; the notes stay."""
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    people = {p.id: p.name for p in room.state.participants.values() if p.role == "participant"}
    epoch = new_epoch()
    # an owner named by hand or by "I will take it on" stays an owner, as "Participant"
    label = translations(room.state.language).gettext("Participant")
    rewrite = Pseudonyms.nameless(people, owner_label=label)
    board_id = room.board.id
    await services.rooms.reset(
        board_id,
        lambda: services.store.rewrite_board(board_id, rewrite, epoch, dict.fromkeys(people, "")),
        "authors anonymised",
    )
    return JSONResponse({"epoch": epoch, "participants_anonymised": len(people)})


async def new_viewer_token(request: Request) -> JSONResponse:
    """The facilitator gives the projector a new link: the old viewer token opens nothing
    any more and its screens are closed (1008), in every worker."""
    services = services_of(request)
    _, room = await board_credential(request, services, facilitator=True)
    board_id = room.board.id
    token = new_token()
    viewer = NewParticipant(new_participant_id(), "", "viewer", hash_token(token))
    for old in await services.store.replace_viewer(board_id, viewer):
        await services.rooms.revoke(board_id, old)
    return JSONResponse(
        {"viewer_token": token, "urls": {"viewer": f"/b/{board_id}/projector#token={token}"}}
    )


async def my_data(request: Request) -> JSONResponse:
    """What the board holds about the token's holder: their name and the notes they wrote."""
    credential, room = await board_credential(request, services_of(request))
    me = room.state.participants.get(credential.participant_id)
    notes = [
        {"id": n.id, "area": n.area, "text": n.text}
        for n in room.state.notes.values()
        if n.author == credential.participant_id
    ]
    return JSONResponse(
        {
            "participant_id": credential.participant_id,
            "name": me.name if me else "",
            "role": credential.role,
            "notes": notes,
        }
    )


async def forget_my_authorship(request: Request) -> JSONResponse:
    """The participant's notes stay on the board without their name: everything they did
    passes to a new, nameless participant id, and they go on as a fresh participant."""
    services = services_of(request)
    credential, room = await board_credential(request, services)
    if credential.role != "participant":
        raise ApiError(
            403,
            "forbidden",
            "Only a participant's own notes can be made anonymous this way; a facilitator "
            "anonymises the whole board.",
        )
    me = room.state.participants.get(credential.participant_id)
    name = me.name if me else ""
    count = sum(1 for n in room.state.notes.values() if n.author == credential.participant_id)
    epoch = new_epoch()
    rewrite = Pseudonyms.fresh(credential.participant_id)
    board_id = room.board.id
    await services.rooms.reset(
        board_id,
        lambda: services.store.rewrite_board(board_id, rewrite, epoch, {}),
        "authorship removed",
    )
    fresh = await services.rooms.get(board_id)
    if fresh is not None:  # back in as themself (nameless if the board was anonymised)
        joined = JoiningParticipant(id=credential.participant_id, name=name, role="participant")
        await fresh.submit(
            f"join-{credential.participant_id}",
            ParticipantJoin(kind="participant.join", participant=joined),
            credential.participant_id,
        )
    return JSONResponse({"epoch": epoch, "notes_anonymised": count})


async def sweep_expired(services: Services) -> list[str]:
    """Delete every board past its retention time; the ids deleted."""
    expired = await services.store.expired_boards(time.time(), services.config.retention_days)
    for board_id in expired:

        async def delete(board_id: str = board_id) -> bool:
            return await services.store.delete_board(board_id)

        await services.rooms.reset(board_id, delete, "board deleted (retention time)")
    return expired
