"""`python -m bench.fuzz [--messages N] [--seed S]`: the long protocol fuzz, outside the suite.

A real server process (bench/processes.py) gets at least N WebSocket messages (default
100,000) from a facilitator, a participant and a viewer of one board at a time, several
boards at once: valid ops of every kind, near-valid ones (a field dropped, retyped, blanked,
too long or extra, an unknown kind), garbage (random text and bytes, broken JSON, deep
nesting, binary frames), second hellos, presence, ops before the hello and resent op ids;
each is drawn by tests/fuzz_messages.py and checked by tests/fuzz_contract.py, the same
contract as tests/server/test_protocol_fuzz.py (which runs 100 boards in every suite run).
Between the boards, and not drawn by hypothesis: frames over 64 KiB (close 1009), resumes
from a stale, current and future `since`, and a refused token (`unauthorized`, close 1008).

It checks that every message gets the documented answer, that no socket is closed other
than as docs/protocol.md says, that every acked op is in the board's log at its seq, that
each replica equals its view of the replayed log, that the server's log shows no crash,
and that the server's memory stays bounded. It prints its figures; docs/reliability.md
records a run. It needs the `test` extra (hypothesis draws the messages), not pytest.

A board that fails a check is written to test-artifacts/fuzz/ (the messages it was sent, and
the example to send again with `--replay FILE.pickle`), and the run goes on; the exit status
is 1 if any board failed. On a loaded machine set PLANCHE_TEST_TIMEOUT_FACTOR, as for the
tests: an answer is awaited 10 s times the factor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bench import processes
from server.board.protocol import MAX_MESSAGE_BYTES
from tests.fuzz_contract import CRASH_SIGNS, Fuzzing, Socket, Stats, fuzz_one
from tests.fuzz_messages import Example, examples
from tests.timing import timeout

BATCH = 100  # examples drawn at a time, between which the server's health is checked
STEPS = 120  # messages on one recombined board at most, after the hello
REUSE = 4  # boards each drawn message is sent on
EXTRAS_EVERY = 25  # boards between two rounds of the checks hypothesis does not draw
# uvicorn closes a keep-alive connection idle for 5 s, httpx keeps one as long: a request on
# one the server is closing that moment fails ("Server disconnected"), so expire them sooner
_LIMITS = httpx.Limits(keepalive_expiry=1.0)
# each failing board's messages (.txt) and example (.pickle, to run it again) go here
FAILURES = Path("test-artifacts/fuzz")
# the memory check: after the warm-up, the server's RSS may grow by at most this much
RSS_GROWTH_MAX_MIB = 64


def draw(n: int, batch_seed: int) -> list[Example]:
    """`n` examples of tests/fuzz_messages.py (the same for the same seed), recombined into
    `REUSE` times as many boards: hypothesis draws about 100 messages a CPU second, the server
    answers faster, so each drawn message is sent on `REUSE` boards, each time among other
    messages. A board gets 10 to `STEPS` messages of its method's examples, in random order."""
    drawn: list[Example] = []

    @seed(batch_seed)
    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(examples())
    def collect(example: Example) -> None:
        drawn.append(example)

    collect()
    rng = random.Random(batch_seed)
    by_method: dict[str, list[Example]] = {}
    for example in drawn:
        by_method.setdefault(example.method, []).append(example)
    boards = list(drawn)
    for _ in range(n * (REUSE - 1)):
        method = rng.choice(sorted(by_method))
        pool = [step for e in by_method[method] for step in e.steps]
        steps = rng.sample(pool, min(len(pool), rng.randint(10, STEPS)))
        boards.append(Example(method, rng.choice(by_method[method]).before_hello, steps))
    rng.shuffle(boards)
    return boards


class Figures:
    def __init__(self) -> None:
        self.stats = Stats()
        self.extras: Counter[str] = Counter()  # the checks outside hypothesis, by name
        self.rss_kib: list[int] = []
        self.started = time.perf_counter()
        self.drawing = 0.0  # seconds spent drawing messages
        self.failures: list[str] = []  # a line for each board whose checks failed
        self.boards_open = 0  # boards the server holds in memory (planche_boards_open)

    def sent(self) -> int:
        return sum(self.stats.messages.values()) + sum(self.extras.values())

    def print(self, server: processes.Process) -> None:
        stats = self.stats
        print(f"messages sent: {self.sent():,}")
        for category, n in sorted((stats.messages + self.extras).items()):
            print(f"  {category:<24}{n:>9,}")
        print(f"boards fuzzed: {stats.examples:,}")
        acked = stats.answers["ack"] + stats.answers["noop"]
        print(f"ops acked: {acked:,} ({stats.answers['noop']:,} of them as recorded no-ops)")
        print("errors by code:")
        for code, n in sorted(stats.answers.items()):
            if code not in ("ack", "noop"):
                print(f"  {code:<24}{n:>9,}")
        took = time.perf_counter() - self.started
        print(f"time: {took:.0f} s ({self.drawing:.0f} s of it waiting for messages to be drawn)")
        print(f"server CPU: {server.cpu_seconds():.0f} s")
        rss = self.rss_kib
        print(f"server RSS: first {rss[0] / 1024:.0f} MiB, peak {max(rss) / 1024:.0f} MiB, "
              f"last {rss[-1] / 1024:.0f} MiB")  # fmt: skip
        print(f"boards in the server's memory at the end: {self.boards_open:,}")
        print(f"boards that failed a check: {len(self.failures)}")
        for failure in self.failures:
            print(f"  {failure}")


