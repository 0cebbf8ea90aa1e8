"""The load benchmark: scenarios S0-S7 of docs/performance.md, each figure next to a
baseline measured in the same run.

The generator is open-loop: op k is due at t0 + k/rate and is sent then, whether or not
earlier ops were answered, and every latency is measured from when the op was due, so a
server that falls behind shows it as queueing. Percentiles are exact, over every sample.
A run whose generator used more than 70% of a core is marked invalid: then the generator,
not the server, set the pace.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench.processes import Process, own_cpu_seconds
from board_client import BoardClient, create_board, fetch_board, join_board
from server.board.apply import Record
from server.metrics import watch_loop_lag

_PAD = "x" * 160  # a ~200-byte note op on the wire


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max in milliseconds (exact: every sample is kept)."""
    if not samples:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1] * 1000}


@dataclass
class Run:
    """What one fan-out run measured."""

    name: str
    clients: int
    ops: int
    fanout: list[float] = field(default_factory=list)  # seconds, due → applied at a client
    acks: list[float] = field(default_factory=list)  # seconds, due → durable ack
    delivered: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    seconds: float = 0.0
    generator_cpu: float = 0.0  # share of one core
    server_cpu: float = 0.0
    server_rss_kib: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return self.ops * self.clients

    @property
    def reach(self) -> float:
        return self.delivered / self.expected if self.expected else 0.0

    @property
    def valid(self) -> bool:
        return self.generator_cpu <= 0.70


def pooled(name: str, runs: list[Run]) -> Run:
    """Several runs of one scenario as one: every sample and count together, the highest
    CPU and memory (a run that set the generator's pace leaves the pool invalid)."""
    one = Run(name, runs[0].clients, sum(r.ops for r in runs))
    for r in runs:
        if r.clients != one.clients:
            raise ValueError(f"{r.name} has {r.clients} clients, {name} {one.clients}")
        one.fanout += r.fanout
        one.acks += r.acks
        one.delivered += r.delivered
        one.duplicated += r.duplicated
        one.out_of_order += r.out_of_order
        one.seconds += r.seconds
        one.notes += r.notes
    one.generator_cpu = max(r.generator_cpu for r in runs)
    one.server_cpu = max(r.server_cpu for r in runs)
    one.server_rss_kib = max(r.server_rss_kib for r in runs)
    return one


async def in_turns(
    calm: Run,
    again: Callable[[], Awaitable[Run]],
    troubled: Callable[[], Awaitable[Run]],
    turns: int,
) -> tuple[Run, Run]:
    """S7 and S1 taking turns `turns` times, `calm` being S1's first run, each pooled:
    (troubled, calm). One 15 s run's p99 is set by the few ops that meet a stalled commit or
    wakeup; one pair of runs put S7 anywhere between 0.7 and 2.2 x S1."""
    calms, troubles = [calm], []
    for turn in range(turns):
        if turn:
            calms.append(await again())
        troubles.append(await troubled())
    return pooled("S7", troubles), pooled("S1", calms)


class Meter:
    """Generator and server CPU over a stretch of wall time."""

    def __init__(self, server: Process) -> None:
        self.server = server
        self.wall, self.own, self.theirs = time.perf_counter(), own_cpu_seconds(), 0.0
        self.theirs = server.cpu_seconds()

    def finish(self, run: Run) -> None:
        wall = time.perf_counter() - self.wall
        run.seconds = wall
        run.generator_cpu = (own_cpu_seconds() - self.own) / wall
        run.server_cpu = (self.server.cpu_seconds() - self.theirs) / wall
        run.server_rss_kib = self.server.rss_kib()


async def schedule(rate: float, count: int, send: Callable[[int, float], None]) -> None:
    """Calls send(k, due) at t0 + k/rate: open loop, never waiting for answers."""
    t0 = time.perf_counter() + 0.1
    for k in range(count):
        due = t0 + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        send(k, due)


async def until_delivered(run: Run, pending: set[asyncio.Future[Any]]) -> None:
    """Until every send is answered and every client has every op (30 s at most)."""
    try:
        async with asyncio.timeout(30):
            while pending or run.delivered < run.expected:
                await asyncio.sleep(0.02)
    except TimeoutError:
        run.notes.append("some ops were not delivered within 30 s")


