"""People's data: deleting a board now or after its retention time, anonymising authorship,
a participant's own data, and the facilitator revoking access (docs/privacy.md)."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from server.board.apply import Record, replay
from server.board.ops import dump_op, parse_op
from server.exports import archive
from tests.conftest import RunningServer, timeout
from tests.timing import eventually
from tests.wire import Peer, Peers, add_note, get_state, join, new_board

pytestmark = pytest.mark.anyio

SECRET = "Hemmelig note om en sygdom 7f3a"  # found in no file once the board is gone


async def call(
    server: RunningServer, method: str, path: str, token: str | None = None, body: Any = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        return await http.request(method, path, headers=headers, json=body)


async def closed_with(peer: Peer) -> int:
    """The close code the server sends this peer (waiting for it)."""
    with pytest.raises(ConnectionClosed) as closed:
        await peer.until(lambda m: False, "the server to close the connection")
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def rows_mentioning(db: Path, needle: str) -> list[str]:
    """Every table row of the SQLite file whose text holds `needle`."""
    connection = sqlite3.connect(db)
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        found = []
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                if needle in repr(row):
                    found.append(f"{table}: {row!r}")
        return found
    finally:
        connection.close()


def files_holding(directory: Path, needle: str) -> list[str]:
    """Every file of the server's directory (database, WAL, journal) whose bytes hold it."""
    return [
        p.name
        for p in directory.iterdir()
        if p.is_file() and p.suffix != ".log" and needle.encode() in p.read_bytes()
    ]


async def board_with_content(server: RunningServer, peers: Peers) -> dict[str, Any]:
    board = await new_board(server, title="Sundhedsnetværket")
    aase = await join(server, board["join_code"], "Aase")
    peer = await peers(server, board["id"], aase["token"])
    assert (await peer.ack(await peer.op(add_note("n1", SECRET))))["type"] == "ack"
    saved = await call(
        server,
        "POST",
        f"/api/boards/{board['id']}/records",
        board["facilitator_token"],
        {"name": "Referat"},
    )
    assert saved.status_code == 201, saved.text
    return {**board, "aase": aase, "peer": peer, "share_url": saved.json()["share_url"]}


async def test_facilitator_deletes_a_board_and_nothing_of_it_is_left_anywhere(
    peers: Peers, own_server: RunningServer
) -> None:
    board = await board_with_content(own_server, peers)
    token = board["facilitator_token"]
    participant = await call(
        own_server, "DELETE", f"/api/boards/{board['id']}", board["aase"]["token"]
    )
    assert participant.status_code == 403  # only the facilitator

    deleted = await call(own_server, "DELETE", f"/api/boards/{board['id']}", token)
    assert deleted.status_code == 204
    assert await closed_with(board["peer"]) == 1012  # sent away to reload: the board is gone

    again = await peers(own_server, board["id"], board["aase"]["token"])
    assert again.welcome["code"] == "unauthorized"
    assert (await call(own_server, "GET", f"/api/boards/{board['id']}", token)).status_code == 401
    assert (await call(own_server, "GET", board["share_url"])).status_code == 404
    join_again = await call(
        own_server, "POST", "/api/join", body={"code": board["join_code"], "name": "X"}
    )
    assert join_again.status_code == 404
    assert rows_mentioning(own_server.db_path, board["id"]) == []
    assert files_holding(own_server.workdir, SECRET) == []


async def test_a_board_past_its_retention_time_is_gone_from_every_table_and_file(
    peers: Peers, own_server: RunningServer
) -> None:
    old = await board_with_content(own_server, peers)
    kept = await new_board(own_server, title="Still in use")
    await old["peer"].close()
    own_server.stop()
    # 181 days pass for the old board (the default retention is 180 days after the last change)
    db = sqlite3.connect(own_server.db_path)
    with db:
        past = time.time() - 181 * 86400
        db.execute("UPDATE boards SET created_at = ? WHERE id = ?", (past, old["id"]))
        db.execute("UPDATE ops SET at = ? WHERE board_id = ?", (past, old["id"]))
    db.close()

    own_server.start()  # the sweep runs at start, then hourly

    async def gone() -> bool:
        answer = await call(own_server, "GET", f"/api/boards/{old['id']}", old["facilitator_token"])
        return answer.status_code == 401

    await eventually(gone, "the sweep to delete the expired board")
    assert rows_mentioning(own_server.db_path, old["id"]) == []
    assert files_holding(own_server.workdir, SECRET) == []
    assert (await get_state(own_server, kept["id"], kept["facilitator_token"]))["id"] == kept["id"]


