"""A note waiting in the facilitators' inbox on the wire (moderated posting, docs/protocol.md).

Ann writes while the board is moderated; only she and the facilitator may learn what she
wrote, or that she wrote anything: not Bo, not the projector, not a share link, on any path
(their live frames, a welcome, a resume, the history, REST reads, every export). A note the
facilitator declines stays Ann's and the facilitator's, with its reason. Approved and
merged notes reach everyone, the records name every author of a merged note, and what Ann
wrote before the facilitator edited her note is never shown to the others.
"""

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

WAITING = "Ventende tanke om lederne 8c1d"
DECLINED = "Afvist sidebemærkning 2b7e"
REASON = "Hører til et andet møde 61fa"
EDITED = "Redigeret af tovholderen 0d93"
SAME_A, SAME_B = "Mere tid til refleksion", "mere tid til refleksion!"


def _add(note_id: str, area: str, text: str) -> dict[str, Any]:
    return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}


async def test_a_waiting_or_declined_note_leaks_on_no_path(
    server: RunningServer, peers: Peers, tmp_path: Path
) -> None:
    board, ann, bo, (fac, ann_peer, bo_peer, wall) = await meeting(
        server, peers, method="free", language="da"
    )
    board_id, fac_token, ann_id = board["id"], board["facilitator_token"], ann["participant_id"]
    area = fac.welcome["state"]["areas"][0]["id"]

    await acked(fac, {"kind": "moderation.set", "on": True})
    waiting = {
        await acked(ann_peer, _add("n1", area, "x1")),
        await acked(ann_peer, {"kind": "note.edit", "note_id": "n1", "text": WAITING}),
        await acked(ann_peer, {"kind": "note.move", "note_id": "n1", "x": 40, "y": 40}),
        await acked(ann_peer, {"kind": "note.color", "note_id": "n1", "color": "pink"}),
        await acked(ann_peer, _add("d1", area, DECLINED)),
        await acked(fac, {"kind": "note.decline", "note_id": "d1", "reason": REASON}),
    }
    await acked(ann_peer, _add("m1", area, SAME_A))
    await acked(bo_peer, _add("m2", area, SAME_B))
    await acked(fac, {"kind": "note.approve", "note_ids": ["m1", "m2"]})
    last = await acked(fac, {"kind": "note.merge", "note_id": "m1", "from": ["m2"]})
    for peer in (fac, ann_peer, bo_peer, wall):
        await caught_up(peer, last)

    def clean(what: str, text: str) -> None:
        for secret in (WAITING, DECLINED, REASON):
            assert secret not in text, f"{what} shows {secret!r}"

    # live frames: Bo and the projector learn nothing of Ann's waiting notes, not even hers
    for name, peer in (("Bo", bo_peer), ("projector", wall)):
        clean(f"{name}'s frames", frames(peer))
        for message in peer.seen:
            for r in message.get("ops") or []:
                if r["seq"] in waiting:
                    assert ann_id not in json.dumps(r), f"{name} saw who wrote {r['op']}"
        assert SAME_A in frames(peer)  # approved: everyone's
    for secret in (WAITING, DECLINED, REASON):
        assert secret in frames(ann_peer) and secret in frames(fac)

    # what each token reads now: Ann and the facilitator see the inbox; nobody else a trace
    mine = (await get_state(server, board_id, ann["token"]))["state"]
    assert mine["notes"]["n1"]["pending"] and mine["declined"]["d1"]["reason"] == REASON
    theirs = (await get_state(server, board_id, fac_token))["state"]
    assert theirs["notes"]["n1"]["text"] == WAITING and "d1" in theirs["declined"]
    assert theirs["notes"]["m1"]["authors"] == [bo["participant_id"]]
    for name, token in (("Bo", bo["token"]), ("projector", board["viewer_token"])):
        state = (await get_state(server, board_id, token))["state"]
        clean(f"{name} GET", json.dumps(state))
        assert set(state["notes"]) == {"m1"} and state["declined"] == {}, name
        history = await call(server, "GET", f"/api/boards/{board_id}/history", token, seq=last)
        clean(f"{name} history", history.text)
        welcome = await peers(server, board_id, token)
        clean(f"{name} welcome", json.dumps(welcome.welcome))
        resumed = await peers(server, board_id, token, since=0)
        clean(f"{name} resume", json.dumps(resumed.welcome))
        assert not any(
            ann_id in json.dumps(r) for r in resumed.welcome["ops"] if r["seq"] in waiting
        ), f"{name}'s resume tells who wrote"

    share = await share_page(server, board_id, fac_token)
    clean("share page", share)
    assert SAME_A in share
    # every export: Bo's shows nothing of it; the facilitator's records hold approved notes
    # only (their own JSON archive is the board as they saw it, inbox included)
    path = f"/api/boards/{board_id}/export"
    for who, token in (("facilitator", fac_token), ("Bo", bo["token"])):
        for fmt in FORMATS:
            got = await call(server, "GET", path, token, format=fmt, authors="named")
            assert got.status_code == 200, got.text
            text = text_of(fmt, got.content, tmp_path)
            if who == "facilitator" and fmt == "json":
                assert WAITING in text
                continue
            clean(f"{who} {fmt} export", text)
            assert SAME_A in text, f"{who} {fmt}"
            if fmt != "json":  # the log holds Bo's note as he wrote it; the record, merged
                assert SAME_B not in text, f"{who} {fmt} shows the note merged away"
            if fmt in ("md", "html", "csv"):
                assert "Ann Andersen, Bo Berg" in text, f"{who} {fmt} names not both authors"

    # the facilitator edits Ann's note and approves it: the room reads the edit, never
    # what Ann wrote first, on any path, also later
    await acked(fac, {"kind": "note.edit", "note_id": "n1", "text": EDITED})
    approved = await acked(fac, {"kind": "note.approve", "note_ids": ["n1"]})
    await caught_up(bo_peer, approved)
    assert EDITED in frames(bo_peer) and WAITING not in frames(bo_peer)
    state = (await get_state(server, board_id, bo["token"]))["state"]
    assert state["notes"]["n1"]["text"] == EDITED and state["notes"]["n1"]["author"] == ann_id
    resumed = await peers(server, board_id, bo["token"], since=0)
    clean("Bo's resume after the approval", json.dumps(resumed.welcome))
    record_md = (await call(server, "GET", path, bo["token"], format="md")).text
    assert EDITED in record_md and "redigeret af facilitatoren" in record_md
    archive = (await call(server, "GET", path, bo["token"], format="json")).text
    clean("Bo's archive after the approval", archive)
    assert EDITED in archive
    assert WAITING in (await call(server, "GET", path, fac_token, format="json")).text
