"""Pictures over HTTP: a participant uploads one (the raw file as the body, the way a
browser's fetch sends a File), and anyone who may see a note showing it reads it back.

Pillow's work (server/pictures.py) runs in a thread, so no room waits for a large photo.
"""

from __future__ import annotations

import secrets
import time

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.board.state import BoardState
from server.board.views import view_state
from server.http.boards import board_credential
from server.http.errors import ApiError, read_body
from server.pictures import MAX_BYTES, PER_BOARD, PictureError, clean
from server.services import services_of
from server.store.base import StoredPicture

# what a browser sends for a file it takes; anything else is refused before it is read
_TAKEN = ("image/", "application/octet-stream")
# the bytes of a picture never change: its id names one re-encoding for good
_CACHE = "private, max-age=31536000, immutable"


async def upload_picture(request: Request) -> JSONResponse:
    services = services_of(request)
    credential, room = await board_credential(request, services)
    if credential.role == "viewer":
        raise ApiError(403, "forbidden", "The projector cannot add pictures.")
    if await services.store.picture_count(room.board.id) >= PER_BOARD:
        raise ApiError(409, "conflict", f"This board holds {PER_BOARD} pictures, the most it may.")
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if not kind.startswith(_TAKEN):
        raise ApiError(
            415,
            "unsupported",
            "Send the picture itself as the body (image/jpeg, image/png, …), "
            f"not {kind or 'nothing'}.",
        )
    try:
        raw = await read_body(request, MAX_BYTES)
    except ApiError as e:
        if e.status != 413:
            raise
        raise ApiError(
            413, "too_large", f"The picture may be at most {MAX_BYTES // (1024 * 1024)} MB."
        ) from None
    if not raw:
        raise ApiError(422, "unsupported", "The file is empty: choose a picture.")
    try:
        picture = await anyio.to_thread.run_sync(clean, raw)
    except PictureError as e:
        status = 413 if e.code == "too_large" else 415
        raise ApiError(status, e.code, str(e)) from None
    stored = StoredPicture(
        id="pic-" + secrets.token_hex(12),
        type=picture.type,
        width=picture.width,
        height=picture.height,
        data=picture.data,
        by=credential.participant_id,
        created_at=time.time(),
    )
    await services.store.add_picture(room.board.id, stored)
    body = {
        "picture_id": stored.id,
        "width": stored.width,
        "height": stored.height,
        "type": stored.type,
    }
    return JSONResponse(body, status_code=201)


async def get_picture(request: Request) -> Response:
    """The picture's bytes, only to one who may see a note showing it (or who uploaded it):
    a picture on a private note stays its author's until the reveal."""
    services = services_of(request)
    credential, room = await board_credential(request, services)
    picture_id = request.path_params["picture_id"]
    viewer = credential.participant_id
    picture = await services.store.get_picture(room.board.id, picture_id)
    if picture is None or (picture.by != viewer and not _shown_to(room.state, viewer, picture_id)):
        raise ApiError(404, "not_found", "This board shows no such picture.")
    headers = {"Cache-Control": _CACHE, "X-Content-Type-Options": "nosniff"}
    return Response(picture.data, media_type=picture.type, headers=headers)


def _shown_to(state: BoardState, viewer: str, picture_id: str) -> bool:
    seen = view_state(state, viewer)
    return any(n.picture is not None and n.picture.id == picture_id for n in seen.notes.values())
