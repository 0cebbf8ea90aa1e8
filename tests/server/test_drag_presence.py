"""Drag positions as presence: the others see a note move while it is dragged, never in the
log, and never a note they may not see whole or whose author is hidden. Checked on the raw
frames a second client receives."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.conftest import RunningServer, timeout
from tests.wire import Peer, Peers, get_state, join, new_board

pytestmark = pytest.mark.anyio


class Raw:
    """Every text frame a peer receives, as sent, besides the parsed messages."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer
        self.frames: list[str] = []

    async def until(self, pred: Any, what: str) -> dict[str, Any]:
        try:
            async with asyncio.timeout(timeout(10)):
                while True:
                    frame = await self.peer.ws.recv()
                    text = frame if isinstance(frame, str) else frame.decode()
                    self.frames.append(text)
                    message = json.loads(text)
                    self.peer.seen.append(message)
                    if pred(message):
                        return dict(message)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    def presence(self) -> str:
        """The presence frames received, as sent (the note ids are in the ops, of course)."""
        return "\n".join(f for f in self.frames if f.startswith('{"type":"presence"'))


def _drag_of(name: str, note_id: str) -> Any:
    def seen(m: dict[str, Any]) -> bool:
        return m["type"] == "presence" and any(
            p["name"] == name and (p.get("drag") or {}).get("note_id") == note_id
            for p in m["peers"]
        )

    return seen


def _typing(name: str, typing: bool = True) -> Any:
    def seen(m: dict[str, Any]) -> bool:
        return m["type"] == "presence" and any(
            p["name"] == name and p["typing"] is typing for p in m["peers"]
        )

    return seen


async def _acked(peer: Peer, op: dict[str, Any]) -> dict[str, Any]:
    answer = await peer.ack(await peer.op(op))
    assert answer["type"] == "ack" and "noop" not in answer, answer
    return answer


def _note(note_id: str, text: str, area: str = "works") -> dict[str, Any]:
    return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}


def _drag(note_id: str, x: float = 40, y: float = 200, area: str = "works") -> dict[str, Any]:
    return {"type": "presence", "drag": {"note_id": note_id, "area": area, "x": x, "y": y}}


async def test_a_drag_reaches_the_others_as_presence_and_clears_on_drop(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server, method="critical-friend")
    ann = await join(server, board["join_code"], "Ann")
    await peers(server, board["id"], board["facilitator_token"])
    ann_peer = await peers(server, board["id"], ann["token"])
    bo = Raw(
        await peers(server, board["id"], (await join(server, board["join_code"], "Bo"))["token"])
    )
    seq = (await _acked(ann_peer, _note("open", "Seen by all")))["seq"]

    await ann_peer.send(_drag("open", x=123.5, y=456))
    seen = await bo.until(_drag_of("Ann", "open"), "Ann's drag")
    ghost = next(p for p in seen["peers"] if p["name"] == "Ann")
    assert ghost["drag"] == {"note_id": "open", "area": "works", "x": 123.5, "y": 456}
    await ann_peer.send({"type": "presence", "drag": None})
    await bo.until(
        lambda m: m["type"] == "presence" and all(p.get("drag") is None for p in m["peers"]),
        "the drag cleared",
    )
    # presence only: nothing of it is in the log
    assert (await get_state(server, board["id"], board["facilitator_token"]))["seq"] == seq

    # a bad drag is refused with the field named, like the other presence fields
    for bad, field in (
        ({"note_id": "open", "area": "works", "x": "far", "y": 0}, "drag.x"),
        ({"note_id": "", "area": "works", "x": 0, "y": 0}, "drag.note_id"),
        ({"note_id": "open", "area": "works", "x": 0, "y": 1e9}, "drag.y"),
        ({"note_id": "open", "x": 0, "y": 0}, "drag.area"),
        ("there", "drag"),
    ):
        await ann_peer.send({"type": "presence", "drag": bad})
        error = await ann_peer.until(lambda m: m["type"] == "error", "the refusal")
        assert error["code"] == "invalid" and f"'{field}'" in error["message"], error

    # a viewer's drag, and a drag of a note or into an area that is not there, show nothing
    wall = await peers(server, board["id"], board["viewer_token"])
    await wall.send(_drag("open"))
    await ann_peer.send({**_drag("gone-note"), "typing": True})
    await bo.until(_typing("Ann"), "Ann writing")
    await ann_peer.send({**_drag("open", area="no-such-area"), "typing": False})
    await bo.until(_typing("Ann", False), "Ann done writing")
    assert "gone-note" not in bo.presence() and "no-such-area" not in bo.presence()
    assert all(
        p.get("drag") is None
        for m in bo.peer.seen
        if m["type"] == "presence"
        for p in m["peers"]
        if p["name"] != "Ann"
    )


