"""Who may facilitate, over real HTTP: open (unchanged), an invite code, and sign-in through
a real OpenID Connect provider (tests/oidc); what a signed-in facilitator gets from any
device; and the store keeping who created what."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from server.config import Config
from server.http.auth import allowed
from server.store.base import Owner
from server.store.sql import SqlStore
from tests.conftest import RunningServer, timeout
from tests.oidc.provider import OidcProvider
from tests.server.stores import make_board

INVITE = "blue-heron-42"
BOARD = {"title": "Budget workshop"}


@pytest.fixture(scope="module")
def invite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = RunningServer(
        tmp_path_factory.mktemp("invite"), ("--facilitators", "invite", "--invite-code", INVITE)
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OidcProvider, RunningServer]]:
    server = RunningServer(tmp_path_factory.mktemp("oidc"))
    provider = OidcProvider([server.url])
    server.extra_args = provider.planche_args()
    provider.start()
    server.start()
    yield provider, server
    server.stop()
    provider.stop()


def _error(response: httpx.Response) -> str:
    message: str = response.json()["error"]["message"]
    return message


def test_open_mode_lets_anyone_create_as_before(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url, timeout=timeout(10)) as http:
        assert http.post("/api/boards", json=BOARD).status_code == 201
        assert http.post("/api/networks", json={"title": "N", "theme": "T"}).status_code == 201
        assert http.get("/api/me/boards").status_code == 401  # nobody signs in here


def test_the_right_invite_code_creates_and_a_wrong_or_missing_one_is_refused_by_name(
    invite_server: RunningServer,
) -> None:
    with httpx.Client(base_url=invite_server.url, timeout=timeout(10)) as http:
        right = http.post("/api/boards", json=BOARD, headers={"X-Planche-Invite": INVITE})
        assert right.status_code == 201
        wrong = http.post("/api/boards", json=BOARD, headers={"X-Planche-Invite": "blue"})
        assert wrong.status_code == 403
        assert "invite code is not right" in _error(wrong)
        missing = http.post("/api/boards", json=BOARD)
        assert missing.status_code == 403
        assert "X-Planche-Invite" in _error(missing)
        network = http.post("/api/networks", json={"title": "N", "theme": "T"})
        assert network.status_code == 403
        archive = http.post("/api/boards/import", content=b"{}")
        assert archive.status_code == 403
        page = http.get("/").text
        assert 'id="create-invite"' in page


def sign_in(http: httpx.Client, account: str) -> None:
    """Through the provider's own login form, as a browser would, cookies and all."""
    form = http.get("/auth/login", follow_redirects=True)
    action = re.search(r'<form[^>]*action="([^"]+)"', form.text)
    assert action, form.text
    done = http.post(
        str(form.url.join(action.group(1))),
        data={"prompt": "login", "login": account, "password": "any"},
        follow_redirects=True,
    )
    assert done.status_code == 200


def _client(server: RunningServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=timeout(10), headers={"Origin": server.url})


