"""The domain relay: the durable relay (bench/relay.py) doing Planche's own work on each
message, with none of Planche's server around it; and the lean relay, doing the least any
server must do that checks each op against its declared model.

    python -m bench.domain_relay PORT DATABASE [--lean]

Each message the generator sends becomes a `note.add` op frame, which is decoded and
checked as Planche's reader does (`decode_client_message`, the sender's role), sequenced,
completed and applied by Planche's room core (`RoomCore.submit`, `take`), stored as Planche's
row in Planche's `ops` table with `synchronous=FULL`, made into the wire records and each
viewer class's frame (`RoomCore.committed`) and an encoded ack. Then the generator's
message goes back out, the sender first, exactly as the durable relay sends it, so that the
generator's work is the same for both relays.

What it leaves out is Planche's server: uvicorn and Starlette, the connection's checks and
limits, the room's task, the writer thread, the store's queue, metrics, presence and the
frames actually sent. So its fan-out is the floor of a server running Planche's domain
code on this machine, and the step from the durable relay to it is what that code costs
at the bench's pace (docs/performance.md).

The lean relay (`--lean`) keeps only what no redesign of that code could drop: the frame
parsed (`json.loads`), the op validated by its kind's own model (`NoteAdd`, no union), the
sender's role checked, the next seq, the note in a plain dict, the record, the `ops` frame,
the ack and the row made with `json.dumps`, one commit. It leaves out Planche's union of
messages, the search for unstorable characters, `complete`, `apply` on an immutable state
with its rules, and the frames of each viewer class. A peer that even the lean relay misses
is beyond any Python domain that validates its ops on this machine.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable
from websockets.asyncio.server import ServerConnection, serve

from bench.load import _PAD
from bench.relay import send_on
from server.board.ops import SENDERS, NoteAdd
from server.board.protocol import Ack, OpMessage, decode_client_message, encode
from server.board.state import Area, Participant, Role, new_board
from server.store.models import OpTable
from server.store.sql import op_values
from server.sync.core import Answer, Commit, RoomCore, Submission

_PEOPLE = 100  # participants on each board; sockets take them in turn
_FRAME = json.dumps(
    {"type": "op", "id": "op-%d", "op": {"kind": "note.add", "note": {
        "id": "n%d", "area": "main", "text": "%d " + _PAD}}}  # as Planche's generator sends
)  # fmt: skip
_NAMED = sqlite.dialect(paramstyle="named")
_INSERT = str(insert(OpTable).compile(dialect=_NAMED))


@dataclass(eq=False)
class _Peer:
    """A socket as the room core sees it; the core only reads who it is."""

    participant_id: str
    role: Role = "participant"
    token_hash: str = ""

    def deliver(self, first_seq: int, last_seq: int, frame: str) -> None: ...
    def send(self, frame: str) -> None: ...
    def close(self, code: int, reason: str) -> None: ...


@dataclass
class _Room:
    core: RoomCore
    peers: dict[ServerConnection, _Peer]


def durable(path: str) -> sqlite3.Connection:
    """Planche's `ops` table and pragmas (WAL, `synchronous=FULL`), one commit a message."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(str(CreateTable(OpTable.__table__, if_not_exists=True).compile(dialect=_NAMED)))
    return db


def _new_room(board_id: str) -> _Room:
    people = {f"p{i}": Participant(f"p{i}", f"P{i}", "participant") for i in range(_PEOPLE)}
    board = new_board(board_id, "Bench", "free", "en", (Area("main", "Main"),))
    core = RoomCore(
        replace(board, participants=people),
        {},
        [],
        epoch="bench",
        join_code="BENCH",
        resume_max_ops=1000,
        snapshot_every=10**9,  # Planche writes snapshots outside an op's path
        snapshot_seq=0,
    )
    return _Room(core, {})


async def relay(
    ws: ServerConnection, db: sqlite3.Connection, rooms: dict[str, _Room], ids: itertools.count[int]
) -> None:
    path = ws.request.path if ws.request else "/"
    if path not in rooms:
        rooms[path] = _new_room(f"b{len(rooms)}")
    core, peers = rooms[path].core, rooms[path].peers
    me = _Peer(f"p{len(peers) % _PEOPLE}")
    peers[ws] = me
    core.attach(me, None, None, int(time.time() * 1000))
    try:
        async for message in ws:
            k = next(ids)
            decoded = decode_client_message(_FRAME % (k, k, k))
            if not isinstance(decoded, OpMessage) or core.role_of(me) not in SENDERS["note.add"]:
                raise RuntimeError("not an op this socket may send")
            waiting = core.submit(Submission(decoded.id, decoded.op, me.participant_id))
            taken = core.take(time.time())
            commits = [a for a in taken if isinstance(a, Commit)]
            if waiting or len(commits) != 1:
                raise RuntimeError(f"the core did not take the op: {waiting + taken}")
            rows = [op_values(core.state.id, op) for op in commits[0].ops]
            db.execute("BEGIN")
            db.executemany(_INSERT, rows)
            db.execute("COMMIT")
            for action in core.committed(commits[0]):
                if isinstance(action, Answer):
                    outcome = action.outcome
                    encode(Ack(id=action.op_id, seq=outcome.seq, noop=outcome.noop))
            send_on(ws, message, peers)
    finally:
        peers.pop(ws, None)
        core.detach(me)


@dataclass
class _LeanRoom:
    board_id: str
    seq: int = 0
    notes: dict[str, object] = field(default_factory=dict)
    sockets: set[ServerConnection] = field(default_factory=set)


async def lean(
    ws: ServerConnection,
    db: sqlite3.Connection,
    rooms: dict[str, _LeanRoom],
    ids: itertools.count[int],
) -> None:
    path = ws.request.path if ws.request else "/"
    if path not in rooms:
        rooms[path] = _LeanRoom(f"b{len(rooms)}")
    room = rooms[path]
    me = f"p{len(room.sockets) % _PEOPLE}"
    room.sockets.add(ws)
    try:
        async for message in ws:
            _lean_step(ws, message, db, room, me, next(ids))
    finally:
        room.sockets.discard(ws)


def _lean_step(
    ws: ServerConnection,
    message: str | bytes,
    db: sqlite3.Connection,
    room: _LeanRoom,
    me: str,
    k: int,
) -> None:
    data = json.loads(_FRAME % (k, k, k))
    op, op_id = NoteAdd.model_validate(data["op"]), data["id"]
    if not (isinstance(op_id, str) and 0 < len(op_id) <= 64):
        raise RuntimeError("an op id must be a short string")
    # every socket here is a participant: the role check is one lookup, as in Planche
    if "participant" not in SENDERS["note.add"] or op.note.id in room.notes:
        raise RuntimeError("not an op this socket may send")
    room.seq += 1
    room.notes[op.note.id] = op.note
    record = {"seq": room.seq, "id": op_id, "by": me, "op": data["op"]}
    json.dumps({"type": "ops", "ops": [record]})  # one frame for everyone
    json.dumps({"type": "ack", "id": op_id, "seq": room.seq})
    row = {"board_id": room.board_id, "seq": room.seq, "op_id": op_id, "by": me}
    row |= {"kind": op.kind, "op": json.dumps(data["op"]), "noop": None, "at": time.time()}
    db.execute("BEGIN")
    db.execute(_INSERT, row)
    db.execute("COMMIT")
    send_on(ws, message, room.sockets)


async def main(port: int, database: str, lean_relay: bool) -> None:
    work = lean if lean_relay else relay
    handler = functools.partial(work, db=durable(database), rooms={}, ids=itertools.count())
    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**20):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], "--lean" in sys.argv[3:]))
