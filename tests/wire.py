"""Raw-wire helpers for tests that speak the protocol directly, as an outside client would."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import RunningServer, timeout


async def post(server: RunningServer, path: str, body: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        return await http.post(path, json=body)


async def new_board(server: RunningServer, **fields: Any) -> dict[str, Any]:
    response = await post(server, "/api/boards", {"title": "Workshop", **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def join(server: RunningServer, code: str, name: str) -> dict[str, Any]:
    response = await post(server, "/api/join", {"code": code, "name": name})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def get_state(server: RunningServer, board_id: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        response = await http.get(
            f"/api/boards/{board_id}", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    return dict(response.json())


class Peer:
    """One raw WebSocket connection with the messages it has received so far."""

    def __init__(self, ws: ClientConnection, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.welcome = welcome
        self.seen: list[dict[str, Any]] = []

    async def send(self, message: Any) -> None:
        await self.ws.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def op(self, op: dict[str, Any], op_id: str | None = None) -> str:
        op_id = op_id or str(uuid.uuid4())
        await self.send({"type": "op", "id": op_id, "op": op})
        return op_id

    async def until(self, pred: Any, what: str = "message") -> dict[str, Any]:
        async with _deadline(what):
            while True:
                message = json.loads(await self.ws.recv())
                self.seen.append(message)
                if pred(message):
                    return dict(message)

    async def ack(self, op_id: str) -> dict[str, Any]:
        return await self.until(lambda m: m.get("id") == op_id and m["type"] in ("ack", "error"))

    async def close(self) -> None:
        await self.ws.close()


@contextlib.asynccontextmanager
async def _deadline(what: str) -> AsyncIterator[None]:
    try:
        async with asyncio.timeout(timeout(10)):
            yield
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def open_peer(
    server: RunningServer,
    board_id: str,
    token: str,
    since: int | None = None,
    epoch: str | None = None,
    origin: str | None = None,
) -> Peer:
    ws = await connect(
        f"{server.ws_url}/ws/boards/{board_id}",
        origin=origin,
        compression=None,  # type: ignore[arg-type]
        open_timeout=timeout(10),
    )
    await ws.send(json.dumps({"type": "hello", "token": token, "since": since, "epoch": epoch}))
    peer = Peer(ws, {})
    peer.welcome = await peer.until(lambda m: m["type"] in ("welcome", "error"), "welcome")
    return peer


class Peers:
    """Opens peers for one test and closes them all at its end (see the `peers` fixture)."""

    def __init__(self) -> None:
        self._open: list[Peer] = []

    async def __call__(
        self,
        server: RunningServer,
        board_id: str,
        token: str,
        since: int | None = None,
        epoch: str | None = None,
        origin: str | None = None,
    ) -> Peer:
        peer = await open_peer(server, board_id, token, since, epoch, origin)
        self._open.append(peer)
        return peer

    async def close_all(self) -> None:
        for peer in self._open:
            await peer.ws.close()


def add_note(note_id: str, text: str, area: str = "main") -> dict[str, Any]:
    return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}


async def share_page(server: RunningServer, board_id: str, token: str) -> str:
    """A record saved now, as its share link shows it."""
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        saved = await http.post(
            f"/api/boards/{board_id}/records",
            json={"name": "Evaluering"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert saved.status_code == 201, saved.text
        return (await http.get(saved.json()["share_url"])).text
