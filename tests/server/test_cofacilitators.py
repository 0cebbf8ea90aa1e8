"""Co-facilitator invites over real HTTP: only a facilitator makes one, it lets one person
in as a facilitator, once, and its secret never shows in a URL the server sees or logs."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import RunningServer, timeout
from tests.wire import Peers


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_invite_lets_one_person_in_as_a_facilitator_once(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url, timeout=timeout(10)) as http:
        board = http.post("/api/boards", json={"title": "Netværksmøde"}).json()
        invites = f"/api/boards/{board['id']}/invites"
        joined = http.post("/api/join", json={"code": board["join_code"], "name": "Ann"}).json()
        assert http.post(invites).status_code == 401
        assert http.post(invites, headers=_bearer(joined["token"])).status_code == 403
        assert http.post(invites, headers=_bearer(board["viewer_token"])).status_code == 403
        made = http.post(invites, headers=_bearer(board["facilitator_token"]))
        assert made.status_code == 201
        secret = made.json()["invite"]
        # the secret rides in the fragment, which no browser sends to a server
        path, _, fragment = made.json()["urls"]["invite"].partition("#")
        assert path == f"/b/{board['id']}" and fragment == f"invite={secret}"

        accept = f"{invites}/accept"
        for wrong in ("not-an-invite", board["viewer_token"], joined["token"]):
            refused = http.post(accept, json={"invite": wrong, "name": "Mallory"})
            assert refused.status_code == 403, wrong
        ole = http.post(accept, json={"invite": secret, "name": "Ole"})
        assert ole.status_code == 200
        again = http.post(accept, json={"invite": secret, "name": "Eve"})
        assert again.status_code == 403

        # Ole is a facilitator: the board says so, and facilitator-only calls answer him
        token = ole.json()["token"]
        state = http.get(f"/api/boards/{board['id']}", headers=_bearer(token)).json()["state"]
        names = {p["name"]: p["role"] for p in state["participants"].values()}
        assert names["Ole"] == "facilitator" and "Eve" not in names and "Mallory" not in names
        rotated = http.post(f"/api/boards/{board['id']}/join-code", headers=_bearer(token))
        assert rotated.status_code == 200
        # an invite of another board opens nothing here
        other = http.post("/api/boards", json={"title": "Andet"}).json()
        theirs = http.post(
            f"/api/boards/{other['id']}/invites", headers=_bearer(other["facilitator_token"])
        ).json()["invite"]
        assert http.post(accept, json={"invite": theirs, "name": "Bo"}).status_code == 403
    assert secret not in server.log() and token not in server.log()


def test_a_participant_made_facilitator_gets_facilitator_rights_and_loses_them_again(
    server: RunningServer,
) -> None:
    from tests.browser.helpers import send_as

    with httpx.Client(base_url=server.url, timeout=timeout(10)) as http:
        board = http.post("/api/boards", json={"title": "Møde"}).json()
        ann = http.post("/api/join", json={"code": board["join_code"], "name": "Ann"}).json()
        code = f"/api/boards/{board['id']}/join-code"
        assert http.post(code, headers=_bearer(ann["token"])).status_code == 403
        promote = {"kind": "role.set", "participant": ann["participant_id"], "role": "facilitator"}
        send_as(server, board["id"], board["facilitator_token"], promote)
        assert http.post(code, headers=_bearer(ann["token"])).status_code == 200
        # the history names the facilitator who made the change
        seq = http.get(f"/api/boards/{board['id']}", headers=_bearer(ann["token"])).json()["seq"]
        history = f"/api/boards/{board['id']}/history?seq={seq}"
        change = http.get(history, headers=_bearer(ann["token"])).json()["change"]
        assert change == {"kind": "role.set", "by": board["participant_id"]}
        step_down = {**promote, "role": "participant"}
        send_as(server, board["id"], ann["token"], step_down)
        assert http.post(code, headers=_bearer(ann["token"])).status_code == 403


@pytest.mark.anyio
async def test_a_step_down_sent_again_after_the_reload_it_caused_is_acknowledged(
    server: RunningServer, peers: Peers
) -> None:
    """The page reloads as soon as its own role.set arrives, which can be before its ack: the
    new page sends the op again, now as a participant, and must hear it was taken, not that a
    participant may not send it."""
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        board = (await http.post("/api/boards", json={"title": "Møde"})).json()
        ann = (
            await http.post("/api/join", json={"code": board["join_code"], "name": "Ann"})
        ).json()
    lead = await peers(server, board["id"], board["facilitator_token"])
    promote = {"kind": "role.set", "participant": ann["participant_id"], "role": "facilitator"}
    promoted = await lead.op(promote)
    assert (await lead.ack(promoted))["type"] == "ack"
    first = await peers(server, board["id"], ann["token"])
    assert first.welcome["role"] == "facilitator"
    step_down = {**promote, "role": "participant"}
    taken = await first.ack(await first.op(step_down, "step-down-1"))
    assert taken["type"] == "ack"
    again = await peers(server, board["id"], ann["token"])
    assert again.welcome["role"] == "participant"
    answer = await again.ack(await again.op(step_down, "step-down-1"))
    assert answer == {"type": "ack", "id": "step-down-1", "seq": taken["seq"]}
    # a new op of that kind is still refused, and so is another sender's id: the role is
    # checked for everything this sender has not had taken
    for op_id in ("step-down-2", promoted):
        refused = await again.ack(await again.op(step_down, op_id))
        assert refused["type"] == "error" and refused["code"] == "forbidden"
