"""The fan-out baselines: a bare `websockets` relay that sends every message it receives to
every connection on the same path (a room), its sender first (no auth, no ordering), as fast
as the library can; with a database path, the durable relay, which first commits each
message to SQLite as Planche does (WAL, `synchronous=FULL`: one fsync a message) and only
then sends it on.

    python -m bench.relay PORT [DATABASE]

The durable relay commits on its event loop, with no thread between a message and its
commit: the least any server that fans out only what is durable can do on this disk.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import sys
from collections.abc import Iterable

from websockets.asyncio.server import ServerConnection, broadcast, serve

ROOMS: dict[str, set[ServerConnection]] = {}  # by the socket's path: one room a path


def durable(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, body TEXT)")
    return db


async def relay(ws: ServerConnection, db: sqlite3.Connection | None) -> None:
    clients = ROOMS.setdefault(ws.request.path if ws.request else "/", set())
    clients.add(ws)
    try:
        async for message in ws:
            if db is not None:
                db.execute("INSERT INTO log (body) VALUES (?)", (message,))  # autocommit
            send_on(ws, message, clients)
    finally:
        clients.discard(ws)


def send_on(ws: ServerConnection, message: str | bytes, room: Iterable[ServerConnection]) -> None:
    """`message` to its sender first, as a server that acks sends the ack before the fan-out
    (its echo is the floor of an ack, bench/peers.py), then to everyone else in the room."""
    broadcast((ws,), message)
    broadcast([other for other in room if other is not ws], message)


async def main(port: int, database: str | None) -> None:
    handler = functools.partial(relay, db=durable(database) if database else None)
    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**20):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
