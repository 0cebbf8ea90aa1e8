"""Durability cost: acked ops per second, next to bare SQLite baselines in the same run.

    python -m bench.commit [--ops 2000] [--writers 20]

Baselines: a bare sqlite3 WAL writer with synchronous=FULL committing every row (one fsync
per note), and the same writer committing 50 rows at a time. Planche: `writers` concurrent
appenders (as many rooms) on SqlStore, each awaiting its own commit before the next op, as
a room does; group commit lets them share fsyncs. Figures, not assertions: see
docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from server.board.apply import Record
from server.board.ops import parse_op
from server.store.base import BoardRow, StoredOp
from server.store.sql import SqlStore

_TEXT = "x" * 200


def bare_sqlite(path: Path, ops: int, per_commit: int, times: list[float] | None = None) -> float:
    """Ops per second of a bare WAL writer with synchronous=FULL; each commit's duration is
    appended to `times` when given (the floor under any durable ack)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE ops (board TEXT, seq INTEGER, body TEXT, PRIMARY KEY (board, seq))")
    start = time.perf_counter()
    for first in range(0, ops, per_commit):
        began = time.perf_counter()
        db.execute("BEGIN")
        for seq in range(first, min(ops, first + per_commit)):
            db.execute("INSERT INTO ops VALUES ('b', ?, ?)", (seq, _TEXT))
        db.execute("COMMIT")
        if times is not None:
            times.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - start
    db.close()
    return ops / elapsed


def paced_commits(path: Path, rate: float, seconds: float) -> list[float]:
    """Durations of bare one-row FULL commits at `rate` a second for `seconds`: what this
    disk's own fsyncs do to a maximum under the same pace as a meeting's ops."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE ops (board TEXT, seq INTEGER, body TEXT, PRIMARY KEY (board, seq))")
    times = []
    start = time.perf_counter()
    for seq in range(int(rate * seconds)):
        time.sleep(max(0.0, start + seq / rate - time.perf_counter()))
        began = time.perf_counter()
        db.execute("INSERT INTO ops VALUES ('b', ?, ?)", (seq, _TEXT))
        times.append(time.perf_counter() - began)
    db.close()
    return times


async def planche_store(path: Path, ops: int, writers: int) -> tuple[float, int]:
    store = SqlStore(f"sqlite:///{path}")
    await store.open()
    boards = [f"board{i:03d}" for i in range(writers)]
    for board_id in boards:
        row = BoardRow(board_id, "t", "free", "da", f"CODE-{board_id[-3:]}X", "e", 0.0)
        state = {
            "id": board_id,
            "title": "t",
            "method": "free",
            "language": "da",
            "seq": 0,
            "areas": [{"id": "main", "title": "m", "prompt": ""}],
            "notes": {},
            "participants": {},
        }
        await store.create_board(row, state, [])
    commits_before = store.commits

    async def writer(board_id: str, count: int) -> None:
        for seq in range(1, count + 1):
            op = parse_op(
                {"kind": "note.add", "note": {"id": f"n{seq}", "area": "main", "text": _TEXT}}
            )
            record = Record(seq=seq, id=f"{board_id}-{seq}", by="p", op=op)
            await store.append(board_id, [StoredOp(record, None, time.time())])

    start = time.perf_counter()
    await asyncio.gather(*(writer(b, ops // writers) for b in boards))
    elapsed = time.perf_counter() - start
    commits = store.commits - commits_before
    await store.close()
    return (ops // writers * writers) / elapsed, commits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        per_row = bare_sqlite(base / "a.db", args.ops, 1)
        per_50 = bare_sqlite(base / "b.db", args.ops, 50)
        planche, commits = asyncio.run(planche_store(base / "c.db", args.ops, args.writers))
    print(f"{'writer':<44} {'ops/s':>9} {'x baseline':>10}")
    print(f"{'bare sqlite3, commit per op (baseline)':<44} {per_row:>9.0f} {1.0:>10.2f}")
    print(f"{'bare sqlite3, commit per 50 ops':<44} {per_50:>9.0f} {per_50 / per_row:>10.2f}")
    label = f"Planche SqlStore, {args.writers} rooms, group commit"
    print(f"{label:<44} {planche:>9.0f} {planche / per_row:>10.2f}")
    print(
        f"Planche commits: {commits} for {args.ops} ops ({args.ops / max(commits, 1):.1f} ops each)"
    )


if __name__ == "__main__":
    main()
