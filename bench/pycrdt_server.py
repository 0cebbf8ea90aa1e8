"""A peer for `python -m bench --peers`: pycrdt-websocket with its SQLite YStore, served by
uvicorn with the same WebSocket implementation as Planche (the sans-I/O `websockets`).

    python -m bench.pycrdt_server PORT DATABASE

One YRoom per path (`ws://127.0.0.1:PORT/ROOM`), each keeping every update in DATABASE
through `SQLiteYStore`, as pycrdt-websocket's documentation sets it up. The YRoom sends an
update to every client first and writes it to the store after: nothing waits for the commit.
Needs the `bench` extra (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import asyncio
import sys

import uvicorn
from pycrdt.store import SQLiteYStore
from pycrdt.websocket import ASGIServer, WebsocketServer, YRoom


class StoredRooms(WebsocketServer):
    """Rooms made on first use, each with a SQLite YStore in one database file."""

    def __init__(self, database: str) -> None:
        super().__init__(rooms_ready=True, auto_clean_rooms=False)
        self.store = type("Store", (SQLiteYStore,), {"db_path": database})

    async def get_room(self, name: str) -> YRoom:
        if name not in self.rooms:
            self.rooms[name] = YRoom(ready=True, ystore=self.store(path=name), log=self.log)
        room = self.rooms[name]
        await self.start_room(room)
        return room


async def main(port: int, database: str) -> None:
    rooms = StoredRooms(database)
    config = uvicorn.Config(
        ASGIServer(rooms), host="127.0.0.1", port=port, ws="websockets-sansio",
        log_level="warning", lifespan="off",
    )  # fmt: skip
    async with rooms:
        await uvicorn.Server(config).serve()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
