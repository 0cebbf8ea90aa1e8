"""One JSON error shape for the whole HTTP API: {"error": {"code", "message"}}."""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.board.protocol import unstorable_character
from server.exceptions import StoreUnavailable

log = logging.getLogger("planche.http")
M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


# what an HTML form on another site can send without the browser asking first (CORS): a
# JSON API that refuses them cannot be driven by cross-site requests
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


JSON_MAX_BYTES = 64 * 1024  # as a WebSocket frame; an archive import has its own limit


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, read no further than `limit` bytes (else 413): a huge upload
    cannot fill the server's memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"The request body may be at most {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"The request body may be at most {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, model: type[M]) -> M:
    """The request body as `model`, or an ApiError naming the bad field."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind in _FORM_TYPES:
        raise ApiError(415, "invalid", f"Send the body as application/json, not {kind}.")
    raw = await read_body(request, JSON_MAX_BYTES)
    try:
        data: Any = json.loads(raw)
    except ValueError:
        raise ApiError(400, "invalid", "The request body is not valid JSON.") from None
    except RecursionError:
        raise ApiError(400, "invalid", "The request body is nested too deeply.") from None
    if (bad := unstorable_character(raw, data)) is not None:
        raise ApiError(
            422,
            "invalid",
            f"The text holds a character that cannot be stored ({bad}); "
            "send it as proper Unicode without it.",
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        text = first["msg"].removeprefix("Value error, ")
        raise ApiError(422, "invalid", f"Field '{where}': {text}.") from None


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return error_response(exc.status_code, codes.get(exc.status_code, "error"), exc.detail)


async def store_error(request: Request, exc: Exception) -> Response:
    log.error("%s %s: the store failed: %s", request.method, request.url.path, exc)
    message = "The board store cannot be reached just now; nothing was changed. Try again."
    return error_response(503, "unavailable", message)


async def internal_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback, answered in the one error shape without details."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    message = "Something went wrong on the server; nothing was changed. Try again later."
    return error_response(500, "internal", message)


HANDLERS = {
    ApiError: api_error,
    HTTPException: http_error,
    StoreUnavailable: store_error,
    Exception: internal_error,
}
