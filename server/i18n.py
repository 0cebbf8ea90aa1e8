"""Languages: gettext catalogues (Babel) for every text the server renders and every text
of the browser client, which fetches its language's messages from the same catalogues.

The catalogues are the `.po` files in `server/locales/`; they are compiled in memory when
first used, so there is no build step and no binary file in the repository.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("da", "sv", "en")
FALLBACK = "en"
LOCALES = Path(__file__).resolve().parent / "locales"


@cache
def catalogue(language: str) -> dict[str, str | list[str]]:
    """Every message of `language`, by its English message id (untranslated ones left out);
    a message with plural forms is keyed by its singular and holds every form, in the order
    of the language's gettext plural rule (da, sv, en: one, then other)."""
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        messages = read_po(po, locale=language)
    found: dict[str, str | list[str]] = {}
    for m in messages:
        if not m.id:
            continue
        if m.pluralizable:
            forms = [str(f) for f in m.string or ()]
            if all(forms):
                found[str(m.id[0])] = forms
        elif m.string:
            found[str(m.id)] = str(m.string)
    return found


@cache
def translations(language: str) -> Translations:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        messages = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled)


def pick(
    *, switch: str | None = None, board: str | None = None, accept_language: str | None = None
) -> str:
    """The language of a page: the user's switch, then the board's, then the browser's."""
    for choice in (switch, board):
        if choice in LANGUAGES:
            return choice
    preferred = _preferences(accept_language or "")
    found = negotiate_locale(preferred, list(LANGUAGES), sep="-")
    return str(Locale.parse(found, sep="-").language) if found else FALLBACK


def _preferences(header: str) -> list[str]:
    """Accept-Language as a list, best first: `da-DK,da;q=0.9,en;q=0.5` → da-DK, da, en."""
    weighted = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((-quality, i, tag.strip()))
    # Babel matches case-insensitively but wants "da-DK" as "da_DK" only with sep="_"
    return [tag for _, _, tag in sorted(weighted)]
