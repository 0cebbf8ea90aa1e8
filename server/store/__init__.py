"""Stores behind one interface (`base.Store`), chosen by the database URL."""

from __future__ import annotations

from server.exceptions import ConfigError
from server.store.base import Store


def open_store(database_url: str) -> Store:
    """The store for `database_url`, not yet opened."""
    scheme = database_url.partition(":")[0].partition("+")[0]
    if scheme in ("sqlite", "postgresql"):
        from server.store.sql import SqlStore

        return SqlStore(database_url)
    raise ConfigError(f"database URL scheme {scheme!r} is not supported; use sqlite or postgresql")