_WRITERS = 5  # BoardClients that write (with replicas); the other clients only listen


def track(pending: set[asyncio.Future[Any]], future: asyncio.Future[Any]) -> None:
    """Keep `future` in `pending` until it is done (what `until_delivered` waits for)."""
    pending.add(future)
    future.add_done_callback(pending.discard)


async def drive(
    server: Process,
    run: Run,
    rate: float,
    send: Callable[[int, float], None],
    pending: set[asyncio.Future[Any]],
) -> None:
    """Send on the schedule, then wait for every delivery, metering the server meanwhile.

    The generator's own garbage collector is off meanwhile: its full collections stopped
    its one event loop for 60-120 ms every few seconds, which every target's latencies then
    carried (docs/performance.md). What a run leaves is collected after it."""
    meter = Meter(server)
    gc.disable()
    try:
        await schedule(rate, run.ops, send)
        await until_delivered(run, pending)
    finally:
        gc.enable()
    meter.finish(run)
    gc.collect()


async def planche_fanout(
    server: Process,
    urls: list[str],
    clients: int,
    rate: float,
    seconds: float,
    name: str,
    extra: Callable[[str, Any], Any] | None = None,
    senders: int | None = None,
    replicas: int = _WRITERS,
) -> Run:
    """`clients` clients on one board (spread over `urls`): up to `replicas` `BoardClient`s
    keep replicas, and the rest listen on the protocol without one, so that 70 clients do not
    cost the generator 70 applies of every op. The first `senders` clients write in turn
    (default: the five with replicas); a listener writes and times its acks on the protocol.
    A replica times a delivery after it parsed and applied the ops; a listener as it reads."""
    board = await create_board(urls[0], name)
    tokens = [board.facilitator_token]
    for i in range(1, clients):
        tokens.append((await join_board(urls[i % len(urls)], board.join_code, f"P{i}")).token)
    run = Run(name, clients, int(rate * seconds))
    due: dict[str, float] = {}
    seen: list[set[str]] = [set() for _ in range(clients)]
    last_seq = [0] * clients
    acked: dict[str, asyncio.Future[float]] = {}  # a listener's op id: its ack's arrival

    def arrived(i: int, seq: int, kind: str, note_id: str | None, now: float) -> None:
        if seq < last_seq[i]:
            run.out_of_order += 1
        last_seq[i] = max(last_seq[i], seq)
        if kind != "note.add" or note_id is None or (sent := due.get(note_id)) is None:
            return
        if note_id in seen[i]:
            run.duplicated += 1
            return
        seen[i].add(note_id)
        run.delivered += 1
        run.fanout.append(now - sent)

    def on_ops(i: int) -> Callable[[list[Record]], None]:
        def records(batch: list[Record]) -> None:
            now = time.perf_counter()
            for r in batch:
                note_id = r.op.note.id if r.op.kind == "note.add" else None
                arrived(i, r.seq, r.op.kind, note_id, now)

        return records

    async def listen(i: int, ws: ClientConnection) -> None:
        async for frame in ws:
            now = time.perf_counter()
            message = json.loads(frame)
            waiting = acked.get(message.get("id", ""))
            if waiting is not None and message.get("type") in ("ack", "error"):
                if message["type"] == "error":
                    run.notes.append(f"op {message['id']} refused: {message.get('code')}")
                if not waiting.done():
                    waiting.set_result(now)
            for r in message.get("ops") or []:
                op = r["op"]
                arrived(i, r["seq"], op["kind"], op.get("note", {}).get("id"), now)

    writers = min(clients, replicas)
    opened = [
        BoardClient(urls[i % len(urls)], board.id, tokens[i], on_ops=on_ops(i))
        for i in range(writers)
    ]
    for c in opened:
        await c.start()
    listeners: list[tuple[ClientConnection, asyncio.Task[None]]] = []
    for i in range(writers, clients):
        url = urls[i % len(urls)].replace("http", "ws", 1) + f"/ws/boards/{board.id}"
        ws = await connect(url, compression=None, max_size=None)
        await ws.send(json.dumps({"type": "hello", "token": tokens[i]}))
        await ws.recv()  # the welcome
        listeners.append((ws, asyncio.create_task(listen(i, ws))))
    background = await extra(board.id, board) if extra else None
    pending: set[asyncio.Future[Any]] = set()
    loop = asyncio.get_running_loop()

    def send(k: int, at: float) -> None:
        note_id = f"b{k}"
        due[note_id] = at
        op = {"kind": "note.add", "note": {"id": note_id, "area": "main", "text": f"{k} {_PAD}"}}
        i = k % (senders or writers or min(clients, _WRITERS))
        done: asyncio.Future[Any]
        if i < writers:
            done = asyncio.create_task(opened[i].send_op(op))
            done.add_done_callback(lambda t: run.acks.append(time.perf_counter() - at))
        else:  # a listener: the ack comes to its reader
            done = acked[note_id] = loop.create_future()
            done.add_done_callback(lambda f: run.acks.append(f.result() - at))
            frame = json.dumps({"type": "op", "id": note_id, "op": op})
            track(pending, asyncio.create_task(listeners[i - writers][0].send(frame)))
        track(pending, done)

    await drive(server, run, rate, send, pending)
    if background is not None:
        run.notes.extend(await background())
    for c in opened:
        await c.close()
    for ws, task in listeners:
        await ws.close()
        task.cancel()
    return run


