"""Schemathesis against a real server, from the server's own /openapi.json: no request gets
a 5xx, every error answer is the one JSON error shape, and every answer is as documented.

The run is bounded (schemathesis's coverage cases, then FUZZ_EXAMPLES generated cases per
operation) and repeats exactly: the generation is derandomized, uses no example database
and learns nothing from the answers (which hold random ids and tokens).
"""

from __future__ import annotations

import contextlib
import json
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NotSet
from starlette.routing import Route

from server.app import create_app
from server.config import load
from tests.conftest import RunningServer, timeout

FUZZ_EXAMPLES = 30  # per operation, after the coverage cases


@dataclass
class Board:
    id: str
    # a token of each role (the facilitator's twice), and None: keep the generated one
    tokens: tuple[str | None, ...]
    # a participant the facilitator may remove
    removable: str


@dataclass
class Known:
    """A real network with a meeting board, and their tokens: most requests are aimed at
    them, so that they get past 401 and 404 into the handlers. DELETE /api/boards/{id} gets
    a board of its own, so the rest keep theirs."""

    network_id: str
    network_token: str
    board: Board
    spare: Board


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)

    def line(self) -> str:
        seen = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return f"API fuzzing: {self.statuses.total()} requests; statuses {seen}"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of the module's own: its wrong join codes must not rate-limit 127.0.0.1 for
    the other tests, and its limit is high, so that the joins get as far as their body."""
    running = RunningServer(
        tmp_path_factory.mktemp("fuzz"),
        ("--join-guess-burst", "1000000", "--join-guesses-per-day", "1000000"),
    )
    running.start()
    yield running
    running.stop()


def _board(http: httpx.Client, created: dict[str, Any]) -> Board:
    def join(name: str) -> dict[str, Any]:
        joined = http.post("/api/join", json={"code": created["join_code"], "name": name})
        assert joined.status_code == 200, joined.text
        return dict(joined.json())

    saved = http.post(
        f"/api/boards/{created['id']}/records",
        json={"name": "R"},
        headers={"Authorization": f"Bearer {created['facilitator_token']}"},
    )
    assert saved.status_code == 201, saved.text
    facilitator, viewer = created["facilitator_token"], created["viewer_token"]
    return Board(
        created["id"],
        (facilitator, facilitator, join("Ana")["token"], viewer, None),
        join("Bo")["participant_id"],
    )


@pytest.fixture(scope="module")
def known(fuzz_server: RunningServer) -> Known:
    with httpx.Client(base_url=fuzz_server.url, timeout=timeout(30)) as http:
        network = http.post("/api/networks", json={"title": "Net", "theme": "Fuzz"}).json()
        meeting = http.post(
            f"/api/networks/{network['id']}/meetings",
            json={"title": "M1"},
            headers={"Authorization": f"Bearer {network['token']}"},
        ).json()
        spare = http.post("/api/boards", json={"title": "Spare"}).json()
        return Known(network["id"], network["token"], _board(http, meeting), _board(http, spare))


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counted = Tally()
    yield counted
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\n{counted.line()}")


@pytest.fixture(scope="module")
def api_schema(fuzz_server: RunningServer) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "base-url": fuzz_server.url,
            "generation": {
                "max-examples": FUZZ_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "coverage": {"extra-data-sources": {"responses": False}},
                "fuzzing": {
                    "extra-data-sources": {"responses": False},
                    "error-feedback": {"enabled": False},
                },
            },
            "request-timeout": timeout(60),
        }
    )
    return schemathesis.openapi.from_url(fuzz_server.url + "/openapi.json", config=config)


@pytest.fixture(autouse=True)
def _node_id(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's `from_fixture` reads and sets `item._nodeid`, which pytest 9.2's
    items no longer have (they keep `_id`): give the item one for it."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


def _aim(case: schemathesis.Case, known: Known) -> None:
    """Aim the case at the known board or network with a real token, but for one case in
    five: the pick comes from the case's own data, so that a run repeats exactly."""
    body = None if isinstance(case.body, NotSet) else case.body
    pick = zlib.crc32(repr((case.path_parameters, case.query, body)).encode())
    params = case.path_parameters or {}
    if pick % 5 == 0:
        return
    # new dicts, never the generated ones: schemathesis shares those between cases
    if "board_id" in params:
        board = (
            known.spare if case.operation.label == "DELETE /api/boards/{board_id}" else known.board
        )
        aimed = {**params, "board_id": board.id}
        if "participant_id" in params:
            aimed["participant_id"] = board.removable
        case.path_parameters = aimed
        token = board.tokens[pick // 5 % len(board.tokens)]
    elif "network_id" in params:
        case.path_parameters = {**params, "network_id": known.network_id}
        token = known.network_token
    else:
        return
    if token is not None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


def _is_error_shape(content: bytes) -> bool:
    try:
        body = json.loads(content)
    except ValueError:
        return False
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return False
    error = body["error"]
    return set(error) == {"code", "message"} and all(isinstance(v, str) for v in error.values())


def _log_since(server: RunningServer, offset: int) -> str:
    """The server's log from `offset` on, once the traceback is in (uvicorn writes it just
    after the answer)."""
    deadline = time.monotonic() + timeout(2)
    while True:
        text = server.log_path.read_bytes()[offset:].decode(errors="replace")
        if "Traceback" in text or time.monotonic() > deadline:
            return text[-8000:]
        time.sleep(0.05)


@schema.parametrize()
def test_no_request_gets_a_5xx_and_every_answer_is_documented(
    case: schemathesis.Case, fuzz_server: RunningServer, known: Known, tally: Tally
) -> None:
    _aim(case, known)
    log_offset = fuzz_server.log_path.stat().st_size
    response = case.call()
    tally.statuses[response.status_code] += 1
    status = response.status_code
    if status >= 400:
        answer = response.content[:500].decode(errors="replace")
        request = f"{case.as_curl_command()}\n→ {status} {answer}"
        if status >= 500:
            log = _log_since(fuzz_server, log_offset)
            pytest.fail(f"A {status}:\n{request}\n\nThe server's log from then on:\n{log}")
        assert _is_error_shape(response.content), f"Not the one error shape:\n{request}"
    case.validate_response(
        response,
        checks=[status_code_conformance, content_type_conformance, response_schema_conformance],
    )


def test_openapi_json_lists_every_api_route_of_the_app(fuzz_server: RunningServer) -> None:
    routes = {
        (method.lower(), route.path)
        for route in create_app(load({})).routes
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    paths = httpx.get(fuzz_server.url + "/openapi.json", timeout=timeout(10)).json()["paths"]
    documented = {(method, path) for path, ops in paths.items() for method in ops}
    missing = sorted(routes - documented)
    assert not missing, f"add a row to OPERATIONS in server/http/openapi.py for {missing}"
    assert documented - routes == {("get", "/healthz"), ("get", "/readyz")}
