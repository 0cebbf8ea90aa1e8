"""S2 (many rooms, ramped, to the knee) and S4 (a reconnect storm after a restart).

Both need hundreds or thousands of connections from one generator process, so the clients
here speak the protocol directly on `websockets` and keep no replica: a listener counts its
frames, a writer sends note ops on an open-loop schedule and times their acks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.load import _PAD, percentiles
from bench.processes import Process, own_cpu_seconds
from board_client import create_board, join_board

# each take of a step sends op ids of its own: Planche answers an id it has stored from the
# store, with no commit and no fan-out, so a retake with the same ids would measure nothing
_TAKES = itertools.count()


@dataclass
class Step:
    rooms: int
    rate: float  # ops/s offered, all rooms together
    seconds: float  # how long the writers write
    acks: list[float] = field(default_factory=list)
    frames: int = 0
    generator_cpu: float = 0.0
    server_cpu: float = 0.0
    retaken: float | None = None  # the ack p99 (ms) of a first take that looked like the knee

    @property
    def durable(self) -> float:
        """Acked ops per second."""
        return len(self.acks) / self.seconds


async def many_rooms(
    server: Process,
    rooms_steps: list[int],
    per_room: float,
    clients: int,
    seconds: float = 5.0,
    relay: bool = False,
) -> list[Step]:
    """S2: `clients` connections per room, one of them writing `per_room` ops/s for `seconds`
    a step; the number of rooms grows step by step until the ack p99 passes 100 ms (the
    knee). A step that passes it is taken once more, and is the knee only if it passes again:
    one stall of the disk (this VM's commits of 120 ms and more) is not the most a server
    can take. With `relay`, the same through bench/relay.py, a room a path, a message's echo to
    its writer timed as its ack: through the bare relay, the least any server can do at this
    shape on this machine."""
    steps: list[Step] = []
    opened: list[ClientConnection] = []
    writers: list[ClientConnection] = []

    async def take(rooms: int) -> Step:
        step = Step(rooms, rooms * per_room, seconds)
        return await _step(server, step, opened, writers, per_room, relay)

    try:
        for rooms in rooms_steps:
            while len(writers) < rooms:  # add the rooms this step needs
                board = None if relay else await create_board(server.url, f"S2 {len(writers)}")
                for i in range(clients):
                    if board is None:
                        ws = await connect(f"{server.ws_url}/s2-{len(writers)}", compression=None)
                    else:
                        token = board.facilitator_token if i == 0 else board.viewer_token
                        ws = await connect(f"{server.ws_url}/ws/boards/{board.id}", max_size=None)
                        await ws.send(json.dumps({"type": "hello", "token": token}))
                        await ws.recv()
                    opened.append(ws)
                    if i == 0:
                        writers.append(ws)
            step = await take(rooms)
            if _past_knee(step):  # once more: one stall is not the knee
                first = percentiles(step.acks)["p99"]
                step = await take(rooms)
                step.retaken = first
            steps.append(step)
            if _past_knee(step):
                break
    finally:
        for ws in opened:
            await ws.close()
    return steps


def _past_knee(step: Step) -> bool:
    return percentiles(step.acks)["p99"] > 100 or step.generator_cpu > 0.7


async def _step(
    server: Process,
    step: Step,
    opened: list[ClientConnection],
    writers: list[ClientConnection],
    per_room: float,
    relay: bool = False,
) -> Step:
    due: dict[str, float] = {}
    take = next(_TAKES)
    # Planche acks an op; the relay sends a writer's message back to it: its echo is the ack
    start = '{"id":"' if relay else '{"type":"ack"'

    def on_ack(text: str) -> None:  # a cheap look at the text, no JSON parsing
        if text.startswith(start):
            found = re.search(r'"id":"([^"]+)"', text)
            if found and (sent := due.get(found.group(1))) is not None:
                step.acks.append(time.perf_counter() - sent)

    def frame(op_id: str) -> str:
        if relay:
            return json.dumps({"id": op_id, "text": _PAD}, separators=(",", ":"))
        note = {"id": op_id, "area": "main", "text": _PAD}
        return json.dumps({"type": "op", "id": op_id, "op": {"kind": "note.add", "note": note}})

    async def write(ws: ClientConnection, room: int) -> None:
        t0 = time.perf_counter() + random.random() / per_room
        for k in range(int(per_room * step.seconds)):
            delay = t0 + k / per_room - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            op_id = f"{take}-{room}-{k}"
            due[op_id] = t0 + k / per_room
            await ws.send(frame(op_id))

    watched = set(writers)
    listeners = [
        asyncio.create_task(_watch(ws, step, on_ack if ws in watched else None)) for ws in opened
    ]
    own, theirs, wall = own_cpu_seconds(), server.cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(write(ws, i) for i, ws in enumerate(writers)))
    last = time.perf_counter() + 1.0  # the last acks: a second at most
    while len(step.acks) < len(due) and time.perf_counter() < last:
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - wall
    step.generator_cpu = (own_cpu_seconds() - own) / elapsed
    step.server_cpu = (server.cpu_seconds() - theirs) / elapsed
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    return step


async def _watch(ws: ClientConnection, step: Step, on_ack: Any) -> None:
    async for frame in ws:
        step.frames += 1
        if on_ack is not None and isinstance(frame, str):
            on_ack(frame)


@dataclass
class Storm:
    connections: int
    resynced: int = 0
    times: list[float] = field(default_factory=list)  # restart → live again
    lost: int = 0
    store_reads: float = 0.0


async def reconnect_storm(
    server: Process, restart: Any, boards_n: int, per_board: int, ops_per_board: int
) -> Storm:
    """S4: `boards_n` x `per_board` connections; the server is restarted (`restart()`); each
    client reconnects with its last seq and the board's epoch. Resynced means its welcome
    brought it to the board's last seq with every op it missed."""
    storm = Storm(boards_n * per_board)
    boards = [await create_board(server.url, f"S4 {i}") for i in range(boards_n)]
    tokens = {b.id: (await join_board(server.url, b.join_code, "w")).token for b in boards}
    seqs: dict[int, int] = {}
    clients: list[tuple[Any, int]] = [
        (b, i * per_board + j) for i, b in enumerate(boards) for j in range(per_board)
    ]
    last: dict[int, tuple[int, str]] = {}

    async def first_join(board: Any, n: int) -> None:
        async with connect(f"{server.ws_url}/ws/boards/{board.id}", max_size=None) as ws:
            await ws.send(json.dumps({"type": "hello", "token": board.viewer_token}))
            welcome = json.loads(await ws.recv())
            last[n] = (welcome["seq"], welcome["epoch"])

    await asyncio.gather(*(first_join(b, n) for b, n in clients))
    # the boards move on while the clients are away: each must get these ops on resume
    for board in boards:
        async with connect(f"{server.ws_url}/ws/boards/{board.id}") as ws:
            await ws.send(json.dumps({"type": "hello", "token": tokens[board.id]}))
            await ws.recv()
            for k in range(ops_per_board):
                note = {"id": f"s{k}", "area": "main", "text": _PAD}
                await ws.send(json.dumps({"type": "op", "id": f"s4-{k}", "op": {
                    "kind": "note.add", "note": note}}))  # fmt: skip
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "ack" and message["id"] == f"s4-{ops_per_board - 1}":
                    seqs[id(board)] = message["seq"]
                    break
    started = time.perf_counter()

    async def resume(board: Any, n: int) -> None:
        since, epoch = last[n]
        delay = 0.05
        while time.perf_counter() - started < 30:
            try:
                async with connect(
                    f"{server.ws_url}/ws/boards/{board.id}", max_size=None, open_timeout=10
                ) as ws:
                    hello = {"type": "hello", "token": board.viewer_token, "since": since}
                    await ws.send(json.dumps({**hello, "epoch": epoch}))
                    welcome = json.loads(await ws.recv())
                    got = len(welcome.get("ops") or [])
                    if welcome["seq"] == seqs[id(board)] and got == welcome["seq"] - since:
                        storm.resynced += 1
                    else:
                        storm.lost += 1
                    storm.times.append(time.perf_counter() - started)
                    return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(1.0, delay * 2)
        storm.lost += 1

    # the clients start knocking at once, while the server is still coming back
    await asyncio.gather(asyncio.to_thread(restart), *(resume(b, n) for b, n in clients))
    # the restarted process counts from zero: every read it made, room loads included
    storm.store_reads = _metric(server, "planche_store_reads_total")
    return storm


def _metric(server: Process, name: str) -> float:
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as response:
        page = response.read().decode()
    found = re.search(rf"^{name} ([0-9.e+]+)$", page, re.M)
    return float(found.group(1)) if found else 0.0


async def relay_storm(server: Process, connections: int) -> list[float]:
    """S4's baseline: as many bare connections to the relay, the relay killed and started
    again, every client reconnecting with the same backoff: the times to be back."""
    opened = [await connect(server.ws_url, compression=None) for _ in range(connections)]
    started = time.perf_counter()
    times: list[float] = []

    async def back() -> None:
        delay = 0.05
        while time.perf_counter() - started < 30:
            try:
                # the handshake is the round trip (a message would be relayed to all)
                async with connect(server.ws_url, compression=None, open_timeout=10):
                    times.append(time.perf_counter() - started)
                    return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(1.0, delay * 2)

    await asyncio.gather(asyncio.to_thread(server.restart), *(back() for _ in opened))
    for ws in opened:
        with contextlib.suppress(Exception):
            await ws.close()
    return times
