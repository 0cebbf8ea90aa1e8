"""Accessibility in a real browser: axe-core on every page and state that failed before (the
list view beside the history, the shared record, the sounding board's survey phase, the
closed meeting)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import Browsing, api, assert_accessible, screenshot
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        return pool.submit(asyncio.run, coroutine).result()


def open_board(page: Page, server: RunningServer, board_id: str, token: str) -> None:
    page.goto(f"{server.url}/b/{board_id}#token={token}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    expect(page.locator("#board-title")).not_to_have_text("Planche")  # drawn, not only online


def test_every_page_and_state_of_a_sounding_board_passes_axe(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Sounding board", "method": "sounding-board", "language": "en"}
    board = api(server, "/api/boards", body)
    kai = api(server, "/api/join", {"code": board["join_code"], "name": "Kai"})

    async def meet() -> None:
        async with (
            BoardClient(server.url, board["id"], board["facilitator_token"]) as facilitator,
            BoardClient(server.url, board["id"], kai["token"]) as participant,
        ):
            for i in range(9):
                area = ("topic", "groups", "survey")[i % 3]
                await participant.add_note(area, f"Thought {i + 1}", note_id=f"n{i + 1}")
            group = {"id": "g1", "area": "groups", "name": "Meeting times"}
            await facilitator.send_op({"kind": "group.add", "group": group})
            for note in ("n2", "n5"):
                await facilitator.send_op({"kind": "note.group", "note_id": note, "group_id": "g1"})
            await facilitator.send_op({"kind": "vote.open", "per_person": 2})
            await participant.send_op({"kind": "vote.cast", "note_id": "n1"})
            await participant.send_op({"kind": "vote.cast", "note_id": "n4"})
            await facilitator.send_op({"kind": "vote.close"})
            idea = {"id": "i1", "text": "Ask the youth club"}
            await participant.send_op({"kind": "idea.park", "idea": idea})
            # the survey phase and the survey area share a name
            await facilitator.send_op({"kind": "phase.set", "phase": "survey", "focus": []})

    run(meet())
    page = browsing.page(lang="en")
    open_board(page, server, board["id"], board["facilitator_token"])
    expect(page.locator(".note")).to_have_count(9)
    assert_accessible(page, "facilitator, survey phase")

    # the list view, and the history beside it: two outlines of the same board
    page.get_by_role("button", name="List view").click()
    expect(page.locator("#list")).to_contain_text("Thought 9")
    expect(page.locator("#list h3")).to_have_text(["Group: Meeting times"])
    one_vote = page.locator("#list li", has_text="Thought 1")
    expect(one_vote).to_have_text(re.compile(r"by Kai . 1 vote$"))  # not "1 votes"
    page.locator("#history-seq").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#history-view")).to_contain_text("Thought 9")
    assert_accessible(page, "list view and history")
    screenshot(page, "a11y-list-view-and-history")

    run(close_meeting(server, board))
    expect(page.locator("#closed-note")).to_be_visible()
    assert_accessible(page, "list view, meeting closed")

    page.locator("#record-name").fill("After the survey")
    page.locator("#records button[type=submit]").click()
    link = page.locator("#record-list a").first
    expect(link).to_be_visible()
    reader = browsing.page(lang="en")
    reader.goto(server.url + (link.get_attribute("href") or ""))
    expect(reader.locator("main h1")).to_have_text("Sounding board")
    assert_accessible(reader, "shared record")
    screenshot(reader, "a11y-shared-record")


async def close_meeting(server: RunningServer, board: dict[str, str]) -> None:
    async with BoardClient(server.url, board["id"], board["facilitator_token"]) as facilitator:
        await facilitator.send_op({"kind": "meeting.close", "force": True})
