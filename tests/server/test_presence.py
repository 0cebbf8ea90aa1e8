"""Presence in one room (server/sync/presence.py), without sockets: who gets a `presence`
frame, and when. A frame lists everyone, so one that repeats the last is not sent again:
in a meeting of 70 each note used to bring every socket a frame of 70 names."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from server.board.state import Area, Participant, Role
from server.sync import presence as presence_module
from server.sync.presence import RoomPresence
from tests.board.boards import a_board

pytestmark = pytest.mark.anyio

FAC, ANN = "p-fac", "p-ann"
BOARD = a_board(
    "Presence",
    "category-analysis",
    "en",
    (Area("values", "Values"),),
    (Participant(FAC, "Fac", "facilitator"), Participant(ANN, "Ann", "participant")),
)


@dataclass(eq=False)
class Socket:
    """A connection as presence sees it: who, as what, and the frames it was sent."""

    participant_id: str
    role: Role
    token_hash: str = ""
    frames: list[dict[str, Any]] = field(default_factory=list)
    got: asyncio.Event = field(default_factory=asyncio.Event)

    def deliver(self, first_seq: int, last_seq: int, frame: str) -> None: ...

    def send(self, frame: str) -> None:
        self.frames.append(json.loads(frame))
        self.got.set()

    def close(self, code: int, reason: str) -> None: ...

    async def next_frame(self) -> dict[str, Any]:
        async with asyncio.timeout(5):
            await self.got.wait()
        self.got.clear()
        return self.frames[-1]


@pytest.fixture(autouse=True)
def quick_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(presence_module, "_PRESENCE_BATCH_SECONDS", 0.01)


def room_presence() -> RoomPresence:
    return RoomPresence(lambda: BOARD, lambda s: s.role, lambda local: None, 50, 30)


def names(frame: dict[str, Any]) -> list[str]:
    return [p["name"] for p in frame["peers"]]


async def test_presence_goes_only_where_it_changed_or_was_not_yet_sent() -> None:
    presence = room_presence()
    fac, ann = Socket(FAC, "facilitator"), Socket(ANN, "participant")
    presence.attach(fac)
    presence.attach(ann)
    assert names(await fac.next_frame()) == ["Ann", "Fac"]
    assert names(await ann.next_frame()) == ["Ann", "Fac"]

    # an op that may hide something (a phase, say) which hides nothing here, and Ann's
    # phone joining her laptop: the list is the same, so only the phone is sent it
    presence.stale(closed=False)
    phone = Socket(ANN, "participant")
    presence.attach(phone)
    assert names(await phone.next_frame()) == ["Ann", "Fac"]
    assert (len(fac.frames), len(ann.frames)) == (1, 1)

    # a change everyone sees goes to every socket
    presence.set(ann, {"typing": True, "area": "values", "drag": None})
    for socket in (fac, ann, phone):
        frame = await socket.next_frame()
        assert [p["typing"] for p in frame["peers"]] == [True, False]

    # a socket that left and came back is sent the list again, though it did not change
    # (Ann is still here, typing on her laptop)
    presence.detach(phone)
    presence.attach(phone)
    assert (await phone.next_frame())["peers"][0]["typing"] is True
    assert (len(fac.frames), len(ann.frames)) == (2, 2)
