"""The embedded engine: Snowball stems and character n-grams, TF-IDF, cosine similarity and
agglomerative clustering (scikit-learn). Nothing leaves the server and nothing is downloaded.

Character n-grams within words (3-5) match the parts of Danish and Swedish compounds
("hjemmeplejen", "plejehjem") and survive typos; stems match inflections. A group is what
average-linkage clustering joins below `GROUP_DISTANCE`; duplicates are pairs above
`DUPLICATE_SIMILARITY`, joined transitively. Both thresholds were tuned on the labelled
corpus in tests/data (bench/suggest.py reports how well they do).

numpy, SciPy and scikit-learn are imported when first used, not with the module: they take
about a second, which every server start (and every test server) would pay otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.board.stems import stem
from server.suggest.engine import NoteText, Suggestion, connected
from server.suggest.words import content_words

GROUP_DISTANCE = 0.9  # cosine distance under which average linkage joins two clusters
DUPLICATE_SIMILARITY = 0.65  # cosine similarity from which two notes say the same
CHAR_WEIGHT = 0.6  # of the character n-grams against the stems, in the joined vector
LABEL_TERMS = 2


@dataclass(frozen=True, slots=True)
class Vectors:
    matrix: Any  # one L2-normalised row per note (sparse)
    stems: Any  # the stem TF-IDF rows, for labels
    stem_total: Any  # their sum over all notes
    stem_names: list[str]
    surface: list[dict[str, Counter[str]]]  # per note: stem -> the words it came from


class LocalEngine:
    """The default engine (see the module's docstring)."""

    def __init__(
        self,
        group_distance: float = GROUP_DISTANCE,
        duplicate_similarity: float = DUPLICATE_SIMILARITY,
    ) -> None:
        self.group_distance = group_distance
        self.duplicate_similarity = duplicate_similarity
        # the last notes vectorised: suggest_groups and duplicates are asked of the same
        # notes one after the other (one tuple, replaced whole: safe between threads)
        self._last: tuple[tuple[str, tuple[str, ...]], Vectors] | None = None

    def _vectors(self, notes: list[NoteText], language: str) -> Vectors:
        key = (language, tuple(n.text for n in notes))
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        vectors = vectorise(notes, language)
        self._last = (key, vectors)
        return vectors

    def suggest_groups(self, notes: Sequence[NoteText], language: str) -> list[Suggestion]:
        texts = [n for n in notes if content_words(n.text, language)]
        if len(texts) < 2:
            return []
        vectors = self._vectors(texts, language)
        clusters = self._clusters(vectors.matrix)
        suggestions = [
            Suggestion(distinctive_label(vectors, members), tuple(texts[i].id for i in members))
            for members in clusters
        ]
        return sorted(suggestions, key=lambda s: -len(s.note_ids))

    def duplicates(self, notes: Sequence[NoteText], language: str) -> list[list[str]]:
        texts = [n for n in notes if content_words(n.text, language)]
        if len(texts) < 2:
            return []
        import numpy as np

        matrix = self._vectors(texts, language).matrix
        similarity = (matrix @ matrix.T).toarray()
        rows, cols = np.nonzero(np.triu(similarity, 1) >= self.duplicate_similarity)
        return [
            [texts[i].id for i in g]
            for g in connected(list(zip(rows, cols, strict=True)), len(texts))
        ]

    def _clusters(self, matrix: Any) -> list[list[int]]:
        import numpy as np
        from sklearn.cluster import AgglomerativeClustering

        distance = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)
        labels = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=self.group_distance,
        ).fit_predict(distance)
        members: dict[int, list[int]] = {}
        for i, label in enumerate(labels):
            members.setdefault(int(label), []).append(i)
        return [m for m in members.values() if len(m) > 1]


def vectorise(notes: Sequence[NoteText], language: str) -> Vectors:
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    surface: list[dict[str, Counter[str]]] = []
    stemmed: list[list[str]] = []
    joined: list[str] = []
    for note in notes:
        words = content_words(note.text, language)
        forms: dict[str, Counter[str]] = {}
        stems = []
        for word in words:
            s = stem(word, language)
            stems.append(s)
            forms.setdefault(s, Counter())[word] += 1
        surface.append(forms)
        stemmed.append(stems)
        joined.append(" ".join(words))
    stem_tfidf = TfidfVectorizer(analyzer=lambda s: s, sublinear_tf=True)
    stem_rows = stem_tfidf.fit_transform(stemmed)
    char_rows = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
    ).fit_transform(joined)
    matrix = normalize(hstack([stem_rows * (1 - CHAR_WEIGHT), char_rows * CHAR_WEIGHT]).tocsr())
    return Vectors(
        csr_matrix(matrix),
        stem_rows,
        np.asarray(stem_rows.sum(axis=0)).ravel(),
        list(stem_tfidf.get_feature_names_out()),
        surface,
    )


def distinctive_label(vectors: Vectors, members: list[int]) -> str:
    """The group's most distinctive stems (heavy in its notes, light in the others), each
    as the word its notes use most often."""
    import numpy as np

    rows, total = vectors.stems, vectors.stem_total
    group = rows[members]
    summed = np.asarray(group.sum(axis=0)).ravel()
    inside = summed / len(members)
    others = rows.shape[0] - len(members)
    outside = (total - summed) / others if others else np.zeros_like(inside)
    shared = np.asarray((group > 0).sum(axis=0)).ravel()
    score = (inside - outside) * shared
    terms: list[str] = []
    for index in np.argsort(-score, kind="stable"):
        if score[index] <= 0 or len(terms) == LABEL_TERMS:
            break
        name = vectors.stem_names[index]
        forms: Counter[str] = Counter()
        for i in members:
            forms.update(vectors.surface[i].get(name, {}))
        word = min(forms, key=lambda w: (-forms[w], len(w), w))
        if word not in terms:
            terms.append(word)
    label = ", ".join(terms)
    return label[:1].upper() + label[1:]
