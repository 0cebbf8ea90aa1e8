"""Server-rendered pages, in the page's language: start, board, projector, accessibility.

The language is the user's switch (`?lang=`, remembered in a cookie), then the board's, then
the browser's Accept-Language. Every text comes from the gettext catalogues (`server.i18n`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from server import i18n
from server.http.boards import board_credential
from server.http.errors import ApiError
from server.services import services_of
from server.store.base import BoardRow

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
_LANG_COOKIE = "planche_lang"
_LANGUAGE_NAMES = {"da": "Dansk", "sv": "Svenska", "en": "English"}
_SHOWS_CODE = frozenset({"facilitator", "viewer"})  # who may read the join code


def _render(
    request: Request,
    template: str,
    context: dict[str, Any],
    board: BoardRow | None = None,
    language: str | None = None,
) -> Response:
    """`template` in the page's language: the user's switch, then the board's (or the
    network's `language`), then the browser's."""
    switch = request.query_params.get("lang")
    lang = i18n.pick(
        switch=switch or request.cookies.get(_LANG_COOKIE),
        board=board.language if board else language,
        accept_language=request.headers.get("accept-language"),
    )
    translations = i18n.translations(lang)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            **context,
            "lang": lang,
            "languages": _LANGUAGE_NAMES,
            "_": translations.gettext,
            "ngettext": translations.ngettext,
            "path": request.url.path,
        },
        status_code=context.get("status_code", 200),
    )
    if switch in i18n.LANGUAGES:
        response.set_cookie(
            _LANG_COOKIE,
            switch,
            max_age=365 * 86400,
            samesite="lax",
            secure=request.url.scheme == "https",
            httponly=True,
        )
    return response


# the method gallery, in the order of a learning network's life (docs/methods.md); a method
# of the operator's own (--methods-dir) goes under "More methods"
_GALLERY = (
    ("plan", ("theme-unfolding", "process-plan", "meeting-plan")),
    (
        "meet",
        ("category-analysis", "knowledge-sharing", "critical-friend", "sounding-board", "walkshop"),
    ),
    ("capture", ("meeting-capture", "idea-book", "leadership-deliverable")),
    ("other", ("free",)),
)


def _gallery(methods: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    placed = {m for _, ids in _GALLERY for m in ids}
    shelves = [(name, [methods[m] for m in ids if m in methods]) for name, ids in _GALLERY]
    shelves.append(("more", [m for i, m in methods.items() if i not in placed]))
    return [(name, found) for name, found in shelves if found]


async def start_page(request: Request) -> Response:
    code = request.query_params.get("code", "")[:40]
    methods = services_of(request).methods
    return _render(
        request, "start.html", {"code": code, "methods": methods, "gallery": _gallery(methods)}
    )


async def accessibility_page(request: Request) -> Response:
    return _render(request, "accessibility.html", {})


async def privacy_page(request: Request) -> Response:
    days = services_of(request).config.retention_days
    return _render(request, "privacy.html", {"retention_days": days})


async def board_page(request: Request) -> Response:
    board = await _board(request)
    if board is None:
        return _render(request, "not_found.html", {"status_code": 404})
    return _render(request, "board.html", {"board_id": board.id, "view": "board"}, board)


async def projector_page(request: Request) -> Response:
    board = await _board(request)
    if board is None:
        return _render(request, "not_found.html", {"status_code": 404})
    return _render(request, "board.html", {"board_id": board.id, "view": "projector"}, board)


async def network_page(request: Request) -> Response:
    """A learning network's page: its planning boards, meetings, parked ideas and the next
    steps. The page holds no data; network.js reads it with the network's token."""
    network = await services_of(request).store.get_network(request.path_params["network_id"])
    if network is None:
        return _render(request, "not_found.html", {"status_code": 404})
    methods = services_of(request).methods
    context = {"network_id": network.id, "methods": methods, "meeting_methods": _MEETINGS}
    return _render(request, "network.html", context, language=network.language)


# what a network's next meeting can be, the usual first
_MEETINGS = (
    "meeting-capture",
    "category-analysis",
    "knowledge-sharing",
    "critical-friend",
    "sounding-board",
    "walkshop",
    "idea-book",
    "free",
)


async def join_qr(request: Request) -> Response:
    """The QR code shown on the projector: the start page with the board's code filled in.

    Only for the facilitator's and the projector's (viewer) token, sent as a header by the
    page: a participant knows the board id, and a removed one must not read a new code here.
    """
    services = services_of(request)
    credential, room = await board_credential(request, services)
    if credential.role not in _SHOWS_CODE:
        message = "Only the facilitator and the projector view may show the join code."
        raise ApiError(403, "forbidden", message)
    # from the store: a code rotated on another worker is the one to show
    board = await services.store.get_board(room.board.id) or room.board
    url = f"{request.url.scheme}://{request.url.netloc}/?code={board.join_code}"
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=8, border=2, dark="#1d1d1f")
    headers = {"Cache-Control": "no-store"}
    return Response(svg.getvalue(), media_type="image/svg+xml", headers=headers)


async def messages(request: Request) -> Response:
    """The browser client's texts in one language, from the same catalogues."""
    lang = request.path_params["lang"]
    if lang not in i18n.LANGUAGES:
        known = ", ".join(i18n.LANGUAGES)
        return JSONResponse(
            {"error": {"code": "not_found", "message": f"Languages: {known}."}}, 404
        )
    return JSONResponse(i18n.catalogue(lang), headers={"Cache-Control": "max-age=300"})


async def _board(request: Request) -> BoardRow | None:
    return await services_of(request).store.get_board(request.path_params["board_id"])
