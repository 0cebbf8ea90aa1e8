"""A photo from a phone's camera, with its GPS position and camera make: added from the phone
page with a caption, shown on the facilitator's canvas, in the list view and large on the
projector, and in the exported DOCX and PDF, with none of its metadata anywhere."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    facilitator_page,
    join,
    phone_shot,
    screenshot,
    settle,
)
from tests.conftest import RunningServer, timeout
from tests.server.test_pictures import metadata_in, photo_with_gps

pytestmark = pytest.mark.browser

CAPTION = "Plakaten fra gruppe 2 om skjulte skatte"


def shown(page: Page, selector: str) -> dict[str, int]:
    """The first loaded picture matching `selector`: its pixels and its size on screen, once
    its note has faded in (it grows from 94% as it does)."""
    page.wait_for_function(
        """(selector) => [...document.querySelectorAll(selector)]
             .some((img) => img.complete && img.naturalWidth > 0)""",
        arg=selector,
    )
    settle(page)
    return dict(
        page.evaluate(
            """(selector) => {
              const img = [...document.querySelectorAll(selector)].find((i) => i.naturalWidth > 0);
              const box = img.getBoundingClientRect();
              return {natural: img.naturalWidth, width: Math.round(box.width),
                      height: Math.round(box.height), alt: img.alt};
            }""",
            selector,
        )
    )


def test_a_phone_photo_reaches_the_canvas_the_projector_and_the_records_without_its_gps(
    browsing: Browsing, server: RunningServer, tmp_path: Path
) -> None:
    board = api(server, "/api/boards", {"title": "Netværksmøde 3", "language": "da"})
    fac = facilitator_page(browsing, board, lang="da-DK")

    phone = browsing.page(PHONE, lang="da-DK")
    join(phone, server, board["join_code"], "Ann")
    phone.locator("#write-note").click()
    expect(phone.get_by_role("button", name="Tilføj billede")).to_be_visible()
    # the camera's photo as the file input hands it over (set_input_files is the chooser)
    photo = photo_with_gps((1200, 900))
    phone.set_input_files(
        "#picture-file", files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    caption = phone.get_by_label("Beskriv billedet")
    expect(caption).to_be_focused()
    expect(phone.locator("#picture-preview img")).to_be_visible()
    assert_accessible(phone, "phone, a picture chosen")
    phone_shot(phone, "pictures-phone-chosen")

    # a file that is no picture: refused, and said so in Danish
    phone.set_input_files(
        "#picture-file",
        files=[{"name": "not.png", "mimeType": "image/png", "buffer": b"just text"}],
    )
    caption.fill("x")
    phone.get_by_role("button", name="Sæt på tavlen").click()
    expect(phone.locator("#picture-status")).to_contain_text("ikke et billede")

    phone.set_input_files(
        "#picture-file", files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    caption.fill(CAPTION)
    caption.press("Enter")
    expect(phone.locator("#picture-status")).to_have_text("Billedet er tilføjet.")
    expect(phone.locator("#picture-panel")).to_be_hidden()
    on_phone = shown(phone, ".note-picture")
    assert on_phone["natural"] == 900 and on_phone["alt"] == CAPTION  # upright: portrait
    settle(phone)
    phone_shot(phone, "pictures-phone-added")

    on_canvas = shown(fac, ".note--picture .note-picture")
    assert on_canvas["alt"] == CAPTION and on_canvas["height"] > on_canvas["width"] > 100
    expect(fac.locator(".note--picture .note-text")).to_have_text(CAPTION)
    assert_accessible(fac, "facilitator's canvas with a picture note")
    screenshot(fac, "pictures-canvas")

    # the facilitator pastes a picture (a screenshot, say) and gives it no caption
    fac.evaluate(
        """async () => {
          const canvas = Object.assign(document.createElement("canvas"), {width: 320, height: 180});
          canvas.getContext("2d").fillRect(0, 0, 160, 180);
          const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
          const data = new DataTransfer();
          data.items.add(new File([blob], "skærmbillede.png", {type: "image/png"}));
          document.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data}));
        }"""
    )
    expect(fac.get_by_label("Beskriv billedet")).to_be_focused()
    fac.get_by_role("button", name="Sæt på tavlen").click()
    expect(fac.locator(".note--picture")).to_have_count(2)
    expect(fac.get_by_role("img", name="Billede fra Facilitator")).to_be_visible()
    fac.get_by_role("button", name="Listevisning").click()
    listed = fac.locator("#list .list-picture")
    expect(listed).to_have_count(2)
    expect(listed.first).to_have_attribute("alt", CAPTION)
    shown(fac, "#list .list-picture")
    assert_accessible(fac, "list view with picture notes")

    wall = browsing.page(PROJECTOR, lang="da-DK")
    wall.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    # the photo, not the pasted screenshot (whichever of the two loaded first)
    on_wall = shown(wall, f'.note-picture[alt="{CAPTION}"]')
    assert on_wall["height"] >= 300, on_wall  # readable from the back of the room
    assert wall.evaluate("document.documentElement.scrollHeight <= innerHeight")
    assert_accessible(wall, "projector with a picture note")
    screenshot(wall, "pictures-projector")

    def export(fmt: str) -> bytes:
        got = httpx.get(
            f"{server.url}/api/boards/{board['id']}/export",
            params={"format": fmt},
            headers={"Authorization": f"Bearer {board['facilitator_token']}"},
            timeout=timeout(60),
        )
        assert got.status_code == 200, got.text
        return got.content

    word = export("docx")
    assert metadata_in(word) == []
    document = docx.Document(io.BytesIO(word))
    assert len(document.inline_shapes) == 2 and any(CAPTION in p.text for p in document.paragraphs)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(export("pdf"))
    assert metadata_in(pdf.read_bytes()) == []

    def run(*args: str) -> Any:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    images = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    assert any(line.split()[3:5] == ["900", "1200"] for line in images), images
    assert any(line.split()[3:5] == ["320", "180"] for line in images), images
    assert CAPTION in " ".join(run("pdftotext", str(pdf), "-").split())