def test_with_sign_in_creating_needs_a_session_from_this_servers_own_pages(
    oidc: tuple[OidcProvider, RunningServer],
) -> None:
    _, server = oidc
    with _client(server) as http:
        nobody = http.post("/api/boards", json=BOARD)
        assert nobody.status_code == 401
        assert "Sign in first" in _error(nobody)
        sign_in(http, "ada")
        assert (
            http.post(
                "/api/boards",
                content=b"title=x",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ).status_code
            == 415
        )
        foreign = http.post("/api/boards", json=BOARD, headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403
        assert "https://evil.example" in _error(foreign)
        assert http.post("/api/boards", json=BOARD).status_code == 201


def test_a_user_outside_the_group_and_domain_gets_no_session(
    oidc: tuple[OidcProvider, RunningServer],
) -> None:
    _, server = oidc
    with _client(server) as http:
        sign_in(http, "bo")
        assert http.post("/api/boards", json=BOARD).status_code == 401
        assert http.get("/api/me/boards").status_code == 401


def test_a_signed_in_facilitator_gets_their_boards_and_a_fresh_token_on_another_device(
    oidc: tuple[OidcProvider, RunningServer],
) -> None:
    _, server = oidc
    with _client(server) as laptop:
        sign_in(laptop, "ada")
        created = laptop.post("/api/boards", json={"title": "Ada's board"}).json()
        laptop.post("/api/networks", json={"title": "Ada's network", "theme": "T"})
    with _client(server) as phone:
        sign_in(phone, "ada")
        mine = phone.get("/api/me/boards").json()
        assert "Ada's board" in [b["title"] for b in mine["boards"]]
        assert "Ada's network" in [n["title"] for n in mine["networks"]]
        fresh = phone.post(f"/api/boards/{created['id']}/facilitator-token", json={})
        assert fresh.status_code == 201
        token = fresh.json()["token"]
        assert token != created["facilitator_token"]
        auth = {"Authorization": f"Bearer {token}"}
        board = phone.get(f"/api/boards/{created['id']}", headers=auth).json()
        assert board["state"]["participants"][fresh.json()["participant_id"]]["role"] == (
            "facilitator"
        )
        old = {"Authorization": f"Bearer {created['facilitator_token']}"}
        assert phone.get(f"/api/boards/{created['id']}", headers=old).status_code == 200
    with _client(server) as other:
        sign_in(other, "dina")  # allowed by her e-mail domain, but not the board's owner
        refused = other.post(f"/api/boards/{created['id']}/facilitator-token", json={})
        assert refused.status_code == 403
        assert "not yours" in _error(refused)
        assert "Ada's board" not in str(other.get("/api/me/boards").json())


def test_a_group_or_a_verified_address_in_a_domain_allows() -> None:
    config = Config(oidc_allowed_groups=("g1",), oidc_allowed_domains=("kommune.dk",))
    assert allowed({"groups": ["x", "g1"]}, config)
    assert allowed({"groups": "g1"}, config)
    assert allowed({"email": "ida@Kommune.dk"}, config)
    assert not allowed({"email": "ida@kommune.dk", "email_verified": False}, config)
    assert not allowed({"email": "ida@elsewhere.dk", "groups": ["g2"]}, config)
    assert not allowed({}, config)


@pytest.mark.anyio
async def test_owners_and_further_tokens_go_with_their_board(any_store: SqlStore) -> None:
    owner = Owner("https://idp.example", "ada")
    kept, gone = await make_board(any_store, "a" * 32), await make_board(any_store, "b" * 32)
    for board_id in (kept, gone):
        await any_store.add_board_owner(board_id, owner)
    await any_store.add_facilitator_token(gone, "p-fac", "f" * 64)
    credential = await any_store.authenticate("f" * 64)
    assert credential is not None and credential.role == "facilitator"
    assert await any_store.board_owner(gone) == owner
    assert await any_store.delete_board(gone)
    boards, _ = await any_store.owned(owner)
    assert [b.id for b in boards] == [kept]
    assert await any_store.authenticate("f" * 64) is None
    assert await any_store.board_owner(gone) is None
    assert (await any_store.owned(Owner("https://idp.example", "bo"))) == ([], [])


def test_sign_in_while_the_provider_does_not_answer_says_so_on_the_start_page(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    provider = OidcProvider([])  # its address, with nothing listening there
    server = RunningServer(tmp_path_factory.mktemp("no-provider"), provider.planche_args())
    server.start()
    try:
        with _client(server) as http:
            login = http.get("/auth/login", headers={"Accept-Language": "en"})
            assert login.status_code == 303 and login.headers["location"] == "/"
            page = http.get("/", headers={"Accept-Language": "en"}).text
            assert "the sign-in service did not answer as expected" in page
            assert http.get("/auth/callback?code=x&state=y").headers["location"] == "/"
    finally:
        server.stop()
