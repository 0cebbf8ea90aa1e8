"""Words and stop words for Danish, Swedish and English (stems: server/board/stems.py)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# short function words that say nothing about what a note is about
STOP_WORDS: dict[str, frozenset[str]] = {
    "da": frozenset(
        """ad af alle alt altid andre at bare bliver blev bør da de dem den denne der deres
        det dette dig din dine disse du efter eller en end er et for fra få får går gør
        har hans have hele her hos hun hver hvad hvis hvor hvordan i ikke ind jeg jo kan
        kun kunne man mange med meget men mere mig min mod må ned noget nogle nok når og også
        om op os over på sig sin sine skal skulle som så sådan til ud under var vi vil ville
        være været ved vores""".split()  # noqa: SIM905
    ),
    "sv": frozenset(
        """alla allt alltid andra att av bara blir blev bör de dem den denna der deras det
        detta dig din dina dessa du efter eller en ett än är för från få får gör går har
        hela hennes hans här hos hon hur i in inte jag kan kunna man många med mer mig min
        mot må ner något några när och också om oss på sig sin sina ska skulle som så sådan
        till ut under var vi vill vara varit vid vår våra vad varje""".split()  # noqa: SIM905
    ),
    "en": frozenset(
        """a about all always an and are as at be been but by can cannot could do does dont
        don't each every for from get gets has have how if in into is it its it's just like
        many more most much must no not of on only or other our out over should so some
        such than that the their them there these they this those through to too up us very
        was we were what when which who will with without would you your""".split()  # noqa: SIM905
    ),
}


def words(text: str) -> list[str]:
    """The words of `text`, lower case, hyphenated words kept whole."""
    return _WORD.findall(text.lower())


def content_words(text: str, language: str) -> list[str]:
    """The words of `text` that are not stop words."""
    stop = STOP_WORDS.get(language, STOP_WORDS["en"])
    return [w for w in words(text) if w not in stop and len(w) > 1]
