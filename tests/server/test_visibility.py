"""Hidden content on the wire: what a private note, its author and a sealed score look like
on every path a person can read (docs/security.md, "What each role may see").

Ann writes in private writing; Bo, the facilitator and the projector must not learn what
she wrote or that she wrote it, on any path: their live frames, a welcome, a resume, the
history, REST reads, a record saved meanwhile (its share page and its export), and every
export format. After the reveal and the end of the round everything is public, except a
note Ann deleted before the reveal, which no path ever shows.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest

from server.exports import FORMATS
from tests.conftest import RunningServer, timeout
from tests.wire import Peer, Peers, get_state, join, new_board

pytestmark = pytest.mark.anyio

SECRET = "Kaffeautomaten virker aldrig 91c2"
FOR_NAME = "Gurli Gästsson"  # whom a scribe wrote an anonymous note for
DRAFT = "Kladde som blev slettet 44d0"
FAC_SECRET = "Facilitatorens egen tanke 3e7b"
EXAMPLE = "Et eksempel for alle 5a1f"
DUE, DUE_SHOWN = "2031-07-19", "19. jul. 2031"  # an action's date, as sent and as printed


async def call(
    server: RunningServer, method: str, path: str, token: str | None, **params: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(60)) as http:
        return await http.request(method, path, headers=headers, params=params)


def text_of(fmt: str, body: bytes, tmp_path: Path) -> str:
    """An export as its reader sees it (PDF and DOCX are compressed on the wire)."""
    if fmt == "pdf":
        pdf = tmp_path / "record.pdf"
        pdf.write_bytes(body)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    if fmt == "docx":
        document = docx.Document(io.BytesIO(body))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    return body.decode("utf-8")


def frames(peer: Peer) -> str:
    return json.dumps(peer.seen, ensure_ascii=False)


async def meeting(
    server: RunningServer, peers: Peers, **board_fields: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], tuple[Peer, Peer, Peer, Peer]]:
    """A board with Ann and Bo, and the sockets of the facilitator, Ann, Bo and the projector."""
    board = await new_board(server, **board_fields)
    ann = await join(server, board["join_code"], "Ann Andersen")
    bo = await join(server, board["join_code"], "Bo Berg")
    tokens = (board["facilitator_token"], ann["token"], bo["token"], board["viewer_token"])
    fac, ann_peer, bo_peer, wall = [await peers(server, board["id"], t) for t in tokens]
    return board, ann, bo, (fac, ann_peer, bo_peer, wall)


async def acked(peer: Peer, op: dict[str, Any]) -> int:
    """The seq of an op the server applied (not a recorded no-op)."""
    answer = await peer.ack(await peer.op(op))
    assert answer["type"] == "ack" and "noop" not in answer, answer
    return int(answer["seq"])


async def caught_up(peer: Peer, seq: int) -> None:
    def has(m: dict[str, Any]) -> bool:
        return any(r["seq"] == seq for r in m.get("ops") or [])

    if not any(has(m) for m in peer.seen):
        await peer.until(has, f"seq {seq}")


def hidden_records(peer: Peer, seqs: set[int]) -> list[dict[str, Any]]:
    """The op records `peer` received with these seqs (in frames and welcomes)."""
    out = []
    for message in peer.seen:
        for r in message.get("ops") or []:
            if r["seq"] in seqs:
                out.append(r)
    return out


async def test_private_writing_and_sealed_scores_leak_on_no_path(
    server: RunningServer, own_server: RunningServer, peers: Peers, tmp_path: Path
) -> None:
    board, ann, bo, (fac, ann_peer, bo_peer, wall) = await meeting(
        server, peers, method="critical-friend", language="da"
    )
    board_id, fac_token, ann_id = board["id"], board["facilitator_token"], ann["participant_id"]

    await acked(fac, {"kind": "scribe.set", "participant": ann_id, "on": True})
    await acked(fac, {"kind": "phase.set", "phase": "feedback"})
    for_gurli = {"id": "g1", "area": "works", "text": "x2", "for_name": FOR_NAME}
    hidden = {
        await acked(ann_peer, {"kind": "note.add", "note": for_gurli}),
        await acked(
            ann_peer, {"kind": "note.add", "note": {"id": "n1", "area": "works", "text": "x1"}}
        ),
        await acked(ann_peer, {"kind": "note.edit", "note_id": "n1", "text": SECRET}),
        await acked(ann_peer, {"kind": "note.move", "note_id": "n1", "area": "questions"}),
        await acked(ann_peer, {"kind": "note.color", "note_id": "n1", "color": "pink"}),
        await acked(
            ann_peer,
            {"kind": "note.own", "note_id": "n1", "owner": "Ann Andersen", "due": DUE},
        ),
        await acked(
            ann_peer, {"kind": "note.add", "note": {"id": "d1", "area": "works", "text": DRAFT}}
        ),
        await acked(ann_peer, {"kind": "note.delete", "note_id": "d1"}),
        await acked(ann_peer, {"kind": "score.set", "criterion": "relevance", "score": 4}),
    }
    await acked(
        fac, {"kind": "note.add", "note": {"id": "f1", "area": "works", "text": FAC_SECRET}}
    )
    example = {"id": "e1", "area": "works", "text": EXAMPLE, "example": True}
    await acked(fac, {"kind": "note.add", "note": example})
    last = await acked(bo_peer, {"kind": "score.set", "criterion": "clarity", "score": 2})
    # who is writing where would say whose the next placeholder is
    await ann_peer.send({"type": "presence", "typing": True, "area": "works"})
    last = await acked(ann_peer, {"kind": "note.edit", "note_id": "n1", "text": SECRET})
    # presence goes out in batches, maybe after the op: a change after the op is told after it
    await ann_peer.send({"type": "presence", "typing": True, "area": "questions"})
    await ann_peer.send({"type": "read-in-order"})  # its error says the line above was read
    await ann_peer.until(lambda m: m["type"] == "error", "the refusal after Ann's presence")
    # Bo is sent no frame that looks like the last one, so someone new arrives to have a
    # presence frame built after Ann's typing, and sent
    cy = await join(server, board["join_code"], "Cy Carlsen")
    await peers(server, board_id, cy["token"])
    await caught_up(bo_peer, last)
    await bo_peer.until(
        lambda m: m["type"] == "presence" and len(m["peers"]) == 5, "presence told after the op"
    )
    told = [m for m in bo_peer.seen if m["type"] == "presence"]
    assert not any(p.get("typing") or p.get("area") for m in told for p in m["peers"]), told
    for peer in (fac, bo_peer, wall):
        await caught_up(peer, last)

    # live frames: the others learn that notes exist, never what they say or whose they are
    for name, peer in (("facilitator", fac), ("Bo", bo_peer), ("projector", wall)):
        assert SECRET not in frames(peer) and DRAFT not in frames(peer), name
        assert DUE not in frames(peer), f"{name} saw the date of Ann's private action"
        assert FOR_NAME not in frames(peer), f"{name} saw whom Ann wrote for"
        for r in hidden_records(peer, hidden):
            if r["op"]["kind"] != "score.set":  # that Ann has scored shows, not what
                assert ann_id not in json.dumps(r), f"{name} saw who wrote {r['op']['kind']}"
        assert EXAMPLE in frames(peer), f"{name} misses the facilitator's example"
    for name, peer in (("Ann", ann_peer), ("Bo", bo_peer), ("projector", wall)):
        assert FAC_SECRET not in frames(peer), f"{name} read the facilitator's private note"
    assert SECRET in frames(ann_peer) and FAC_SECRET in frames(fac)
    scores = [r for r in hidden_records(bo_peer, hidden) if r["op"]["kind"] == "score.set"]
    assert scores and scores[0]["op"]["criterion"] == "" and scores[0]["op"]["score"] == 0

    # every way to read the board now, for every token but Ann's
    def clean(what: str, text: str) -> None:
        assert SECRET not in text and DRAFT not in text, f"{what} shows Ann's private text"
        assert DUE not in text and DUE_SHOWN not in text, f"{what} shows Ann's action's date"
        assert FOR_NAME not in text, f"{what} shows whom Ann wrote for"
        assert FAC_SECRET not in text or what.startswith("facilitator"), what

    def anonymous(what: str, state: dict[str, Any]) -> None:
        assert ann_id not in json.dumps(state["notes"]), f"{what} tells who wrote a note"
        assert ann_id not in state["sealed_scores"] and not state["scores"], what

    tokens = {"facilitator": fac_token, "Bo": bo["token"], "projector": board["viewer_token"]}
    for name, token in tokens.items():
        state = (await get_state(server, board_id, token))["state"]
        clean(f"{name} GET", json.dumps(state))
        anonymous(f"{name} GET", state)
        history = await call(server, "GET", f"/api/boards/{board_id}/history", token, seq=last)
        clean(f"{name} history", history.text)
        anonymous(f"{name} history", history.json()["state"])
        welcome = await peers(server, board_id, token)
        clean(f"{name} welcome", json.dumps(welcome.welcome))
        anonymous(f"{name} welcome", welcome.welcome["state"])
        resumed = await peers(server, board_id, token, since=0)
        clean(f"{name} resume", json.dumps(resumed.welcome))
        for r in resumed.welcome["ops"]:
            if r["seq"] in hidden and r["op"]["kind"] != "score.set":
                assert ann_id not in json.dumps(r), f"{name} resume tells who wrote"

    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        record = await http.post(
            f"/api/boards/{board_id}/records",
            json={"name": "Midt i runden"},
            headers={"Authorization": f"Bearer {fac_token}"},
        )
    assert record.status_code == 201, record.text
    share = (await call(server, "GET", record.json()["share_url"], None)).text
    clean("share page", share)
    assert FAC_SECRET not in share and EXAMPLE in share
    # what the server computes for the facilitator (issue 19): no private note goes into
    # the draft summary or the suggested groups (their labels are the notes' own words)
    draft = (await call(server, "GET", f"/api/boards/{board_id}/summary-draft", fac_token)).text
    clean("summary draft", draft)
    assert FAC_SECRET not in draft and "- 1 note" in draft  # the example only: none counted
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        suggested = await http.post(
            f"/api/boards/{board_id}/suggestions",
            json={},
            headers={"Authorization": f"Bearer {fac_token}"},
        )
    assert suggested.status_code == 200, suggested.text
    assert not {"kaffeautomaten", "facilitatorens", "n1", "f1"} & set(
        json.dumps(suggested.json()).lower().replace('"', " ").replace(",", " ").split()
    ), suggested.text
    # every export, the facilitator's and (since participants download records too) Bo's
    for who, token in (("facilitator", fac_token), ("Bo", bo["token"])):
        for fmt in FORMATS:
            for authors in ("anonymous", "named"):
                for params in ({}, {"snapshot": record.json()["seq"]}):
                    path = f"/api/boards/{board_id}/export"
                    got = await call(
                        server, "GET", path, token, format=fmt, authors=authors, **params
                    )
                    assert got.status_code == 200, got.text
                    text = text_of(fmt, got.content, tmp_path)
                    clean(f"{who} {fmt} export {authors} {params}", text)
                    if fmt in ("json", "csv", "md", "html"):
                        assert ann_id not in text or fmt == "json", f"{fmt} names Ann's id"
    archive = json.loads((await call(server, "GET", path, fac_token, format="json")).content)
    for r in archive["ops"]:
        if r["seq"] in hidden and r["op"]["kind"] != "score.set":
            assert ann_id not in json.dumps(r), "the archive's log tells who wrote"
    anonymous("archive", archive["state"])

    # the round ends and the notes are revealed: now everyone reads them, named
    await acked(fac, {"kind": "phase.set", "phase": "dialogue"})
    revealed = await acked(fac, {"kind": "notes.reveal"})
    await caught_up(bo_peer, revealed)
    state = (await get_state(server, board_id, bo["token"]))["state"]
    assert state["notes"]["n1"]["text"] == SECRET and state["notes"]["n1"]["author"] == ann_id
    assert state["notes"]["n1"]["owner"] == "Ann Andersen" and state["notes"]["n1"]["due"] == DUE
    assert state["notes"]["f1"]["text"] == FAC_SECRET
    assert state["scores"][ann_id] == {"relevance": 4} and state["sealed_scores"] == {}
    # ... except the draft Ann deleted before anyone could read it: on no path, ever
    for name, token in tokens.items():
        welcome = await peers(server, board_id, token, since=0)
        assert DRAFT not in json.dumps(welcome.welcome), name
        assert DRAFT not in frames(bo_peer) and DRAFT not in frames(wall)
    archive_bytes = (await call(server, "GET", path, fac_token, format="json")).content
    assert DRAFT not in archive_bytes.decode() and SECRET in archive_bytes.decode()
    # the facilitator's archive is the board as they saw it, and it imports as that
    async with httpx.AsyncClient(base_url=own_server.url, timeout=timeout(30)) as http:
        imported = await http.post("/api/boards/import", content=archive_bytes)
    assert imported.status_code == 201, imported.text
    copy = await get_state(own_server, board_id, imported.json()["facilitator_token"])
    original = await get_state(server, board_id, fac_token)
    assert copy["state"]["notes"] == original["state"]["notes"]


async def test_an_anonymous_board_names_no_author_on_any_path(
    server: RunningServer, peers: Peers, tmp_path: Path
) -> None:
    board, ann, bo, (fac, ann_peer, bo_peer, wall) = await meeting(
        server, peers, method="free", language="sv", anonymous=True
    )
    board_id, fac_token, ann_id = board["id"], board["facilitator_token"], ann["participant_id"]
    area = fac.welcome["state"]["areas"][0]["id"]
    assert fac.welcome["state"]["anonymous"] is True

    unnamed = {
        await acked(
            ann_peer, {"kind": "note.add", "note": {"id": "a1", "area": area, "text": SECRET}}
        ),
        await acked(ann_peer, {"kind": "note.edit", "note_id": "a1", "text": SECRET + "!"}),
        await acked(ann_peer, {"kind": "note.move", "note_id": "a1", "x": 40, "y": 40}),
        await acked(ann_peer, {"kind": "note.color", "note_id": "a1", "color": "green"}),
    }
    # Ann, made scribe, writes for Gurli: whom it is for is hidden as its author is
    await acked(fac, {"kind": "scribe.set", "participant": ann_id, "on": True})
    written_for = {"id": "a2", "area": area, "text": "Gurlis idé", "for_name": FOR_NAME}
    unnamed.add(await acked(ann_peer, {"kind": "note.add", "note": written_for}))
    # the board's own rule: Ann may still change her note, and nobody else sees it is hers
    last = await acked(fac, {"kind": "notes.reveal"})
    for peer in (fac, bo_peer, wall):
        await caught_up(peer, last)
        assert SECRET + "!" in frames(peer)  # what it says is public
        assert FOR_NAME not in frames(peer)
        for r in hidden_records(peer, unnamed):
            assert r["by"] == "" and ann_id not in json.dumps(r), r["op"]["kind"]
    assert all(r["by"] == ann_id for r in hidden_records(ann_peer, unnamed))
    for token in (fac_token, bo["token"], board["viewer_token"]):
        state = (await get_state(server, board_id, token))["state"]
        assert state["notes"]["a1"]["author"] == "" and state["notes"]["a1"]["text"] == SECRET + "!"
        assert FOR_NAME not in json.dumps(state)
    mine = (await get_state(server, board_id, ann["token"]))["state"]
    assert mine["notes"]["a1"]["author"] == ann_id  # her own, to edit or take back
    assert mine["notes"]["a2"]["for_name"] == FOR_NAME

    path = f"/api/boards/{board_id}/export"
    for fmt in FORMATS:
        got = await call(server, "GET", path, fac_token, format=fmt, authors="named")
        text = text_of(fmt, got.content, tmp_path)
        assert SECRET in text, fmt
        assert FOR_NAME not in text, f"{fmt} names whom the scribe wrote for"
        if fmt == "json":  # who took part is no secret; who wrote the note is
            archive = json.loads(text)
            assert archive["state"]["notes"]["a1"]["author"] == ""
            assert all(r["by"] == "" for r in archive["ops"] if r["seq"] in unnamed)
            continue
        assert "Ann Andersen" not in text and ann_id not in text, f"{fmt} names the author"
        if fmt != "csv":
            assert "anonymt" in text, f"{fmt} does not say the note is anonymous"
