"""A large meeting next to a usual one, in the same run (issue 17): `big` participants on one
board and `usual` on another, each board on a server process of its own so that each one's
CPU is its own, all at once. Every participant answers once at a random moment within
`window` seconds to the facilitator's live poll (`poll.answer` on a single-choice poll whose
totals everyone sees as they come), and every participant hears every answer.

Measured per board: fan-out (an answer's send → its arrival at each other participant),
the durable ack of each answer, every answer reaching everyone, the presence bytes each
participant received over the run (above `crowd_threshold` presence carries counts and the
facilitators only), and the server process's CPU seconds. The participants speak the
protocol without a replica, as the listeners of bench/load.py do, so that the generator
can keep up with 300 of them.

With `browsers` > 0 that many of the big board's participants are headless Chromium pages
(Debian's, PLANCHE_CHROMIUM) that answer by choosing the poll's first option and sending
it; reported: how long after the last answer every page shows the full count.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench import processes
from bench.load import percentiles
from bench.processes import own_cpu_seconds
from board_client import BoardClient, create_board, join_board


@dataclass
class Board:
    name: str
    people: int
    fanout: list[float] = field(default_factory=list)  # seconds
    acks: list[float] = field(default_factory=list)
    delivered: int = 0
    expected: int = 0
    presence_bytes: list[int] = field(default_factory=list)  # per participant
    server_cpu: float = 0.0  # while everyone answers
    join_cpu: float = 0.0  # while everyone connects (presence of a growing room)
    generator_cpu: float = 0.0  # share of a core, while everyone answers
    seconds: float = 0.0
    browsers_all_seen: float | None = None  # s after the last answer, slowest page
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, float, str]]:
        f, a = percentiles(self.fanout), percentiles(self.acks)
        kib = sorted(self.presence_bytes)[len(self.presence_bytes) // 2] / 1024
        out = [
            ("fan-out p50 ms", f["p50"], ""),
            ("fan-out p99 ms", f["p99"], "<= 1000"),
            ("durable ack p99 ms", a["p99"], "<= 1000"),
            ("reach", self.delivered / self.expected if self.expected else 0.0, "1.0"),
            ("presence KiB per client (median)", kib, ""),
            ("server CPU s, answering", self.server_cpu, ""),
            ("server CPU s, everyone connecting", self.join_cpu, ""),
            ("generator CPU % while answering", self.generator_cpu * 100, "<= 70"),
        ]
        if self.browsers_all_seen is not None:
            out.append(("browsers: all answers shown, s", self.browsers_all_seen, ""))
        return out


async def _participant(
    url: str, board_id: str, token: str, board: Board, sent: dict[str, float], done: asyncio.Event
) -> tuple[ClientConnection, asyncio.Task[None], str]:
    ws = await connect(
        url.replace("http", "ws", 1) + f"/ws/boards/{board_id}", compression=None, max_size=None
    )
    await ws.send(json.dumps({"type": "hello", "token": token}))
    welcome = json.loads(await ws.recv())
    me = welcome["participant_id"]
    presence = 0
    index = len(board.presence_bytes)
    board.presence_bytes.append(0)

    async def listen() -> None:
        nonlocal presence
        async for frame in ws:
            now = time.perf_counter()
            message = json.loads(frame)
            kind = message.get("type")
            if kind == "presence":
                presence += len(frame)
                board.presence_bytes[index] = presence
            elif kind == "ack" and message["id"] in sent:
                board.acks.append(now - sent[message["id"]])
            elif kind == "ops":
                for r in message["ops"]:
                    at = sent.get(r["id"])
                    if at and r["op"]["kind"] == "poll.answer" and r["by"] != me:
                        board.delivered += 1
                        board.fanout.append(now - at)
                if board.delivered >= board.expected:
                    done.set()

    return ws, asyncio.create_task(listen()), me


async def _crowd(server: processes.Process, board: Board, window: float, browsers: int) -> None:
    made = await create_board(server.url, board.name)
    async with BoardClient(server.url, made.id, made.facilitator_token) as fac:
        await fac.send_op({"kind": "poll.open", "poll": POLL})
    tokens = [
        (await join_board(server.url, made.join_code, f"P{i}")).token
        for i in range(board.people - browsers)
    ]
    sent: dict[str, float] = {}
    done = asyncio.Event()
    # every answer of theirs reaches every other one of the protocol participants
    board.expected = len(tokens) * (len(tokens) - 1)
    joining = server.cpu_seconds()
    opened = [await _participant(server.url, made.id, t, board, sent, done) for t in tokens]
    pages = await _browsers(server, made, browsers) if browsers else None
    cpu, wall, own = server.cpu_seconds(), time.perf_counter(), own_cpu_seconds()
    board.join_cpu = cpu - joining
    rng = random.Random(board.people)

    async def answer(ws: ClientConnection, i: int) -> None:
        await asyncio.sleep(rng.uniform(0, window))
        op_id = f"a{i}"
        sent[op_id] = time.perf_counter()
        op = {"kind": "poll.answer", "poll_id": POLL["id"], "choices": [i % 3]}
        await ws.send(json.dumps({"type": "op", "id": op_id, "op": op}))

    answers = [answer(ws, i) for i, (ws, _, _) in enumerate(opened)]
    if pages is not None:
        answers += [pages.answer(rng.uniform(0, window))]
    await asyncio.gather(*answers)
    last = time.perf_counter()
    try:
        async with asyncio.timeout(60):
            await done.wait()
    except TimeoutError:
        board.notes.append("some answers did not reach everyone within 60 s")
    if pages is not None:
        board.browsers_all_seen = await pages.all_shown(board.people, last)
    board.server_cpu = server.cpu_seconds() - cpu
    board.seconds = time.perf_counter() - wall
    # the generator runs both boards: its share of a core while this board answered
    board.generator_cpu = (own_cpu_seconds() - own) / board.seconds
    await asyncio.sleep(1.5)  # the last presence batch (once a second in a crowd)
    for ws, task, _ in opened:
        task.cancel()
        await ws.close()
    if pages is not None:
        await pages.close()


class _Pages:
    """Headless Chromium pages joined as participants of one board."""

    def __init__(self, playwright: Any, browser: Any, pages: list[Any]) -> None:
        self.playwright, self.browser, self.pages = playwright, browser, pages

    async def answer(self, at: float) -> None:
        await asyncio.sleep(at)
        for page in self.pages:  # the first option, whatever the board's language
            await page.locator(".poll-form input[type=radio]").first.check()
            await page.locator(".poll-form button[type=submit]").click()

    async def all_shown(self, people: int, last: float) -> float:
        for page in self.pages:
            await page.wait_for_function(
                """(n) => (document.querySelector('.poll-count')?.textContent ?? '')
                  .startsWith(`${n} `)""",
                arg=people,
                timeout=120_000,
            )
        return time.perf_counter() - last

    async def close(self) -> None:
        await self.browser.close()
        await self.playwright.stop()


async def _browsers(server: processes.Process, made: Any, n: int) -> _Pages:
    from playwright.async_api import async_playwright

    from bench.browser import CHROMIUM, FLAGS

    playwright = await async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    pages = []
    for i in range(n):
        joined = await join_board(server.url, made.join_code, f"Browser {i}")
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        page = await context.new_page()
        await page.goto(f"{server.url}/b/{made.id}#token={joined.token}")
        await page.wait_for_selector("#status[data-state=online]", timeout=60_000)
        pages.append(page)
    return _Pages(playwright, browser, pages)


POLL = {
    "id": "p1",
    "kind": "single",
    "question": "Which comes first?",
    "options": ["Time for volunteers", "A shared calendar", "Training"],
    "hidden": False,
}

# the baseline: a server that treats no meeting as large (names, cursors, 200 ms batches)
NO_CROWD_MODE = ("--crowd-threshold", "1000000", "--people-list-max", "1000000")


async def run(
    big: int = 300,
    usual: int = 70,
    window: float = 20.0,
    browsers: int = 0,
    big_server_args: tuple[str, ...] = (),
) -> tuple[Board, Board, float]:
    """Both boards at once, each on its own server; the generator's share of a core too."""
    folder = Path(tempfile.mkdtemp(prefix="planche-crowd-"))
    big_server = processes.planche(f"sqlite:///{folder / 'big.db'}", *big_server_args)
    usual_server = processes.planche(f"sqlite:///{folder / 'usual.db'}")
    try:
        boards = Board(f"{big} participants", big), Board(f"{usual} participants", usual)
        own, wall = own_cpu_seconds(), time.perf_counter()
        await asyncio.gather(
            _crowd(big_server, boards[0], window, browsers),
            _crowd(usual_server, boards[1], window, 0),
        )
        generator = (own_cpu_seconds() - own) / (time.perf_counter() - wall)
    finally:
        big_server.stop()
        usual_server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return boards[0], boards[1], generator
