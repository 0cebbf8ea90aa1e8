"""Reactions on notes (by mouse on a phone, by keyboard on a laptop, counted on the projector
and in the record), the undo of an early "Close voting" with every vote back, and a large
meeting: counts instead of names, no cursors, and a projector that names nobody."""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from board_client import BoardClient, join_board
from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    board_state,
    facilitator_page,
    join,
    phone_shot,
    screenshot,
    send_as,
    state_once,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser


def test_reactions_are_given_by_mouse_and_keyboard_and_a_closed_vote_comes_back(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Volunteers", "method": "free", "language": "en"})
    fac_token = board["facilitator_token"]
    note = {"id": "n1", "area": "main", "text": "Ask volunteers what they need"}
    send_as(server, board["id"], fac_token, {"kind": "note.add", "note": note})
    phone = browsing.page(PHONE)
    join(phone, server, board["join_code"], "Ahmed")
    page = facilitator_page(browsing, board)
    projector = browsing.page(PROJECTOR)
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    bo = api(server, "/api/join", {"code": board["join_code"], "name": "Bo"})

    # by mouse on a phone: the note's heart opens the reactions
    on_phone = phone.locator(".note[data-note-id=n1]")
    on_phone.get_by_role("button", name="React").click()
    phone.get_by_role("menuitemcheckbox", name="Agree").click()
    agree_phone = on_phone.locator(".reaction[data-reaction=agree]")
    expect(agree_phone).to_have_attribute("aria-pressed", "true")
    expect(agree_phone).to_have_attribute("aria-label", "1 person reacted: Agree")

    # by keyboard on the laptop: the note's menu has "React"; R on the note goes straight there
    on_laptop = page.locator(".note[data-note-id=n1]")
    expect(on_laptop).to_have_attribute("tabindex", "0")
    on_laptop.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem", name="React")).to_be_visible()
    page.keyboard.press("Escape")
    expect(on_laptop).to_be_focused()
    page.keyboard.press("r")
    expect(menu.get_by_role("menuitemcheckbox", name="Agree")).to_be_focused()
    assert_accessible(page, "a note's reactions menu")
    page.keyboard.press("Enter")
    expect(on_laptop).to_be_focused()  # back on the note

    # Bo agrees and has an idea, from his own device
    react = {"kind": "reaction.toggle", "note_id": "n1"}
    send_as(server, board["id"], bo["token"], {**react, "reaction": "agree"})
    send_as(server, board["id"], bo["token"], {**react, "reaction": "idea"})
    agree = on_laptop.locator(".reaction[data-reaction=agree]")
    expect(agree).to_have_attribute("aria-label", "3 people reacted: Agree")
    expect(agree).to_have_attribute("aria-pressed", "true")
    expect(on_laptop.locator(".reaction[data-reaction=idea]")).to_have_attribute(
        "aria-pressed", "false"
    )
    on_projector = projector.locator(".note[data-note-id=n1] .reaction")
    expect(on_projector.locator(".reaction-count")).to_have_text(["3", "1"])
    expect(on_projector.first).to_have_attribute("title", "3 people reacted: Agree")
    expect(projector.locator(".note-react-button:visible")).to_have_count(0)  # counts only
    expect(on_phone.locator(".reaction")).to_have_count(2)
    assert_all_in(phone, "en")
    assert_accessible(phone, "a note with reactions on a phone")
    phone_shot(phone, "reactions-phone")
    screenshot(page, "reactions-laptop")
    screenshot(projector, "reactions-projector")

    # a second click takes Ahmed's own reaction back
    agree_phone.click()
    expect(agree).to_have_attribute("aria-label", "2 people reacted: Agree")

    # "Close voting" too early; "Undo" brings the vote back with every vote cast
    page.locator("[data-action=voting]").click()
    expect(page.locator("[data-action=voting]")).to_have_text("Close voting")
    send_as(server, board["id"], bo["token"], {"kind": "vote.cast", "note_id": "n1"})
    send_as(server, board["id"], fac_token, {"kind": "vote.cast", "note_id": "n1"})
    state_once(server, board, lambda s: len(s["voting"]["votes"]) == 2)
    page.locator("[data-action=voting]").click()
    expect(on_laptop.locator(".note-votes")).to_have_text("2 votes")
    undo = page.locator("[data-action=voting-undo]")
    expect(undo).to_have_accessible_name("Undo: open the voting again")
    assert_accessible(page, "the undo of a vote's close")
    screenshot(page, "vote-close-undo")
    undo.click()
    expect(page.locator("[data-action=voting]")).to_have_text("Close voting")
    expect(undo).to_be_hidden()
    state = state_once(server, board, lambda s: not s["voting"]["closed"])
    assert [v for votes in state["voting"]["votes"].values() for v in votes] == ["n1", "n1"]
    send_as(server, board["id"], bo["token"], {"kind": "vote.cast", "note_id": "n1"})
    page.locator("[data-action=voting]").click()
    expect(on_laptop.locator(".note-votes")).to_have_text("3 votes")

    # the record counts the reactions
    request = urllib.request.Request(
        f"{server.url}/api/boards/{board['id']}/export?format=md",
        headers={"Authorization": f"Bearer {fac_token}"},
    )
    with urllib.request.urlopen(request, timeout=timeout(30)) as response:
        record = response.read().decode()
    assert "Reactions: Agree 2, Good idea 1" in record
    assert board_state(server, board)["reactions"]["n1"]["idea"] == [bo["participant_id"]]


class _Crowd:
    """People connected through BoardClients in a thread of their own, until closed."""

    def __init__(self, server: RunningServer, board: dict[str, Any], names: list[str]) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.clients: list[BoardClient] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(server, board, names))
        self.thread.start()
        assert self.ready.wait(timeout(60)), "the crowd did not connect"
        if self.error:
            raise self.error

    def _run(self, server: RunningServer, board: dict[str, Any], names: list[str]) -> None:
        try:
            self.loop.run_until_complete(self._main(server, board, names))
        finally:
            self.loop.close()

    async def _main(self, server: RunningServer, board: dict[str, Any], names: list[str]) -> None:
        self.stop = asyncio.Event()
        try:
            for name in names:
                joined = await join_board(server.url, board["join_code"], name)
                client = BoardClient(server.url, board["id"], joined.token)
                await client.start()
                self.clients.append(client)
            await asyncio.gather(*(c.wait_connected() for c in self.clients))
        except BaseException as e:  # told to the test's thread
            self.error = e
        self.ready.set()
        await self.stop.wait()
        for client in self.clients:
            await client.close()

    def run(self, job: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(job, self.loop).result(timeout(30))

    def close(self) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout(30))


