"""The method catalogue over HTTP."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from server.services import Services


async def list_methods(request: Request) -> JSONResponse:
    """Every method a board can be created with, with its texts in da, sv and en."""
    services: Services = request.app.state.services
    return JSONResponse(
        [m.model_dump(mode="json", exclude_none=True) for m in services.methods.values()]
    )