async def relay_fanout(
    server: Process,
    clients: int,
    rate: float,
    seconds: float,
    senders: int | None = None,
    extra: Callable[[], Any] | None = None,
) -> Run:
    """The same schedule through the bare relay: the fan-out floor of this machine. The first
    `senders` clients (default: all) send in turn. A message's echo to its own sender counts
    as its ack (`run.acks`): the least an ack can take on this machine. `extra`, as in
    `planche_fanout`, starts what else goes on meanwhile."""
    run = Run("raw websockets relay", clients, int(rate * seconds))
    sockets = [await connect(server.ws_url, compression=None) for _ in range(clients)]
    received: list[set[int]] = [set() for _ in range(clients)]
    turn = senders or clients

    async def reader(i: int) -> None:
        async for message in sockets[i]:
            now = time.perf_counter()
            body = json.loads(message)
            if "k" not in body:  # not the generator's: S7's flooder
                continue
            if body["k"] in received[i]:
                run.duplicated += 1
                continue
            received[i].add(body["k"])
            run.delivered += 1
            run.fanout.append(now - body["t"])
            if body["k"] % turn == i:
                run.acks.append(now - body["t"])

    readers = [asyncio.create_task(reader(i)) for i in range(clients)]
    sends: set[asyncio.Future[Any]] = set()

    def send(k: int, at: float) -> None:
        frame = json.dumps({"k": k, "t": at, "text": _PAD})
        track(sends, asyncio.create_task(sockets[k % turn].send(frame)))

    background = await extra() if extra else None
    await drive(server, run, rate, send, sends)
    if background is not None:
        run.notes.extend(await background())
    for ws in sockets:
        await ws.close()
    for r in readers:
        r.cancel()
    return run


class LoopLag:
    """The generator's own pauses: how late its event loop woke, sampled every 10 ms while
    `async with` runs. A latency the generator measures includes these; the server's
    histograms (`server_bound`) do not."""

    def __init__(self) -> None:
        self.worst = 0.0  # seconds
        self.over_50ms = 0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.create_task(watch_loop_lag(0.01, self._observe))
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def _observe(self, late: float) -> None:
        self.worst = max(self.worst, late)
        self.over_50ms += late > 0.05


def server_bound(server: Process, histogram: str = "planche_ack_seconds") -> str:
    """The smallest bucket of one of the server's histograms that holds every sample. For
    the acks: the server's side of an ack's time, without the generator's own pauses; for
    `planche_commit_seconds` and `planche_loop_lag_seconds`: the disk's and the event
    loop's worst."""
    with urllib.request.urlopen(f"{server.url}/metrics") as response:
        text = response.read().decode()
    buckets = [
        (line.split('le="')[1].split('"')[0], float(line.rsplit(" ", 1)[1]))
        for line in text.splitlines()
        if line.startswith(f"{histogram}_bucket")
    ]
    total = buckets[-1][1]
    bound = next(le for le, count in buckets if count >= total)
    return "no bound" if bound == "+Inf" else f"{float(bound) * 1000:g} ms"


