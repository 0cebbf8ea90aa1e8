"""Errors the server raises on purpose; one HTTP handler and one WebSocket function map them."""

from __future__ import annotations


class PlancheError(Exception):
    """Base of every error with a message fit to show a user."""


class StoreUnavailable(PlancheError):
    """The store could not be reached or refused the write; nothing was acknowledged."""


class DuplicateOp(PlancheError):
    """The op log already holds this (board, seq) or (board, op id): a bug or a second writer."""


class ConfigError(PlancheError):
    """A setting has a value the server cannot use."""


class BrokerUnavailable(PlancheError):
    """The broker (Redis) could not be reached; ops are stored and acked all the same."""


class BackupError(PlancheError):
    """A backup or restore cannot go ahead (a bad file, a store of another kind); nothing
    was changed."""
