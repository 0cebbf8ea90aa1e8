"""Creating a board in the page: the method gallery, and for a category analysis the
handbook's categories to choose from and categories of the facilitator's own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    assert_thumb_sized,
    screenshot,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def test_a_facilitator_picks_a_method_and_its_categories_by_keyboard(
    browsing: Browsing, server: RunningServer
) -> None:
    page = browsing.page(LAPTOP)
    page.goto(f"{server.url}/?lang=en")
    page.get_by_label("Board title").fill("Youth and libraries")

    # every method is a card saying what it is for and how long it takes
    gallery = page.get_by_role("group", name="Method")
    expect(gallery.get_by_role("radio")).to_have_count(12)
    analysis = page.get_by_role("radio", name="Category analysis", exact=True)
    expect(analysis).to_have_accessible_description(
        "The network's material is analysed through 2-4 categories: first silently on your own, "
        "then together. Then patterns across them, priorities, and how the learning is put into "
        "play. 5 steps · about 77 minutes"
    )
    categories = page.get_by_role("group", name="Categories: choose 2 to 4")
    expect(categories).to_be_hidden()

    # the keyboard way: focus the chosen card, arrows move through the gallery
    page.get_by_role("radio", name="Free board", exact=True).focus()
    for _ in range(12):
        if analysis.is_checked():
            break
        page.keyboard.press("ArrowLeft")
    expect(analysis).to_be_checked()
    expect(categories).to_be_visible()
    chosen = categories.get_by_role("checkbox", checked=True)
    expect(chosen).to_have_count(3)  # the handbook's first three, as the server would choose

    # too few is refused in the page's words, and nothing is created
    for name in ("Hidden treasures", "Urban myths"):
        categories.get_by_role("checkbox", name=name).uncheck()
    page.get_by_role("button", name="Create board").click()
    expect(categories.get_by_role("alert")).to_have_text("Choose 2 to 4 categories.")
    expect(page).to_have_url(f"{server.url}/?lang=en")

    # one of the handbook's more, and one of the facilitator's own, explained
    categories.get_by_role("checkbox", name="Values").check()
    page.get_by_text("Add a category of your own").click()
    page.get_by_label("Name of the category").fill("What surprises us")
    page.get_by_label("Name of the category").press("Enter")  # not yet: it needs its explanation
    expect(categories.get_by_role("alert")).to_have_text(
        "Give the category a name and an explanation."
    )
    expect(page).to_have_url(f"{server.url}/?lang=en")
    page.get_by_label("Explanation for the participants").fill("What we did not expect to find")
    page.get_by_role("button", name="Add the category").click()
    expect(chosen).to_have_count(3)
    expect(categories.get_by_role("checkbox", name="What surprises us")).to_be_checked()
    assert_accessible(page, "start page with categories")
    screenshot(page, "create-category-analysis")

    page.get_by_role("button", name="Create board").click()
    expect(page.locator("#controls")).to_be_visible()
    board_id = page.url.split("/b/")[1].split("#")[0]
    token = page.evaluate(f"JSON.parse(localStorage.getItem('planche:board:{board_id}')).token")
    state = api(server, f"/api/boards/{board_id}", token=token)["state"]
    areas = [(a["title"], a["prompt"]) for a in state["areas"]]
    assert [title for title, _ in areas[:3]] == ["Paradoxes", "Values", "What surprises us"]
    assert areas[2][1] == "What we did not expect to find"
    assert state["method"] == "category-analysis"


def test_the_gallery_reads_in_danish_on_a_phone(browsing: Browsing, server: RunningServer) -> None:
    page = browsing.page(PHONE, lang="da-DK")
    page.goto(f"{server.url}/?lang=da")
    expect(page.get_by_role("radio", name="Analyse via kategorier", exact=True)).to_be_visible()
    expect(page.get_by_text("5 trin · cirka 77 minutter")).to_be_visible()
    expect(page.get_by_text("1 trin · cirka 45 minutter")).to_be_visible()
    assert_all_in(page, "da")
    assert_thumb_sized(page)
    assert_accessible(page, "start page on a phone in Danish")
    screenshot(page, "create-gallery-phone-da")