async def _told(client: BoardClient, check: Any) -> None:
    """Until `check()` holds of what the client last heard."""

    async def heard() -> None:
        while not check():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(heard(), timeout(20))


@pytest.fixture
def crowd_server(tmp_path: Path) -> Iterator[RunningServer]:
    """Thresholds lowered so that a dozen clients make a large meeting."""
    running = RunningServer(tmp_path, ("--people-list-max", "4", "--crowd-threshold", "8"))
    running.start()
    yield running
    running.stop()


def test_a_large_meeting_shows_counts_and_no_cursors_and_the_projector_names_nobody(
    browsing: Browsing, crowd_server: RunningServer
) -> None:
    server = crowd_server
    body = {"title": "Big meeting", "method": "free", "language": "da"}
    board = api(server, "/api/boards", body)
    note = {"id": "n1", "area": "main", "text": "Frivillige"}
    send_as(server, board["id"], board["facilitator_token"], {"kind": "note.add", "note": note})
    page = browsing.page(LAPTOP, lang="da-DK")  # facilitator_page opens the shared server
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    crowd = _Crowd(server, board, [f"Deltager {i}" for i in range(12)])
    try:
        peers = page.locator("#peers")
        expect(peers.locator(".peers-count")).to_have_text("13 til stede")  # and the facilitator
        expect(peers).not_to_contain_text("Deltager")
        # a drag and a typing line above the crowd threshold: they reach nobody
        drag = {"note_id": "n1", "area": "main", "x": 40, "y": 40}
        crowd.run(crowd.clients[1].send_presence(typing=False, area="main", drag=drag))
        crowd.run(crowd.clients[0].send_presence(typing=True, area="main"))
        # in small groups: how many of each group are here
        known = crowd.clients[0].state.participants
        people = sorted(p for p, who in known.items() if who.role == "participant")
        groups = [
            {"id": "g1", "name": "Gruppe A", "members": people[:7]},
            {"id": "g2", "name": "Gruppe B", "members": people[7:]},
        ]
        start = {"kind": "breakout.start", "groups": groups}
        send_as(server, board["id"], board["facilitator_token"], start)
        crowd.run(crowd.clients[2].send_presence(typing=False, area="group-g1"))  # news again
        expect(peers.locator(".peers-group")).to_have_text(["Gruppe A: 7", "Gruppe B: 5"])
        expect(peers.locator(".peers-count")).to_have_text("13 til stede")
        seen = crowd.clients[3]
        crowd.run(_told(seen, lambda: bool(seen.crowd and seen.crowd["groups"])))
        assert seen.crowd and seen.crowd["here"] == 13
        assert [p["role"] for p in seen.peers] == ["facilitator"]  # no 12 names, no cursors
        assert not any(p.get("drag") or p["typing"] for p in seen.peers)
        expect(page.locator(".note-ghost")).to_have_count(0)
        expect(page.locator(".typing")).to_have_count(0)
        assert_all_in(page, "da")
        assert_accessible(page, "a large meeting's counts")
        screenshot(page, "crowd-presence-da")
        # the projector names nobody: no people list, hands only as a count
        for client in crowd.clients[:3]:
            crowd.run(client.send_op({"kind": "hand.raise"}))
        expect(projector.locator(".hand-queue li")).to_have_text(["3 hænder oppe"])
        expect(projector.locator("body")).not_to_contain_text("Deltager")
        screenshot(projector, "crowd-projector-da")
    finally:
        crowd.close()
