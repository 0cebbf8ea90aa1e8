"""The wire contract end to end: real server process, real WebSockets."""

from __future__ import annotations

import uuid

import pytest
from websockets.exceptions import InvalidStatus

from tests.conftest import RunningServer
from tests.wire import Peers, add_note, get_state, join, new_board

pytestmark = pytest.mark.anyio


async def test_two_clients_see_each_others_notes_in_the_same_order(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    a, b = (
        await join(server, board["join_code"], "Aase"),
        await join(server, board["join_code"], "Bo"),
    )
    pa = await peers(server, board["id"], a["token"])
    pb = await peers(server, board["id"], b["token"])
    ids = []
    for i in range(5):
        ids.append(await pa.op(add_note(f"a{i}", f"from A {i}")))
        ids.append(await pb.op(add_note(f"b{i}", f"from B {i}")))
    last = pb.welcome["seq"] + len(ids)
    seen_a = await pa.until(lambda m: m["type"] == "ops" and m["ops"][-1]["seq"] == last)
    seen_b = await pb.until(lambda m: m["type"] == "ops" and m["ops"][-1]["seq"] == last)
    order_a = [o["id"] for m in pa.seen if m["type"] == "ops" for o in m["ops"]]
    order_b = [o["id"] for m in pb.seen if m["type"] == "ops" for o in m["ops"]]
    assert seen_a and seen_b
    assert sorted(order_a) == sorted(ids)
    assert order_a == order_b
    seqs = [o["seq"] for m in pa.seen if m["type"] == "ops" for o in m["ops"]]
    assert seqs == list(range(pa.welcome["seq"] + 1, last + 1))


async def test_ack_comes_only_for_a_committed_op_and_matches_the_broadcast(
    peers: Peers,
    server: RunningServer,
) -> None:
    board = await new_board(server)
    a = await join(server, board["join_code"], "Aase")
    peer = await peers(server, board["id"], a["token"])
    op_id = await peer.op(add_note("n1", "Paradoks: <b>vi</b> & 'de'"))
    ack = await peer.ack(op_id)
    assert ack["type"] == "ack"
    broadcast = next(
        o for m in peer.seen if m["type"] == "ops" for o in m["ops"] if o["id"] == op_id
    )
    assert broadcast["seq"] == ack["seq"] and broadcast["by"] == a["participant_id"]
    # what was acked is what a fresh reader gets from the store-backed state
    state = (await get_state(server, board["id"], a["token"]))["state"]
    assert state["notes"]["n1"]["text"] == "Paradoks: <b>vi</b> & 'de'"
    assert state["notes"]["n1"]["author"] == a["participant_id"]


async def test_resending_an_op_id_applies_it_once_and_gets_the_same_ack(
    peers: Peers,
    server: RunningServer,
) -> None:
    board = await new_board(server)
    peer = await peers(server, board["id"], board["facilitator_token"])
    op_id = str(uuid.uuid4())
    first = await peer.ack(await peer.op(add_note("n1", "once"), op_id))
    second = await peer.ack(await peer.op(add_note("n2", "same id, other content"), op_id))
    assert first == second
    state = (await get_state(server, board["id"], board["facilitator_token"]))["state"]
    assert list(state["notes"]) == ["n1"]


async def test_edit_of_a_deleted_note_is_acked_as_a_recorded_noop(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    peer = await peers(server, board["id"], board["facilitator_token"])
    await peer.ack(await peer.op(add_note("n1", "soon gone")))
    await peer.ack(await peer.op({"kind": "note.delete", "note_id": "n1"}))
    ack = await peer.ack(await peer.op({"kind": "note.edit", "note_id": "n1", "text": "x"}))
    assert ack["type"] == "ack" and ack["noop"] == "note_not_found"


async def test_viewer_sees_ops_but_every_write_is_forbidden(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    viewer = await peers(server, board["id"], board["viewer_token"])
    assert viewer.welcome["role"] == "viewer"
    answer = await viewer.ack(await viewer.op(add_note("v1", "no")))
    assert answer["type"] == "error" and answer["code"] == "forbidden"
    facilitator = await peers(server, board["id"], board["facilitator_token"])
    op_id = await facilitator.op(add_note("f1", "the viewer sees this"))
    await viewer.until(lambda m: m["type"] == "ops" and m["ops"][0]["id"] == op_id)


async def test_participant_may_not_send_facilitator_ops(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    a = await join(server, board["join_code"], "Aase")
    peer = await peers(server, board["id"], a["token"])
    area = {"kind": "area.add", "area": {"id": "x", "title": "Mine"}}
    answer = await peer.ack(await peer.op(area))
    assert answer["code"] == "forbidden"


async def test_resume_from_an_older_seq_gives_exactly_the_missed_ops(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    token = board["facilitator_token"]
    peer = await peers(server, board["id"], token)
    await peer.ack(await peer.op(add_note("n1", "before")))
    since, epoch = peer.welcome["seq"] + 1, peer.welcome["epoch"]
    missed = [await peer.op(add_note(f"m{i}", f"missed {i}")) for i in range(3)]
    await peer.ack(missed[-1])
    await peer.close()
    back = await peers(server, board["id"], token, since=since, epoch=epoch)
    assert "state" not in back.welcome
    assert [o["id"] for o in back.welcome["ops"]] == missed
    assert [o["seq"] for o in back.welcome["ops"]] == [since + 1, since + 2, since + 3]


async def test_resume_with_another_epoch_or_from_the_future_gets_the_whole_state(
    peers: Peers,
    server: RunningServer,
) -> None:
    board = await new_board(server)
    token = board["facilitator_token"]
    other_epoch = await peers(server, board["id"], token, since=0, epoch="restored-elsewhere")
    assert "state" in other_epoch.welcome and "ops" not in other_epoch.welcome
    ahead = await peers(server, board["id"], token, since=10_000, epoch=None)
    assert "state" in ahead.welcome


async def test_bad_token_is_answered_unauthorized_and_closed(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    peer = await peers(server, board["id"], "not-a-token")
    assert peer.welcome["type"] == "error" and peer.welcome["code"] == "unauthorized"
    other = await new_board(server)
    wrong_board = await peers(server, board["id"], other["facilitator_token"])
    assert wrong_board.welcome["code"] == "unauthorized"


async def test_handshake_from_a_foreign_origin_is_refused_with_403(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    with pytest.raises(InvalidStatus) as refused:
        await peers(server, board["id"], board["facilitator_token"], origin="https://evil.example")
    assert refused.value.response.status_code == 403
    same = await peers(server, board["id"], board["facilitator_token"], origin=server.url)
    assert same.welcome["type"] == "welcome"


async def test_presence_lists_who_is_connected(peers: Peers, server: RunningServer) -> None:
    board = await new_board(server)
    a = await join(server, board["join_code"], "Aase")
    facilitator = await peers(server, board["id"], board["facilitator_token"])
    await peers(server, board["id"], a["token"])
    presence = await facilitator.until(
        lambda m: m["type"] == "presence" and len(m["peers"]) == 2, "presence of two"
    )
    assert {p["name"] for p in presence["peers"]} == {"Facilitator", "Aase"}
