"""The Yjs side of `python -m bench --peers`: clients that speak the y-protocols sync
messages over `websockets` to y-websocket or pycrdt-websocket, under the same open-loop
schedule and the same measurement as Planche's (bench/load.py): from when a note was due to
when each client, the writer included, received the update that carries it.

Every client first syncs (step 1 and step 2 both ways). A writer keeps a pycrdt `Doc` and
appends each note as a Y.Map to the Y.Array "notes"; the update that transaction makes goes
out as a sync update message. Like Planche's listeners, a receiving client does not apply
what it receives: it finds each note's mark in the update's bytes (Yjs keeps strings as
UTF-8), so that 70 clients cost the generator little. Needs the `bench` extra (pycrdt).
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any

from pycrdt import (
    Array,
    Doc,
    Map,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from websockets.asyncio.client import ClientConnection, connect

from bench.load import _PAD, Run, drive, track
from bench.processes import Process

_MARK = re.compile(rb"note#(\d{7})#")


def mark(k: int) -> str:
    """The text that names note k inside any update that carries it."""
    return f"note#{k:07d}#"


def marks(frame: bytes) -> list[int]:
    """The notes a sync message carries (an awareness message carries none)."""
    if len(frame) < 2 or frame[0] != YMessageType.SYNC or frame[1] == YSyncMessageType.SYNC_STEP1:
        return []
    return [int(m) for m in _MARK.findall(frame)]


async def fanout(
    server: Process, clients: int, rate: float, seconds: float, senders: int, name: str
) -> Run:
    """`clients` Yjs clients in one fresh room; clients 0..senders-1 write in turn."""
    url = f"{server.ws_url}/bench-{uuid.uuid4().hex[:8]}"
    run = Run(name, clients, int(rate * seconds))
    docs = [Doc() for _ in range(senders)]
    notes = [d.get("notes", type=Array) for d in docs]
    empty = Doc()  # what a listener has: nothing
    due: dict[int, float] = {}
    received: list[set[int]] = [set() for _ in range(clients)]
    synced = [asyncio.Event() for _ in range(clients)]
    sockets: list[ClientConnection] = []

    async def reader(i: int, ws: ClientConnection) -> None:
        doc = docs[i] if i < senders else empty
        await ws.send(create_sync_message(doc))
        async for frame in ws:
            now = time.perf_counter()
            if not isinstance(frame, bytes) or frame[0] != YMessageType.SYNC:
                continue
            if frame[1] == YSyncMessageType.SYNC_STEP1:  # the server's state: answer it
                reply = handle_sync_message(frame[1:], doc)
                if reply is not None:
                    await ws.send(reply)
                continue
            if frame[1] == YSyncMessageType.SYNC_STEP2:
                synced[i].set()
            for k in marks(frame):
                if (sent := due.get(k)) is None:
                    continue
                if k in received[i]:
                    run.duplicated += 1
                    continue
                received[i].add(k)
                run.delivered += 1
                run.fanout.append(now - sent)

    readers: list[asyncio.Task[None]] = []
    for i in range(clients):
        ws = await connect(url, compression=None, max_size=None)
        sockets.append(ws)
        readers.append(asyncio.create_task(reader(i, ws)))
    async with asyncio.timeout(30):
        for event in synced:
            await event.wait()
    sends: set[asyncio.Future[Any]] = set()

    def send(k: int, at: float) -> None:
        w = k % senders
        due[k] = at
        before = docs[w].get_state()
        notes[w].append(Map({"id": mark(k), "area": "main", "text": f"{k} {_PAD}"}))
        update = docs[w].get_update(before)
        track(sends, asyncio.create_task(sockets[w].send(create_update_message(update))))

    await drive(server, run, rate, send, sends)
    for ws in sockets:
        await ws.close()
    for r in readers:
        r.cancel()
    return run