async def idle_connections(server: Process, count: int, board: Any | None) -> float:
    """KiB of server memory per idle connection (a hello and a welcome for Planche)."""
    before = server.rss_kib()
    sockets = []
    for _ in range(count):
        url = f"{server.ws_url}/ws/boards/{board.id}" if board else server.ws_url
        ws = await connect(url, compression=None, open_timeout=30)
        if board is not None:
            await ws.send(json.dumps({"type": "hello", "token": board.viewer_token}))
            await ws.recv()
        sockets.append(ws)
    await asyncio.sleep(1.0)
    per = (server.rss_kib() - before) / count
    for ws in sockets:
        await ws.close()
    return per


async def join_herd(
    server: Process, notes: int, clients: int, within: float
) -> tuple[list[float], list[float]]:
    """A board of `notes` notes; `clients` join at random moments within `within` seconds.
    Join-to-live times, and (baseline) the times to fetch the same board once over HTTP."""
    board = await create_board(server.url, "Join herd")
    async with BoardClient(server.url, board.id, board.facilitator_token) as fac:
        for first in range(0, notes, 250):
            await asyncio.gather(
                *(
                    fac.add_note("main", f"{k} {_PAD}")
                    for k in range(first, min(notes, first + 250))
                )
            )
    baseline = []
    for _ in range(5):
        started = time.perf_counter()
        await fetch_board(server.url, board.id, board.facilitator_token)
        baseline.append(time.perf_counter() - started)
    times: list[float] = []
    rng = random.Random(5)

    async def one() -> None:
        await asyncio.sleep(rng.random() * within)
        started = time.perf_counter()
        client = BoardClient(server.url, board.id, board.viewer_token)
        await client.start()
        times.append(time.perf_counter() - started)
        await client.close()

    await asyncio.gather(*(one() for _ in range(clients)))
    return times, baseline


async def slow_and_flood(
    server: Process, board: Any, rate: float, seconds: float
) -> Callable[[], Any]:
    """S7's trouble-makers: one connection that stops reading, and a flooder process
    sending ops at `rate` (ten times the meeting's) while the meeting goes on."""
    url = f"{server.ws_url}/ws/boards/{board.id}"
    hello = json.dumps({"type": "hello", "token": board.viewer_token})
    slow, flooder = await _trouble(url, hello, board.facilitator_token, rate, seconds)

    async def finish() -> list[str]:
        peak = server.rss_kib()
        closed = await _after_trouble(slow, flooder)
        async with connect(url, max_size=None) as again:
            await again.send(hello)
            welcome = json.loads(await again.recv())
        return [
            f"slow reader {closed}; it came back with a {welcome['type']} at seq {welcome['seq']}",
            f"flooder sent {rate:.0f} ops/s for {seconds:.0f} s; server RSS {peak / 1024:.0f} MiB",
        ]

    return finish


async def relay_slow_and_flood(server: Process, rate: float, seconds: float) -> Callable[[], Any]:
    """S7's trouble-makers at the bare relay: a connection that stops reading, and a flooder
    sending what Planche's op limit lets through of `rate` a second (bench/flood.py)."""
    slow, flooder = await _trouble(server.ws_url, None, "-", rate, seconds)

    async def finish() -> list[str]:
        return [f"slow reader {await _after_trouble(slow, flooder)}"]

    return finish


async def _trouble(
    url: str, hello: str | None, token: str, rate: float, seconds: float
) -> tuple[ClientConnection, subprocess.Popen[bytes]]:
    slow = await connect(url, compression=None, max_queue=1, max_size=2**16, close_timeout=1)
    if hello is not None:
        await slow.send(hello)
    flooder = subprocess.Popen(
        [sys.executable, "-m", "bench.flood", url, token, str(rate), str(seconds)]
    )
    return slow, flooder


async def _after_trouble(slow: ClientConnection, flooder: subprocess.Popen[bytes]) -> str:
    """Once the flooder is done: whether the server cut the slow reader off."""
    await asyncio.to_thread(flooder.wait)
    try:  # what the slow reader was sent
        async with asyncio.timeout(2):
            async for _ in slow:
                pass
    except TimeoutError:
        pass
    cut_off = f"closed with {slow.close_code}" if slow.close_code else "not cut off"
    await slow.close()  # it goes: the next run's room must not carry it (at most a second)
    return cut_off
