"""Who may facilitate: the gate in front of creating boards, imports and networks, and what
a signed-in facilitator gets from any device (their boards, a fresh facilitator token).

`facilitators=open` lets anyone create; `invite` wants the invite code in the
X-Planche-Invite header; `oidc` wants a signed-in session (or the invite code, if one is
set, for scripts). A session is a cookie, so every request it authenticates must come from
this server's own pages: form content types are refused (415) and the Origin must be ours.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.config import Config
from server.exceptions import StoreUnavailable
from server.http.auth import User, signed_in
from server.http.errors import ApiError
from server.ids import hash_token, new_token
from server.services import services_of

log = logging.getLogger("planche.facilitate")
INVITE_HEADER = "x-planche-invite"
Handler = Callable[[Request], Awaitable[Response]]
# what an HTML form on another site can send without asking first (as in errors.read_json)
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


def facilitating(kind: Literal["board", "network"], handler: Handler) -> Handler:
    """`handler` behind the gate; what a signed-in user creates is recorded as theirs."""

    async def guarded(request: Request) -> Response:
        services = services_of(request)
        user = may_create(request, services.config)
        response = await handler(request)
        if user is not None and response.status_code == 201:
            created = json.loads(bytes(response.body))["id"]
            try:
                if kind == "board":
                    await services.store.add_board_owner(created, user.owner)
                else:
                    await services.store.add_network_owner(created, user.owner)
            except StoreUnavailable as e:  # created all the same; its token is in the answer
                log.warning("%s %s created, but not listed as its owner's: %s", kind, created, e)
        return response

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded


def may_create(request: Request, config: Config) -> User | None:
    """Raises ApiError unless the request may create; the signed-in user, if that is how."""
    if config.facilitators == "open":
        return None
    given = request.headers.get(INVITE_HEADER)
    if given is not None and config.invite_code:
        if not hmac.compare_digest(given.strip().encode(), config.invite_code.encode()):
            raise ApiError(
                403,
                "forbidden",
                "The invite code is not right. Ask whoever runs this Planche for it.",
            )
        return None
    if config.facilitators == "invite":
        raise ApiError(
            403,
            "forbidden",
            "Creating boards here needs the invite code: send it in the X-Planche-Invite header.",
        )
    return signed_in_from_page(request, config)


def signed_in_from_page(request: Request, config: Config) -> User:
    """The signed-in user of a request that the session cookie authenticates: JSON from one
    of this server's own pages, or ApiError."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind in _FORM_TYPES:
        raise ApiError(415, "invalid", f"Send the body as application/json, not {kind}.")
    origin = request.headers.get("origin", "").rstrip("/")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin not in {own, config.oidc_redirect_base, *config.allowed_origins} - {""}:
        raise ApiError(
            403,
            "forbidden",
            f"This request came from {origin or 'no page'} (its Origin header), not from this "
            "server's own pages; sign in and create boards on its start page.",
        )
    user = signed_in(request)
    if user is None:
        expired = "session" in request.scope and request.session.get("notice") == "expired"
        raise ApiError(
            401,
            "unauthorized",
            "Your sign-in has expired: sign in again on the start page."
            if expired
            else "Sign in first (on the start page) to create boards here.",
        )
    return user


async def my_boards(request: Request) -> JSONResponse:
    """The boards and networks the signed-in user created, from any device."""
    services = services_of(request)
    user = signed_in(request)
    if user is None:
        raise ApiError(401, "unauthorized", "Sign in first (on the start page).")
    boards, networks = await services.store.owned(user.owner)
    return JSONResponse(
        {
            "user": {"name": user.name, "email": user.email},
            "boards": [
                {
                    "id": b.id,
                    "title": b.title,
                    "method": b.method,
                    "language": b.language,
                    "created_at": b.created_at,
                    "network_id": b.network_id,
                }
                for b in boards
            ],
            "networks": [
                {"id": n.id, "title": n.title, "theme": n.theme, "created_at": n.created_at}
                for n in networks
            ],
        },
        headers={"Cache-Control": "no-store"},
    )


async def facilitator_token(request: Request) -> JSONResponse:
    """A fresh facilitator token for the signed-in owner of the board, in the answer's body
    only (never in a URL): the page keeps it as the start page keeps a new board's."""
    services = services_of(request)
    user = signed_in_from_page(request, services.config)
    board_id = request.path_params["board_id"]
    owner = await services.store.board_owner(board_id)
    room = await services.rooms.get(board_id)
    if room is None:
        raise ApiError(404, "not_found", "There is no board with this id.")
    if owner != user.owner:
        raise ApiError(
            403, "forbidden", "You did not create this board while signed in, so it is not yours."
        )
    facilitator = facilitator_of(room.state.participants)
    if facilitator is None:
        raise ApiError(404, "not_found", "This board has no facilitator to stand for.")
    token = new_token()
    await services.store.add_facilitator_token(board_id, facilitator, hash_token(token))
    log.info("board %s: a fresh facilitator token for its signed-in owner", board_id)
    return JSONResponse(
        {"token": token, "participant_id": facilitator, "urls": {"board": f"/b/{board_id}"}},
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )


def facilitator_of(participants: dict[str, Any]) -> str | None:
    """The board's creator, for whom its owner gets tokens: the first participant (a board
    starts with its creator alone). With co-facilitators, never another facilitator; a
    creator who stepped down (role.set) is a participant by the board's word."""
    return next((p.id for p in participants.values() if not p.carried), None)
