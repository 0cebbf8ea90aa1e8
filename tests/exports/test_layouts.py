"""Records read like the handbook's templates: the leadership deliverable drafted from a
network's meetings, the idea book with only consenting names, and a PDF of every method
rendered to PNG pages (in test-artifacts/records/) to be looked at."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
import httpx
import pytest

from board_client import BoardClient, create_board, join_board
from facilitation_methods import load_catalogue
from tests.conftest import ROOT, RunningServer, timeout

pytestmark = pytest.mark.anyio
PAGES = ROOT / "test-artifacts" / "records"


async def post(server: RunningServer, path: str, body: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        response = await http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def export(server: RunningServer, board_id: str, token: str, fmt: str) -> bytes:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(60)) as http:
        response = await http.get(
            f"/api/boards/{board_id}/export",
            params={"format": fmt},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    return response.content


def pdf_text(data: bytes, tmp_path: Path, name: str = "record") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return done.stdout.decode()


async def test_the_leadership_deliverable_is_drafted_from_the_meetings(
    server: RunningServer, tmp_path: Path
) -> None:
    body = {"title": "Frivillighed", "theme": "Flere frivillige i ældreplejen", "language": "da"}
    network = await post(server, "/api/networks", body)
    path = f"/api/networks/{network['id']}/meetings"
    first = await post(server, path, {"title": "Opstart"}, network["token"])
    async with BoardClient(server.url, first["id"], first["facilitator_token"]) as fac:
        await fac.add_note("learning", "Frivillige bliver, når de bliver spurgt til råds")
        action = await fac.add_note("actions", "Fast kaffemøde med de frivillige")
        await fac.send_op({"kind": "note.own", "note_id": action.note_id, "owner": "Ida"})
    analysis = await post(
        server, path, {"title": "Analyse", "method": "category-analysis"}, network["token"]
    )
    async with BoardClient(server.url, analysis["id"], analysis["facilitator_token"]) as fac:
        top = await fac.add_note("hidden-treasures", "Pedellernes kendskab til familierne")
        await fac.send_op({"kind": "vote.open", "per_person": 1})
        await fac.send_op({"kind": "vote.cast", "note_id": top.note_id})
        await fac.send_op({"kind": "vote.close"})
    deliverable = await post(
        server,
        path,
        {"title": "Leverance: ældreplejen", "method": "leadership-deliverable"},
        network["token"],
    )
    async with BoardClient(server.url, deliverable["id"], deliverable["facilitator_token"]) as fac:
        fields = fac.state.fields
        assert fields["theme"] == "Flere frivillige i ældreplejen"
        assert "Frivillige bliver, når de bliver spurgt til råds [Møde 1]" in fields["knowledge"]
        assert "Fast kaffemøde med de frivillige (Ida) [Møde 1]" in fields["practice"]
        assert fields["recommendations"].startswith("1. Pedellernes kendskab til familierne")
        other = {"kind": "field.set", "field": "other", "text": "Tak til alle kommuner"}
        await fac.send_op(other)  # the facilitator edits the draft on the board
    token = deliverable["facilitator_token"]
    word = docx.Document(io.BytesIO(await export(server, deliverable["id"], token, "docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == [
        # the five headings of the handbook's "Leverance til Chefforum", word for word
        "Netværkstema",
        "Vidensopsamling og beskrivelse af læringen",
        "Hvordan har læringen medvirket til ændrede praksisser?",
        "Prioriterede anbefalinger til fremadrettet arbejde med læringen",
        "Andet",
    ]
    # the prioritised recommendations read as a numbered list, not bullets before numbers
    ranked = [p for p in word.paragraphs if p.text.startswith("Pedellernes kendskab")]
    assert [p.style.name for p in ranked] == ["List Number"]
    markdown = (await export(server, deliverable["id"], token, "md")).decode()
    assert "\n1. Pedellernes kendskab til familierne" in markdown and "- 1." not in markdown
    html = (await export(server, deliverable["id"], token, "html")).decode()
    assert '<ol class="entries">' in html
    assert "<svg" not in html.split("<h2")[0]  # no picture of a board that holds no notes
    pdf = await export(server, deliverable["id"], token, "pdf")
    text = pdf_text(pdf, tmp_path)
    assert "Tak til alle kommuner" in text and "Pedellernes kendskab" in text
    # tagged for screen readers, as public bodies must publish
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    assert b"Tagged:          yes" in info
    # saved under the board's title and the meeting's date, not an id
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(60)) as http:
        response = await http.get(
            f"/api/boards/{deliverable['id']}/export",
            params={"format": "docx"},
            headers={"Authorization": f"Bearer {token}"},
        )
    today = datetime.now(UTC).date().isoformat()
    disposition = response.headers["content-disposition"]
    assert f"filename*=UTF-8''{quote(f'Leverance ældreplejen - {today}.docx')}" in disposition
    assert f'filename="Leverance aeldreplejen - {today}.docx"' in disposition


async def test_the_idea_book_names_only_those_who_agreed(
    server: RunningServer, tmp_path: Path
) -> None:
    board = await create_board(server.url, "Idébog", method="idea-book", language="da")
    ole = await join_board(server.url, board.join_code, "Ole")
    ida = await join_board(server.url, board.join_code, "Ida")
    async with (
        BoardClient(server.url, board.id, ole.token) as o,
        BoardClient(server.url, board.id, ida.token) as i,
    ):
        await o.send_op({"kind": "consent.set", "consent": True})
        await o.add_note("quotes", "Vi har brug for hinanden")
        await i.add_note("insights", "Små møder virker bedst")
    html = (await export(server, board.id, board.facilitator_token, "html")).decode()
    assert "“Vi har brug for hinanden”" in html and "<svg" in html
    participants = html.split("<h2>Deltagere</h2>")[1]
    assert "Ole" in participants and "Ida" not in participants
    text = pdf_text(await export(server, board.id, board.facilitator_token, "pdf"), tmp_path)
    assert "Små møder virker bedst" in text


async def test_a_pdf_record_of_every_method_renders_to_pages(
    server: RunningServer, tmp_path: Path
) -> None:
    PAGES.mkdir(parents=True, exist_ok=True)
    for method in load_catalogue().values():
        board = await create_board(server.url, method.name["da"], method=method.id, language="da")
        async with BoardClient(server.url, board.id, board.facilitator_token) as fac:
            for area in fac.state.areas[:3]:
                await fac.add_note(area.id, f"En note i {area.title}")
            for field in list(fac.state.fields)[:2]:
                await fac.send_op({"kind": "field.set", "field": field, "text": "Udfyldt felt"})
            for table_id, table in fac.state.tables.items():
                row = table.rows[0] if table.rows else "r1"
                if not table.rows:
                    await fac.send_op({"kind": "row.add", "table": table_id, "row": row})
                cell = {"table": table_id, "row": row, "column": table.columns[0]}
                await fac.send_op({"kind": "cell.set", **cell, "text": "En celle"})
        data = await export(server, board.id, board.facilitator_token, "pdf")
        assert method.name["da"] in pdf_text(data, tmp_path, method.id)
        pdf = tmp_path / f"{method.id}.pdf"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "50",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(PAGES / method.id),
            ],
            check=True,
        )
    assert len(list(PAGES.glob("*.png"))) >= 12
