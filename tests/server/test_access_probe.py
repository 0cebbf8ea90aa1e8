"""Regression tests for the findings of an outside security probe (issue 13): access that
outlived a removal, credentials and codes handed to the wrong role, and limits that could be
walked around. Each test replays the probe's attack against a real server."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import RunningServer
from tests.server.test_privacy import call
from tests.wire import Peers, join, new_board

pytestmark = pytest.mark.anyio


async def qr(server: RunningServer, board_id: str, token: str | None) -> httpx.Response:
    return await call(server, "GET", f"/b/{board_id}/qr.svg", token)


async def test_a_removed_participant_cannot_read_the_new_code_from_the_qr_or_the_welcome(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    bo = await join(server, board["join_code"], "Bo")
    assert (await qr(server, board["id"], None)).status_code == 401
    refused = await qr(server, board["id"], bo["token"])
    assert refused.status_code == 403
    assert "join code" in refused.json()["error"]["message"]
    participant = await peers(server, board["id"], bo["token"])
    assert "join_code" not in participant.welcome

    path = f"/api/boards/{board['id']}/participants/{bo['participant_id']}"
    assert (await call(server, "DELETE", path, board["facilitator_token"])).status_code == 204
    rotated = await call(
        server, "POST", f"/api/boards/{board['id']}/join-code", board["facilitator_token"]
    )
    new_code = rotated.json()["join_code"]
    after = await qr(server, board["id"], bo["token"])
    assert after.status_code == 401
    assert new_code not in after.text

    for token in (board["viewer_token"], board["facilitator_token"]):
        shown = await qr(server, board["id"], token)
        assert shown.status_code == 200
        assert shown.headers["content-type"].startswith("image/svg+xml")
        screen = await peers(server, board["id"], token)
        assert screen.welcome["join_code"] == new_code