async def run(messages: int, first_seed: int, parallel: int) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="planche-fuzz-") as data:
        server = processes.planche(
            f"sqlite:///{Path(data) / 'fuzz.db'}",
            # each fuzzed socket waits for its answer before it sends again: the rate limit
            # would turn most ops into rate_limited; tests/server/test_rate_limit.py tests it
            *("--op-rate", "100000", "--op-burst", "100000"),
        )
        try:
            figures.rss_kib.append(server.rss_kib())
            async with httpx.AsyncClient(
                base_url=server.url, timeout=timeout(30), limits=_LIMITS
            ) as http:
                await _fuzz(server, http, figures, messages, first_seed, parallel)
                await _alive(server, http, 0)
        except BaseException:
            print(f"server log (last 4000 characters):\n{_log(server)[-4000:]}", file=sys.stderr)
            raise
        finally:
            figures.print(server)
            server.stop()
    return figures


async def replay(path: Path) -> Figures:
    """One failed board's example (a .pickle of test-artifacts/fuzz/) on a new server."""
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="planche-fuzz-") as data:
        server = processes.planche(
            f"sqlite:///{Path(data) / 'fuzz.db'}", *("--op-rate", "100000", "--op-burst", "100000")
        )
        try:
            figures.rss_kib.append(server.rss_kib())
            async with httpx.AsyncClient(
                base_url=server.url, timeout=timeout(30), limits=_LIMITS
            ) as http:
                await _worker(server, http, figures, iter([pickle.loads(path.read_bytes())]), -1)
        finally:
            figures.print(server)
            server.stop()
    return figures


async def _fuzz(
    server: processes.Process,
    http: httpx.AsyncClient,
    figures: Figures,
    messages: int,
    first_seed: int,
    parallel: int,
) -> None:
    log_read, batch, boards = 0, 0, 0
    warm: int | None = None  # the RSS once the first batches have run
    loop = asyncio.get_running_loop()
    # drawing is as slow as sending: the next batch is drawn in another process meanwhile
    with ProcessPoolExecutor(1) as pool:
        drawing = loop.run_in_executor(pool, draw, BATCH, first_seed)
        while figures.sent() < messages:
            started = time.perf_counter()
            todo = await drawing
            figures.drawing += time.perf_counter() - started
            drawing = loop.run_in_executor(pool, draw, BATCH, first_seed + batch + 1)
            boards, log_read, warm = await _batch(
                server, http, figures, todo, first_seed + batch, parallel, boards, log_read, warm
            )
            batch += 1
            if batch == 1:
                warm = figures.rss_kib[-1]
        drawing.cancel()


async def _batch(
    server: processes.Process,
    http: httpx.AsyncClient,
    figures: Figures,
    todo: list[Example],
    batch_seed: int,
    parallel: int,
    boards: int,
    log_read: int,
    warm: int | None,
) -> tuple[int, int, int | None]:
    """Runs one batch of boards, `parallel` at a time, then checks the server."""
    queue: Iterator[Example] = iter(todo)
    await asyncio.gather(
        *(_worker(server, http, figures, queue, batch_seed) for _ in range(parallel))
    )
    boards += len(todo)
    while figures.extras.total() < boards // EXTRAS_EVERY * 10:
        await _extras(server, http, figures)
    log_read = await _alive(server, http, log_read)
    figures.rss_kib.append(server.rss_kib())
    figures.boards_open = await _boards_open(http)
    if warm is not None:
        growth = (figures.rss_kib[-1] - warm) / 1024
        assert growth <= RSS_GROWTH_MAX_MIB, f"the server's RSS grew by {growth:.0f} MiB"
    print(
        f"[{time.perf_counter() - figures.started:6.0f} s] {figures.sent():>8,} messages, "
        f"{figures.stats.examples:,} boards ({figures.boards_open} in memory), "
        f"RSS {figures.rss_kib[-1] / 1024:.0f} MiB",
        file=sys.stderr,
    )
    return boards, log_read, warm


