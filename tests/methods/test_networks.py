"""A learning network of three meetings: each opens with the last one's recap and parked
ideas; the closing meeting gathers all earlier material, each note with its source."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from board_client import BoardClient, fetch_board
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.anyio


async def post(server: RunningServer, path: str, body: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        response = await http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_meetings_carry_recap_parked_ideas_and_material_forward(
    server: RunningServer,
) -> None:
    network = await post(
        server,
        "/api/networks",
        {"title": "Frivillighed", "theme": "Flere frivillige i ældreplejen", "language": "en"},
    )
    path = f"/api/networks/{network['id']}/meetings"
    # the theme unfolded on a planning board, before the meetings: it takes no number
    body = {"title": "Our theme", "method": "theme-unfolding", "planning": True}
    unfolding = await post(server, path, body, network["token"])
    assert unfolding["number"] is None
    async with BoardClient(server.url, unfolding["id"], unfolding["facilitator_token"]) as fac:
        assert not any(a.id == "recap" for a in fac.state.areas)
        await fac.send_op({"kind": "field.set", "field": "why", "text": "Fewer hands each year"})
    first = await post(server, path, {"title": "Kick-off"}, network["token"])
    assert first["number"] == 1
    async with BoardClient(server.url, first["id"], first["facilitator_token"]) as fac:
        assert fac.state.areas[0].title == "What I take with me today"
        await fac.add_note("learning", "Volunteers stay when they are asked for advice")
        await fac.add_note("take-away", "A private thought of mine")
        await fac.send_op({"kind": "field.set", "field": "theme", "text": "Keeping volunteers"})
        park = {"kind": "idea.park", "idea": {"id": "coffee", "text": "A volunteers' café"}}
        await fac.send_op(park)
        await fac.send_op({"kind": "idea.own", "idea_id": "coffee", "owner": "Ida"})

    second = await post(server, path, {"title": "Study visit"}, network["token"])
    state = (await fetch_board(server.url, second["id"], second["facilitator_token"]))["state"]
    recap = state["areas"][0]
    assert (recap["id"], recap["title"]) == ("recap", "Last meeting")
    carried = {n["text"]: n["source"] for n in state["notes"].values() if n["area"] == "recap"}
    assert set(carried) == {
        "Volunteers stay when they are asked for advice",
        "Theme and potentials: Keeping volunteers",
    }
    assert all(s.startswith("Meeting 1 · ") and s.endswith(" · Kick-off") for s in carried.values())
    (idea,) = state["parked"].values()
    assert (idea["text"], idea["owner"]) == ("A volunteers' café", "Ida")
    assert idea["source"].startswith("Meeting 1")
    async with BoardClient(server.url, second["id"], second["facilitator_token"]) as fac:
        await fac.add_note("knowledge", "The day centre has a waiting list of helpers")

    closing = await post(
        server,
        path,
        {"title": "Analysis", "method": "category-analysis", "closing": True},
        network["token"],
    )
    state = (await fetch_board(server.url, closing["id"], closing["facilitator_token"]))["state"]
    assert [a["id"] for a in state["areas"]][:2] == ["recap", "material"]
    # meeting 2's capture opens the meeting as its recap; the rest is material, each once
    where = {n["text"]: (n["area"], n["source"][:9]) for n in state["notes"].values()}
    assert where["The day centre has a waiting list of helpers"] == ("recap", "Meeting 2")
    assert where["Volunteers stay when they are asked for advice"] == ("material", "Meeting 1")
    assert where["A private thought of mine"] == ("material", "Meeting 1")
    assert where["Theme and potentials: Keeping volunteers"] == ("material", "Meeting 1")
    planned = "Why is the theme interesting?: Fewer hands each year"
    assert where[planned] == ("material", "Our theme")  # the planning board's, by its title
    assert len(where) == len(state["notes"])

    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        listing = await http.get(
            f"/api/networks/{network['id']}",
            headers={"Authorization": f"Bearer {network['token']}"},
        )
        assert [(m["number"], m["title"]) for m in listing.json()["meetings"]] == [
            (1, "Kick-off"),
            (2, "Study visit"),
            (3, "Analysis"),
        ]
        assert [p["title"] for p in listing.json()["planning"]] == ["Our theme"]
        # each idea listed where it was parked, with its owner
        parked = {m["number"]: m["parked"] for m in listing.json()["meetings"]}
        assert parked[1] == [{"text": "A volunteers' café", "owner": "Ida"}]
        assert parked[2] == [] and parked[3] == []
        # the network's facilitator opens any of its boards on a new device, and no other
        auth = {"Authorization": f"Bearer {network['token']}"}
        fresh = await http.post(
            f"/api/networks/{network['id']}/boards/{first['id']}/facilitator-token", headers=auth
        )
        assert fresh.status_code == 201
        async with BoardClient(server.url, first["id"], fresh.json()["token"]) as fac:
            assert fac.state.participants[fac.participant_id].role == "facilitator"
        stranger = await http.post(
            "/api/boards", json={"title": "Not the network's", "language": "en"}
        )
        refused = await http.post(
            f"/api/networks/{network['id']}/boards/{stranger.json()['id']}/facilitator-token",
            headers=auth,
        )
        assert refused.status_code == 404
        wrong = await http.get(
            f"/api/networks/{network['id']}", headers={"Authorization": "Bearer nope"}
        )
        assert wrong.status_code == 403
        missing = await http.post(path, json={"title": "x"})
        assert missing.status_code == 401
        unknown = await http.get(
            "/api/networks/" + "0" * 32, headers={"Authorization": "Bearer nope"}
        )
        assert unknown.status_code == 404


async def test_a_deliverable_drafted_early_is_no_meeting_of_the_series(
    server: RunningServer,
) -> None:
    network = await post(
        server, "/api/networks", {"title": "Deling", "theme": "Dele mere", "language": "da"}
    )
    path = f"/api/networks/{network['id']}/meetings"
    first = await post(server, path, {"title": "Opstart"}, network["token"])
    async with BoardClient(server.url, first["id"], first["facilitator_token"]) as fac:
        await fac.add_note("learning", "Deling kræver tillid")
        summary = "Tillid kom op i alle grupper.\n- Deling kræver tillid"
        await fac.send_op({"kind": "summary.set", "text": summary})
    body = {"title": "Leverance", "method": "leadership-deliverable"}
    deliverable = await post(server, path, body, network["token"])
    assert deliverable["number"] is None
    drafted = await fetch_board(server.url, deliverable["id"], deliverable["facilitator_token"])
    # the deliverable starts from each meeting's saved summary, then its learning points
    knowledge = drafted["state"]["fields"]["knowledge"].splitlines()
    assert knowledge[0].startswith("Møde 1") and knowledge[1:3] == summary.splitlines()
    assert knowledge[3].startswith("- Deling kræver tillid [Møde 1")
    second = await post(server, path, {"title": "Udstyr"}, network["token"])
    assert second["number"] == 2  # no gap where the deliverable was drafted
    state = (await fetch_board(server.url, second["id"], second["facilitator_token"]))["state"]
    # the recap is meeting 1's, not the deliverable's drafted headings
    recap = {n["text"]: n["source"] for n in state["notes"].values() if n["area"] == "recap"}
    assert list(recap) == ["Deling kræver tillid"] and recap["Deling kræver tillid"][:6] == "Møde 1"
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        listing = await http.get(
            f"/api/networks/{network['id']}",
            headers={"Authorization": f"Bearer {network['token']}"},
        )
    assert [(m["number"], m["title"]) for m in listing.json()["meetings"]] == [
        (1, "Opstart"),
        (2, "Udstyr"),
        (None, "Leverance"),
    ]
    assert listing.json()["planning"] == []
