"""Word stems in the board's language (Snowball: Danish, Swedish, English), so that
"frivillig" and "frivillige" count as one word in a word cloud and in suggested groups."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_STEMMERS = {"da": "danish", "sv": "swedish", "en": "english"}


def stem(word: str, language: str) -> str:
    """The stem of each of the word's space-separated parts (English for other languages)."""
    return " ".join(_stemmer(language).stemWords(word.split()))


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.basestemmer.BaseStemmer:
    return snowballstemmer.stemmer(_STEMMERS.get(language, "english"))
