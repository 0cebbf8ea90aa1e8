"""The REST half of the protocol: create a board, join one with its code, read its state.

The standard library's urllib, run in a thread, keeps the client's dependencies to
`websockets` alone; these calls are few and small.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from board_client.exceptions import HttpError

_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class CreatedBoard:
    id: str
    join_code: str
    facilitator_token: str
    viewer_token: str
    participant_id: str
    epoch: str
    urls: dict[str, str]


@dataclass(frozen=True, slots=True)
class Joined:
    board_id: str
    token: str
    participant_id: str


async def create_board(
    base_url: str,
    title: str,
    *,
    method: str = "free",
    language: str = "da",
    name: str | None = None,
) -> CreatedBoard:
    """A new board; the caller holds its facilitator token."""
    body: dict[str, Any] = {"title": title, "method": method, "language": language}
    if name is not None:
        body["name"] = name
    data = await _request(base_url, "POST", "/api/boards", body)
    fields = CreatedBoard.__dataclass_fields__
    return CreatedBoard(**{k: v for k, v in data.items() if k in fields})


async def join_board(base_url: str, code: str, name: str) -> Joined:
    """Join as a participant with the code the facilitator shows."""
    data = await _request(base_url, "POST", "/api/join", {"code": code, "name": name})
    return Joined(
        board_id=data["board_id"], token=data["token"], participant_id=data["participant_id"]
    )


async def fetch_board(base_url: str, board_id: str, token: str) -> dict[str, Any]:
    """`{"id", "seq", "epoch", "state"}` as the server holds it now."""
    return await _request(base_url, "GET", f"/api/boards/{board_id}", None, token)


async def _request(
    base_url: str, method: str, path: str, body: Any, token: str | None = None
) -> dict[str, Any]:
    return await asyncio.to_thread(_request_sync, base_url, method, path, body, token)


def _request_sync(
    base_url: str, method: str, path: str, body: Any, token: str | None
) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base_url.rstrip("/") + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            answer: dict[str, Any] = json.load(response)
            return answer
    except urllib.error.HTTPError as e:
        raise _http_error(e) from None


def _http_error(e: urllib.error.HTTPError) -> HttpError:
    try:
        error = json.load(e)["error"]
        return HttpError(e.code, str(error["code"]), str(error["message"]))
    except (ValueError, KeyError, TypeError):
        return HttpError(e.code, "http", e.reason if isinstance(e.reason, str) else str(e.code))
