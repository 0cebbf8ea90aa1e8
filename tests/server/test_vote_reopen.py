"""A vote reopened after an early close (vote.reopen) on every path a person can read: the
votes the close showed stay shown and counted, a vote cast since reaches nobody else's live
frames, welcome, resume, REST read or export log until the next close; then all of it does."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import RunningServer, timeout
from tests.wire import Peer, Peers, get_state, join, new_board

pytestmark = pytest.mark.anyio


async def acked(peer: Peer, op: dict[str, Any]) -> int:
    answer = await peer.ack(await peer.op(op))
    assert answer["type"] == "ack" and "noop" not in answer, answer
    return int(answer["seq"])


def casts(records: list[dict[str, Any]], after: int) -> list[str]:
    return [
        r["op"]["note_id"] for r in records if r["seq"] > after and r["op"]["kind"] == "vote.cast"
    ]


async def archive_ops(server: RunningServer, board_id: str, token: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        got = await http.get(
            f"/api/boards/{board_id}/export",
            params={"format": "json"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert got.status_code == 200, got.text
    return list(json.loads(got.content)["ops"])


async def test_a_reopened_vote_hides_the_votes_cast_since_on_every_path(
    server: RunningServer, peers: Peers
) -> None:
    board = await new_board(server, language="en")
    ann = await join(server, board["join_code"], "Ann")
    bo = await join(server, board["join_code"], "Bo")
    fac = await peers(server, board["id"], board["facilitator_token"])
    ann_peer = await peers(server, board["id"], ann["token"])
    bo_peer = await peers(server, board["id"], bo["token"])
    for n in ("n1", "n2"):
        await acked(fac, {"kind": "note.add", "note": {"id": n, "area": "main", "text": n}})
    await acked(fac, {"kind": "vote.open", "per_person": 3})
    await acked(ann_peer, {"kind": "vote.cast", "note_id": "n1"})
    await acked(fac, {"kind": "vote.close"})
    reopened = await acked(fac, {"kind": "vote.reopen"})
    cast = await acked(ann_peer, {"kind": "vote.cast", "note_id": "n2"})
    await bo_peer.until(lambda m: any(r["seq"] == cast for r in m.get("ops") or []), "the cast")

    # Bo: Ann's shown vote, and one more he may count but not read, on every path
    live = [r for m in bo_peer.seen for r in m.get("ops") or []]
    assert casts(live, reopened) == [""]
    resumed = await peers(server, board["id"], bo["token"], since=0)
    assert casts(resumed.welcome["ops"], reopened) == [""]
    for state in (
        (await peers(server, board["id"], bo["token"])).welcome["state"],
        (await get_state(server, board["id"], bo["token"]))["state"],
    ):
        assert state["voting"]["votes"][ann["participant_id"]] == ["n1", ""]
        assert state["voting"]["shown"] == {ann["participant_id"]: 1}
    assert casts(await archive_ops(server, board["id"], bo["token"]), reopened) == [""]
    # Ann reads her own; the facilitator is told no more than Bo
    assert casts(await archive_ops(server, board["id"], ann["token"]), reopened) == ["n2"]
    fac_view = (await get_state(server, board["id"], board["facilitator_token"]))["state"]
    assert fac_view["voting"]["votes"][ann["participant_id"]] == ["n1", ""]

    # the next close shows every vote, and the history shows them whole
    await acked(fac, {"kind": "vote.close"})
    state = (await get_state(server, board["id"], bo["token"]))["state"]
    assert state["voting"]["closed"] and state["voting"]["votes"][ann["participant_id"]] == [
        "n1",
        "n2",
    ]
    assert casts(await archive_ops(server, board["id"], bo["token"]), reopened) == ["n2"]
