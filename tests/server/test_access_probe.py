"""Regression tests for the findings of an outside security probe (issue 13): access that
outlived a removal, credentials and codes handed to the wrong role, and limits that could be
walked around. Each test replays the probe's attack against a real server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import RunningServer
from tests.server.test_privacy import call, closed_with
from tests.server.test_scale_out import Cluster
from tests.wire import Peers, get_state, join, new_board

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


async def test_a_new_projector_link_revokes_the_old_one_and_closes_its_screens(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    bo = await join(server, board["join_code"], "Bo")
    projector = await peers(server, board["id"], board["viewer_token"])
    path = f"/api/boards/{board['id']}/viewer-token"
    assert (await call(server, "POST", path, board["viewer_token"])).status_code == 403
    assert (await call(server, "POST", path, bo["token"])).status_code == 403

    issued = await call(server, "POST", path, board["facilitator_token"])
    assert issued.status_code == 200
    token = issued.json()["viewer_token"]
    assert issued.json()["urls"]["viewer"] == f"/b/{board['id']}/projector#token={token}"
    assert await closed_with(projector) == 1008
    assert (await peers(server, board["id"], board["viewer_token"])).welcome["code"] == (
        "unauthorized"
    )
    assert (await qr(server, board["id"], board["viewer_token"])).status_code == 401
    again = await peers(server, board["id"], token)
    assert again.welcome["role"] == "viewer"
    assert again.welcome["join_code"] == board["join_code"]
    assert (await qr(server, board["id"], token)).status_code == 200


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str, redis_server: Any) -> Iterator[Cluster]:
    running = Cluster(tmp_path, postgres_url, redis_server.url)
    yield running
    running.stop()


async def test_a_hello_checked_before_a_removal_on_another_worker_is_not_let_in(
    peers: Peers, cluster: Cluster
) -> None:
    """The second worker loads the room while the first removes the participant: the
    socket is attached after the removal was told, so only checking again catches it."""
    one, two = cluster.workers
    board = await new_board(one)
    for i in range(10):
        rotated = await call(
            one, "POST", f"/api/boards/{board['id']}/join-code", board["facilitator_token"]
        )  # the second worker lets its room go, and loads it again for the hello below
        person = await join(one, rotated.json()["join_code"], f"P{i}")
        path = f"/api/boards/{board['id']}/participants/{person['participant_id']}"
        opening = asyncio.create_task(peers(two, board["id"], person["token"]))
        assert (await call(one, "DELETE", path, board["facilitator_token"])).status_code == 204
        peer = await opening
        if peer.welcome["type"] == "welcome":
            assert await closed_with(peer) == 1008, f"round {i}: still open after the removal"


async def test_a_removal_told_while_redis_was_down_closes_the_sockets_on_the_other_worker(
    peers: Peers, cluster: Cluster, redis_server: Any
) -> None:
    one, two = cluster.workers
    board = await new_board(one)
    bo = await join(one, board["join_code"], "Bo")
    sockets = [await peers(two, board["id"], bo["token"]) for _ in range(8)]
    redis_server.stop()
    path = f"/api/boards/{board['id']}/participants/{bo['participant_id']}"
    assert (await call(one, "DELETE", path, board["facilitator_token"])).status_code == 204
    redis_server.start()
    for peer in sockets:
        assert await closed_with(peer) == 1008
    state = (await get_state(one, board["id"], board["facilitator_token"]))["state"]
    assert [n for n in state["notes"].values() if n["author"] == bo["participant_id"]] == []
