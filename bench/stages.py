"""Where one op's time goes inside the server, stage by stage, beside the durable relay.

    python -m bench.stages [--clients N] [--load a|b] [--seconds S]

Planche and the durable relay (bench/relay.py) each run with a stamp (`perf_counter_ns`) at
the stages of an op's path, put in by patching their functions from outside (`python -m
bench.stages serve ...` and `serve-relay PORT DATABASE`): the server's code is not changed
for it. The generator of bench/load.py drives each in turn, a warm-up and then the stamped run;
the report gives each stage's median in µs, and where both its ends are on one thread,
the CPU that thread used meanwhile: a stage far above its CPU spent the difference waiting
(for the GIL, or for a core: the generator shares them). Each stamp costs a wrapper call, a
few µs on a cold path; both servers pay them.

The stamps are written only on a signal, after the load: writing them from inside the
server while it serves stalled its event loop for 25-50 ms, which looked exactly like the
server's own tail (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STAMPS: list[tuple[str, int, int, int]] = []  # name, wall clock, thread's CPU clock, thread

# Planche's stages, in the order an op meets them; the name is where the time before it went
PLANCHE = (
    ("read", "uvicorn has the bytes"),
    ("taken", "its frame parsed (websockets)"),
    ("offered", "decoded, its rate and role checked"),
    ("take", "the room's task woken"),
    ("sequenced", "completed, sequenced, applied"),
    ("handed", "its row made, handed to the writer"),
    ("insert", "the writer thread woken"),
    ("durable", "inserted and committed (fsync)"),
    ("committed", "the event loop and the room's task woken"),
    ("framed", "the wire records and frames made"),
    ("sender", "the sender's ops and ack written"),
    ("everyone", "everyone else's written"),
)
RELAY = (
    ("read", "the relay has the bytes"),
    ("insert", "its frame parsed, the handler woken"),
    ("durable", "inserted and committed (fsync)"),
    ("sender", "the sender's echo written"),
    ("everyone", "everyone else's written"),
)


def _stamp(name: str) -> None:
    STAMPS.append((name, time.perf_counter_ns(), time.thread_time_ns(), threading.get_ident()))


def _around(owner: Any, attr: str, before: str | None, after: str | None = None) -> None:
    original = getattr(owner, attr)

    def stamped(*args: Any, **kwargs: Any) -> Any:
        if before:
            _stamp(before)
        result = original(*args, **kwargs)
        if after:
            _stamp(after)
        return result

    setattr(owner, attr, stamped)


def trace_planche() -> None:
    from server.store import sql
    from server.sync import connection, core, rooms, transport

    _around(transport.DirectProtocol, "data_received", "read")
    _around(connection._Reader, "_take", "taken")
    _around(rooms.Room, "offer", "offered")
    _around(core.RoomCore, "take", "take", "sequenced")
    _around(sql.SqlStore, "_submit", "handed")
    _around(sql.SqlStore, "_insert_ops", "insert", "durable")
    _around(core.RoomCore, "committed", "committed", "framed")
    # Planche's own writes, whichever loop runs them (uvloop's cannot be stamped); a frame
    # that takes the ASGI path (a paused socket) goes unstamped
    _around(transport, "_write", None, "written")


class _StampedDatabase:
    """The durable relay's database, stamped around each insert and its commit."""

    def __init__(self, db: Any) -> None:
        self._db = db

    def execute(self, *args: Any) -> Any:
        _stamp("insert")
        result = self._db.execute(*args)
        _stamp("durable")
        return result


def trace_relay() -> None:
    from asyncio import selector_events

    from websockets.asyncio.connection import Connection

    from bench import relay

    _around(Connection, "data_received", "read")
    durable = relay.durable
    relay.durable = lambda path: _StampedDatabase(durable(path))  # type: ignore[assignment,return-value]
    # every write to a socket on asyncio's loop: the first after a commit is the sender's
    _around(selector_events._SelectorSocketTransport, "write", None, "written")


def serve(target: str, argv: list[str]) -> None:
    """A server with stamps: SIGUSR1 forgets those so far, SIGUSR2 writes them to
    $STAGES_OUT."""
    signal.signal(signal.SIGUSR1, lambda *_: STAMPS.clear())

    def dump(*_: Any) -> None:
        # written whole, then renamed: the bench reads the file the moment it exists
        out = Path(os.environ["STAGES_OUT"])
        out.with_suffix(".part").write_text(json.dumps(STAMPS))
        out.with_suffix(".part").replace(out)

    signal.signal(signal.SIGUSR2, dump)
    if target == "planche":
        trace_planche()
        from server.cli import main

        sys.exit(main(["serve", *argv]))
    trace_relay()
    from bench import relay

    asyncio.run(relay.main(int(argv[0]), argv[1]))


Stages = tuple[tuple[str, str], ...]


