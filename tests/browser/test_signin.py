"""Signing in to facilitate, in a real Chromium against a real OpenID Connect provider
(tests/oidc): an allowed user creates a board and finds it under "My boards" on another
device; a user outside the allowed group is told why not; logout ends both sessions; a
session whose ID token expired asks to sign in again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import Browsing, assert_accessible, assert_all_in, screenshot
from tests.conftest import RunningServer, timeout
from tests.oidc.provider import OidcProvider

BRIEF_TTL = timeout(6)  # seconds the short-lived client's ID tokens last


@dataclass
class SignInSetup:
    provider: OidcProvider
    server: RunningServer  # signs in with the usual client
    brief: RunningServer  # signs in with a client whose tokens expire in BRIEF_TTL


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSetup]:
    server = RunningServer(tmp_path_factory.mktemp("signin"))
    brief = RunningServer(tmp_path_factory.mktemp("signin-brief"))
    provider = OidcProvider([server.url, brief.url], brief_ttl=BRIEF_TTL)
    server.extra_args = provider.planche_args()
    brief.extra_args = provider.planche_args("planche-brief")
    provider.start()
    server.start()
    brief.start()
    yield SignInSetup(provider, server, brief)
    server.stop()
    brief.stop()
    provider.stop()


@pytest.fixture
def browsing(browser: Browser, setup: SignInSetup) -> Iterator[Browsing]:
    opened = Browsing(browser, setup.server)
    yield opened
    opened.close()


def sign_in(page: Page, server: RunningServer, account: str) -> None:
    """From the start page through the provider's own login form, back to the start page."""
    page.goto(server.url + "/")
    page.locator("#signin-link").click()
    page.locator("input[name=login]").fill(account)
    page.locator("input[name=password]").fill("whatever the provider asks")
    page.locator("button[type=submit]").click()
    page.wait_for_url(server.url + "/")


def test_an_allowed_facilitator_creates_a_board_and_finds_it_on_another_device(
    browsing: Browsing, setup: SignInSetup
) -> None:
    laptop = browsing.page()
    sign_in(laptop, setup.server, "ada")
    expect(laptop.locator("#signed-in")).to_contain_text("Ada Lund")
    laptop.locator("#create-title").fill("Budget workshop")
    laptop.locator("#create button[type=submit]").click()
    expect(laptop.locator("#status")).to_have_attribute("data-state", "online")
    laptop.goto(setup.server.url + "/")
    expect(laptop.locator("#my-boards-title")).to_have_text("My boards")
    expect(laptop.locator("#my-boards-list")).to_contain_text("Budget workshop")
    screenshot(laptop, "start-signed-in-my-boards")

    phone = browsing.page()  # another device: nothing of the board in its storage
    sign_in(phone, setup.server, "ada")
    phone.locator("#my-boards-list a", has_text="Budget workshop").click()
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    expect(phone.locator("#controls")).to_be_visible()  # the facilitator's controls
    assert not [u for u in browsing.requests if "token=" in u], "a token went into a URL"
    assert_accessible(phone, "the board opened from My boards")


def test_a_user_outside_the_allowed_group_is_told_why_in_their_language(
    browsing: Browsing, setup: SignInSetup
) -> None:
    page = browsing.page(lang="da-DK")
    sign_in(page, setup.server, "bo")
    expect(page.locator("#signin-notice")).to_contain_text("Din konto må ikke oprette tavler")
    expect(page.locator("#create")).to_have_count(0)
    expect(page.locator("#signin-link")).to_be_visible()
    screenshot(page, "start-sign-in-refused-da")
    assert_all_in(page, "da")
    assert_accessible(page, "the start page after a refused sign-in")


def test_logout_ends_planches_session_and_the_providers(
    browsing: Browsing, setup: SignInSetup
) -> None:
    page = browsing.page(lang="sv-SE")
    sign_in(page, setup.server, "ada")
    page.locator("#signout").click()
    page.locator("button[value=yes]").click()  # the provider asks whether to sign out there
    page.wait_for_url(setup.server.url + "/")
    expect(page.locator("#signin-link")).to_have_text("Logga in")
    expect(page.locator("#my-boards-title")).to_have_text("Tavlor i den här webbläsaren")
    page.locator("#signin-link").click()
    expect(page.locator("input[name=login]")).to_be_visible()  # the provider asks again


def test_a_session_whose_token_expired_asks_to_sign_in_again(
    browsing: Browsing, setup: SignInSetup
) -> None:
    page = browsing.page()
    sign_in(page, setup.brief, "ada")
    expect(page.locator("#signed-in")).to_be_visible()
    time.sleep(BRIEF_TTL + 1)  # waiting for the ID token to expire, not timing anything
    page.reload()
    expect(page.locator("#signin-notice")).to_contain_text("Your sign-in has expired")
    expect(page.locator("#create")).to_have_count(0)


def test_without_sign_in_the_start_page_lists_this_browsers_boards_and_the_way_back(
    browser: Browser, tmp_path: Path
) -> None:
    server = RunningServer(tmp_path)
    server.start()
    opened = Browsing(browser, server)
    try:
        page = opened.page()
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(server.url + "/")
        expect(page.locator("#my-boards-empty")).to_be_visible()
        page.locator("#create-title").fill("Evening meeting")
        page.locator("#create button[type=submit]").click()
        expect(page.locator("#status")).to_have_attribute("data-state", "online")
        page.goto(server.url + "/")
        item = page.locator("#my-boards-list li", has_text="Evening meeting")
        expect(item).to_contain_text("Facilitator")
        expect(item).to_contain_text("can run the board as you")
        item.locator(".copy-link").click()
        expect(item.locator(".copied")).to_have_text("Copied. Keep it where only you can read it.")
        screenshot(page, "start-this-browsers-boards")
        link = page.evaluate("navigator.clipboard.readText()")
        assert "#token=" in link

        other = opened.page()  # another device opens the link and runs the board
        other.goto(link)
        expect(other.locator("#status")).to_have_attribute("data-state", "online")
        expect(other.locator("#controls")).to_be_visible()
    finally:
        opened.close()
        server.stop()
