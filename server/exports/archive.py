"""The whole board as JSON (its state, op log and records), and back.

An archive imports into another Planche server exactly: the ops are stored as they were,
and the import refuses an archive whose log does not replay to its state.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from server.board.apply import NoopReason, Record, apply
from server.board.state import BoardState
from server.exceptions import PlancheError
from server.store.base import BoardRow, Snapshot, StoredOp

ARCHIVE_FORMAT = "planche-board"
ARCHIVE_VERSION = 1


class ArchiveError(PlancheError):
    """An archive that cannot be imported; the message says why."""


class _Board(BaseModel):
    id: str
    title: str
    method: str
    language: str
    join_code: str
    epoch: str
    created_at: float


class _Snapshot(BaseModel):
    seq: int
    name: str | None
    created_at: float
    share_id: str | None = None
    state: dict[str, Any]


class _Op(BaseModel):
    seq: int
    id: str
    by: str
    op: dict[str, Any]
    noop: NoopReason | None = None
    at: float


class _Archive(BaseModel):
    format: Literal["planche-board"]
    version: Literal[1]
    board: _Board
    state: dict[str, Any]
    snapshots: list[_Snapshot]
    ops: list[_Op]


def dump(
    board: BoardRow, state: BoardState, snapshots: list[Snapshot], ops: list[StoredOp]
) -> bytes:
    archive = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "board": {
            "id": board.id,
            "title": board.title,
            "method": board.method,
            "language": board.language,
            "join_code": board.join_code,
            "epoch": board.epoch,
            "created_at": board.created_at,
        },
        "state": state.to_json(),
        "snapshots": [
            {
                "seq": s.seq,
                "name": s.name,
                "created_at": s.created_at,
                "share_id": s.share_id,
                "state": s.state,
            }
            for s in snapshots
        ],
        "ops": [
            {**o.record.to_json(), "noop": o.noop.value if o.noop else None, "at": o.at}
            for o in ops
        ],
    }
    return json.dumps(archive, ensure_ascii=False, indent=1).encode()


def load(data: bytes) -> tuple[BoardRow, BoardState, list[Snapshot], list[StoredOp]]:
    """The parts of an archive, checked: its log replays from its first record to its state."""
    try:
        raw = json.loads(data)
    except ValueError as e:
        raise ArchiveError(f"The file is not JSON: {e}.") from None
    if isinstance(raw, dict) and raw.get("format") == ARCHIVE_FORMAT:
        version = raw.get("version")
        if version != ARCHIVE_VERSION:
            raise ArchiveError(
                f"Archive version {version!r}; this server reads version {ARCHIVE_VERSION}."
            )
    try:
        archive = _Archive.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ArchiveError(f"Not a Planche board archive: '{where}': {first['msg']}.") from None
    b = archive.board
    board = BoardRow(b.id, b.title, b.method, b.language, b.join_code, b.epoch, b.created_at)
    try:
        state = BoardState.from_json(archive.state)
        snapshots = [
            Snapshot(
                b.id,
                s.seq,
                BoardState.from_json(s.state).to_json(),
                s.name,
                s.created_at,
                s.share_id,
            )
            for s in archive.snapshots
        ]
        ops = [
            StoredOp(Record.from_json(o.model_dump(mode="json")), o.noop, o.at) for o in archive.ops
        ]
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise ArchiveError(f"The archive's board does not read: {e}.") from None
    _check(state, snapshots, ops)
    return board, state, snapshots, ops


def _check(state: BoardState, snapshots: list[Snapshot], ops: list[StoredOp]) -> None:
    first = min(snapshots, key=lambda s: s.seq, default=None)
    if first is None or first.seq != 0:
        raise ArchiveError("The archive holds no record of the board at its start (seq 0).")
    replayed = BoardState.from_json(first.state)
    for op in ops:
        if op.record.seq != replayed.seq + 1:
            raise ArchiveError(f"The op log has a gap before seq {op.record.seq}.")
        if op.noop is not None:
            # as a replica follows the server: a facilitator's archive holds ops redacted
            # for them (views.redact), which may not show why they changed nothing
            replayed = replace(replayed, seq=op.record.seq)
            continue
        replayed, noop = apply(replayed, op.record)
        if noop is not None:
            raise ArchiveError(f"Op {op.record.seq} replays differently than it was recorded.")
    if replayed != state:
        raise ArchiveError("The op log does not replay to the archive's board state.")
