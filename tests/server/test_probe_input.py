"""The input findings of the outside security probe (issue 13), each as it was reproduced:
every one is now refused by name, over real HTTP and WebSocket, and leaves nothing stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import RunningServer, timeout
from tests.wire import Peers, add_note, new_board, post

pytestmark = pytest.mark.anyio

JSON = {"content-type": "application/json"}


async def call(
    server: RunningServer, method: str, path: str, token: str | None = None, **kwargs: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(30)) as http:
        return await http.request(
            method, path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs
        )


async def fresh_archive(server: RunningServer) -> dict[str, Any]:
    """An archive of a board with a note, under a new id and code, ready to import."""
    board = await new_board(server)
    token = board["facilitator_token"]
    answer = await call(server, "GET", f"/api/boards/{board['id']}/export?format=json", token)
    assert answer.status_code == 200, answer.text
    archive: dict[str, Any] = answer.json()
    return renamed(archive)


def renamed(archive: dict[str, Any]) -> dict[str, Any]:
    """The same archive as another board's, under ids nobody has yet (its join code is
    taken, so the import gives it a new one)."""
    text = json.dumps(archive).replace(archive["board"]["id"], uuid.uuid4().hex)
    for participant in archive["state"]["participants"]:  # their ids are the server's too
        text = text.replace(participant, f"p-{uuid.uuid4().hex[:16]}")
    copy: dict[str, Any] = json.loads(text)
    return copy


async def test_an_import_posted_as_a_form_is_refused_and_makes_no_board(
    server: RunningServer,
) -> None:
    archive = await fresh_archive(server)
    body = json.dumps(archive)
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        refused = await call(
            server, "POST", "/api/boards/import", content=body, headers={"content-type": kind}
        )
        assert refused.status_code == 415, refused.text
        assert kind in refused.json()["error"]["message"]
    # nothing was made: the same archive imports now, with the id it asked for
    imported = await call(server, "POST", "/api/boards/import", content=body, headers=JSON)
    assert imported.status_code == 201, imported.text
    assert imported.json()["id"] == archive["board"]["id"]


def _deep(depth: int) -> Any:
    nested: Any = "x"
    for _ in range(depth):
        nested = {"a": nested}
    return nested


# (case, how the archive is spoiled, words the refusal must hold)
BAD_ARCHIVES: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("language a path", lambda a: a["board"].update(language="../../../../../etc"), "language"),
    ("state language a path", lambda a: a["state"].update(language="../../etc"), "state"),
    ("empty board id", lambda a: a["board"].update(id=""), "board.id"),
    ("board id of 10,000 characters", lambda a: a["board"].update(id="a" * 10_000), "board.id"),
    ("board id with a line break", lambda a: a["board"].update(id="abcdefgh\r\nX: y"), "board.id"),
    ("one-letter join code", lambda a: a["board"].update(join_code="A"), "join_code"),
    ("created at infinity", lambda a: a["board"].update(created_at=float("inf")), "created_at"),
    ("created in the year 3000", lambda a: a["board"].update(created_at=32503680000.0), "future"),
    ("snapshot at NaN", lambda a: a["snapshots"][0].update(created_at=float("nan")), "created_at"),
    ("retention as a string", lambda a: a["board"].update(retention_days="7"), "retention_days"),
    ("retention as true", lambda a: a["board"].update(retention_days=True), "retention_days"),
    ("state nested deep", lambda a: a["state"].update(fields={"f": _deep(300)}), "too deeply"),
    ("state fields not text", lambda a: a["state"].update(fields={"f": _deep(3)}), "fields.f"),
    ("lone surrogate in the title", lambda a: a["board"].update(title="T \ud800"), "surrogate"),
    ("NUL in the title", lambda a: a["board"].update(title="T \x00"), "NUL"),
]


@pytest.mark.parametrize(("case", "spoil", "words"), BAD_ARCHIVES, ids=[c[0] for c in BAD_ARCHIVES])
async def test_a_spoiled_archive_is_refused_by_name_and_stores_nothing(
    server: RunningServer, case: str, spoil: Callable[[dict[str, Any]], Any], words: str
) -> None:
    archive = await fresh_archive(server)
    spoiled = json.loads(json.dumps(archive))
    spoil(spoiled)
    # ensure_ascii keeps a lone surrogate as its escape, as an attacker would send it
    body = json.dumps(spoiled, ensure_ascii=True)
    refused = await call(server, "POST", "/api/boards/import", content=body, headers=JSON)
    assert refused.status_code == 422, refused.text
    assert words in refused.json()["error"]["message"], refused.text
    imported = await call(server, "POST", "/api/boards/import", json=archive)
    assert imported.status_code == 201, imported.text  # nothing of the refused one was kept


async def test_archives_nested_too_deep_or_in_utf16_are_refused_not_a_500(
    server: RunningServer,
) -> None:
    archive = await fresh_archive(server)
    deep = '{"format": "planche-board", "state": ' + "[" * 100_000 + "]" * 100_000 + "}"
    refused = await call(server, "POST", "/api/boards/import", content=deep, headers=JSON)
    assert refused.status_code == 422, refused.text
    assert "nested too deeply" in refused.json()["error"]["message"]
    archive["board"]["title"] = "T \x00"
    utf16 = json.dumps(archive).encode("utf-16")
    refused = await call(server, "POST", "/api/boards/import", content=utf16, headers=JSON)
    assert refused.status_code == 422, refused.text
    assert "UTF-8" in refused.json()["error"]["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
async def test_a_json_body_in_utf16_or_utf32_is_refused_before_its_nul_gets_in(
    tmp_path: Any, postgres_url: str, encoding: str
) -> None:
    on_postgres = RunningServer(tmp_path, database_url=postgres_url)
    on_postgres.start()
    try:
        body = '{"title": "T \\u0000"}'.encode(encoding)
        refused = await call(on_postgres, "POST", "/api/boards", content=body, headers=JSON)
        assert refused.status_code == 400, refused.text  # not 503 "the store cannot be reached"
        message = refused.json()["error"]["message"]
        assert "UTF-8" in message or "not valid JSON" in message
        assert (await new_board(on_postgres))["id"]  # the store is fine
    finally:
        on_postgres.stop()


async def test_a_seq_beyond_any_board_is_a_clear_422_not_a_500(server: RunningServer) -> None:
    board = await new_board(server)
    for seq in ("9223372036854775808", "-1", "1e3", "٣"):
        answer = await call(
            server, "GET", f"/api/boards/{board['id']}/export?format=md&seq={seq}",
            board["facilitator_token"],
        )  # fmt: skip
        assert answer.status_code == 422, (seq, answer.text)
        assert "Query 'seq'" in answer.json()["error"]["message"]


async def test_a_bool_is_not_a_number_nor_a_string_a_whole_number(
    server: RunningServer, peers: Peers
) -> None:
    board = await new_board(server)
    token = board["facilitator_token"]
    for days in ("7", True, 7.5):
        answer = await call(
            server, "PATCH", f"/api/boards/{board['id']}", token, json={"retention_days": days}
        )
        assert answer.status_code == 422, (days, answer.text)
        assert "retention_days" in answer.json()["error"]["message"]
    assert (await post(server, "/api/boards", {"title": "T", "language": 1})).status_code == 422
    peer = await peers(server, board["id"], token)
    for op in (
        {"kind": "timer.set", "minutes": True},
        {"kind": "timer.add", "minutes": "5"},
        {"kind": "vote.open", "per_person": True},
    ):
        error = await peer.ack(await peer.op(op))
        assert (error["type"], error["code"]) == ("error", "invalid"), op
    assert (await peer.ack(await peer.op({"kind": "timer.set", "minutes": 5})))["type"] == "ack"


@pytest.mark.parametrize(
    "text",
    ["\u200b\u200b\u200b", " \u2060\ufeff ", "\u3164", "\u00ad\u200d", "\n\t\u2028"],
    ids=["zero-width spaces", "word joiner and BOM", "hangul filler", "soft hyphen, ZWJ", "breaks"],
)
async def test_a_note_that_only_looks_empty_is_refused_as_empty(
    server: RunningServer, peers: Peers, text: str
) -> None:
    board = await new_board(server)
    peer = await peers(server, board["id"], board["facilitator_token"])
    error = await peer.ack(await peer.op(add_note("n1", text)))
    assert (error["type"], error["code"]) == ("error", "invalid")
    assert "empty" in error["message"]
    ack = await peer.ack(await peer.op(add_note("n2", "\u200bvisible\u200b")))
    assert ack["type"] == "ack"
