"""Records tell the truth about origin: in a learning network, a note carried from meeting to
meeting keeps its first author and its first source (meeting, date, title) on every hop, is
carried once, and the closing meeting holds every earlier meeting's capture fields."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from html import unescape
from typing import Any

import docx
import httpx
import pytest

from board_client import BoardClient, fetch_board, join_board
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.anyio

# text -> (who wrote it, the meeting it was first written in)
WRITTEN: dict[str, tuple[str, int]] = {}


async def api(server: RunningServer, path: str, body: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        response = await http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def export(server: RunningServer, board: dict[str, Any], fmt: str) -> bytes:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        response = await http.get(
            f"/api/boards/{board['id']}/export",
            params={"format": fmt, "authors": "named"},
            headers={"Authorization": f"Bearer {board['facilitator_token']}"},
        )
    assert response.status_code == 200, response.text
    return response.content


async def write(client: BoardClient, name: str, number: int, area: str, text: str) -> str:
    WRITTEN[text] = (name, number)
    return (await client.add_note(area, text)).note_id or ""


async def fill(client: BoardClient, name: str, number: int, field: str, text: str) -> None:
    label = {"theme": "Theme and potentials", "contacts": "Who knows more?"}[field]
    WRITTEN[f"{label}: {text}"] = (name, number)
    await client.send_op({"kind": "field.set", "field": field, "text": text})


def carried_id(state: dict[str, Any], text: str) -> str:
    (note_id,) = [k for k, n in state["notes"].items() if n["text"] == text]
    return note_id


def origin(state: dict[str, Any], note: dict[str, Any]) -> tuple[str, str]:
    """Who a carried note names as its author, and its source."""
    author = state["participants"][note["author"]]
    assert (author["role"], author["carried"], author["consent"]) == ("participant", True, False)
    return author["name"], note["source"]


def first_source(number: int) -> tuple[str, str]:
    """How a source of meeting `number` starts and ends (the date lies between)."""
    return f"Meeting {number} · ", f" · {TITLES[number - 1]}"


TITLES = ["Kick-off", "Study visit", "Workshop", "Closing analysis"]


async def test_every_carried_note_keeps_its_first_author_and_source_to_the_closing_record(
    server: RunningServer,
) -> None:
    WRITTEN.clear()
    body = {"title": "Frivillighed", "theme": "More volunteers", "language": "en"}
    network = await api(server, "/api/networks", body)
    path, token = f"/api/networks/{network['id']}/meetings", network["token"]

    async def meeting(number: int, **extra: Any) -> dict[str, Any]:
        answer = await api(server, path, {"title": TITLES[number - 1], **extra}, token)
        assert answer["number"] == number
        return dict(answer)

    async def people(board: dict[str, Any], *names: str) -> list[BoardClient]:
        joined = [await join_board(server.url, board["join_code"], n) for n in names]
        return [BoardClient(server.url, board["id"], j.token) for j in joined]

    # meeting 1: Lars and Mette write and fill in the capture; Lars parks an idea, Mette takes it
    one = await meeting(1, name="Fie")
    lars, mette = await people(one, "Lars", "Mette")
    async with BoardClient(server.url, one["id"], one["facilitator_token"]) as fie, lars, mette:
        await write(lars, "Lars", 1, "learning", "Volunteers stay when asked for advice")
        coffee = await write(mette, "Mette", 1, "actions", "Weekly coffee with the volunteers")
        await mette.send_op({"kind": "note.own", "note_id": coffee, "owner": "Mette"})
        await write(fie, "Fie", 1, "knowledge", "Half the helpers are over seventy")
        await fill(lars, "Lars", 1, "theme", "Keeping volunteers")
        await fill(mette, "Mette", 1, "contacts", "The day centre's coordinator")
        await lars.send_op({"kind": "idea.park", "idea": {"id": "cafe", "text": "A café"}})
        await mette.send_op({"kind": "idea.own", "idea_id": "cafe", "owner": "Mette"})

    # meeting 2 opens with meeting 1's recap, still written by Lars and Mette, not by Per
    two = await meeting(2, name="Per")
    state = (await fetch_board(server.url, two["id"], two["facilitator_token"]))["state"]
    for note in (n for n in state["notes"].values() if n["area"] == "recap"):
        name, source = origin(state, note)
        assert name == WRITTEN[note["text"]][0] != "Per"
        assert source.startswith(first_source(1)[0]) and source.endswith(first_source(1)[1])
    (idea,) = state["parked"].values()
    assert state["participants"][idea["by"]]["name"] == "Lars" and idea["owner"] == "Mette"
    assert idea["source"].endswith(" · Kick-off")
    (ida,) = await people(two, "Ida")
    async with BoardClient(server.url, two["id"], two["facilitator_token"]) as per, ida:
        await write(ida, "Ida", 2, "knowledge", "The school wants a project with us")
        await fill(ida, "Ida", 2, "theme", "Recruiting through schools")
        # what Lars learnt in meeting 1 is learnt again today: it goes on to the next recap
        await per.move_note(carried_id(state, "Volunteers stay when asked for advice"), "learning")

    # meeting 3: what passed through meeting 2 is still Lars's, from meeting 1
    three = await meeting(3, name="Per")
    state = (await fetch_board(server.url, three["id"], three["facilitator_token"]))["state"]
    lars_note = state["notes"][carried_id(state, "Volunteers stay when asked for advice")]
    assert origin(state, lars_note)[0] == "Lars"
    assert lars_note["source"].endswith(" · Kick-off")
    cafe = next(i for i in state["parked"].values() if i["text"] == "A café")
    assert cafe["source"].endswith(" · Kick-off")
    assert state["participants"][cafe["by"]]["name"] == "Lars"
    (ole,) = await people(three, "Ole")
    async with BoardClient(server.url, three["id"], three["facilitator_token"]) as per, ole:
        await write(ole, "Ole", 3, "actions", "Ask the school for a date")
        await fill(ole, "Ole", 3, "contacts", "The head of the school")
        await per.move_note(lars_note["id"], "knowledge")  # and on it goes
        await per.move_note(carried_id(state, "The school wants a project with us"), "learning")

    # the closing meeting: everything, once, under its first author and first source
    closing = await meeting(4, method="category-analysis", closing=True, name="Per")
    state = (await fetch_board(server.url, closing["id"], closing["facilitator_token"]))["state"]
    notes = [n for n in state["notes"].values() if n["source"]]
    assert Counter(n["text"] for n in notes) == Counter(set(WRITTEN))  # all there, each once
    for note in notes:
        name, number = WRITTEN[note["text"]]
        start, end = first_source(number)
        assert origin(state, note)[0] == name, note
        assert note["source"].startswith(start) and note["source"].endswith(end), note
    assert [state["participants"][idea["by"]]["name"] for idea in state["parked"].values()] == [
        "Lars"
    ]
    carried = [p["name"] for p in state["participants"].values() if p.get("carried")]
    assert sorted(carried) == ["Fie", "Ida", "Lars", "Mette", "Ole"]  # each person once
    for field in (
        "Theme and potentials: Keeping volunteers",
        "Who knows more?: The head of the school",
    ):
        assert field in {n["text"] for n in notes}

    # the record says the same: by whom and from where, in every format that names authors
    word = docx.Document(io.BytesIO(await export(server, closing, "docx")))
    items = [
        unescape(i)
        for i in re.findall(
            r"<li>(.*?)</li>", (await export(server, closing, "html")).decode(), re.S
        )
    ]
    rows = list(csv.reader(io.StringIO((await export(server, closing, "csv")).decode("utf-8-sig"))))
    by_text = {r[1]: r[2] for r in rows[1:]}
    for text, (name, number) in WRITTEN.items():
        (line,) = [p.text for p in word.paragraphs if p.text.startswith(text)]
        assert f"by {name}" in line and f"Meeting {number} · " in line, line
        assert TITLES[number - 1] in line
        (item,) = [i for i in items if i.startswith(text)]
        assert f"by {name}" in item and f"Meeting {number} · " in item, item
        assert by_text[text] == name

    # anonymising the closing meeting takes the carried names off it too, owners included
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        auth = {"Authorization": f"Bearer {closing['facilitator_token']}"}
        done = await http.post(f"/api/boards/{closing['id']}/anonymise", headers=auth)
        assert done.status_code == 200, done.text
        served = (await http.get(f"/api/boards/{closing['id']}", headers=auth)).text
    for name in ("Fie", "Ida", "Lars", "Mette", "Ole"):
        assert f'"{name}"' not in served, name
    assert '"owner":"Participant"' in served.replace(" ", "")


async def test_a_note_written_anonymously_stays_anonymous_in_the_next_meeting(
    server: RunningServer,
) -> None:
    body = {"title": "Ensomhed", "theme": "Fewer lonely elderly", "language": "en"}
    network = await api(server, "/api/networks", body)
    path, token = f"/api/networks/{network['id']}/meetings", network["token"]
    one = await api(server, path, {"title": "Kick-off"}, token)
    joined = await join_board(server.url, one["join_code"], "Karen Holm")
    async with (
        BoardClient(server.url, one["id"], one["facilitator_token"]) as fac,
        BoardClient(server.url, one["id"], joined.token) as karen,
    ):
        await fac.send_op({"kind": "board.anonymous", "anonymous": True})
        await karen.add_note("learning", "I was lonely myself last winter")
    two = await api(server, path, {"title": "Study visit"}, token)
    state = (await fetch_board(server.url, two["id"], two["facilitator_token"]))["state"]
    (note,) = [n for n in state["notes"].values() if n["text"].startswith("I was lonely")]
    assert note["anonymous"] and note["author"] == ""
    assert "Karen Holm" not in str(state) and note["source"].endswith(" · Kick-off")
    record = (await export(server, two, "md")).decode()
    assert "I was lonely myself" in record and "Karen" not in record
    assert "written anonymously" in record