def per_op(stamps: list[tuple[str, int]], stages: Stages) -> list[dict[str, int]]:
    """Each op's stamps: from the last `read` before the op's first stage after `read` to
    the next op's, each stage taken only in its turn (a late stamp of the op before, such as
    its insert while this one is decoded, is not this op's). `written` becomes `sender` (the
    first write after the commit) and `everyone` (the last); an op without every stage (a
    ping's read, a batch of two) is left out."""
    first = stages[1][0]
    in_turn = [name for name, _ in stages if name not in ("sender", "everyone")]
    ops: list[dict[str, int]] = []
    last_read: int | None = None
    current: dict[str, int] | None = None
    writes: list[int] = []

    def close() -> None:
        if current is not None and writes:
            current["sender"], current["everyone"] = writes[0], writes[-1]
            if all(name in current for name, _ in stages):
                ops.append(current)

    for name, at in stamps:
        if name == "read":
            last_read = at
        elif name == first and last_read is not None:
            close()
            current, writes = {"read": last_read, first: at}, []
        elif current is not None:
            if name == "written":
                if "durable" in current:
                    writes.append(at)
            elif len(current) < len(in_turn) and name == in_turn[len(current)]:
                current[name] = at
    close()
    return ops


@dataclass
class Ops:
    """Each op's stamps three times over, grouped alike: by the wall clock, by the CPU clock
    of the thread that stamped, and by that thread."""

    wall: list[dict[str, int]]
    cpu: list[dict[str, int]]
    thread: list[dict[str, int]]

    @classmethod
    def of(cls, stamps: list[tuple[str, int, int, int]], stages: Stages) -> Ops:
        # `per_op` groups by the names alone, so each clock gives the same ops
        wall = per_op([(name, at) for name, at, _, _ in stamps], stages)
        cpu = per_op([(name, at) for name, _, at, _ in stamps], stages)
        return cls(wall, cpu, per_op([(name, thread) for name, _, _, thread in stamps], stages))


def table(ops: Ops, stages: Stages) -> list[tuple[str, float, float | None]]:
    """Each stage's median µs (the time before it) and, when every op's stage begins and
    ends on one thread, the median CPU µs of that thread meanwhile; then the total to the
    sender's write."""
    rows: list[tuple[str, float, float | None]] = []
    for (before, _), (name, what) in itertools.pairwise(stages):
        wall = statistics.median((op[name] - op[before]) / 1000 for op in ops.wall)
        cpu = None
        if all(op[name] == op[before] for op in ops.thread):
            cpu = statistics.median((op[name] - op[before]) / 1000 for op in ops.cpu)
        rows.append((what, wall, cpu))
    total = statistics.median((op["sender"] - op["read"]) / 1000 for op in ops.wall)
    rows.append(("from the bytes to the sender's write", total, None))
    return rows


async def measure(
    target: str, clients: int, load_name: str, seconds: float, directory: Path
) -> Ops:
    """One target with stamps: a warm-up run, then a stamped run; each op's stamps."""
    from bench import load, processes

    rate, senders = (10.0, 1) if load_name == "a" else (0.2 * clients, clients)
    out = directory / f"{target}.json"
    env = {"STAGES_OUT": str(out)}
    if target == "planche":
        database = f"sqlite:///{directory / 'p.db'}"
        server = processes.planche(database, module="bench.stages", env=env)
    else:
        port = processes.free_port()
        args = [sys.executable, "-m", "bench.stages", "serve-relay", str(port)]
        server = processes.Process([*args, str(directory / "relay.db")], None, port, env)
    try:
        run: Callable[[float], Any]
        if target == "planche":

            def run(s: float) -> Any:
                return load.planche_fanout(
                    server, [server.url], clients, rate, s, "stages", senders=senders, replicas=0
                )
        else:

            def run(s: float) -> Any:
                return load.relay_fanout(server, clients, rate, s, senders)

        await run(min(seconds, 5.0))
        server.popen.send_signal(signal.SIGUSR1)
        await run(seconds)
        server.popen.send_signal(signal.SIGUSR2)
        for _ in range(100):
            if out.exists():
                break
            await asyncio.sleep(0.05)
        stamps = [(n, wall, cpu, thread) for n, wall, cpu, thread in json.loads(out.read_text())]
    finally:
        server.stop()
    return Ops.of(stamps, PLANCHE if target == "planche" else RELAY)


def report(planche: Ops, relay: Ops) -> str:
    lines = []
    for title, ops, stages in (("Planche", planche, PLANCHE), ("durable relay", relay, RELAY)):
        lines += [f"| {title}: the time before | µs (median) | of it, the thread's CPU |"]
        lines += ["| --- | ---: | ---: |"]
        for what, wall, cpu in table(ops, stages):
            lines.append(f"| {what} | {wall:.0f} | {'-' if cpu is None else f'{cpu:.0f}'} |")
        lines.append("")
    counts = f"{len(planche.wall)} ops of Planche and {len(relay.wall)} of the relay"
    lines.append(f"{counts} with every stage; -: its ends are on two threads")
    return "\n".join(lines)


async def main(clients: int, load_name: str, seconds: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        planche = await measure("planche", clients, load_name, seconds, Path(tmp))
        relay = await measure("relay", clients, load_name, seconds, Path(tmp))
    return report(planche, relay)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:  # Planche, with its own arguments after `serve`
        serve("planche", sys.argv[2:])
    elif sys.argv[1:2] == ["serve-relay"]:  # PORT DATABASE
        serve("relay", sys.argv[2:])
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--clients", type=int, default=20)
        parser.add_argument("--load", choices=("a", "b"), default="a")
        parser.add_argument("--seconds", type=float, default=15.0)
        args = parser.parse_args()
        print(asyncio.run(main(args.clients, args.load, args.seconds)))