async def test_a_facilitator_sets_a_board_retention_time_within_bounds(
    server: RunningServer,
) -> None:
    board = await new_board(server)
    path, token = f"/api/boards/{board['id']}", board["facilitator_token"]
    ok = await call(server, "PATCH", path, token, {"retention_days": 30})
    assert ok.status_code == 200 and ok.json() == {"retention_days": 30}
    for bad in (0, 10_000, "soon"):
        refused = await call(server, "PATCH", path, token, {"retention_days": bad})
        assert refused.status_code == 422
        assert "retention_days" in refused.json()["error"]["message"]


async def test_anonymising_a_board_takes_every_participant_name_out_of_its_history(
    peers: Peers, own_server: RunningServer
) -> None:
    board = await board_with_content(own_server, peers)
    token = board["facilitator_token"]
    refused = await call(
        own_server, "POST", f"/api/boards/{board['id']}/anonymise", board["aase"]["token"]
    )
    assert refused.status_code == 403

    done = await call(own_server, "POST", f"/api/boards/{board['id']}/anonymise", token)
    assert done.status_code == 200 and done.json()["participants_anonymised"] == 1
    assert await closed_with(board["peer"]) == 1012
    # a client coming back with its old epoch gets the whole rewritten board
    back = await peers(own_server, board["id"], board["aase"]["token"], since=2, epoch="old")
    assert back.welcome["epoch"] == done.json()["epoch"]
    people = back.welcome["state"]["participants"]
    assert people[board["aase"]["participant_id"]]["name"] == ""
    assert back.welcome["state"]["notes"]["n1"]["text"] == SECRET  # the notes stay

    export = await call(own_server, "GET", f"/api/boards/{board['id']}/export?format=json", token)
    assert "Aase" not in export.text
    # the archive's log replays to its state (load checks that), which is the board served
    _, replayed, _, _ = archive.load(export.content)
    state = await get_state(own_server, board["id"], token)
    assert replayed.to_json()["notes"] == state["state"]["notes"]
    assert rows_mentioning(own_server.db_path, "Aase") == []
    assert files_holding(own_server.workdir, "Aase") == []


async def test_a_participant_sees_their_data_and_takes_their_name_off_their_notes(
    peers: Peers, server: RunningServer
) -> None:
    board = await board_with_content(server, peers)
    aase = board["aase"]
    mine = await call(server, "GET", f"/api/boards/{board['id']}/me", aase["token"])
    assert mine.json() == {
        "participant_id": aase["participant_id"],
        "name": "Aase",
        "role": "participant",
        "notes": [{"id": "n1", "area": "main", "text": SECRET}],
    }
    forget = await call(server, "DELETE", f"/api/boards/{board['id']}/me/authorship", aase["token"])
    assert forget.status_code == 200 and forget.json()["notes_anonymised"] == 1

    state = (await get_state(server, board["id"], board["facilitator_token"]))["state"]
    author = state["notes"]["n1"]["author"]
    assert author != aase["participant_id"]
    assert state["participants"][author]["name"] == ""
    # she goes on as herself, with nothing tied to her before
    assert state["participants"][aase["participant_id"]]["name"] == "Aase"
    after = await call(server, "GET", f"/api/boards/{board['id']}/me", aase["token"])
    assert after.json()["notes"] == []
    peer = await peers(server, board["id"], aase["token"])
    assert (await peer.ack(await peer.op(add_note("n2", "Ny idé"))))["type"] == "ack"
    facilitator = await call(
        server, "DELETE", f"/api/boards/{board['id']}/me/authorship", board["facilitator_token"]
    )
    assert facilitator.status_code == 403