async def _worker(
    server: processes.Process,
    http: httpx.AsyncClient,
    figures: Figures,
    queue: Iterator[Example],
    batch_seed: int,
) -> None:
    fuzzing = Fuzzing(server, http, figures.stats)
    for example in queue:  # the workers share one iterator: each example is run once
        fuzzing.sent = []
        try:
            await fuzz_one(fuzzing, example)
        except AssertionError as e:  # a finding on one board: kept, and the run goes on
            FAILURES.mkdir(parents=True, exist_ok=True)
            where = FAILURES / f"seed-{batch_seed}-board-{len(figures.failures) + 1}"
            where.with_suffix(".txt").write_text(
                f"{e!r}\n\nwhat the board was sent, and the answers expected:\n"
                + "\n".join(fuzzing.sent)
            )
            where.with_suffix(".pickle").write_bytes(pickle.dumps(example))
            figures.failures.append(f"{where}.txt: {str(e).splitlines()[0][:200]}")


async def _extras(server: processes.Process, http: httpx.AsyncClient, figures: Figures) -> None:
    """Ten messages hypothesis does not draw: resumes from four `since`s, an acked op id sent
    again after a resume, a refused token, and a frame one byte over 64 KiB."""
    made = await http.post("/api/boards", json={"title": "Fuzz extras", "method": "free"})
    assert made.status_code == 201, made.text
    board = made.json()
    url = f"{server.ws_url}/ws/boards/{board['id']}"
    token = board["facilitator_token"]
    acks = []
    async with connect(url, compression=None) as ws:
        sock = Socket(ws, "facilitator")
        await sock.hello(token)
        for k in range(5):
            note = {"id": f"n{k}", "area": "main", "text": f"note {k}"}
            await sock.send(json.dumps({"type": "op", "id": f"x{k}", "op": {
                "kind": "note.add", "note": note}}))  # fmt: skip
            acks.append(await sock.next())
    head = acks[-1]["seq"]
    for since in (0, head - 2, head, head + 10):  # stale, a little behind, current, ahead
        async with connect(url, compression=None) as ws:
            await ws.send(json.dumps({"type": "hello", "token": token, "since": since}))
            welcome = json.loads(await ws.recv())
            assert welcome["type"] == "welcome" and welcome["seq"] == head, welcome
            if since > head:
                assert "state" in welcome and "ops" not in welcome, welcome
            else:
                got = [o["seq"] for o in welcome["ops"]]
                assert got == list(range(since + 1, head + 1)), (since, got)
            figures.extras["resume"] += 1
            # an op id acked before the resume: its first ack again, applied once
            other = {"kind": "note.add", "note": {"id": "other", "area": "main", "text": "x"}}
            await ws.send(json.dumps({"type": "op", "id": "x0", "op": other}))
            again = await _answer(ws)
            assert again == acks[0], (again, acks[0])
            figures.extras["resend after resume"] += 1
    async with connect(url, compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "token": "no-such-token", "since": None}))
        refused = json.loads(await ws.recv())
        assert (refused["type"], refused["code"]) == ("error", "unauthorized"), refused
        assert await _closed_with(ws) == 1008
        figures.extras["refused token"] += 1
    async with connect(url, compression=None, max_size=None) as ws:
        sock = Socket(ws, "facilitator")
        await sock.hello(token)
        await ws.send(json.dumps({"type": "op", "id": "big", "op": {"kind": "note.add", "note": {
            "id": "big", "area": "main", "text": "x" * MAX_MESSAGE_BYTES}}}))  # fmt: skip
        assert await _closed_with(ws) == 1009
        figures.extras["frame over 64 KiB"] += 1


async def _answer(ws: Any) -> dict[str, Any]:
    async with asyncio.timeout(timeout(10)):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] in ("ack", "error"):
                return dict(message)


async def _closed_with(ws: Any) -> int | None:
    try:
        async with asyncio.timeout(timeout(10)):
            while True:
                await ws.recv()
    except ConnectionClosed as e:
        return e.rcvd.code if e.rcvd is not None else None


async def _boards_open(http: httpx.AsyncClient) -> int:
    metrics = (await http.get("/metrics")).text
    found = re.search(r"^planche_boards_open(?:\{[^}]*\})? ([0-9.e+]+)$", metrics, re.M)
    return int(float(found.group(1))) if found else -1


def _log(server: processes.Process) -> str:
    return Path(server.log.name).read_text(errors="replace")


async def _alive(server: processes.Process, http: httpx.AsyncClient, since: int) -> int:
    health = await http.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"}), health.text
    log = _log(server)
    assert not CRASH_SIGNS.search(log, since), log[since:][-4000:]
    return len(log)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000, help="send at least this many")
    parser.add_argument("--seed", type=int, default=0, help="the first batch's seed")
    parser.add_argument("--parallel", type=int, default=8, help="boards fuzzed at once")
    parser.add_argument("--replay", type=Path, help="send one failed board's example again")
    args = parser.parse_args()
    if args.replay:
        figures = asyncio.run(replay(args.replay))
    else:
        figures = asyncio.run(run(args.messages, args.seed, args.parallel))
    sys.exit(1 if figures.failures else 0)
