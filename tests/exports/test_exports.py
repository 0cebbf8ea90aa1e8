"""Records of a scripted meeting in every format, each read back the way its reader would:
PDF through pdftotext, DOCX through python-docx, CSV through the csv module, JSON through an
import into a fresh server. A corpus of hostile and unusual texts stays inert and intact."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest

from board_client import BoardClient, create_board, join_board
from tests.conftest import ROOT, RunningServer, timeout

pytestmark = pytest.mark.anyio

CORPUS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '=HYPERLINK("http://evil.example","klik")',
    "Ordet " + "tværfagligsamarbejdsudviklingsprojekt" * 3,
    "مرحبا بالعالم",
    "Glæde og 🎉 sammen",
    "Åse, Øre, Ære; Åsa, Örjan, Ärla",
]


async def run_meeting(server: RunningServer) -> tuple[Any, str]:
    board = await create_board(
        server.url, "Analyse af frivillighed", method="category-analysis", language="da"
    )
    joined = await join_board(server.url, board.join_code, "Ole")
    async with (
        BoardClient(server.url, board.id, board.facilitator_token) as fac,
        BoardClient(server.url, board.id, joined.token) as ole,
    ):
        await fac.send_op({"kind": "phase.set", "phase": "silent", "focus": ["hidden-treasures"]})
        ids = [(await ole.add_note("hidden-treasures", text)).note_id or "" for text in CORPUS]
        await fac.send_op({"kind": "notes.reveal"})
        await fac.send_op({"kind": "phase.set", "phase": "together"})
        paradox = await ole.add_note("paradoxes", "Vi vil have frivillige, men har ikke tid")
        link = {"id": "l1", "a": ids[7], "b": paradox.note_id, "contradiction": True}
        await fac.send_op({"kind": "link.add", "link": link})
        await fac.send_op({"kind": "vote.open", "per_person": 2})
        await ole.send_op({"kind": "vote.cast", "note_id": ids[6]})
        await fac.send_op({"kind": "vote.cast", "note_id": ids[6]})
        await ole.send_op({"kind": "vote.cast", "note_id": ids[5]})
        await fac.send_op({"kind": "vote.close"})
        action = await fac.add_note("into-play", "Spørg pedellerne til næste møde")
        own = {"kind": "note.own", "note_id": action.note_id, "owner": "Ida", "due": "2027-01-15"}
        await fac.send_op(own)
        await ole.send_op({"kind": "idea.park", "idea": {"id": "i1", "text": "Ungdomsklubben"}})
        await fac.send_op({"kind": "idea.own", "idea_id": "i1", "owner": "Per"})
    return board, "Ole"


async def get(server: RunningServer, path: str, token: str, **params: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(60)) as http:
        return await http.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _flat(text: str) -> str:
    return "".join(text.split())


async def test_every_format_reads_back_with_the_meeting_in_it(
    server: RunningServer, tmp_path: Path
) -> None:
    board, author = await run_meeting(server)
    path = f"/api/boards/{board.id}/export"
    token = board.facilitator_token

    html = (await get(server, path, token, format="html")).text
    parsed = _Html()
    parsed.feed(html)
    assert not [t for t, _ in parsed.tags if t in ("script", "img", "iframe", "a")]
    assert not [a for _, attrs in parsed.tags for a, _ in attrs if a.startswith("on")]
    text = "".join(parsed.text)
    for item in CORPUS:
        assert item in text, f"HTML lost {item!r}"
    for heading in ("Kategorier", "Mønstre på tværs", "Prioriteringer", "Parkerede idéer"):
        assert heading in text
    assert "Tovholder: Ida, senest 15. jan. 2027" in text and author not in text
    assert "2 stemmer" in text and "1 stemme" in text and "1 stemmer" not in text  # plurals
    # the votes as a bar chart a screen reader can name, most votes first
    charts = [
        dict(attrs) for tag, attrs in parsed.tags if tag == "svg" and ("role", "img") in attrs
    ]
    labels = [c["aria-label"] for c in charts]
    assert labels == [
        "Analyse af frivillighed",
        "Stemmer på de noter, der fik flest stemmer, flest først",
    ]
    start = html.index('role="img" aria-label="Stemmer')
    chart = html[start : html.index("</figure>", start)]
    assert chart.index(CORPUS[6]) < chart.index(CORPUS[5])
    assert f"{CORPUS[7]} ↔ Vi vil have frivillige, men har ikke tid" in text

    markdown = (await get(server, path, token, format="md")).text
    assert "<script>" not in markdown and "](javascript:" not in markdown
    assert "\\<script\\>" in markdown

    pdf = tmp_path / "record.pdf"
    pdf.write_bytes((await get(server, path, token, format="pdf")).content)
    pdf_text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for item in (CORPUS[0], CORPUS[3], CORPUS[7], "Spørg pedellerne til næste møde"):
        assert _flat(item) in _flat(pdf_text), f"PDF lost {item!r}"
    assert _flat(CORPUS[4]) in _flat(pdf_text)  # the long word, wrapped but whole

    document = docx.Document(io.BytesIO((await get(server, path, token, format="docx")).content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    for item in CORPUS:
        assert item in paragraphs, f"DOCX lost {item!r}"
    assert any(
        p.style.name.startswith("Heading") and p.text == "Kategorier" for p in document.paragraphs
    )
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    assert [["Note", "Stemmer"], [CORPUS[6], "2"], [CORPUS[5], "1"]] in tables  # the chart

    rows = list(csv.reader(io.StringIO((await get(server, path, token, format="csv")).text)))
    assert rows[0] == [
        *("\ufeffOmråde", "Tekst", "Forfatter", "Stemmer", "Gruppe", "Tovholder", "Senest")
    ]
    by_text = {r[1]: r for r in rows[1:]}
    assert "'" + CORPUS[3] in by_text, "a formula must be neutralised"
    assert by_text[CORPUS[6]][3] == "2"
    assert by_text["Spørg pedellerne til næste møde"][5:] == ["Ida", "2027-01-15"]
    assert all(r[2] == "" for r in rows[1:]), "authors are anonymous unless asked"
    named = list(
        csv.reader(
            io.StringIO((await get(server, path, token, format="csv", authors="named")).text)
        )
    )
    assert {r[2] for r in named[1:]} >= {author}


async def test_a_json_archive_imports_into_another_server_exactly(
    server: RunningServer, own_server: RunningServer
) -> None:
    board, _ = await run_meeting(server)
    archive = (
        await get(server, f"/api/boards/{board.id}/export", board.facilitator_token, format="json")
    ).content
    assert json.loads(archive)["version"] == 1
    async with httpx.AsyncClient(base_url=own_server.url, timeout=timeout(30)) as http:
        imported = await http.post("/api/boards/import", content=archive)
        assert imported.status_code == 201, imported.text
        again = await http.post("/api/boards/import", content=archive)
        assert again.status_code == 409
        tampered = json.loads(archive)
        tampered["board"]["id"] = "f" * 32
        tampered["state"]["parked"]["i1"]["owner"] = "Mallory"  # the log says Per
        broken = await http.post("/api/boards/import", json=tampered)
        assert broken.status_code == 422 and "replay" in broken.json()["error"]["message"]
    original = await get(server, f"/api/boards/{board.id}", board.facilitator_token)
    copy = await get(own_server, f"/api/boards/{board.id}", imported.json()["facilitator_token"])
    assert copy.json()["state"] == original.json()["state"]
    async with BoardClient(own_server.url, board.id, imported.json()["facilitator_token"]) as fac:
        ack = await fac.add_note("priorities", "life goes on after the move")
        assert ack.seq == original.json()["seq"] + 1


async def test_records_are_kept_listed_shared_and_exported_by_the_cli(
    own_server: RunningServer, tmp_path: Path
) -> None:
    board, _ = await run_meeting(own_server)
    token = board.facilitator_token
    async with httpx.AsyncClient(base_url=own_server.url, timeout=timeout(30)) as http:
        auth = {"Authorization": f"Bearer {token}"}
        saved = await http.post(
            f"/api/boards/{board.id}/records", json={"name": "Efter analysen"}, headers=auth
        )
        assert saved.status_code == 201
        async with BoardClient(own_server.url, board.id, token) as fac:
            await fac.add_note("priorities", "written after the record")
            await fac.send_op({"kind": "meeting.close"})
        for _ in range(100):
            records = (await http.get(f"/api/boards/{board.id}/records", headers=auth)).json()
            if len(records) == 2:
                break
        assert [r["name"] for r in records] == ["Efter analysen", "Mødet afsluttet"]
        shared = await http.get(records[0]["share_url"])
        assert (
            shared.status_code == 200
            and "script-src" not in shared.headers["content-security-policy"]
        )
        assert "Efter analysen" in shared.text and "written after the record" not in shared.text
        past = await http.get(f"/api/boards/{board.id}/history", params={"seq": 2}, headers=auth)
        assert past.json()["state"]["seq"] == 2 and past.json()["state"]["notes"] == {}
        nowhere = await http.get("/s/" + "0" * 32)
        assert nowhere.status_code == 404

    out = tmp_path / "record.docx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "export",
            board.id,
            "--snapshot",
            str(records[0]["seq"]),
            "--format",
            "docx",
            "-o",
            str(out),
            "--database-url",
            f"sqlite:///{own_server.db_path}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Efter analysen" in text and "written after the record" not in text


@pytest.mark.parametrize(
    "state",
    [
        {
            "id": "x",
            "title": "t",
            "method": "free",
            "language": "da",
            "seq": 0,
            "areas": [],
            "notes": [],
            "participants": {},
        },
        {"id": "x"},
        [],
    ],
    ids=["notes-a-list", "fields-missing", "state-a-list"],
)
def test_an_archive_of_the_wrong_shape_is_refused_with_its_reason(state: Any) -> None:
    from server.exports.archive import ArchiveError, load

    archive = {
        "format": "planche-board",
        "version": 1,
        "board": {
            "id": "b" * 32,
            "title": "t",
            "method": "free",
            "language": "da",
            "join_code": "AAAA-BBBB",
            "epoch": "e",
            "created_at": 0.0,
        },
        "state": state,
        "snapshots": [],
        "ops": [],
    }
    with pytest.raises(ArchiveError):
        load(json.dumps(archive).encode())


async def test_a_swedish_record_writes_numbers_the_swedish_way(server: RunningServer) -> None:
    board = await create_board(server.url, "Kritisk vän", method="critical-friend", language="sv")
    joined = await join_board(server.url, board.join_code, "Åsa")
    async with (
        BoardClient(server.url, board.id, board.facilitator_token) as fac,
        BoardClient(server.url, board.id, joined.token) as asa,
    ):
        await fac.send_op({"kind": "score.set", "criterion": "clarity", "score": 3})
        await asa.send_op({"kind": "score.set", "criterion": "clarity", "score": 4})
        await fac.send_op({"kind": "meeting.close"})
    html = (await get(server, f"/api/boards/{board.id}/export", board.facilitator_token)).text
    parsed = _Html()
    parsed.feed(html)
    cells = [t.strip() for t in parsed.text if t.strip()]
    assert "3,5" in cells and "3.5" not in cells
    caption = "Genomsnittlig poäng per kriterium på en skala från 1 till 5"
    assert ("aria-label", caption) in [
        a for tag, attrs in parsed.tags if tag == "svg" for a in attrs
    ]
