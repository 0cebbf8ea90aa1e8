"""How good and how fast the group suggestions are, on the labelled corpus in tests/data.

    python -m bench.suggest [--url http://host:port/v1 --model NAME] [--repeat 5]

Per language (da, sv, en): V-measure and adjusted Rand index of each engine's groups against
the corpus themes, next to three baselines computed in the same run: everything in one
group, random groups of the engine's sizes, and grouping only exact duplicates (same words,
case and punctuation aside). A note an engine puts in no group counts as a group of its
own. Time: the best of `repeat` runs of suggest_groups plus duplicates for 100 notes and for
500 (the corpus replicated with small variations: case, punctuation, a dropped letter, a
lead-in). Duplicates: of the pairs found among the 500, how many join a note to one of its
own variations (precision), and how many of those variation pairs were found (recall).
`--url` adds the optional OpenAI-compatible engine. Figures, not assertions:
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, v_measure_score

from server.suggest import Engine, LocalEngine, NoteText
from server.suggest.words import words

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data"
LANGUAGES = ("da", "sv", "en")
_LEAD_IN = {"da": "Vi synes: ", "sv": "Vi tycker: ", "en": "We think: "}


@dataclass(frozen=True)
class Corpus:
    language: str
    notes: list[NoteText]
    themes: list[str]  # each note's theme, in order


def corpus(language: str) -> Corpus:
    data = json.loads((CORPUS / f"suggest_corpus_{language}.json").read_text("utf-8"))
    notes, themes = [], []
    for theme, texts in data["themes"].items():
        for text in texts:
            notes.append(NoteText(f"{language}{len(notes)}", text))
            themes.append(theme)
    return Corpus(language, notes, themes)


def assigned(notes: Sequence[NoteText], groups: Sequence[Sequence[str]]) -> list[str]:
    """Each note's group; a note in none is a group of its own."""
    of = {note_id: f"g{i}" for i, group in enumerate(groups) for note_id in group}
    return [of.get(n.id, f"alone {n.id}") for n in notes]


def engine_groups(engine: Engine, c: Corpus) -> list[str]:
    return assigned(c.notes, [s.note_ids for s in engine.suggest_groups(c.notes, c.language)])


def one_group(c: Corpus) -> list[str]:
    return ["all"] * len(c.notes)


def random_groups(c: Corpus, like: list[str], seed: int = 19) -> list[str]:
    """Random groups with the sizes of `like`'s groups."""
    shuffled = list(like)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def exact_duplicates(c: Corpus) -> list[str]:
    return [" ".join(words(n.text)) for n in c.notes]


def varied(c: Corpus, count: int, seed: int = 19) -> tuple[list[NoteText], list[int]]:
    """`count` notes: the corpus again and again, each copy slightly changed; with the index
    of the corpus note each one came from."""
    rng = random.Random(seed)
    notes, origin = [], []
    for i in range(count):
        k = i % len(c.notes)
        text = c.notes[k].text
        if i >= len(c.notes):
            text = _vary(text, c.language, rng)
        notes.append(NoteText(f"v{i}", text))
        origin.append(k)
    return notes, origin


def _vary(text: str, language: str, rng: random.Random) -> str:
    match rng.randrange(4):
        case 0:
            return text.lower()
        case 1:
            return text.rstrip(".!") + rng.choice(["!", ".", " ..."])
        case 2:
            long = [m for m in re.finditer(r"\w{5,}", text)]
            if not long:
                return text + "."
            m = rng.choice(long)
            cut = m.start() + rng.randrange(1, len(m.group()) - 1)
            return text[:cut] + text[cut + 1 :]
        case _:
            return _LEAD_IN[language] + text[:1].lower() + text[1:]


def timed(make: Callable[[], Engine], notes: list[NoteText], language: str, repeat: int) -> float:
    """The best time of a fresh engine answering both questions, as one request does."""
    best = float("inf")
    for _ in range(repeat):
        engine = make()  # nothing kept from the run before
        started = time.perf_counter()
        engine.suggest_groups(notes, language)
        engine.duplicates(notes, language)
        best = min(best, time.perf_counter() - started)
    return best


def duplicate_quality(engine: Engine, c: Corpus) -> tuple[float, float]:
    notes, origin = varied(c, 500)
    index = {n.id: i for i, n in enumerate(notes)}
    found = same = 0
    for group in engine.duplicates(notes, c.language):
        members = [index[m] for m in group]
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                found += 1
                same += origin[members[a]] == origin[members[b]]
    copies: dict[int, int] = {}
    for k in origin:
        copies[k] = copies.get(k, 0) + 1
    possible = sum(n * (n - 1) // 2 for n in copies.values())
    return (same / found if found else 0.0), same / possible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an OpenAI-compatible endpoint to compare, e.g. .../v1")
    parser.add_argument("--model", default="", help="its embedding model")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    makers: dict[str, Callable[[], Engine]] = {"local": LocalEngine}
    if args.url:
        from server.suggest.remote import RemoteEngine

        makers["remote"] = lambda: RemoteEngine(args.url, args.model)
    engines = {name: make() for name, make in makers.items()}
    print("| language | grouping | groups | V-measure | adjusted Rand |")
    print("| --- | --- | ---: | ---: | ---: |")
    for language in LANGUAGES:
        c = corpus(language)
        rows: list[tuple[str, list[str]]] = []
        for name, engine in engines.items():
            rows.append((f"{name} engine", engine_groups(engine, c)))
        rows += [
            ("baseline: one group", one_group(c)),
            ("baseline: random, local's sizes", random_groups(c, rows[0][1])),
            ("baseline: exact duplicates", exact_duplicates(c)),
        ]
        for name, predicted in rows:
            sizes = [predicted.count(g) for g in set(predicted)]
            groups = sum(1 for s in sizes if s > 1)
            v = v_measure_score(c.themes, predicted)
            ari = adjusted_rand_score(c.themes, predicted)
            print(
                f"| {language} ({len(c.notes)} notes) | {name} | {groups} | {v:.2f} | {ari:.2f} |"
            )
    print()
    print("| language | engine | 100 notes s | 500 notes s | duplicates precision | recall |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for language in LANGUAGES:
        c = corpus(language)
        for name, make in makers.items():
            hundred = timed(make, c.notes[:100], language, args.repeat)
            five_hundred = timed(make, varied(c, 500)[0], language, args.repeat)
            precision, recall = duplicate_quality(make(), c)
            print(
                f"| {language} | {name} | {hundred:.3f} | {five_hundred:.3f} "
                f"| {precision:.2f} | {recall:.2f} |"
            )


if __name__ == "__main__":
    main()