async def test_no_drag_of_a_private_or_anonymous_note_reaches_anyone_else(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server, method="critical-friend")
    ann = await join(server, board["join_code"], "Ann")
    fac = await peers(server, board["id"], board["facilitator_token"])
    ann_peer = await peers(server, board["id"], ann["token"])
    bo = Raw(
        await peers(server, board["id"], (await join(server, board["join_code"], "Bo"))["token"])
    )

    # private writing: Ann's note is private until the reveal, and who drags what where
    # would say whose it is
    await _acked(fac, {"kind": "phase.set", "phase": "feedback"})
    await _acked(ann_peer, _note("private-note", "mine"))
    await ann_peer.send(_drag("private-note"))
    await fac.send(_drag("private-note"))  # the facilitator cannot see it either
    # after the phase the note is still private: still no drag of it
    await _acked(fac, {"kind": "phase.set", "phase": "dialogue"})
    await ann_peer.send({**_drag("private-note", x=1), "typing": True})
    await bo.until(_typing("Ann"), "Ann writing after private writing")

    # an anonymous board: the notes written while it is on stay anonymous for good
    await _acked(fac, {"kind": "board.anonymous", "anonymous": True})
    await _acked(ann_peer, _note("anonymous-note", "who?"))
    await ann_peer.send({**_drag("anonymous-note"), "typing": False})
    await _acked(fac, {"kind": "board.anonymous", "anonymous": False})
    await _acked(ann_peer, _note("named-note", "mine, with my name"))
    # (in another area than before: a frame the same as the last one is not sent again)
    await ann_peer.send({**_drag("anonymous-note", x=2), "typing": True, "area": "works"})
    await bo.until(_typing("Ann"), "Ann writing after the anonymous board")
    # a public note's drag still shows: the check above would have seen the others
    await ann_peer.send(_drag("named-note"))
    await bo.until(_drag_of("Ann", "named-note"), "the named note's drag")

    raw = bo.presence()
    assert "private-note" not in raw and "anonymous-note" not in raw
    for m in bo.peer.seen:
        if m["type"] == "presence":
            assert all(
                p.get("drag") is None or p.get("drag", {})["note_id"] == "named-note"
                for p in m["peers"]
            ), m


async def test_closing_the_meeting_clears_who_is_writing_and_dragging(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server, method="critical-friend")
    fac = await peers(server, board["id"], board["facilitator_token"])
    bo = Raw(
        await peers(server, board["id"], (await join(server, board["join_code"], "Bo"))["token"])
    )
    await _acked(fac, _note("n1", "on the board"))
    await fac.send({**_drag("n1"), "typing": True})
    await bo.until(_typing("Facilitator"), "the facilitator writing")
    await _acked(fac, {"kind": "meeting.close"})
    last = await bo.until(_typing("Facilitator", False), "nobody writing after the close")
    assert all(p.get("drag") is None for p in last["peers"])
    # and it stays so: a late "writing" from a page that has not noticed shows nothing
    await fac.send({"type": "presence", "typing": True, "area": "works"})
    await bo.peer.send({"type": "presence", "area": "questions"})
    told = await bo.until(
        lambda m: (
            m["type"] == "presence"
            and any(p["name"] == "Bo" and p["area"] == "questions" for p in m["peers"])
        ),
        "Bo's area",
    )
    assert not any(p["typing"] or p.get("drag") for p in told["peers"]), told