async def test_a_new_join_code_shuts_out_the_old_one_and_reaches_every_screen(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    projector = await peers(server, board["id"], board["viewer_token"])
    rotated = await call(
        server, "POST", f"/api/boards/{board['id']}/join-code", board["facilitator_token"]
    )
    assert rotated.status_code == 200
    code = rotated.json()["join_code"]
    assert code != board["join_code"]
    old = await call(server, "POST", "/api/join", body={"code": board["join_code"], "name": "Bo"})
    assert old.status_code == 404
    assert (await join(server, code, "Bo"))["board_id"] == board["id"]
    assert await closed_with(projector) == 1012
    again = await peers(server, board["id"], board["viewer_token"])
    assert again.welcome["join_code"] == code


async def test_a_removed_participant_is_cut_off_at_once_and_their_token_opens_nothing(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    bo = await join(server, board["join_code"], "Bo")
    peer = await peers(server, board["id"], bo["token"])
    path = f"/api/boards/{board['id']}/participants/{bo['participant_id']}"
    assert (await call(server, "DELETE", path, bo["token"])).status_code == 403

    removed = await call(server, "DELETE", path, board["facilitator_token"])
    assert removed.status_code == 204
    assert await closed_with(peer) == 1008
    assert (await peers(server, board["id"], bo["token"])).welcome["code"] == "unauthorized"
    assert (await call(server, "GET", f"/api/boards/{board['id']}", bo["token"])).status_code == 401
    assert (await call(server, "DELETE", path, board["facilitator_token"])).status_code == 404
    own = f"/api/boards/{board['id']}/participants/{board['participant_id']}"
    itself = await call(server, "DELETE", own, board["facilitator_token"])
    assert itself.status_code == 422


def test_the_rewrite_keeps_a_replay_equal_to_the_rewritten_state() -> None:
    """Pseudonyms applied to the log and to the state separately give the same board."""
    from server.board.privacy import Pseudonyms
    from server.board.state import Area
    from server.board.state import new_board as empty_board

    start = empty_board("b", "T", "free", "da", (Area("main", "Main", ""),))
    ops = [
        Record(
            1,
            "join-p-1",
            "p-1",
            parse_op(
                {
                    "kind": "participant.join",
                    "participant": {"id": "p-1", "name": "Aase", "role": "participant"},
                },
                from_server=True,
            ),
        ),
        Record(2, "o2", "p-1", parse_op(add_note("n1", "tekst"))),
        Record(3, "o3", "p-1", parse_op({"kind": "note.edit", "note_id": "n1", "text": "ny"})),
    ]
    rewrite = Pseudonyms.fresh("p-1")
    new_ops = [rewrite({"id": r.id, "by": r.by, "op": dump_op(r.op)}) for r in ops]
    records = [
        Record(r.seq, o["id"], o["by"], parse_op(o["op"], from_server=True))
        for r, o in zip(ops, new_ops, strict=True)
    ]
    assert replay(start, records).to_json() == rewrite(replay(start, ops).to_json())
    assert "Aase" not in json.dumps(new_ops)


async def test_python_clients_follow_a_rewrite_and_keep_writing(server: RunningServer) -> None:
    from board_client import BoardClient, create_board, fetch_board, join_board

    board = await create_board(server.url, "Rewritten", language="en")
    joined = await join_board(server.url, board.join_code, "Ingrid")
    async with (
        BoardClient(server.url, board.id, board.facilitator_token) as facilitator,
        BoardClient(server.url, joined.board_id, joined.token) as ingrid,
    ):
        await ingrid.add_note("main", "before")
        answer = await call(
            server, "POST", f"/api/boards/{board.id}/anonymise", board.facilitator_token
        )
        epoch = answer.json()["epoch"]
        # both reconnect by themselves into the new epoch and go on writing
        after = await ingrid.add_note("main", "after")
        last = await facilitator.add_note("main", "facilitator after")
        await eventually(
            lambda: ingrid.seq >= last.seq and ingrid.epoch == epoch, "Ingrid in the new epoch"
        )
        live = await fetch_board(server.url, board.id, board.facilitator_token)
        assert ingrid.state.to_json() == facilitator.state.to_json() == live["state"]
        assert live["state"]["participants"][joined.participant_id]["name"] == ""
        assert after.note_id in live["state"]["notes"]


async def test_the_privacy_notice_says_how_long_boards_are_kept_in_each_language(
    server: RunningServer,
) -> None:
    for lang, words in (
        ("da", ("Privatlivserklæring", "slettes 180 dage")),
        ("sv", ("Integritetsmeddelande", "raderas 180 dagar")),
        ("en", ("Privacy notice", "deleted 180 days")),
    ):
        page = await call(server, "GET", f"/privacy?lang={lang}")
        assert page.status_code == 200
        for word in words:
            assert word in page.text, (lang, word)
    start = await call(server, "GET", "/?lang=da")
    assert 'href="/privacy"' in start.text and "Kun dette navn gemmes" in start.text


async def test_after_the_board_was_anonymised_a_participant_can_still_take_back_her_notes(
    peers: Peers, server: RunningServer
) -> None:
    board = await board_with_content(server, peers)
    aase, path = board["aase"], f"/api/boards/{board['id']}"
    await call(server, "POST", f"{path}/anonymise", board["facilitator_token"])
    forget = await call(server, "DELETE", f"{path}/me/authorship", aase["token"])
    assert forget.json()["notes_anonymised"] == 1
    state = (await get_state(server, board["id"], board["facilitator_token"]))["state"]
    assert state["participants"][aase["participant_id"]]["role"] == "participant"
    peer = await peers(server, board["id"], aase["token"])
    ack = await peer.ack(await peer.op(add_note("n3", "still here")))
    assert (ack["type"], ack.get("noop")) == ("ack", None)


def document_text(fmt: str, data: bytes, tmp_path: Path) -> str:
    """An export's text as its reader shows it: PDF through pdftotext, DOCX through python-docx."""
    if fmt == "pdf":
        path = tmp_path / "record.pdf"
        path.write_bytes(data)
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
        return done.stdout.decode()
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return data.decode("utf-8-sig")


async def test_anonymising_takes_a_participants_name_out_of_what_she_took_on(
    peers: Peers, own_server: RunningServer, tmp_path: Path
) -> None:
    board = await new_board(own_server, title="Ejerskab", language="en")
    token, path = board["facilitator_token"], f"/api/boards/{board['id']}"
    bodil = await join(own_server, board["join_code"], "Bodil")
    peer = await peers(own_server, board["id"], bodil["token"])
    ops = [
        add_note("n1", "Ring til kommunen"),
        {"kind": "note.own", "note_id": "n1", "owner": "Bodil"},  # "I will take it on"
        {"kind": "idea.park", "idea": {"id": "i1", "text": "Et fælles kaffemøde"}},
        {"kind": "idea.own", "idea_id": "i1", "owner": " bodil"},  # typed by hand
        add_note("n2", "Book lokalet"),
        {"kind": "note.own", "note_id": "n2", "owner": "Facilitator"},  # not a participant
    ]
    for op in ops:
        assert (await peer.ack(await peer.op(op)))["type"] == "ack"
    saved = await call(own_server, "POST", f"{path}/records", token, {"name": "Referat"})
    share_url = saved.json()["share_url"]
    formats = ("md", "html", "pdf", "docx", "csv", "json")

    async def exported(fmt: str) -> str:
        answer = await call(own_server, "GET", f"{path}/export?format={fmt}&authors=named", token)
        assert answer.status_code == 200, answer.text
        return document_text(fmt, answer.content, tmp_path)

    assert "Owner: Bodil" in await exported("md")  # the name is there to be taken out
    assert "Bodil" in (await call(own_server, "GET", share_url)).text

    done = await call(own_server, "POST", f"{path}/anonymise", token)
    assert done.status_code == 200
    served = await call(own_server, "GET", path, token)
    assert "bodil" not in served.text.casefold()
    state = served.json()["state"]
    # the action and the idea stay taken, by a participant no longer named
    assert state["notes"]["n1"]["owner"] == state["parked"]["i1"]["owner"] == "Participant"
    assert state["notes"]["n2"]["owner"] == "Facilitator"
    for fmt in formats:
        text = await exported(fmt)
        assert "bodil" not in text.casefold(), fmt
        assert "Book lokalet" in text and "Facilitator" in text, fmt
    assert "bodil" not in (await call(own_server, "GET", share_url)).text.casefold()
    for spelling in ("Bodil", "bodil"):
        assert rows_mentioning(own_server.db_path, spelling) == []
        assert files_holding(own_server.workdir, spelling) == []
