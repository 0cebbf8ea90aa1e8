"""`BoardClient`: one live connection to a board, with a local replica and an outbox.

The replica is kept with the server's own `apply`, so it equals the server's state at the
same seq. The connection heals itself: on any drop it reconnects with jittered exponential
backoff, resumes from its last seq (the server sends the missed ops, or the whole state when
it must), and re-sends every unacknowledged op with its original id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from board_client.exceptions import ClientClosed, OpRefused, PlancheClientError, Unauthorized
from board_client.outbox import Ack, Outbox
from server.board.apply import NoopReason, Record, follow
from server.board.ops import RoleSet, parse_op
from server.board.state import BoardState

log = logging.getLogger("board_client")

OnOps = Callable[[list[Record]], None]


def _ws_url(base_url: str, board_id: str) -> str:
    scheme, _, rest = base_url.rstrip("/").partition("://")
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws/boards/{board_id}"


def _role_given(record: Record, participant_id: str | None) -> str | None:
    """The role `record` gives `participant_id`, when it is a role.set of theirs."""
    op = record.op
    return op.role if isinstance(op, RoleSet) and op.participant == participant_id else None


class _Resume(Exception):
    """The stream has a gap or the server asked us to come back: reconnect and resume."""


class BoardClient:
    """Use as `async with BoardClient(url, board_id, token) as client: ...`.

    `url` may be a list of servers (workers of one deployment): each reconnect tries the next.
    """

    def __init__(
        self,
        base_url: str | Sequence[str],
        board_id: str,
        token: str,
        *,
        on_ops: OnOps | None = None,
        backoff: tuple[float, float] = (0.1, 10.0),
        rng: random.Random | None = None,
    ) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self._ws_urls = [_ws_url(url, board_id) for url in urls]
        self._url_index = 0
        self.board_id = board_id
        self._token = token
        self._on_ops = on_ops
        self._backoff = backoff
        self._rng = rng or random.Random()
        self._outbox = Outbox()
        self._held: list[tuple[str, int, str | None]] = []  # acks ahead of the replica
        self._state: BoardState | None = None
        self._epoch: str | None = None
        self._ws: ClientConnection | None = None
        self._welcomed = asyncio.Event()
        self._fatal: PlancheClientError | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._resends: set[asyncio.Task[None]] = set()
        self.role: str | None = None
        # the next hello asks for the whole board (after a role.set of ours, say)
        self._reload = False
        self.participant_id: str | None = None
        self.join_code: str | None = None
        self.peers: list[dict[str, Any]] = []
        self.crowd: dict[str, Any] | None = None  # how many are here, in a large meeting
        self.connects = 0  # welcomes received; more than one means it reconnected
        self._clock_offset_ms = 0.0  # server clock minus ours, from the last welcome

    # the board as this client knows it

    @property
    def state(self) -> BoardState:
        if self._state is None:
            raise PlancheClientError("not connected yet: use 'async with BoardClient(...)'")
        return self._state

    @property
    def epoch(self) -> str | None:
        """The board's epoch as last welcomed; a new one means its stored history was
        rewritten (anonymised) or restored, and the replica was loaded afresh."""
        return self._epoch

    @property
    def seq(self) -> int:
        return self.state.seq

    def server_now_ms(self) -> int:
        """The server's clock as this client estimates it (timers are the server's)."""
        return round(time.time() * 1000 + self._clock_offset_ms)

    def timer_remaining_ms(self) -> int:
        return self.state.timer.remaining(self.server_now_ms())

    @property
    def ws_url(self) -> str:
        """The server this client talks to now (or will try next)."""
        return self._ws_urls[self._url_index]

    @property
    def connected(self) -> bool:
        return self._welcomed.is_set()

    @property
    def unacked(self) -> int:
        return len(self._outbox)

    # life cycle

    async def __aenter__(self) -> BoardClient:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def start(self, timeout: float = 30.0) -> None:
        """Connect and wait for the first welcome."""
        self._task = asyncio.create_task(self._run())
        await self.wait_connected(timeout)

    async def wait_connected(self, timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            while not self._welcomed.is_set():
                if self._fatal is not None:
                    raise self._fatal
                waiter = asyncio.ensure_future(self._welcomed.wait())
                watched = {waiter, self._task} if self._task else {waiter}
                # the welcome, or the connection task ending (unauthorized), whichever first
                await asyncio.wait(watched, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
        if self._fatal is not None:
            raise self._fatal

    async def close(self) -> None:
        self._closing = True
        # the socket first, so its closing handshake is never cut short by the cancel (the
        # session may be closing it already, to reconnect): a cut one leaves its transport open
        if self._ws is not None:
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._resends):
            task.cancel()
        self._outbox.fail_all(ClientClosed("the client was closed before the server acked"))

    # changing the board

    async def add_note(
        self,
        area: str,
        text: str,
        *,
        color: str | None = None,
        x: float | None = None,
        y: float | None = None,
        note_id: str | None = None,
    ) -> Ack:
        note: dict[str, Any] = {"id": note_id or str(uuid.uuid4()), "area": area, "text": text}
        note |= {k: v for k, v in {"color": color, "x": x, "y": y}.items() if v is not None}
        return await self.send_op({"kind": "note.add", "note": note})

    async def edit_note(self, note_id: str, text: str) -> Ack:
        return await self.send_op({"kind": "note.edit", "note_id": note_id, "text": text})

    async def move_note(
        self, note_id: str, area: str | None = None, x: float | None = None, y: float | None = None
    ) -> Ack:
        fields = {k: v for k, v in {"area": area, "x": x, "y": y}.items() if v is not None}
        return await self.send_op({"kind": "note.move", "note_id": note_id, **fields})

    async def delete_note(self, note_id: str) -> Ack:
        return await self.send_op({"kind": "note.delete", "note_id": note_id})

    async def send_presence(self, **fields: Any) -> None:
        """What this person is doing (`typing`, `area`, `drag`): ephemeral, never acked; lost
        while not connected."""
        ws = self._ws
        if ws is not None and self._welcomed.is_set():
            with contextlib.suppress(ConnectionClosed):
                await ws.send(json.dumps({"type": "presence", **fields}))

    async def send_op(self, op: dict[str, Any], op_id: str | None = None) -> Ack:
        """Send any op and wait until the server has stored it and this replica applied it.

        The op is checked here first (a ValueError says what is wrong), kept in the outbox
        until acked, and re-sent with the same id after a reconnect.
        """
        if self._fatal is not None:
            raise self._fatal
        if self._closing:
            raise ClientClosed("the client is closed")
        parsed = parse_op(op)  # raises ValueError with the field at fault
        op_id = op_id or str(uuid.uuid4())
        frame = json.dumps({"type": "op", "id": op_id, "op": op})
        note_id = op["note"]["id"] if parsed.kind == "note.add" else None
        done = self._outbox.add(op_id, frame, note_id)
        if self._welcomed.is_set() and self._ws is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._ws.send(frame)  # if it fails, the reconnect re-sends it
        return await done

    # the connection

    async def _run(self) -> None:
        attempt = 0
        while not self._closing:
            try:
                async with connect(
                    self.ws_url, compression=None, max_size=None, open_timeout=10
                ) as ws:
                    self._ws = ws
                    await self._session(ws)
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, _Resume) as e:
                log.info("connection to %s lost (%s); reconnecting", self.board_id, e)
            except PlancheClientError as e:  # unauthorized: reconnecting will not help
                self._fatal = e
                self._outbox.fail_all(e)
                return
            finally:
                self._ws = None
                if self._welcomed.is_set():
                    attempt = 0  # the last connection worked; start the backoff again
                self._welcomed.clear()
            self._url_index = (self._url_index + 1) % len(self._ws_urls)
            if self._url_index and attempt == 0:
                continue  # another server right away; back off once all were tried
            low, high = self._backoff
            delay = min(high, low * 2**attempt)
            attempt += 1
            await asyncio.sleep(delay * self._rng.uniform(0.5, 1.0))

    async def _session(self, ws: ClientConnection) -> None:
        since = self._state.seq if self._state is not None and not self._reload else None
        self._reload = False
        await ws.send(
            json.dumps(
                {"type": "hello", "token": self._token, "since": since, "epoch": self._epoch}
            )
        )
        async for frame in ws:
            message = json.loads(frame)
            kind = message.get("type")
            if kind == "welcome":
                self._on_welcome(message)
                for op_frame in self._outbox.frames():
                    await ws.send(op_frame)
            elif kind == "ops":
                self._on_ops_frame(message["ops"])
            elif kind == "ack":
                self._on_ack(message["id"], message["seq"], message.get("noop"))
            elif kind == "error":
                self._on_error(message)
            elif kind == "presence":
                self.peers = message.get("peers", [])
                self.crowd = message.get("crowd")
            # a resend after the reconnect would be checked against the new role: the server
            # may refuse an op it already took (a step down, say) instead of answering it again
            if self._reload and not self._outbox:
                raise _Resume("our role changed: load the board again")

    def _resend_later(self, op_id: str) -> None:
        async def resend() -> None:
            await asyncio.sleep(self._backoff[0] * 10 * self._rng.uniform(0.5, 1.0))
            frame, ws = self._outbox.frame(op_id), self._ws
            if frame is not None and ws is not None and self._welcomed.is_set():
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(frame)

        task = asyncio.create_task(resend())
        self._resends.add(task)
        task.add_done_callback(self._resends.discard)

    def _on_welcome(self, message: dict[str, Any]) -> None:
        self.role = message["role"]
        self.participant_id = message["participant_id"]
        self.join_code = message.get("join_code")
        if (server_time := message.get("server_time")) is not None:
            self._clock_offset_ms = server_time - time.time() * 1000
        if message.get("state") is not None:
            self._state = BoardState.from_json(message["state"])
            self._epoch = message["epoch"]
            if self._on_ops is not None:
                self._on_ops([])  # a whole new state: listeners look again
        else:
            self._apply(message.get("ops") or [])
        if self.state.seq != message["seq"]:
            raise _Resume(f"welcome left the replica at {self.state.seq}, not {message['seq']}")
        self.connects += 1
        self._release_acks()
        self._welcomed.set()

    def _on_ops_frame(self, records: list[dict[str, Any]]) -> None:
        self._apply(records)
        self._release_acks()

    def _apply(self, records: list[dict[str, Any]]) -> None:
        applied = []
        state = self.state
        for data in records:
            if data["seq"] <= state.seq:
                continue  # already held (a resend overlapping the resume)
            if data["seq"] != state.seq + 1:
                self._state = state
                raise _Resume(f"gap: expected seq {state.seq + 1}, got {data['seq']}")
            record = Record.from_json(data)
            noop = data.get("noop")
            state = follow(state, record, NoopReason(noop) if noop else None)
            applied.append(record)
        self._state = state
        if applied and self._on_ops is not None:
            self._on_ops(applied)
        # what a role may see differs (a facilitator sees the notes waiting in the inbox): a
        # new role loads the whole board as it sees it, as the browser does, once the ops
        # sent before are answered (`_session`)
        for record in applied:
            role = _role_given(record, self.participant_id)
            if role is not None and role != self.role:
                self._reload = True

    def _on_ack(self, op_id: str, seq: int, noop: str | None) -> None:
        # hold the ack until the replica holds the op, so a caller sees its own change
        self._held.append((op_id, seq, noop))
        self._release_acks()

    def _release_acks(self) -> None:
        if self._state is None:
            return
        ready = [h for h in self._held if h[1] <= self._state.seq]
        self._held = [h for h in self._held if h[1] > self._state.seq]
        for op_id, seq, noop in ready:
            self._outbox.acked(op_id, seq, noop)

    def _on_error(self, message: dict[str, Any]) -> None:
        code, text, op_id = message.get("code", ""), message.get("message", ""), message.get("id")
        if code == "unauthorized":
            raise Unauthorized(text)
        if code in ("unavailable", "rate_limited"):
            # the server could not store it (its database is away) or this client sent too
            # much at once: the op stays in the outbox and goes again in a moment, and at
            # every reconnect
            if op_id is not None:
                self._resend_later(op_id)
            return
        if op_id is not None:
            self._outbox.refused(op_id, OpRefused(op_id, code, text))
        else:
            log.warning("server refused a message: %s: %s", code, text)
