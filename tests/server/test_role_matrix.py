"""The role matrix of docs/security.md, checked whole: every op kind from every role over the
WebSocket, and every HTTP endpoint with every kind of token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.board.ops import KINDS
from tests.conftest import RunningServer, timeout
from tests.server.test_bad_input import WELL_FORMED
from tests.wire import Peers, add_note, join, new_board

pytestmark = pytest.mark.anyio

ROLES = ("facilitator", "participant", "viewer")

# Who may send each kind, written by hand from docs/protocol.md's op tables and the roles of
# shared/METHODS.md (the facilitator runs the meeting; participants write, vote, cluster and
# answer; the projector's viewer token only watches), never computed from the code: a kind
# whose declared senders change must change here too, on purpose.
F, FP, NOBODY = "facilitator", "facilitator participant", ""
ALLOWED: dict[str, str] = {
    # notes and areas
    "note.add": FP,
    "note.edit": FP,
    "note.move": FP,
    "note.color": FP,
    "note.delete": FP,
    "area.add": F,
    "area.rename": F,
    "area.delete": F,
    "board.rename": F,
    "participant.join": NOBODY,  # the server writes it when someone joins with the code
    # running the meeting
    "phase.set": F,
    "focus.set": F,
    "timer.set": F,
    "timer.start": F,
    "timer.pause": F,
    "timer.add": F,
    "notes.reveal": F,
    "board.lock": F,
    "board.anonymous": F,
    "meeting.close": F,
    "moderation.set": F,
    "note.approve": F,
    "note.decline": F,
    "note.merge": F,
    "role.set": F,
    "lead.set": F,
    "scribe.set": F,
    "ready.set": FP,
    "hand.raise": FP,
    "hand.lower": FP,
    # voting and prioritising
    "vote.open": F,
    "vote.cast": FP,
    "vote.retract": FP,
    "vote.close": F,
    "vote.reopen": F,
    "priorities.set": F,
    "reaction.toggle": FP,
    # clustering, links and owners: the joint phase is everyone's
    "group.add": FP,
    "group.rename": FP,
    "group.delete": FP,
    "note.group": FP,
    "link.add": FP,
    "link.mark": FP,
    "link.delete": FP,
    "note.own": FP,
    # the idea parking lot: anyone parks, anyone names the tovholder
    "idea.park": FP,
    "idea.own": FP,
    "idea.delete": FP,
    # the method's fields, tables and scoring grid (critical friend)
    "field.set": FP,
    "cell.set": FP,
    "row.add": FP,
    "row.delete": FP,
    "score.set": FP,
    "grid.set": F,
    "summary.set": F,
    "consent.set": FP,
    # small groups (sounding board): the facilitator forms them
    "breakout.start": F,
    "breakout.assign": F,
    "breakout.end": F,
    "breakout.roles": F,
    # surveys and live polls: the facilitator asks, everyone answers
    "survey.set": F,
    "survey.answer": FP,
    "survey.close": F,
    "poll.open": F,
    "poll.answer": FP,
    "poll.close": F,
    "poll.show": F,
}


async def test_every_op_kind_from_every_role_gets_the_documented_answer(
    peers: Peers, server: RunningServer
) -> None:
    board = await new_board(server)
    joined = await join(server, board["join_code"], "Ann")
    tokens = {
        "facilitator": board["facilitator_token"],
        "participant": joined["token"],
        "viewer": board["viewer_token"],
    }
    sockets = {role: await peers(server, board["id"], token) for role, token in tokens.items()}
    await sockets["facilitator"].ack(await sockets["facilitator"].op(add_note("n1", "first")))
    answers: dict[tuple[str, str], str] = {}
    join_op = {
        "kind": "participant.join",
        "participant": {"id": "p-forged", "name": "Forged", "role": "facilitator"},
    }
    assert set(ALLOWED) == set(KINDS), "a kind without a hand-written row, or a row too many"
    for kind in KINDS:
        for role in ROLES:
            op = join_op if kind == "participant.join" else WELL_FORMED.get(kind, {"kind": kind})
            answer = await sockets[role].ack(await sockets[role].op(op))
            answers[kind, role] = answer["type"] if answer["type"] == "ack" else answer["code"]
    expected = {
        (kind, role): "ack" if role in allowed.split() else "forbidden"
        for kind, allowed in ALLOWED.items()
        for role in ROLES
    }
    assert answers == expected


async def request(
    server: RunningServer, method: str, path: str, token: str | None, body: Any = None
) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(10)) as http:
        answer = await http.request(method, path, headers=headers, json=body)
    return answer.status_code


# who may call what: (method, path, body) → status for none, facilitator, participant,
# viewer, and a facilitator of another board. Destructive calls come last, on a board of
# their own per role, so each answer is the one its token gets.
ENDPOINTS: list[tuple[str, str, Any, tuple[int, int, int, int, int]]] = [
    ("GET", "/api/boards/{id}", None, (401, 200, 200, 200, 403)),
    ("GET", "/api/boards/{id}/records", None, (401, 200, 200, 200, 403)),
    ("POST", "/api/boards/{id}/records", {"name": "R"}, (401, 201, 403, 403, 403)),
    ("GET", "/api/boards/{id}/history?seq=0", None, (401, 200, 200, 200, 403)),
    ("GET", "/api/boards/{id}/export?format=md", None, (401, 200, 200, 403, 403)),
    ("GET", "/api/boards/{id}/me", None, (401, 200, 200, 200, 403)),
    ("PATCH", "/api/boards/{id}", {"retention_days": 9}, (401, 200, 403, 403, 403)),
    ("POST", "/api/boards/{id}/join-code", None, (401, 200, 403, 403, 403)),
    ("DELETE", "/api/boards/{id}/participants/{pid}", None, (401, 204, 403, 403, 403)),
    ("DELETE", "/api/boards/{id}/me/authorship", None, (401, 403, 200, 403, 403)),
    ("POST", "/api/boards/{id}/anonymise", None, (401, 200, 403, 403, 403)),
    ("DELETE", "/api/boards/{id}", None, (401, 204, 403, 403, 403)),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "statuses"), ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS]
)
async def test_every_endpoint_answers_each_kind_of_token_as_documented(
    server: RunningServer, method: str, path: str, body: Any, statuses: tuple[int, ...]
) -> None:
    other = await new_board(server)
    got = []
    for who in ("none", "facilitator", "participant", "viewer", "other"):
        board = await new_board(server)  # fresh each time: a deletion must not hide the next
        joined = await join(server, board["join_code"], "Ann")
        victim = await join(server, board["join_code"], "Bo")
        token = {
            "none": None,
            "facilitator": board["facilitator_token"],
            "participant": joined["token"],
            "viewer": board["viewer_token"],
            "other": other["facilitator_token"],
        }[who]
        url = path.format(id=board["id"], pid=victim["participant_id"])
        got.append(await request(server, method, url, token, body))
    assert tuple(got) == statuses
