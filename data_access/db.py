"""Engines: one per database URL, shared by the whole process.

The cockpit's runtime holds the engine of its settings; scripts and tests ask for the engine of
a URL they name. Nothing here reads the environment.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import time
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for a server database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database.removeprefix("file:"))


def read_only_file(path: Path) -> bool:
    """A database file nobody may write: mode 0444, or a folder or file this user cannot write.

    The mode is read, not only os.access: root may write anything, but an operator who made the
    file read-only means the cockpit to treat it so.
    """
    if not path.exists():
        return False
    mode = path.stat().st_mode
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


WAL_ATTEMPTS = 200  # 10 s at most


class ReadOnlyLogError(RuntimeError):
    """A read-only SQLite file whose write-ahead log still holds data."""


@cache  # unbounded: an evicted engine would be replaced by a second pool for one database
def get_engine(url: str) -> Engine:
    """The process's engine for a database URL; a read-only SQLite file is opened read-only."""
    if not url:
        raise ValueError("a database URL is required")
    path = sqlite_file(url)
    if path is not None:
        if read_only_file(path):
            wal = path.with_name(path.name + "-wal")
            if wal.exists() and wal.stat().st_size:
                # Read as immutable, the file would hide what its write-ahead log still holds.
                raise ReadOnlyLogError(
                    f"只读数据库 {path} 旁有未合并的写前日志 {wal.name}：请在可写时打开一次以合并（PRAGMA wal_checkpoint），再设为只读。")
            # immutable: no locks, no journal, no -wal/-shm files beside a file nobody may change.
            return create_engine(f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true",
                                 connect_args={"check_same_thread": False})
        # Dash serves callbacks from several threads; each SQLite connection is used by one at a time.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def is_read_only(engine: Engine) -> bool:
    """An engine get_engine opened read-only (a SQLite file nobody may write)."""
    return engine.url.query.get("mode") == "ro"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the cockpit) run while a loader writes. Set once per file, it persists;
    # asking again on every connection would take a write lock a booting worker may wait for.
    # Workers starting together on a new file race to switch it, and SQLite answers the loser
    # "locked" at once (no busy wait for a journal-mode change): try again shortly.
    for attempt in range(WAL_ATTEMPTS):
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)
    cur.close()
