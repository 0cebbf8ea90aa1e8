"""Methods over HTTP: the list, a board of each method, chosen categories, own methods."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, timeout
from tests.methods.test_catalogue import GOOD, METHOD_IDS


@pytest.fixture(scope="module")
def server_with_own_methods(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    own = tmp_path_factory.mktemp("methods")
    (own / "exit-ticket.toml").write_text(GOOD)
    running = RunningServer(tmp_path_factory.mktemp("server"), ("--methods-dir", str(own)))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def http(server_with_own_methods: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_with_own_methods.url, timeout=timeout(10)) as client:
        yield client


def test_the_list_holds_every_method_with_names_in_three_languages(http: httpx.Client) -> None:
    methods = http.get("/api/methods").json()
    assert {m["id"] for m in methods} == METHOD_IDS | {"exit-ticket"}
    for method in methods:
        assert set(method["name"]) == {"da", "sv", "en"}
    capture = next(m for m in methods if m["id"] == "meeting-capture")
    assert capture["phases"][0]["kind"] == "individual"


@pytest.mark.parametrize("method_id", sorted(METHOD_IDS | {"exit-ticket"}))
def test_a_board_of_each_method_starts_with_its_areas_in_the_boards_language(
    http: httpx.Client, method_id: str
) -> None:
    method = next(m for m in http.get("/api/methods").json() if m["id"] == method_id)
    created = http.post(
        "/api/boards", json={"title": "Møde", "method": method_id, "language": "sv"}
    )
    assert created.status_code == 201, created.text
    board = created.json()
    state = http.get(
        f"/api/boards/{board['id']}", headers={"Authorization": f"Bearer {board['viewer_token']}"}
    ).json()["state"]
    assert state["method"] == method_id
    titles = [a["title"] for a in state["areas"]]
    assert titles[-len(method["areas"]) :] == [a["title"]["sv"] for a in method["areas"]]


def test_category_analysis_gets_one_area_per_chosen_category_with_its_explanation(
    http: httpx.Client,
) -> None:
    body = {
        "title": "Analyse",
        "method": "category-analysis",
        "language": "da",
        "categories": ["urban-myths", "values"],
    }
    board = http.post("/api/boards", json=body).json()
    state = http.get(
        f"/api/boards/{board['id']}", headers={"Authorization": f"Bearer {board['viewer_token']}"}
    ).json()["state"]
    areas = state["areas"]
    assert [a["id"] for a in areas] == [
        "urban-myths",
        "values",
        "patterns",
        "priorities",
        "into-play",
    ]
    assert areas[0]["title"] == "Vandrehistorier"
    assert "myter" in areas[0]["prompt"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"method": "brainstorm"}, "Unknown method 'brainstorm'; known methods: category-analysis"),
        ({"method": "category-analysis", "categories": ["values"]}, "choose 2 to 4"),
        (
            {"method": "category-analysis", "categories": ["values", "values"]},
            "choose 2 to 4 different",
        ),
        ({"method": "category-analysis", "categories": ["values", "gossip"]}, "unknown 'gossip'"),
        ({"method": "free", "categories": ["values", "paradoxes"]}, "has no categories"),
    ],
)
def test_bad_method_choices_are_refused_with_a_clear_message(
    http: httpx.Client, body: dict[str, object], message: str
) -> None:
    refused = http.post("/api/boards", json={"title": "x", **body})
    assert refused.status_code == 422
    assert message in refused.json()["error"]["message"]
