"""The board while others write: nothing a person is typing or doing is lost when notes
pour in, and their own changes show at once and go back, explained, when refused."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from playwright.sync_api import Page, expect

from board_client import BoardClient
from board_client.http import join_board
from tests.browser.helpers import (
    Browsing,
    api,
    assert_accessible,
    note_action,
    screenshot,
    synced,
)
from tests.conftest import RunningServer, timeout


def run(job: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    # Playwright's sync API holds this thread's event loop: clients run in another thread
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, job()).result()


def open_board(browsing: Browsing, server: RunningServer, board: dict[str, Any]) -> Page:
    page = browsing.page(viewport={"width": 1440, "height": 900}, lang="en")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    page.console_errors = errors  # type: ignore[attr-defined]
    return page


def test_what_is_half_typed_survives_200_incoming_notes(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Busy", "language": "en"})

    async def first_things() -> str:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
            await client.send_op({"kind": "idea.park", "idea": {"id": "i1", "text": "Later"}})
            return client.state.areas[0].id

    area = run(first_things)
    page = open_board(browsing, server, board)
    post = page.locator("#note-text")
    post.fill("A first note")
    post.press("Enter")
    first = page.locator(".note[data-note-id]", has_text="A first note")
    expect(first).to_have_count(1)
    page.evaluate("window.firstNote = document.querySelector('.note[data-note-id]')")

    # four things half done at once: an edit, a group name, an owner and a new note
    note_action(first, "Edit")
    page.locator(".note-edit").fill("A first note, better")
    page.locator(".group-form input").fill("Tools we sha")
    page.locator("#owner-i1").fill("Ann")
    post.fill("Half a thou")
    post.evaluate("field => field.setSelectionRange(2, 6)")

    async def others_write() -> None:
        joined = await join_board(server.url, board["join_code"], "Bo")
        async with (
            BoardClient(server.url, board["id"], board["facilitator_token"]) as one,
            BoardClient(server.url, board["id"], joined.token) as two,
        ):
            await asyncio.gather(
                *(
                    client.add_note(area, f"Incoming {i}")
                    for i in range(100)
                    for client in (one, two)
                )
            )

    run(others_write)
    expect(page.locator(".note[data-note-id]")).to_have_count(201, timeout=timeout(30) * 1000)
    expect(post).to_be_focused()
    assert post.input_value() == "Half a thou"
    assert post.evaluate("f => [f.selectionStart, f.selectionEnd]") == [2, 6]
    expect(page.locator(".note-edit")).to_have_value("A first note, better")
    expect(page.locator(".group-form input")).to_have_value("Tools we sha")
    expect(page.locator("#owner-i1")).to_have_value("Ann")
    # the first note is still the node it was: updated in place, never rebuilt
    assert page.evaluate("window.firstNote.isConnected")
    assert page.console_errors == []  # type: ignore[attr-defined]

    page.locator(".note-edit").press("Enter")
    expect(first.locator(".note-text")).to_have_text("A first note, better")
    screenshot(page, "live-board-200-notes")


def test_an_own_change_shows_at_once_and_a_refused_one_goes_back_explained(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Refused", "language": "en"})
    joined = run(lambda: join_board(server.url, board["join_code"], "Kim"))
    page = browsing.page(viewport={"width": 1440, "height": 900}, lang="en")
    page.goto(f"{server.url}/b/{board['id']}#token={joined.token}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    post = page.locator("#note-text")
    post.fill("Our weekly meeting")
    post.press("Enter")
    note = page.locator(".note[data-note-id]")
    expect(note).to_have_count(1)

    page.context.set_offline(True)
    expect(page.locator("#status")).to_have_attribute(
        "data-state", "offline", timeout=timeout(30) * 1000
    )
    note_action(note, "Edit")
    page.locator(".note-edit").fill("Our fortnightly meeting")
    page.locator(".note-edit").press("Enter")
    # shown at once, marked as not sent yet
    expect(note.locator(".note-text")).to_have_text("Our fortnightly meeting")
    expect(note).to_have_class("note note--yellow note--unsent")
    screenshot(page, "note-edited-offline")

    async def lock() -> None:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
            await client.send_op({"kind": "board.lock", "locked": True})

    run(lock)
    page.context.set_offline(False)
    # the server refuses the edit: the note goes back and the page says why
    expect(page.locator("#alert")).to_have_text(
        "Your edit was not saved. The facilitator has locked the board.",
        timeout=timeout(30) * 1000,
    )
    expect(note.locator(".note-text")).to_have_text("Our weekly meeting")
    expect(note).to_have_attribute("data-refused", "true")
    assert_accessible(page, "a refused edit")


def test_own_changes_are_undone_and_redone_as_new_ops(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Undo", "language": "en"})
    page = open_board(browsing, server, board)
    post = page.locator("#note-text")
    post.fill("Meet every week")
    post.press("Enter")
    note = page.locator(".note[data-note-id]")
    expect(note).to_have_count(1)
    note_action(note, "Edit")
    page.locator(".note-edit").fill("Meet every other week")
    page.locator(".note-edit").press("Enter")
    expect(note.locator(".note-text")).to_have_text("Meet every other week")
    note_action(note, "Delete")
    expect(note).to_have_count(0)

    page.locator("#undo").focus()  # outside a text field, Ctrl+Z is the board's undo
    page.keyboard.press("Control+z")  # the deletion: the note is back, as it was
    expect(note.locator(".note-text")).to_have_text("Meet every other week")
    page.keyboard.press("Control+z")  # the edit
    expect(note.locator(".note-text")).to_have_text("Meet every week")
    page.get_by_role("button", name="Redo").click()
    expect(note.locator(".note-text")).to_have_text("Meet every other week")
    assert page.console_errors == []  # type: ignore[attr-defined]

    # every step is an op in the board's history, nothing was rewound
    synced(page)
    live = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    assert [n["text"] for n in live["state"]["notes"].values()] == ["Meet every other week"]
    assert live["seq"] >= 6  # add, edit, delete, add again, edit back, edit again


def test_a_note_is_recoloured_from_its_menu_for_everyone(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Farver", "language": "da"})
    page = open_board(browsing, server, board)
    other = browsing.page(lang="da")
    other.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    post = page.locator("#note-text")
    post.fill("Frivillige i biblioteket")
    post.press("Enter")
    note = page.locator(".note[data-note-id]")
    note_action(note, "Farve", "Grøn")
    expect(note).to_have_class(re.compile(r"\bnote--green\b"))
    expect(other.locator(".note[data-note-id]")).to_have_class(re.compile(r"\bnote--green\b"))
    page.keyboard.press("Control+z")
    expect(other.locator(".note[data-note-id]")).to_have_class(re.compile(r"\bnote--yellow\b"))
    assert page.console_errors == []  # type: ignore[attr-defined]
