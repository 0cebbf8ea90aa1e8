"""The optional engine: an OpenAI-compatible endpoint the operator names (`--suggest-url`),
meant for the municipality's own model server (Ollama, vLLM, llama.cpp's server).

It sends the texts of the notes being grouped (those the facilitator can see, nothing else:
no ids, authors or votes) to `POST {url}/embeddings` and, when `--suggest-chat-model` is set,
each suggested group's texts to `POST {url}/chat/completions` for a label; without a chat
model, labels come from the notes' own words as in the local engine. Groups are average-
linkage clusters of the embeddings, their number the one with the best silhouette (an
embedding model's distances have no scale a fixed threshold could know). docs/privacy.md
says what leaves the server. The requests are blocking: callers run this in a thread.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import silhouette_score

from server.suggest.engine import NoteText, Suggestion, connected
from server.suggest.exceptions import SuggestUnavailable
from server.suggest.local import distinctive_label, vectorise
from server.suggest.words import content_words

DUPLICATE_SIMILARITY = 0.92
_BATCH = 128
_LABEL_PROMPT = {
    "da": "Giv denne gruppe af noter en kort overskrift på dansk (højst fire ord). "
    "Svar kun med overskriften.",
    "sv": "Ge den här gruppen av lappar en kort rubrik på svenska (högst fyra ord). "
    "Svara bara med rubriken.",
    "en": "Give this group of notes a short heading in English (four words at most). "
    "Answer with the heading only.",
}


class RemoteEngine:
    def __init__(
        self,
        url: str,
        model: str,
        chat_model: str = "",
        timeout: float = 30.0,
        duplicate_similarity: float = DUPLICATE_SIMILARITY,
    ) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.chat_model = chat_model
        self.timeout = timeout
        self.duplicate_similarity = duplicate_similarity

    def suggest_groups(self, notes: Sequence[NoteText], language: str) -> list[Suggestion]:
        texts = [n for n in notes if content_words(n.text, language)]
        if len(texts) < 3:
            return []
        vectors = self._embed([n.text for n in texts])
        clusters = _best_clusters(vectors)
        words = vectorise(texts, language) if not self.chat_model else None
        suggestions = []
        for members in clusters:
            if words is not None:
                label = distinctive_label(words, members)
            else:
                label = self._label([texts[i].text for i in members], language)
            suggestions.append(Suggestion(label, tuple(texts[i].id for i in members)))
        return sorted(suggestions, key=lambda s: -len(s.note_ids))

    def duplicates(self, notes: Sequence[NoteText], language: str) -> list[list[str]]:
        texts = [n for n in notes if content_words(n.text, language)]
        if len(texts) < 2:
            return []
        vectors = self._embed([n.text for n in texts])
        similarity = np.triu(vectors @ vectors.T, 1)
        rows, cols = np.nonzero(similarity >= self.duplicate_similarity)
        pairs = list(zip(rows.tolist(), cols.tolist(), strict=True))
        return [[texts[i].id for i in g] for g in connected(pairs, len(texts))]

    def _embed(self, texts: list[str]) -> Any:
        rows: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            batch = texts[start : start + _BATCH]
            answer = self._post("/embeddings", {"model": self.model, "input": batch})
            try:
                data = sorted(answer["data"], key=lambda d: d["index"])
                rows += [list(map(float, d["embedding"])) for d in data]
            except (KeyError, TypeError, ValueError) as e:
                raise SuggestUnavailable(f"{self.url}/embeddings answered no embeddings") from e
        if len(rows) != len(texts):
            raise SuggestUnavailable(f"{self.url}/embeddings answered {len(rows)} of {len(texts)}")
        matrix = np.asarray(rows, dtype=float)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    def _label(self, texts: list[str], language: str) -> str:
        prompt = _LABEL_PROMPT.get(language, _LABEL_PROMPT["en"])
        answer = self._post(
            "/chat/completions",
            {
                "model": self.chat_model,
                "messages": [
                    {"role": "system", "content": prompt},
                    {"role": "user", "content": "\n".join(f"- {t}" for t in texts[:30])},
                ],
                "temperature": 0,
            },
        )
        try:
            label = str(answer["choices"][0]["message"]["content"]).strip().strip('"')
        except (KeyError, IndexError, TypeError) as e:
            raise SuggestUnavailable(f"{self.url}/chat/completions answered no label") from e
        return label.splitlines()[0][:80] if label else ""

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except (OSError, ValueError) as e:  # URLError, HTTPError and timeouts are OSErrors
            raise SuggestUnavailable(f"{self.url}{path} did not answer: {e}") from e


def _best_clusters(vectors: Any) -> list[list[int]]:
    """Average-linkage clusters of two or more, their number the best by silhouette."""
    n = len(vectors)
    distance = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    best: tuple[float, Any] | None = None
    for k in sorted({max(2, round(n / size)) for size in (2, 3, 4, 6, 8, 12, 16)}):
        if k >= n:
            continue
        labels = AgglomerativeClustering(
            n_clusters=k, metric="precomputed", linkage="average"
        ).fit_predict(distance)
        score = float(silhouette_score(distance, labels, metric="precomputed"))
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        return []
    members: dict[int, list[int]] = {}
    for i, label in enumerate(best[1]):
        members.setdefault(int(label), []).append(i)
    return [m for m in members.values() if len(m) > 1]
