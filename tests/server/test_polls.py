"""Polls over the wire: a hidden word cloud's answers show on no path (frames, welcome,
resume, REST read, history, share page, every export) to anyone but their sender until the
close, then only as totals; a live poll's totals reach everyone, never who chose what
(docs/protocol.md, Live polls and word clouds)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from server.exports import FORMATS
from tests.conftest import RunningServer
from tests.server.test_visibility import acked, call, caught_up, frames, meeting, text_of
from tests.wire import Peers, get_state, share_page

pytestmark = pytest.mark.anyio

SECRET = "zqx7kaffe"  # Ann's word, hidden until the close
DRAFT = "udkastzq9"  # Ann's first word, replaced before the close: never shown to anyone
CLOUD = {"id": "cloud", "kind": "words", "question": "Ét ord om dagen", "hidden": True}
LIVE = {"id": "live", "kind": "single", "question": "Hvad først?", "options": ["Tid", "Mod"]}


def _answers(peer_frames: str) -> list[dict[str, Any]]:
    return [
        r
        for m in json.loads(peer_frames)
        for r in [*(m.get("ops") or []), *((m.get("welcome") or {}).get("ops") or [])]
        if r["op"]["kind"] == "poll.answer"
    ]


async def test_a_hidden_poll_shows_on_no_path_until_its_totals_and_a_live_one_names_nobody(
    server: RunningServer, peers: Peers, tmp_path: Path
) -> None:
    board, ann, bo, (fac, ann_peer, bo_peer, wall) = await meeting(
        server, peers, method="sounding-board", language="da"
    )
    board_id, fac_token = board["id"], board["facilitator_token"]
    ann_id, bo_id = ann["participant_id"], bo["participant_id"]
    await acked(fac, {"kind": "poll.open", "poll": CLOUD})
    answer = {"kind": "poll.answer", "poll_id": "cloud"}
    await acked(ann_peer, {**answer, "words": [DRAFT]})
    last = await acked(ann_peer, {**answer, "words": [SECRET.upper() + "!", "Tid"]})
    await acked(bo_peer, {**answer, "words": ["tiden"]})
    last = await acked(fac, {**answer, "words": ["mod"]})
    for peer in (fac, ann_peer, bo_peer, wall):
        await caught_up(peer, last)

    def clean(what: str, text: str) -> None:
        assert SECRET not in text and DRAFT not in text, f"{what} shows Ann's words"

    for name, peer in (("facilitator", fac), ("Bo", bo_peer), ("projector", wall)):
        seen = frames(peer)
        clean(f"{name} frames", seen)
        assert "tiden" not in seen or name == "Bo", name
        for r in _answers(seen):
            assert ann_id not in json.dumps(r), f"{name} learns that Ann answered"
    assert SECRET in frames(ann_peer) and "tiden" not in frames(ann_peer)

    tokens = {
        "facilitator": (fac_token, "facilitator"),
        "Bo": (bo["token"], bo_id),
        "projector": (board["viewer_token"], None),
    }
    for name, (token, mine) in tokens.items():
        state = (await get_state(server, board_id, token))["state"]
        clean(f"{name} GET", json.dumps(state))
        cloud = state["polls"]["cloud"]
        assert (cloud["count"], cloud["tally"]) == (3, {}), name
        assert len(cloud["answers"]) <= 1 and ann_id not in cloud["answers"], name  # own only
        history = await call(server, "GET", f"/api/boards/{board_id}/history", token, seq=last)
        clean(f"{name} history", history.text)
        welcome = await peers(server, board_id, token)
        clean(f"{name} welcome", json.dumps(welcome.welcome))
        resumed = await peers(server, board_id, token, since=0)
        clean(f"{name} resume", json.dumps(resumed.welcome))
        for r in resumed.welcome["ops"]:
            if r["op"]["kind"] == "poll.answer" and r["by"] != mine:
                assert ann_id not in json.dumps(r), f"{name} resume tells who answered"
    clean("share page", await share_page(server, board_id, fac_token))
    path = f"/api/boards/{board_id}/export"
    for fmt in FORMATS:
        got = await call(server, "GET", path, fac_token, format=fmt, authors="named")
        assert got.status_code == 200, got.text
        clean(f"facilitator {fmt}", text_of(fmt, got.content, tmp_path))

    # closed: the totals for everyone, counted by stem; Ann's replaced word nowhere
    closed = await acked(fac, {"kind": "poll.close", "poll_id": "cloud"})
    await caught_up(wall, closed)
    state = (await get_state(server, board_id, board["viewer_token"]))["state"]
    assert state["polls"]["cloud"]["tally"] == {SECRET: 1, "tid": 1, "tiden": 1, "mod": 1}
    assert DRAFT not in frames(wall) and DRAFT not in frames(bo_peer)

    # a live poll: everyone sees the totals move, nobody whose answer moved them
    await acked(fac, {"kind": "poll.open", "poll": LIVE})
    await acked(ann_peer, {"kind": "poll.answer", "poll_id": "live", "choices": [0]})
    moved = await acked(ann_peer, {"kind": "poll.answer", "poll_id": "live", "choices": [1]})
    await caught_up(wall, moved)
    await caught_up(bo_peer, moved)
    await caught_up(fac, moved)
    for name, peer in (("facilitator", fac), ("Bo", bo_peer), ("projector", wall)):
        live = [r for r in _answers(frames(peer)) if r["op"]["poll_id"] == "live"]
        assert [r["op"]["choices"] for r in live] == [[0], [1]], name
        assert all(r["by"] == "" for r in live), f"{name} learns who chose"
    state = (await get_state(server, board_id, bo["token"]))["state"]
    assert state["polls"]["live"]["tally"] == {"1": 1} and state["polls"]["live"]["answers"] == {}
    await acked(fac, {"kind": "poll.close", "poll_id": "live"})

    for fmt in FORMATS:  # the record: every closed poll with its totals, never who
        got = await call(server, "GET", path, fac_token, format=fmt, authors="named")
        text = text_of(fmt, got.content, tmp_path)
        assert SECRET in text and "Hvad først?" in text, f"{fmt} lacks the polls"
        assert DRAFT not in text, f"{fmt} shows a replaced answer"
        if fmt != "json":
            assert ann_id not in text, f"{fmt} names who answered"
