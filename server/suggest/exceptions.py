"""What can go wrong when suggesting."""

from __future__ import annotations


class SuggestUnavailable(Exception):
    """The configured engine did not answer (its endpoint is down, slow or refused)."""
