"""The method catalogue: every shipped file loads, a broken one is named with its field."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitation_methods import BUILT_IN, LANGUAGES, MethodFileError, load_catalogue, load_method
from tests.conftest import planche

METHOD_IDS = {
    "free",
    "theme-unfolding",
    "process-plan",
    "meeting-plan",
    "meeting-capture",
    "category-analysis",
    "leadership-deliverable",
    "idea-book",
    "critical-friend",
    "walkshop",
    "knowledge-sharing",
    "sounding-board",
}

GOOD = """\
id = "exit-ticket"
name = { da = "Udgangsbillet", sv = "Utgångsbiljett", en = "Exit ticket" }
[description]
da = "Et spørgsmål til sidst."
sv = "En fråga på slutet."
en = "One question at the end."

[[areas]]
id = "answers"
title = { da = "Svar", sv = "Svar", en = "Answers" }

[[phases]]
id = "write"
kind = "individual"
minutes = 5
title = { da = "Skriv", sv = "Skriv", en = "Write" }
"""


def test_every_method_of_the_handbook_ships_and_loads() -> None:
    catalogue = load_catalogue()
    assert set(catalogue) == METHOD_IDS
    for method in catalogue.values():
        for language in LANGUAGES:
            assert method.name[language] and method.description[language]
            assert all(area.title[language] for area in method.areas)


def test_category_analysis_offers_the_five_categories_with_explanations() -> None:
    categories = load_catalogue()["category-analysis"].categories
    assert categories is not None
    assert (categories.choose_min, categories.choose_max) == (2, 4)
    assert [c.id for c in categories.options] == [
        "hidden-treasures",
        "paradoxes",
        "urban-myths",
        "values",
        "user-portraits",
    ]


def test_tables_and_grid_are_where_the_methods_need_them() -> None:
    catalogue = load_catalogue()
    plan = {t.id: t for t in catalogue["process-plan"].tables}
    assert [r.id for r in plan["meetings"].rows][-1] == "closing"
    assert len(plan["meetings"].rows) == 6
    assert [c.id for c in catalogue["meeting-plan"].tables[0].columns] == [
        "time",
        "content",
        "process",
        "purpose",
    ]
    grid = catalogue["critical-friend"].grid
    assert grid is not None and grid.criteria and grid.scale_max > grid.scale_min


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda t: t.replace(', en = "Exit ticket"', ""), "name.en", "Field required"),
        (lambda t: t.replace("minutes = 5", "minutes = 0"), "phases.0.minutes", "greater than"),
        (lambda t: t.replace('kind = "individual"', 'kind = "nap"'), "phases.0.kind", "'intro'"),
        (lambda t: t + 'colour = "red"\n', "phases.0.colour", "Extra inputs"),
        (lambda t: t.replace('id = "write"', 'id = "Write It"'), "phases.0.id", "pattern"),
        (lambda t: t + "areas = ['nowhere']\n", "(top level)", "'nowhere', which is not an area"),
        (lambda t: t.replace('id = "exit-ticket"', 'id = "other"'), "id", "match the file name"),
        (lambda t: t.replace("[[phases]]", "[[phases]"), "", "not valid TOML"),
        (
            lambda t: t + '\n[[areas]]\nid = "answers"\ntitle = { da = "a", sv = "a", en = "a" }\n',
            "(top level)",
            "'answers' is used twice",
        ),
    ],
)
def test_a_broken_method_file_is_refused_naming_the_file_and_the_field(
    tmp_path: Path, change: object, field: str, message: str
) -> None:
    path = tmp_path / "exit-ticket.toml"
    path.write_text(change(GOOD))  # type: ignore[operator]
    with pytest.raises(MethodFileError) as refused:
        load_method(path)
    assert refused.value.path == path
    assert refused.value.field == field
    assert message in refused.value.message
    assert str(path) in str(refused.value)


def test_an_own_method_may_not_reuse_a_built_in_id(tmp_path: Path) -> None:
    (tmp_path / "free.toml").write_text((BUILT_IN / "free.toml").read_text())
    with pytest.raises(MethodFileError, match="already defined"):
        load_catalogue(tmp_path)


def test_methods_check_says_ok_or_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "exit-ticket.toml").write_text(GOOD)
    done = planche("methods", "check", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "ok: exit-ticket (Exit ticket): 1 areas, 1 phases" in done.stdout

    (tmp_path / "exit-ticket.toml").write_text(GOOD.replace("minutes = 5", "minutes = -5"))
    done = planche("methods", "check", str(tmp_path))
    assert done.returncode == 1
    assert "exit-ticket.toml: phases.0.minutes:" in done.stderr


def test_serve_refuses_a_broken_methods_dir_before_listening(tmp_path: Path) -> None:
    (tmp_path / "exit-ticket.toml").write_text(GOOD.replace('kind = "individual"', "kind = 3"))
    done = planche("serve", "--port", "1", "--methods-dir", str(tmp_path))
    assert done.returncode == 2
    assert "exit-ticket.toml: phases.0.kind:" in done.stderr
