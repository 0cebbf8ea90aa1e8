"""Every text the user sees is in every catalogue, translated, and the catalogues match the
code: the template is what `pybabel extract` finds today."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from server import i18n
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# texts that are rightly the same in a language as in English ("note" is Danish too)
SPELLED_ALIKE = {"da": {"{area} ({n} note)"}}


def _ids(path: Path) -> set[str]:
    """The message ids of a catalogue; a message with plural forms by its singular."""
    with path.open("rb") as f:
        return {str(m.id[0] if m.pluralizable else m.id) for m in read_po(f) if m.id}


def test_the_template_holds_exactly_what_the_code_marks_for_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            *[sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"],
            *["-k", "t", "-k", "nt:1,2", "-o", str(fresh), "--no-location", "--omit-header", "."],
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert _ids(fresh) == _ids(i18n.LOCALES / "messages.pot"), "run pybabel extract (babel.cfg)"


def test_every_catalogue_translates_every_message_with_its_placeholders() -> None:
    wanted = _ids(i18n.LOCALES / "messages.pot")
    for language in i18n.LANGUAGES:
        catalogue = i18n.catalogue(language)
        missing = wanted - set(catalogue)
        assert not missing, f"{language}: untranslated {sorted(missing)[:5]}"
        for msgid, texts in catalogue.items():
            for text in [texts] if isinstance(texts, str) else texts:
                assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), (
                    f"{language}: {msgid!r} -> {text!r} changes the placeholders"
                )


def test_danish_and_swedish_are_really_translated() -> None:
    for language in ("da", "sv"):
        catalogue = i18n.catalogue(language)
        same = [k for k, v in catalogue.items() if k in (v if isinstance(v, list) else [v])]
        same = [k for k in same if len(k) > 12 and k not in SPELLED_ALIKE.get(language, ())]
        assert not same, f"{language}: left in English: {same}"


def test_the_language_follows_the_switch_then_the_board_then_the_browser() -> None:
    assert i18n.pick(switch="sv", board="da", accept_language="en") == "sv"
    assert i18n.pick(switch="xx", board="da", accept_language="en") == "da"
    assert i18n.pick(accept_language="de-DE,sv;q=0.8,en;q=0.5") == "sv"
    assert i18n.pick(accept_language="da-DK") == "da"
    assert i18n.pick(accept_language="fr") == "en"
    assert i18n.pick() == "en"
