"""The board in a real browser: two people on one board, offline writing, escaping, drafts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from board_client import BoardClient
from tests.browser.helpers import api, in_thread, join_code, note_action
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def note_texts(server: RunningServer, board: dict[str, Any]) -> list[str]:
    live = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    return sorted(n["text"] for n in live["state"]["notes"].values())


def watch_dialogs(page: Page) -> list[str]:
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    return fired


def post_note(page: Page, text: str) -> None:
    page.get_by_label(re.compile("New note|Ny note|Ny lapp")).fill(text)
    page.get_by_label(re.compile("New note|Ny note|Ny lapp")).press("Enter")


def test_a_note_typed_in_one_page_appears_in_another(
    browser: Browser, server: RunningServer
) -> None:
    facilitator = browser.new_context().new_page()
    facilitator.goto(server.url + "/")
    facilitator.get_by_label("Board title").fill("Learning network, meeting 2")
    facilitator.get_by_label("Language of the board").select_option("en")
    facilitator.get_by_label("Your name (optional)").fill("Mette")
    facilitator.get_by_role("button", name="Create board").click()
    expect(facilitator.locator("#status")).to_have_attribute("data-state", "online")
    code = join_code(facilitator)

    participant = browser.new_context().new_page()
    fired = watch_dialogs(facilitator) + watch_dialogs(participant)
    participant.goto(f"{server.url}/?code={code}")
    participant.get_by_label("Your name", exact=True).fill("Ole")
    participant.get_by_role("button", name="Join").click()
    expect(participant.locator("#board-title")).to_have_text("Learning network, meeting 2")

    post_note(participant, "Hidden treasure: the caretakers know every family")
    post_note(participant, XSS)
    seen = facilitator.locator(".note-text")
    expect(seen).to_have_text(["Hidden treasure: the caretakers know every family", XSS])
    expect(facilitator.locator(".note-author").first).to_have_text("by Ole")
    assert facilitator.locator("img, script:not([src])").count() == 0  # the text stayed text

    # the facilitator may edit anyone's note; the edit shows on the participant's screen
    first = facilitator.locator(".note").first
    note_action(first, "Edit")
    editor = first.get_by_label("Edit")
    editor.fill("Hidden treasure: caretakers know the families")
    editor.press("Enter")
    expect(participant.locator(".note-text").first).to_have_text(
        "Hidden treasure: caretakers know the families"
    )

    # a second area appears live, and a note moves there from the keyboard
    board_id = facilitator.url.rsplit("/", 1)[1]
    token = json.loads(facilitator.evaluate(f"localStorage.getItem('planche:board:{board_id}')"))
    in_thread(_add_area(server, board_id, token["token"]))
    moving = participant.locator(".note").first
    note_action(moving, "Move to", "Urban myths")
    expect(
        facilitator.locator("section[aria-labelledby=area-myths]").locator(".note-text")
    ).to_have_text(["Hidden treasure: caretakers know the families"])

    note_action(participant.locator(".note", has_text="alert"), "Delete")
    expect(facilitator.locator(".note-text")).to_have_count(1)
    assert fired == []


async def _add_area(server: RunningServer, board_id: str, token: str) -> None:
    async with BoardClient(server.url, board_id, token) as client:
        await client.send_op({"kind": "area.add", "area": {"id": "myths", "title": "Urban myths"}})


def test_notes_written_offline_are_kept_and_sent_once(
    browser: Browser, own_server: RunningServer
) -> None:
    board = api(own_server, "/api/boards", {"title": "Offline", "language": "da"})
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{own_server.url}/b/{board['id']}#token={board['facilitator_token']}")
    assert "token" not in page.url  # taken out of the address bar at once
    status = page.locator("#status")
    expect(status).to_have_attribute("data-state", "online")

    own_server.kill()
    expect(status).to_have_attribute("data-state", "offline")
    post_note(page, "written with the server down")
    expect(page.locator("#status-unsent")).to_have_text("Ikke sendt endnu: 1")
    expect(page.locator(".note--pending")).to_have_text(re.compile("written with the server down"))
    page.close()  # the laptop lid closes before the connection is back

    own_server.start()
    page = context.new_page()
    page.goto(f"{own_server.url}/b/{board['id']}")
    expect(page.locator(".note:not(.note--pending) .note-text")).to_have_text(
        ["written with the server down"], timeout=timeout(20) * 1000
    )
    expect(page.locator("#status-unsent")).to_have_text("")

    own_server.kill()  # and once more, without a reload: the open page sends it itself
    expect(page.locator("#status")).to_have_attribute("data-state", "offline")
    post_note(page, "second, still offline")
    own_server.start()
    expect(page.locator("#status")).to_have_attribute(
        "data-state", "online", timeout=timeout(20) * 1000
    )
    expect(page.locator("#status-unsent")).to_have_text("")
    assert note_texts(own_server, board) == [
        "second, still offline",
        "written with the server down",
    ]


def test_a_half_written_note_survives_a_reload(browser: Browser, server: RunningServer) -> None:
    board = api(server, "/api/boards", {"title": "Draft", "language": "sv"})
    page = browser.new_context().new_page()
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    field = page.get_by_label("Ny lapp")
    field.fill("en tanke som inte är klar")
    page.reload()
    expect(page.get_by_label("Ny lapp")).to_have_value("en tanke som inte är klar")
    expect(page.locator("#status")).to_have_text(re.compile("Ansluten"))
    assert page.evaluate("document.documentElement.lang") == "sv"
