"""Ops sent but not yet acknowledged, in the order they were first sent.

After every reconnect the whole outbox is sent again with the same op ids; the server
applies an id at most once and answers a repeat with the first ack, so nothing is lost and
nothing is doubled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

from board_client.exceptions import PlancheClientError


@dataclass(frozen=True, slots=True)
class Ack:
    """The server's word that op `id` is durable at `seq`; `noop` says why it changed nothing."""

    id: str
    seq: int
    noop: str | None = None
    note_id: str | None = None  # the new note's id, for note.add


@dataclass(slots=True)
class _Pending:
    frame: str
    done: asyncio.Future[Ack]
    note_id: str | None


class Outbox:
    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, op_id: str, frame: str, note_id: str | None) -> asyncio.Future[Ack]:
        done: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._pending[op_id] = _Pending(frame, done, note_id)
        return done

    def frames(self) -> Iterator[str]:
        return (p.frame for p in list(self._pending.values()))

    def frame(self, op_id: str) -> str | None:
        """The op's frame while it waits for its ack."""
        pending = self._pending.get(op_id)
        return pending.frame if pending else None

    def acked(self, op_id: str, seq: int, noop: str | None) -> None:
        if (p := self._pending.pop(op_id, None)) is not None and not p.done.done():
            p.done.set_result(Ack(op_id, seq, noop, p.note_id))

    def refused(self, op_id: str, error: PlancheClientError) -> None:
        if (p := self._pending.pop(op_id, None)) is not None and not p.done.done():
            p.done.set_exception(error)

    def fail_all(self, error: PlancheClientError) -> None:
        for op_id in list(self._pending):
            self.refused(op_id, error)
