"""The local engine's suggestions on the labelled corpus (tests/data/suggest_corpus_*.json)
are better than the baselines of bench/suggest.py, in every language. No timing here: the
figures and times are in docs/performance.md.

V-measure rewards many small groups (every note alone scores about 0.65 on this corpus, 12
notes a theme), so the test holds the engine to V-measure >= 0.6 and above one group and
random groups, and to an adjusted Rand index above all three baselines, which no grouping
gets by chance."""

from __future__ import annotations

import pytest
from sklearn.metrics import adjusted_rand_score, v_measure_score

from bench.suggest import (
    LANGUAGES,
    corpus,
    duplicate_quality,
    engine_groups,
    exact_duplicates,
    one_group,
    random_groups,
)
from server.suggest import LocalEngine, NoteText


@pytest.mark.parametrize("language", LANGUAGES)
def test_local_engine_groups_the_corpus_better_than_every_baseline(language: str) -> None:
    c = corpus(language)
    assert len(c.notes) >= 100 and len(set(c.themes)) in range(8, 13)
    ours = engine_groups(LocalEngine(), c)
    baselines = {
        "one group": one_group(c),
        "random groups": random_groups(c, ours),
        "exact duplicates": exact_duplicates(c),
    }
    v = v_measure_score(c.themes, ours)
    assert v >= 0.6
    assert v > v_measure_score(c.themes, baselines["one group"])
    assert v > v_measure_score(c.themes, baselines["random groups"]) + 0.1
    ari = adjusted_rand_score(c.themes, ours)
    for name, grouping in baselines.items():
        assert ari > adjusted_rand_score(c.themes, grouping) + 0.15, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_local_engine_finds_a_notes_variations_as_its_duplicates(language: str) -> None:
    precision, recall = duplicate_quality(LocalEngine(), corpus(language))
    assert precision >= 0.85 and recall >= 0.9


def test_a_suggested_group_is_labelled_with_words_its_notes_use() -> None:
    notes = [
        NoteText("a", "Hjemmeplejen har for lidt tid til hver borger"),
        NoteText("b", "Hjemmeplejen har alt for lidt tid hos hver borger"),
        NoteText("c", "Travlhed i hjemmeplejen: medarbejderne når det ikke"),
        NoteText("d", "Solceller på alle kommunale tage"),
        NoteText("e", "Solceller på skolernes tage"),
    ]
    groups = LocalEngine().suggest_groups(notes, "da")
    assert {frozenset(g.note_ids) for g in groups} == {frozenset("abc"), frozenset("de")}
    labels = {frozenset(g.note_ids): g.label for g in groups}
    assert "hjemmeplejen" in labels[frozenset("abc")].lower()  # a word, not the stem
    assert "solceller" in labels[frozenset("de")].lower()
    assert LocalEngine().duplicates(notes, "da") == [["a", "b"]]


def test_nothing_to_group_gives_no_suggestions() -> None:
    assert LocalEngine().suggest_groups([], "sv") == []
    assert LocalEngine().suggest_groups([NoteText("a", "Ensam"), NoteText("b", "")], "sv") == []
    assert LocalEngine().duplicates([NoteText("a", "!!!"), NoteText("b", "?")], "en") == []
