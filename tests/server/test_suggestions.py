"""Suggested groups and duplicates over REST (`POST /api/boards/{id}/suggestions`): the
facilitator's only, from the notes the facilitator sees, and with the optional engine never
sent a private note before its reveal (checked on what the model server received)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.board.state import Area, Note
from server.board.state import new_board as empty_board
from server.http.suggest import engine_input
from tests.conftest import ROOT, RunningServer, timeout, wait_until_answers
from tests.timing import free_port
from tests.wire import Peer, Peers, join, new_board

pytestmark = pytest.mark.anyio

SECRET = "Hemmelig iagttagelse om hjemmeplejen 5c2e"
CARE = [
    "Hjemmeplejen har for lidt tid til hver borger",
    "Hjemmeplejen har alt for lidt tid hos hver borger",
    "Travlhed i hjemmeplejen: medarbejderne når det ikke",
]
SUN = ["Solceller på alle kommunale tage", "Solceller på skolernes tage"]


async def api(
    server: RunningServer, method: str, path: str, token: str, **params: Any
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        return await http.request(
            method, path, headers={"Authorization": f"Bearer {token}"}, params=params
        )


async def suggest(server: RunningServer, board_id: str, token: str, body: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        return await http.post(
            f"/api/boards/{board_id}/suggestions",
            headers={"Authorization": f"Bearer {token}"},
            json=body,
        )


async def add(peer: Peer, note_id: str, area: str, text: str) -> None:
    op = {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}
    answer = await peer.ack(await peer.op(op))
    assert answer["type"] == "ack" and "noop" not in answer, answer


async def analysis(server: RunningServer) -> dict[str, Any]:
    return await new_board(
        server, method="category-analysis", categories=["hidden-treasures", "paradoxes"]
    )


async def test_facilitator_gets_groups_with_labels_and_duplicates_of_the_board(
    server: RunningServer, peers: Peers
) -> None:
    board = await analysis(server)
    fac = await peers(server, board["id"], board["facilitator_token"])
    for i, text in enumerate(CARE + SUN):
        await add(fac, f"n{i}", "hidden-treasures", text)
    await add(fac, "p0", "paradoxes", "Vi måler alt, men ved intet")

    answer = await suggest(server, board["id"], board["facilitator_token"], {"areas": None})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    groups = {frozenset(g["note_ids"]): g["label"] for g in body["groups"]}
    assert set(groups) == {frozenset({"n0", "n1", "n2"}), frozenset({"n3", "n4"})}
    assert "hjemmeplejen" in groups[frozenset({"n0", "n1", "n2"})].lower()
    assert body["duplicates"] == [["n0", "n1"]]

    # once the facilitator has grouped a note, suggestions leave it where it is
    for op in (
        {"kind": "group.add", "group": {"id": "g1", "area": "hidden-treasures", "name": "Tid"}},
        {"kind": "note.group", "note_id": "n2", "group_id": "g1"},
    ):
        assert (await fac.ack(await fac.op(op)))["type"] == "ack"
    after = await suggest(server, board["id"], board["facilitator_token"], {"areas": None})
    assert {frozenset(g["note_ids"]) for g in after.json()["groups"]} == {
        frozenset({"n0", "n1"}),
        frozenset({"n3", "n4"}),
    }
    assert after.json()["duplicates"] == [["n0", "n1"]]

    only = await suggest(server, board["id"], board["facilitator_token"], {"areas": ["paradoxes"]})
    assert only.json() == {"groups": [], "duplicates": []}
    unknown = await suggest(server, board["id"], board["facilitator_token"], {"areas": ["nope"]})
    assert unknown.status_code == 422 and "nope" in unknown.json()["error"]["message"]
    ann = await join(server, board["join_code"], "Ann")
    refused = await suggest(server, board["id"], ann["token"], {})
    assert refused.status_code == 403


def test_the_engine_input_is_the_facilitators_view_without_private_notes() -> None:
    state = empty_board("b1", "B", "free", "da", (Area("a", "A"), Area("b", "B")))
    notes = {
        "n1": Note("n1", "a", CARE[0], "p1", created_seq=1),
        "n2": Note("n2", "a", SECRET, "p2", private=True, created_seq=2),
        "n3": Note("n3", "b", SUN[0], "p2", created_seq=3),
        "n4": Note("n4", "a", "   ", "p2", created_seq=4),
    }
    state = replace(state, notes=notes)
    assert [n.id for n in engine_input(state, "f", None)] == ["n1", "n3"]
    assert [n.text for n in engine_input(state, "f", ["a"])] == [CARE[0]]
    # not even a facilitator who wrote it privately has it grouped before the reveal
    assert SECRET not in repr(engine_input(state, "p2", None))


async def test_the_facilitator_edits_the_draft_summary_and_the_record_shows_it(
    server: RunningServer, peers: Peers
) -> None:
    board = await analysis(server)
    board_id, token = board["id"], board["facilitator_token"]
    fac = await peers(server, board_id, token)
    for i, text in enumerate(CARE):
        await add(fac, f"n{i}", "hidden-treasures", text)
    for op in (
        {"kind": "group.add", "group": {"id": "g1", "area": "hidden-treasures", "name": "Tid"}},
        {"kind": "note.group", "note_id": "n0", "group_id": "g1"},
        {"kind": "note.group", "note_id": "n2", "group_id": "g1"},
        {"kind": "note.own", "note_id": "n1", "owner": "Kim"},
    ):
        assert (await fac.ack(await fac.op(op)))["type"] == "ack"
    answer = await api(server, "GET", f"/api/boards/{board_id}/summary-draft", token)
    assert answer.status_code == 200, answer.text
    lines = answer.json()["text"].splitlines()
    assert lines[0] == "Skjulte skatte"
    assert "- Gruppen »Tid«: 2 noter" in lines
    assert f"- {CARE[1]} (Tovholder: Kim)" in lines

    edited = "\n".join(["Tiden i hjemmeplejen var det store tema.", "", *lines])
    saved = await fac.ack(await fac.op({"kind": "summary.set", "text": edited}))
    assert saved["type"] == "ack" and "noop" not in saved
    record = await api(server, "GET", f"/api/boards/{board_id}/export", token, format="md")
    text = record.text
    assert "## Opsamling\n\n- Tiden i hjemmeplejen var det store tema\\." in text
    assert "### Skjulte skatte\n\n- 3 noter\n- Gruppen »Tid«: 2 noter\n" in text
    assert text.index("## Opsamling") < text.index("## Kategorier")  # the summary comes first
    ann = await join(server, board["join_code"], "Ann")
    refused = await api(server, "GET", f"/api/boards/{board_id}/summary-draft", ann["token"])
    assert refused.status_code == 403


class ModelServer:
    """tests/suggest_server.py in its own process: an OpenAI-compatible HTTP server with
    deterministic vectors (not a model), which tells what it received."""

    def __init__(self, workdir: Path) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = workdir / "model.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.suggest_server", self.url.rpartition(":")[2]],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_answers(self.url + "/received", self.process, self.log.read_text, "model")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout(10))


@pytest.fixture
def model_server(tmp_path: Path) -> Iterator[ModelServer]:
    running = ModelServer(tmp_path)
    yield running
    running.stop()


def received(model_url: str) -> list[str]:
    with urllib.request.urlopen(model_url + "/received", timeout=timeout(5)) as answer:
        texts: list[str] = json.loads(answer.read())["texts"]
        return texts


async def test_optional_engine_is_never_sent_a_private_note_before_its_reveal(
    model_server: ModelServer, tmp_path: Path, peers: Peers
) -> None:
    args = ("--suggest-url", model_server.url + "/v1", "--suggest-model", "test-embeddings")
    running = RunningServer(tmp_path, (*args, "--suggest-chat-model", "test-chat"))
    running.start()
    try:
        board = await analysis(running)
        token = board["facilitator_token"]
        ann = await join(running, board["join_code"], "Ann Andersen")
        fac = await peers(running, board["id"], token)
        ann_peer = await peers(running, board["id"], ann["token"])
        for i, text in enumerate(CARE + SUN):
            await add(fac, f"n{i}", "hidden-treasures", text)
        await fac.ack(await fac.op({"kind": "phase.set", "phase": "silent"}))
        await add(ann_peer, "secret", "hidden-treasures", SECRET)

        before = await suggest(running, board["id"], token, {"areas": None})
        assert before.status_code == 200, before.text
        sent = received(model_server.url)
        assert SECRET not in json.dumps(sent, ensure_ascii=False)
        assert set(CARE + SUN) <= set(sent)  # the engine did get the public notes
        assert "Ann Andersen" not in json.dumps(sent) and "n0" not in sent
        labels = [g["label"] for g in before.json()["groups"]]
        assert labels and all(label.startswith("Label: ") for label in labels)
        assert "secret" not in json.dumps(before.json())
        draft = await api(running, "GET", f"/api/boards/{board['id']}/summary-draft", token)
        assert draft.status_code == 200 and SECRET.encode() not in draft.content

        await fac.ack(await fac.op({"kind": "notes.reveal"}))
        after = await suggest(running, board["id"], token, {"areas": ["hidden-treasures"]})
        assert after.status_code == 200, after.text
        assert SECRET in received(model_server.url)  # public now, so it may be grouped

        model_server.stop()  # an engine that does not answer is a 503 in words
        down = await suggest(running, board["id"], token, {})
        assert down.status_code == 503
        assert "--suggest-url" in down.json()["error"]["message"]
    finally:
        running.stop()
