"""Stores behind one interface (`base.Store`), chosen by the database URL."""

from __future__ import annotations

from server.exceptions import ConfigError
from server.store.base import Store


def open_store(database_url: str, migrate: bool = True) -> Store:
    """The store for `database_url`, not yet opened. `migrate=False`: opening refuses a
    schema that is not current instead of migrating it (`planche migrate` does that)."""
    scheme = database_url.partition(":")[0].partition("+")[0]
    if scheme in ("sqlite", "postgresql"):
        from server.store.sql import SqlStore

        return SqlStore(database_url, migrate)
    raise ConfigError(f"database URL scheme {scheme!r} is not supported; use sqlite or postgresql")
