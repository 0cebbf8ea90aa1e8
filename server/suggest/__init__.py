"""Suggested groups and duplicates for a board's notes, computed on this server.

`Engine` is the interface; `LocalEngine` (Snowball stems, TF-IDF on words and character
n-grams, agglomerative clustering) is the embedded default and needs nothing from the
network. `RemoteEngine` asks an OpenAI-compatible endpoint the operator names (docs/privacy.md).
Pure computation apart from `RemoteEngine`'s requests: nothing here imports a web or
database library, and callers run it in a worker thread.
"""

from __future__ import annotations

from server.suggest.engine import Engine, NoteText, Suggestion
from server.suggest.local import LocalEngine

__all__ = ["Engine", "LocalEngine", "NoteText", "Suggestion"]
