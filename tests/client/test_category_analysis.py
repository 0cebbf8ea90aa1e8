"""A category analysis run end to end by a facilitator and four participants over real
WebSockets: private writing, reveal, hidden votes, the parking lot, the timer, closing."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from board_client import BoardClient, create_board, fetch_board, join_board
from tests.conftest import RunningServer
from tests.timing import eventually
from tests.wire import Peer, open_peer

pytestmark = pytest.mark.anyio


@contextlib.asynccontextmanager
async def meeting(server: RunningServer) -> AsyncIterator[tuple[Any, BoardClient, list[Any]]]:
    board = await create_board(
        server.url,
        "Network meeting 4",
        method="category-analysis",
        language="en",
        name="Mette",
    )
    # categories chosen: the default three (hidden treasures, paradoxes, urban myths)
    names = ("Ole", "Ida", "Per", "Eva")
    joined = [await join_board(server.url, board.join_code, n) for n in names]
    async with contextlib.AsyncExitStack() as stack:
        facilitator = await stack.enter_async_context(
            BoardClient(server.url, board.id, board.facilitator_token)
        )
        people = [
            await stack.enter_async_context(BoardClient(server.url, board.id, j.token))
            for j in joined
        ]
        yield board, facilitator, people


async def settle(*clients: BoardClient) -> None:
    """Wait until every client holds the same seq as the furthest one."""
    await eventually(lambda: len({c.seq for c in clients}) == 1, "every client at one seq")


async def frames_until(peer: Peer, seq: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while not records or records[-1]["seq"] < seq:
        message = await peer.until(lambda m: m["type"] == "ops", f"ops up to {seq}")
        records += message["ops"]
    return records


async def test_a_category_analysis_meeting(server: RunningServer) -> None:
    async with meeting(server) as (board, fac, (ole, ida, per, eva)):
        # the projector: a viewer whose raw frames the test reads
        projector = await open_peer(server, board.id, board.viewer_token)
        await settle(fac, ole, ida, per, eva)

        # silent writing on the first category
        await fac.send_op({"kind": "phase.set", "phase": "silent", "focus": ["hidden-treasures"]})
        await fac.send_op({"kind": "timer.start"})
        ole_note = await ole.add_note("hidden-treasures", "The caretakers know every family")
        ida_note = await ida.add_note("hidden-treasures", "Retired nurses want to help")
        last = await per.add_note("hidden-treasures", "The library's evening hours")
        await settle(fac, ole, ida, per, eva)

        await eva.add_note("paradoxes", "We want volunteers but have no time for them")
        seen = await frames_until(projector, last.seq)
        added = [r["op"]["note"] for r in seen if r["op"]["kind"] == "note.add"]
        assert len(added) >= 3 and all(n["text"] == "" and n["private"] for n in added)
        assert fac.state.notes[ole_note.note_id or ""].text == ""  # the facilitator sees counts
        assert ole.state.notes[ole_note.note_id or ""].text == "The caretakers know every family"
        assert ole.state.notes[ida_note.note_id or ""].text == ""
        as_projected = await fetch_board(server.url, board.id, board.viewer_token)
        assert "Retired nurses" not in json.dumps(as_projected)

        # a participant who drops off comes back to the right time on the clock
        assert ida._ws is not None
        ida._ws.transport.abort()
        await eventually(lambda: ida.connects >= 2, "Ida back on the board")
        assert 0 < fac.timer_remaining_ms() <= 12 * 60_000
        assert abs(ida.timer_remaining_ms() - fac.timer_remaining_ms()) < 2_000

        # reveal: every text reaches everyone
        reveal = await fac.send_op({"kind": "notes.reveal"})
        await settle(fac, ole, ida, per, eva)
        for client in (fac, ole, ida, per, eva):
            assert sorted(n.text for n in client.state.notes.values()) == [
                "Retired nurses want to help",
                "The caretakers know every family",
                "The library's evening hours",
                "We want volunteers but have no time for them",
            ]
        frames = await frames_until(projector, reveal.seq)
        revealed = [r for r in frames if r["seq"] == reveal.seq]
        assert "Retired nurses want to help" in revealed[0]["op"]["texts"].values()

        # voting: two dots each, hidden until closed
        await fac.send_op({"kind": "phase.set", "phase": "prioritise"})
        await fac.send_op({"kind": "vote.open", "per_person": 2})
        await ole.send_op({"kind": "vote.cast", "note_id": ida_note.note_id})
        await ole.send_op({"kind": "vote.cast", "note_id": ole_note.note_id})
        third = await ole.send_op({"kind": "vote.cast", "note_id": last.note_id})
        assert third.noop == "no_votes_left"
        cast = await ida.send_op({"kind": "vote.cast", "note_id": ida_note.note_id})
        await settle(fac, ole, ida, per, eva)
        voting = per.state.voting
        assert voting is not None and voting.votes[ole.participant_id or ""] == ("", "")
        assert ida.state.voting and ida.state.voting.votes[ida.participant_id or ""] == (
            ida_note.note_id,
        )
        votes_seen = [
            r for r in await frames_until(projector, cast.seq) if r["op"]["kind"] == "vote.cast"
        ]
        assert votes_seen and all(r["op"]["note_id"] == "" for r in votes_seen)
        await fac.send_op({"kind": "vote.close"})
        await settle(fac, ole, ida, per, eva)
        for client in (fac, ole, ida, per, eva):
            assert client.state.voting is not None
            assert client.state.voting.results() == {ida_note.note_id: 2, ole_note.note_id: 1}

        # an idea parked in the middle of it all, then owned before the meeting closes
        idea = str(uuid.uuid4())
        await per.send_op({"kind": "idea.park", "idea": {"id": idea, "text": "Ask the youth club"}})
        refused = await fac.send_op({"kind": "meeting.close"})
        assert refused.noop == "ideas_without_owner"
        await fac.send_op({"kind": "idea.own", "idea_id": idea, "owner": "Per"})
        closed = await fac.send_op({"kind": "meeting.close"})
        assert closed.noop is None
        late = await ole.add_note("into-play", "one more thought")
        assert late.noop == "meeting_closed"

        await settle(fac, ole, ida, per, eva)
        # every replica is exactly the board as its holder may see it
        for client in (fac, ole, ida, per, eva):
            live = await fetch_board(server.url, board.id, client._token)
            assert client.state.to_json() == live["state"]
        await projector.close()
