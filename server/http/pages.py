"""Server-rendered pages: the start page and the board page."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from server.services import Services

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


async def start_page(request: Request) -> Response:
    code = request.query_params.get("code", "")[:40]
    return TEMPLATES.TemplateResponse(request, "start.html", {"code": code})


async def board_page(request: Request) -> Response:
    services: Services = request.app.state.services
    board_id = request.path_params["board_id"]
    board = await services.store.get_board(board_id)
    if board is None:
        return HTMLResponse(
            "<!doctype html><title>Not found</title><h1>There is no board here.</h1>"
            '<p><a href="/">Create a board or join one with a code</a></p>',
            status_code=404,
        )
    return TEMPLATES.TemplateResponse(request, "board.html", {"board_id": board.id})
