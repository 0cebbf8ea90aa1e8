"""The REST API and pages: shapes, status codes, the one error shape, headers."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunningServer
from tests.wire import join, new_board, post

pytestmark = pytest.mark.anyio


async def test_board_creation_gives_a_128_bit_id_a_typable_code_and_two_tokens(
    server: RunningServer,
) -> None:
    board = await new_board(server, method="free", language="sv")
    other = await new_board(server, method="free", language="sv")
    assert re.fullmatch(r"[0-9a-f]{32}", board["id"]) and board["id"] != other["id"]
    # nine characters without look-alikes (no 0/O, 1/I/L, U), read out in threes
    assert re.fullmatch(r"([2-9A-HJKMNP-TV-Z]{3}-){2}[2-9A-HJKMNP-TV-Z]{3}", board["join_code"])
    assert board["join_code"] != other["join_code"]
    assert board["facilitator_token"] != board["viewer_token"]
    assert board["urls"]["board"] == f"/b/{board['id']}"
    assert board["viewer_token"] not in board["urls"]["board"] + board["urls"]["join"]


async def test_join_accepts_the_code_typed_loosely(server: RunningServer) -> None:
    board = await new_board(server)
    typed = board["join_code"].lower().replace("-", " ")
    joined = await join(server, typed, "Åsa")
    assert joined["board_id"] == board["id"] and joined["participant_id"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": ""}, 422, "title"),
        ({"title": "x", "language": "de"}, 422, "language"),
        ({"title": "x", "method": "brainstorm-9000"}, 422, "brainstorm-9000"),
        ({"titel": "typo"}, 422, "title"),
    ],
)
async def test_bad_board_requests_name_the_bad_field(
    server: RunningServer, body: dict[str, str], status: int, field: str
) -> None:
    response = await post(server, "/api/boards", body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["message"]


async def test_body_that_is_not_json_gets_the_one_error_shape(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post("/api/boards", content=b"{not json")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert set(response.json()["error"]) == {"code", "message"}


async def test_unknown_code_is_404(server: RunningServer) -> None:
    response = await post(server, "/api/join", {"code": "NOPE-NOPE-0", "name": "X"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


async def test_guessing_codes_is_limited_with_429_even_for_a_right_code(tmp_path: Path) -> None:
    running = RunningServer(tmp_path, ("--join-guess-burst", "3"))
    running.start()
    try:
        board = await new_board(running)
        for _ in range(3):
            assert (
                await post(running, "/api/join", {"code": "AAAA-AAAA", "name": "g"})
            ).status_code == 404
        refused = await post(running, "/api/join", {"code": board["join_code"], "name": "g"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert "Try again" in refused.json()["error"]["message"]
    finally:
        running.stop()


async def test_board_state_needs_the_right_token(server: RunningServer) -> None:
    board, other = await new_board(server), await new_board(server)
    path = f"/api/boards/{board['id']}"
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get(path)).status_code == 401
        bad = {"Authorization": "Bearer nope"}
        assert (await http.get(path, headers=bad)).status_code == 401
        foreign = {"Authorization": f"Bearer {other['facilitator_token']}"}
        assert (await http.get(path, headers=foreign)).status_code == 403
        own = {"Authorization": f"Bearer {board['viewer_token']}"}
        missing = await http.get("/api/boards/" + "0" * 32, headers=own)
        assert missing.status_code == 404
        ok = await http.get(path, headers=own)
    assert ok.status_code == 200
    assert ok.json()["state"]["areas"][0]["id"] == "main"
    assert ok.json()["seq"] == ok.json()["state"]["seq"]


async def test_health_and_schema_endpoints_answer(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        assert (await http.get("/readyz")).status_code == 200
        schema = (await http.get("/api/protocol.schema.json")).json()
    client_types = schema["$defs"]["ClientMessage"]
    assert "hello" in str(client_types) and "note.add" in str(client_types)


async def test_pages_carry_a_strict_csp_and_escape_the_prefilled_code(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        start = await http.get("/", params={"code": '"><script>alert(1)</script>'})
        missing = await http.get("/b/" + "f" * 32)
    assert start.status_code == 200
    assert start.headers["content-security-policy"].startswith("default-src 'self'")
    assert start.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert(1)</script>" not in start.text
    assert missing.status_code == 404
