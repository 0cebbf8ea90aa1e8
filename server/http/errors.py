"""One JSON error shape for the whole HTTP API: {"error": {"code", "message"}}."""

from __future__ import annotations

import logging
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.board.protocol import decode_json
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


def refuse_form(request: Request, wanted: str = "application/json") -> None:
    """415 for the content types a form on another site can send."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind in _FORM_TYPES:
        raise ApiError(415, "invalid", f"Send the body as {wanted}, not {kind}.")


async def read_json(request: Request, model: type[M]) -> M:
    """The request body as `model`, or an ApiError naming the bad field. Strict: true is
    not a number and "7" not a whole number."""
    refuse_form(request)
    raw = await read_body(request, JSON_MAX_BYTES)
    try:
        text, _ = decode_json(raw)
    except ValueError as e:
        status = 422 if "cannot be stored" in str(e) else 400
        raise ApiError(status, "invalid", str(e)) from None
    try:
        return model.model_validate_json(text, strict=True)
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
