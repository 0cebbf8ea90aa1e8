"""The survey over the wire: 70 participants answer, 20 of them after the meeting closed,
until the deadline; the server closes it itself once the deadline has passed; and no
answer shows on any path to anyone but the one who gave it (docs/protocol.md, Surveys)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from board_client import BoardClient, create_board, join_board
from server.board.ops import parse_op
from server.board.rules import HIDDEN_SENDER
from server.broker.memory import MemoryBroker
from server.config import Config
from server.exports import FORMATS
from server.sync.rooms import Rooms
from tests.conftest import RunningServer, timeout
from tests.server.stores import FAC, FlakyStore, make_board
from tests.server.test_visibility import acked, call, caught_up, frames, meeting, text_of
from tests.timing import eventually
from tests.wire import Peers, get_state, share_page

pytestmark = pytest.mark.anyio

QUESTIONS: list[dict[str, Any]] = [
    {"id": "useful", "kind": "scale", "text": "Hvor nyttigt var mødet?"},
    {"id": "again", "kind": "choice", "text": "Igen?", "options": ["Ja", "Nej"]},
    {"id": "better", "kind": "text", "text": "Hvad kan gøres bedre?"},
]
SECRET = "Ordstyreren talte for meget 8e2d"
OTHER = "Mere tid i grupperne b71c"


async def test_seventy_answer_twenty_after_the_meeting_closed_and_a_late_one_is_refused(
    server: RunningServer,
) -> None:
    board = await create_board(server.url, "Bollplanket", method="sounding-board")
    joined = await asyncio.gather(
        *(join_board(server.url, board.join_code, f"Deltager {n}") for n in range(71))
    )
    facilitator = BoardClient(server.url, board.id, board.facilitator_token)
    people = [BoardClient(server.url, j.board_id, j.token) for j in joined]
    await asyncio.gather(*(c.start(timeout(30)) for c in [facilitator, *people]))
    try:
        survey = {"kind": "survey.set", "questions": QUESTIONS, "anonymous": True}
        assert (await facilitator.send_op(survey)).noop is None

        def answer(n: int) -> dict[str, Any]:
            return {"kind": "survey.answer", "answers": {"useful": 1 + n % 5, "again": n % 2}}

        during = await asyncio.gather(*(c.send_op(answer(n)) for n, c in enumerate(people[:50])))
        assert [a.noop for a in during] == [None] * 50
        assert (await facilitator.send_op({"kind": "meeting.close", "force": True})).noop is None
        # the agency sends the link afterwards: the closed meeting's survey still takes answers
        after = await asyncio.gather(
            *(c.send_op(answer(n)) for n, c in enumerate(people[50:70], start=50))
        )
        assert [a.noop for a in after] == [None] * 20
        assert facilitator.state.closed
        await eventually(lambda: facilitator.state.survey.count == 70, "70 answers counted", 20)
        # the facilitator ends it a moment from now (the deadline may move once answered)
        deadline = facilitator.server_now_ms() + 300
        moved = {**survey, "deadline": deadline}
        assert (await facilitator.send_op(moved)).noop is None
        await eventually(lambda: facilitator.server_now_ms() > deadline + 50, "the deadline", 20)
        late = await people[70].send_op(answer(70))
        assert late.noop == "survey_closed"
        # nobody closed it: the server did, at the deadline, with the totals
        await eventually(lambda: facilitator.state.survey.closed, "the server's close", 20)
        results = facilitator.state.survey.results
        assert sum(results["useful"]["counts"].values()) == 70
        assert results["useful"]["counts"] == {str(v): 14 for v in range(1, 6)}
        assert results["again"]["counts"] == {"0": 35, "1": 35}
        last = facilitator.seq
        await eventually(lambda: all(c.seq >= last for c in people), "everyone caught up", 20)
        for n, c in enumerate(people[:70]):  # each holds the totals and their own answer only
            assert c.state.survey.results == results and c.state.survey.count == 70
            assert c.state.survey.answers == {c.participant_id: answer(n)["answers"]}
    finally:
        await asyncio.gather(*(c.close() for c in [facilitator, *people]))


async def test_an_answer_is_on_no_path_for_anyone_else_and_only_totals_after_close(
    server: RunningServer, peers: Peers, tmp_path: Path
) -> None:
    board, ann, bo, (fac, ann_peer, bo_peer, wall) = await meeting(
        server, peers, method="sounding-board", language="da"
    )
    board_id, fac_token, ann_id = board["id"], board["facilitator_token"], ann["participant_id"]
    await acked(fac, {"kind": "survey.set", "questions": QUESTIONS})
    answered = {
        await acked(
            ann_peer,
            {"kind": "survey.answer", "answers": {"useful": 2, "better": "udkast"}},
        ),
        await acked(
            ann_peer,
            {"kind": "survey.answer", "answers": {"useful": 4, "again": 1, "better": SECRET}},
        ),
        await acked(bo_peer, {"kind": "survey.answer", "answers": {"better": OTHER}}),
    }
    last = max(answered)
    for peer in (fac, ann_peer, bo_peer, wall):
        await caught_up(peer, last)

    def answers_of(peer_frames: str) -> list[dict[str, Any]]:
        return [
            r
            for m in json.loads(peer_frames)
            for r in m.get("ops") or []
            if r["op"]["kind"] == "survey.answer"
        ]

    for name, peer in (("facilitator", fac), ("Bo", bo_peer), ("projector", wall)):
        seen = frames(peer)
        assert SECRET not in seen and "udkast" not in seen, name
        for r in answers_of(seen):
            if r["seq"] in answered and r["by"] != bo["participant_id"]:
                assert ann_id not in json.dumps(r) and r["op"]["answers"] == {}, name
    assert SECRET in frames(ann_peer) and OTHER not in frames(ann_peer)

    def clean(what: str, text: str) -> None:
        assert SECRET not in text and "udkast" not in text, f"{what} shows Ann's answer"

    def counted(what: str, state: dict[str, Any], mine: str | None) -> None:
        survey = state["survey"]
        assert survey["count"] == 2, what
        assert set(survey["answers"]) == ({mine} if mine else set()), what

    tokens = {
        "facilitator": (fac_token, None),
        "Bo": (bo["token"], bo["participant_id"]),
        "projector": (board["viewer_token"], None),
    }
    for name, (token, mine) in tokens.items():
        state = (await get_state(server, board_id, token))["state"]
        clean(f"{name} GET", json.dumps(state))
        counted(f"{name} GET", state, mine)
        history = await call(server, "GET", f"/api/boards/{board_id}/history", token, seq=last)
        clean(f"{name} history", history.text)
        welcome = await peers(server, board_id, token)
        clean(f"{name} welcome", json.dumps(welcome.welcome))
        counted(f"{name} welcome", welcome.welcome["state"], mine)
        resumed = await peers(server, board_id, token, since=0)
        clean(f"{name} resume", json.dumps(resumed.welcome))
        for r in resumed.welcome["ops"]:
            if r["op"]["kind"] == "survey.answer" and r["by"] != mine:
                assert ann_id not in json.dumps(r), f"{name} resume tells who answered"

    clean("share page", await share_page(server, board_id, fac_token))
    path = f"/api/boards/{board_id}/export"

    async def every_export(check: Any, readers: tuple[str, ...] = ("facilitator", "Bo")) -> None:
        tokens = {"facilitator": fac_token, "Bo": bo["token"]}
        for who, token in ((who, tokens[who]) for who in readers):
            for fmt in FORMATS:  # named: the records that would tell who, if any did
                got = await call(server, "GET", path, token, format=fmt, authors="named")
                assert got.status_code == 200, got.text
                check(f"{who} {fmt}", fmt, text_of(fmt, got.content, tmp_path))

    await every_export(lambda what, fmt, text: clean(what, text))

    # closed: everyone reads the totals and the texts, sorted; still no row of Ann's
    closed = await acked(fac, {"kind": "survey.close"})
    await caught_up(bo_peer, closed)
    state = (await get_state(server, board_id, bo["token"]))["state"]
    assert state["survey"]["results"]["better"]["texts"] == sorted([SECRET, OTHER])
    assert state["survey"]["results"]["useful"]["counts"]["4"] == 1
    assert set(state["survey"]["answers"]) == {bo["participant_id"]}
    assert "udkast" not in frames(bo_peer) and "udkast" not in frames(wall)

    def totals(what: str, fmt: str, text: str) -> None:
        assert SECRET in text and OTHER in text, f"{what} lacks the answers"
        assert "udkast" not in text, f"{what} shows a replaced answer"
        if fmt != "json":
            assert ann_id not in text, f"{what} names who answered"

    await every_export(totals, ("facilitator",))
    page = await share_page(server, board_id, fac_token)
    assert SECRET in page and "udkast" not in page and ann_id not in page


async def test_a_board_opened_after_its_survey_deadline_has_it_closed_by_the_server(
    store: FlakyStore,
) -> None:
    board_id = await make_board(store)
    first = Rooms(store, MemoryBroker(), Config())
    room = await first.get(board_id)
    assert room is not None
    deadline = int(time.time() * 1000) + 200
    survey = {"kind": "survey.set", "questions": QUESTIONS, "deadline": deadline}
    await room.submit("set", parse_op(survey), FAC)
    await first.close()  # nobody is on the board when the deadline passes
    await asyncio.sleep(max(0.0, deadline / 1000 - time.time()) + 0.05)

    second = Rooms(store, MemoryBroker(), Config())
    again = await second.get(board_id)
    assert again is not None
    # what every REST read and export does first: the record shows the totals at once
    await again.close_overdue_survey()
    assert again.state.survey is not None and again.state.survey.closed
    # the close the room's timer makes at the deadline has the same op id: still one op
    timer_close = parse_op({"kind": "survey.close"})
    await again.submit(f"survey-close-{deadline}", timer_close, HIDDEN_SENDER)
    await second.close()
    log = await store.ops_after(board_id, 0)
    closing = [s.record for s in log if s.record.op.kind == "survey.close"]
    assert [(r.id, r.by) for r in closing] == [(f"survey-close-{deadline}", "")]
