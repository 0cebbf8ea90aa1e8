"""Every kind of bad input gets the contract's answer, and nothing stored changes."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from server.board.ops import SENDERS
from tests.conftest import RunningServer, timeout
from tests.wire import Peer, Peers, add_note, get_state, join, new_board, post

pytestmark = pytest.mark.anyio

OP_ID = "bad-op-id"

# (case, frame sent after the hello, expected error code, expected id in the error)
CASES: list[tuple[str, Any, str, str | None]] = [
    ("not json", "this is not json", "invalid", None),
    ("binary frame", b"\x00\x01binary", "invalid", None),
    ("json but not an object", "[1, 2, 3]", "invalid", None),
    ("unknown message type", {"type": "shout"}, "invalid", None),
    ("second hello", {"type": "hello", "token": "x"}, "invalid", None),
    ("op without id", {"type": "op", "op": add_note("n9", "x")}, "invalid", None),
    ("op without kind", {"type": "op", "id": OP_ID, "op": {}}, "invalid", OP_ID),
    (
        "unknown op kind",
        {"type": "op", "id": OP_ID, "op": {"kind": "note.teleport"}},
        "unknown_op",
        OP_ID,
    ),
    (
        "wrong field type",
        {"type": "op", "id": OP_ID, "op": {"kind": "note.edit", "note_id": 5, "text": "x"}},
        "invalid",
        OP_ID,
    ),
    ("empty note text", {"type": "op", "id": OP_ID, "op": add_note("n9", "   ")}, "invalid", OP_ID),
    (
        "note text over the limit",
        {"type": "op", "id": OP_ID, "op": add_note("n9", "x" * 1001)},
        "too_large",
        OP_ID,
    ),
    (
        "coordinates out of range",
        {"type": "op", "id": OP_ID, "op": {"kind": "note.move", "note_id": "n1", "x": -5}},
        "invalid",
        OP_ID,
    ),
    (
        "vote with no dots",
        {"type": "op", "id": OP_ID, "op": {"kind": "vote.open", "per_person": 0}},
        "invalid",
        OP_ID,
    ),
    (
        "blank vote from a client",
        {"type": "op", "id": OP_ID, "op": {"kind": "vote.cast", "note_id": ""}},
        "invalid",
        OP_ID,
    ),
    (
        "timer beyond eight hours",
        {"type": "op", "id": OP_ID, "op": {"kind": "timer.add", "minutes": 1000}},
        "invalid",
        OP_ID,
    ),
    (
        "field text over the limit",
        {"type": "op", "id": OP_ID, "op": {"kind": "field.set", "field": "f", "text": "x" * 4001}},
        "too_large",
        OP_ID,
    ),
    (
        "a due date that is no date",
        {
            "type": "op",
            "id": OP_ID,
            "op": {"kind": "note.own", "note_id": "n1", "owner": "Ida", "due": "2027-02-30"},
        },
        "invalid",
        OP_ID,
    ),
    (
        "a blank due date from a client",
        {"type": "op", "id": OP_ID, "op": {"kind": "note.own", "note_id": "n1", "due": ""}},
        "invalid",
        OP_ID,
    ),
    (
        "a summary over 20 000 characters",
        {"type": "op", "id": OP_ID, "op": {"kind": "summary.set", "text": "x" * 20001}},
        "too_large",
        OP_ID,
    ),
    (
        "a scale that runs backwards",
        {
            "type": "op",
            "id": OP_ID,
            "op": {
                "kind": "grid.set",
                "criteria": [{"id": "c", "label": "C"}],
                "low": 5,
                "high": 3,
            },
        },
        "invalid",
        OP_ID,
    ),
    (
        "the same criterion twice",
        {
            "type": "op",
            "id": OP_ID,
            "op": {
                "kind": "grid.set",
                "criteria": [{"id": "c", "label": "C"}, {"id": "c", "label": "D"}],
                "low": 1,
                "high": 5,
            },
        },
        "invalid",
        OP_ID,
    ),
    (
        "quadrant area with one axis",
        {
            "type": "op",
            "id": OP_ID,
            "op": {"kind": "area.add", "area": {"id": "q", "title": "Q", "axes": {"x": "Effort"}}},
        },
        "invalid",
        OP_ID,
    ),
    (
        "quadrant axis name over the limit",
        {
            "type": "op",
            "id": OP_ID,
            "op": {
                "kind": "area.add",
                "area": {"id": "q", "title": "Q", "axes": {"x": "E", "y": "y" * 61}},
            },
        },
        "too_large",
        OP_ID,
    ),
    (
        "server-only op kind",
        {
            "type": "op",
            "id": OP_ID,
            "op": {
                "kind": "participant.join",
                "participant": {"id": "p-x", "name": "x", "role": "facilitator"},
            },
        },
        "forbidden",
        OP_ID,
    ),
]


@pytest.fixture
async def board_with_note(
    peers: Peers, server: RunningServer
) -> tuple[dict[str, Any], Peer, dict[str, Any]]:
    board = await new_board(server)
    writer = await peers(server, board["id"], board["facilitator_token"])
    await writer.ack(await writer.op(add_note("n1", "stays as it is")))
    before = await get_state(server, board["id"], board["facilitator_token"])
    return board, writer, before


@pytest.mark.parametrize(("case", "frame", "code", "error_id"), CASES, ids=[c[0] for c in CASES])
async def test_bad_message_gets_its_error_and_changes_nothing(
    peers: Peers,
    server: RunningServer,
    board_with_note: Any,
    case: str,
    frame: Any,
    code: str,
    error_id: str | None,
) -> None:
    board, writer, before = board_with_note
    bad = await peers(server, board["id"], board["facilitator_token"])
    await bad.send(frame)
    error = await bad.until(lambda m: m["type"] == "error", f"error for {case}")
    assert error["code"] == code
    assert error["id"] == error_id
    assert len(error["message"]) > 10, "the message must say what is wrong"
    # the same connection still works, and so does everyone else's
    ack = await bad.ack(await bad.op(add_note("after", "still served")))
    assert ack["type"] == "ack"
    await writer.until(lambda m: m["type"] == "ops" and m["ops"][0]["id"] == ack["id"])
    after = await get_state(server, board["id"], board["facilitator_token"])
    assert after["state"]["notes"]["n1"] == before["state"]["notes"]["n1"]
    assert set(after["state"]["notes"]) == {"n1", "after"}
    assert after["seq"] == before["seq"] + 1


async def test_edit_of_unknown_note_is_a_recorded_noop_and_changes_nothing(
    server: RunningServer, board_with_note: Any
) -> None:
    board, writer, before = board_with_note
    ack = await writer.ack(await writer.op({"kind": "note.edit", "note_id": "nope", "text": "x"}))
    assert (ack["type"], ack["noop"]) == ("ack", "note_not_found")
    after = await get_state(server, board["id"], board["facilitator_token"])
    assert after["state"]["notes"] == before["state"]["notes"]


async def test_frame_over_64_kib_closes_only_that_connection_with_1009(
    peers: Peers, server: RunningServer, board_with_note: Any
) -> None:
    board, writer, _ = board_with_note
    big = await peers(server, board["id"], board["facilitator_token"])
    huge = {"type": "op", "id": str(uuid.uuid4()), "op": add_note("big", "x" * 70_000)}
    await big.send(json.dumps(huge))
    with pytest.raises(ConnectionClosed) as closed:
        await big.until(lambda m: False, "close")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    ack = await writer.ack(await writer.op(add_note("n2", "others go on")))
    assert ack["type"] == "ack"
    after = await get_state(server, board["id"], board["facilitator_token"])
    assert "big" not in after["state"]["notes"]


async def test_messages_before_hello_are_refused_and_the_hello_still_works(
    server: RunningServer, board_with_note: Any
) -> None:
    from websockets.asyncio.client import connect

    board, _, _ = board_with_note
    async with connect(f"{server.ws_url}/ws/boards/{board['id']}", compression=None) as ws:
        await ws.send(json.dumps({"type": "op", "id": "early", "op": add_note("e", "early")}))
        error = json.loads(await ws.recv())
        assert (error["type"], error["code"]) == ("error", "invalid")
        assert "hello" in error["message"]
        await ws.send(json.dumps({"type": "hello", "token": board["facilitator_token"]}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome" and "early" not in welcome["state"]["notes"]


# well-formed ops that meet the wrong board, phase or ids: acked as recorded no-ops
NOOPS: list[tuple[dict[str, Any], str]] = [
    ({"kind": "phase.set", "phase": "brainstorm"}, "phase_not_found"),
    ({"kind": "timer.pause"}, "timer_stopped"),
    ({"kind": "vote.cast", "note_id": "n1"}, "voting_closed"),
    ({"kind": "vote.close"}, "voting_closed"),
    ({"kind": "link.add", "link": {"id": "l1", "a": "n1", "b": "ghost"}}, "note_not_found"),
    ({"kind": "note.group", "note_id": "n1", "group_id": "ghost"}, "group_not_found"),
    ({"kind": "idea.own", "idea_id": "ghost", "owner": "Ann"}, "idea_not_found"),
    ({"kind": "field.set", "field": "theme", "text": "x"}, "field_not_found"),
    (
        {"kind": "cell.set", "table": "agenda", "row": "r", "column": "c", "text": "x"},
        "table_not_found",
    ),
    ({"kind": "score.set", "criterion": "clarity", "score": 3}, "criterion_not_found"),
    ({"kind": "grid.set", "criteria": [{"id": "c", "label": "C"}], "low": 1, "high": 5}, "no_grid"),
    ({"kind": "survey.answer", "answers": {"q": 3}}, "no_survey"),
    ({"kind": "survey.close"}, "no_survey"),
    ({"kind": "ready.set", "ready": True}, "no_phase"),
    ({"kind": "poll.answer", "poll_id": "p", "choices": [0]}, "poll_not_found"),
    ({"kind": "poll.close", "poll_id": "p"}, "poll_not_found"),
    ({"kind": "poll.show", "poll_id": "p", "shown": True}, "poll_not_found"),
    ({"kind": "hand.lower"}, "hand_not_raised"),
    ({"kind": "vote.reopen"}, "vote_not_closed"),
    ({"kind": "reaction.toggle", "note_id": "ghost", "reaction": "agree"}, "note_not_found"),
    ({"kind": "note.approve", "note_ids": ["n1"]}, "not_pending"),
    ({"kind": "note.decline", "note_id": "n1", "reason": "x"}, "not_pending"),
    ({"kind": "note.merge", "note_id": "n1", "from": ["ghost"]}, "note_not_found"),
    (
        {"kind": "role.set", "participant": "p-nobody", "role": "facilitator"},
        "participant_not_found",
    ),
    ({"kind": "lead.set", "participant": "p-nobody"}, "participant_not_found"),
    ({"kind": "scribe.set", "participant": "p-nobody", "on": True}, "participant_not_found"),
    (
        {
            "kind": "note.add",
            "note": {"id": "n-for", "area": "main", "text": "x", "for_name": "Al"},
        },
        "not_scribe",
    ),
    (  # a picture never uploaded to this board (`stored` is the server's to set)
        {
            "kind": "note.add",
            "note": {
                "id": "p1",
                "area": "main",
                "text": "x",
                "picture": {"id": "pic-x", "width": 9, "height": 9, "stored": True},
            },
        },
        "picture_not_found",
    ),
]


@pytest.mark.parametrize(("op", "reason"), NOOPS, ids=[n[0]["kind"] for n in NOOPS])
async def test_an_op_that_does_not_fit_the_board_is_a_recorded_noop(
    server: RunningServer, board_with_note: Any, op: dict[str, Any], reason: str
) -> None:
    board, writer, before = board_with_note
    ack = await writer.ack(await writer.op(op))
    assert (ack["type"], ack.get("noop")) == ("ack", reason)
    after = await get_state(server, board["id"], board["facilitator_token"])
    assert after["seq"] == before["seq"] + 1
    assert {k: v for k, v in after["state"].items() if k != "seq"} == {
        k: v for k, v in before["state"].items() if k != "seq"
    }


async def test_every_op_kind_is_refused_to_the_roles_that_may_not_send_it(
    peers: Peers, server: RunningServer, board_with_note: Any
) -> None:
    board, _, _ = board_with_note
    joined = await join(server, board["join_code"], "Ann")
    participant = await peers(server, board["id"], joined["token"])
    viewer = await peers(server, board["id"], board["viewer_token"])
    checked = 0
    for kind, roles in SENDERS.items():
        for role, peer in (("participant", participant), ("viewer", viewer)):
            if role in roles:
                continue
            error = await peer.ack(await peer.op({"kind": kind}))
            # a shape error would come first for most kinds: send a well-formed op instead
            if error["code"] == "invalid":
                error = await peer.ack(await peer.op(WELL_FORMED[kind]))
            assert (error["type"], error["code"]) == ("error", "forbidden"), (kind, role)
            checked += 1
    assert checked > len(SENDERS)  # every kind for the viewer, facilitator kinds for both


WELL_FORMED: dict[str, dict[str, Any]] = {
    "note.add": add_note("w1", "x"),
    "note.edit": {"kind": "note.edit", "note_id": "n1", "text": "x"},
    "note.move": {"kind": "note.move", "note_id": "n1", "x": 1},
    "note.delete": {"kind": "note.delete", "note_id": "n1"},
    "area.add": {"kind": "area.add", "area": {"id": "a2", "title": "x"}},
    "area.rename": {"kind": "area.rename", "area_id": "main", "title": "x"},
    "area.delete": {"kind": "area.delete", "area_id": "main"},
    "board.rename": {"kind": "board.rename", "title": "x"},
    "phase.set": {"kind": "phase.set", "phase": "silent"},
    "focus.set": {"kind": "focus.set", "areas": ["main"]},
    "timer.set": {"kind": "timer.set", "minutes": 5},
    "timer.add": {"kind": "timer.add", "minutes": 5},
    "notes.reveal": {"kind": "notes.reveal"},
    "board.lock": {"kind": "board.lock", "locked": True},
    "board.anonymous": {"kind": "board.anonymous", "anonymous": True},
    "vote.open": {"kind": "vote.open", "per_person": 3},
    "vote.cast": {"kind": "vote.cast", "note_id": "n1"},
    "vote.retract": {"kind": "vote.retract", "note_id": "n1"},
    "priorities.set": {"kind": "priorities.set", "note_ids": ["n1"]},
    "group.add": {"kind": "group.add", "group": {"id": "g1", "area": "main"}},
    "group.rename": {"kind": "group.rename", "group_id": "g1", "name": "x"},
    "group.delete": {"kind": "group.delete", "group_id": "g1"},
    "note.group": {"kind": "note.group", "note_id": "n1", "group_id": None},
    "note.color": {"kind": "note.color", "note_id": "n1", "color": "blue"},
    "link.add": {"kind": "link.add", "link": {"id": "l1", "a": "n1", "b": "n2"}},
    "link.mark": {"kind": "link.mark", "link_id": "l1", "contradiction": True},
    "link.delete": {"kind": "link.delete", "link_id": "l1"},
    "note.own": {"kind": "note.own", "note_id": "n1", "owner": "Ann"},
    "idea.park": {"kind": "idea.park", "idea": {"id": "i1", "text": "x"}},
    "idea.own": {"kind": "idea.own", "idea_id": "i1", "owner": "Ann"},
    "idea.delete": {"kind": "idea.delete", "idea_id": "i1"},
    "field.set": {"kind": "field.set", "field": "theme", "text": "x"},
    "cell.set": {"kind": "cell.set", "table": "t", "row": "r", "column": "c", "text": "x"},
    "row.add": {"kind": "row.add", "table": "t", "row": "r"},
    "row.delete": {"kind": "row.delete", "table": "t", "row": "r"},
    "score.set": {"kind": "score.set", "criterion": "c", "score": 1},
    "grid.set": {"kind": "grid.set", "criteria": [{"id": "c", "label": "C"}], "low": 1, "high": 5},
    "summary.set": {"kind": "summary.set", "text": "Tre temaer gik igen."},
    "consent.set": {"kind": "consent.set", "consent": True},
    "breakout.start": {"kind": "breakout.start", "groups": [{"id": "g1", "name": "One"}]},
    "breakout.assign": {"kind": "breakout.assign", "participant": "p-1", "group": "g1"},
    "breakout.roles": {"kind": "breakout.roles", "group": "g1", "discussion_leader": "p-1"},
    "survey.set": {"kind": "survey.set", "questions": [{"id": "q", "kind": "text", "text": "Q"}]},
    "survey.answer": {"kind": "survey.answer", "answers": {"q": 3}},
    "survey.close": {"kind": "survey.close"},
    "poll.open": {"kind": "poll.open", "poll": {"id": "p", "kind": "scale", "question": "Q"}},
    "poll.answer": {"kind": "poll.answer", "poll_id": "p", "choices": [3]},
    "poll.close": {"kind": "poll.close", "poll_id": "p"},
    "poll.show": {"kind": "poll.show", "poll_id": "p", "shown": False},
    "ready.set": {"kind": "ready.set", "ready": True},
    "hand.raise": {"kind": "hand.raise"},
    "hand.lower": {"kind": "hand.lower", "participant": "p-1"},
    "vote.reopen": {"kind": "vote.reopen"},
    "reaction.toggle": {"kind": "reaction.toggle", "note_id": "n1", "reaction": "idea"},
    "moderation.set": {"kind": "moderation.set", "on": True},
    "note.approve": {"kind": "note.approve", "note_ids": ["n1"]},
    "note.decline": {"kind": "note.decline", "note_id": "n1"},
    "note.merge": {"kind": "note.merge", "note_id": "n1", "from": ["n2"]},
    "role.set": {"kind": "role.set", "participant": "p-1", "role": "facilitator"},
    "lead.set": {"kind": "lead.set", "participant": "p-1"},
    "scribe.set": {"kind": "scribe.set", "participant": "p-1", "on": True},
}


async def test_half_a_surrogate_pair_is_refused_and_every_board_goes_on(
    peers: Peers, server: RunningServer, board_with_note: Any
) -> None:
    board, writer, _ = board_with_note
    other = await new_board(server)
    elsewhere = await peers(server, other["id"], other["facilitator_token"])
    frame = (
        '{"type": "op", "id": "lone", "op": {"kind": "note.add", '
        '"note": {"id": "s", "area": "main", "text": "x \\ud800"}}}'
    )
    await writer.send(frame)
    error = await writer.ack("lone")
    assert (error["type"], error["code"]) == ("error", "invalid")
    assert "surrogate" in error["message"]
    assert (await writer.ack(await writer.op(add_note("n9", "fine"))))["type"] == "ack"
    assert (await elsewhere.ack(await elsewhere.op(add_note("n1", "fine"))))["type"] == "ack"
    for path, body in (
        ("/api/boards", '{"title": "T \\udfff"}'),
        ("/api/boards", '{"title": "T", "name": "nul \\u0000"}'),  # Postgres refuses NUL
        ("/api/join", '{"code": "' + board["join_code"] + '", "name": "\\ud83d"}'),
    ):
        async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
            answer = await http.post(
                path, content=body, headers={"content-type": "application/json"}
            )
        assert answer.status_code == 422, answer.text
        assert "cannot be stored" in answer.json()["error"]["message"]


async def test_text_postgres_cannot_store_is_refused_by_name_not_as_an_outage(
    tmp_path: Any, postgres_url: str, peers: Peers
) -> None:
    on_postgres = RunningServer(tmp_path, database_url=postgres_url)
    on_postgres.start()
    try:
        board = await new_board(on_postgres)
        for body in ({"code": board["join_code"], "name": "Bo\x00"}, {"title": "\x00", "x": 1}):
            path = "/api/join" if "code" in body else "/api/boards"
            answer = await post(on_postgres, path, body)
            assert answer.status_code == 422, answer.text
            assert "NUL" in answer.json()["error"]["message"]
        peer = await peers(on_postgres, board["id"], board["facilitator_token"])
        error = await peer.ack(await peer.op(add_note("n1", "nul \x00 here")))
        assert (error["type"], error["code"]) == ("error", "invalid")
        assert (await peer.ack(await peer.op(add_note("n2", "fine"))))["type"] == "ack"
    finally:
        on_postgres.stop()
