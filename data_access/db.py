"""Engines, one per database URL, shared by the whole process."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event

from .config import database_url


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        # Dash serves callbacks from several threads; each SQLite connection is used by one at a time.
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the cockpit) run while a loader writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()
