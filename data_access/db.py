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
from sqlalchemy.exc import DBAPIError


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
    # A server that does not answer fails a connection in 3 s (libpq would wait for the OS), so a
    # page says the data is unavailable instead of holding a worker.
    connect = {"connect_timeout": 3} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect)


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


# ------------------------------------------------------------------ a missing database

class DatabaseMissing(RuntimeError):
    """The configured database does not exist or does not answer; the message names the setting."""


def require_database(engine: Engine) -> None:
    """Refuse a SQLite file that does not exist, or a server database that does not answer.

    SQLite creates a missing file on first connect and PostgreSQL's error names no setting:
    serving must never turn a deleted file or a mistyped path into an empty database that
    reads 0 everywhere (issue 16). Making a new database is a deploy step (`flask --app app db
    upgrade`) or the newcomer's `python app.py`.
    """
    where = engine.url.render_as_string(hide_password=True)
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is not None:
        if not path.is_file():
            raise DatabaseMissing(
                f"数据库文件不存在：{path.resolve()}（COCKPIT_DATABASE_URL={where}）。请核对 COCKPIT_DATABASE_URL；"
                f"新建数据库请运行 `flask --app app db upgrade`，演示数据请运行 `python app.py` 或 "
                f"`python -m data_access.demo`（the database file does not exist; serving never creates one）。")
        return
    if engine.dialect.name == "sqlite":
        return  # an in-memory database: nothing to miss
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise DatabaseMissing(f"无法连接数据库 {where}：{reason}。请核对 COCKPIT_DATABASE_URL 以及数据库服务是否运行"
                              f"（the database does not answer）。") from None


# ------------------------------------------------------------------ statement timeout

# SQLite calls the progress handler every this many virtual-machine steps (well under a
# millisecond): often enough to stop on time, rarely enough to cost nothing measurable.
PROGRESS_STEPS = 10_000
_TIMEOUT_KEY = "cockpit_statement_timeout_ms"
_DEADLINE_KEY = "cockpit_deadline"
_timeouts: dict[int, list[int]] = {}  # id(engine) -> [milliseconds]; engines live as long as the process


def set_statement_timeout(engine: Engine, milliseconds: int) -> None:
    """End any statement on this engine's connections that runs longer than `milliseconds` (0: never).

    A view that would take minutes must end with a message on the page, not hold a worker until
    gunicorn kills it. PostgreSQL enforces `statement_timeout` itself (set on each pooled
    connection at checkout, once); SQLite gets a progress handler that interrupts the statement
    past its deadline, measured from the statement's start (its rows' fetching included).
    Set by the app factory for serving only: loaders, migrations and the demo build are not bound.
    """
    holder = _timeouts.get(id(engine))
    if holder is not None:
        holder[0] = int(milliseconds)
        return
    holder = _timeouts[id(engine)] = [int(milliseconds)]
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", lambda dbapi, record, proxy: _pg_timeout(dbapi, record, holder[0]))
    elif engine.dialect.name == "sqlite":
        event.listen(engine, "checkout", lambda dbapi, record, proxy: _sqlite_handler(dbapi, record))
        event.listen(engine, "before_cursor_execute", lambda conn, *args: _sqlite_deadline(conn, holder[0]))
        # A commit or a pool reset long after the last statement must not be interrupted.
        event.listen(engine, "commit", lambda conn: _sqlite_deadline(conn, 0))
        event.listen(engine, "rollback", lambda conn: _sqlite_deadline(conn, 0))
        event.listen(engine, "reset", _sqlite_reset)


def _pg_timeout(dbapi_connection, record, milliseconds: int) -> None:
    if record.info.get(_TIMEOUT_KEY) == milliseconds:
        return
    cur = dbapi_connection.cursor()
    try:
        cur.execute(f"SET statement_timeout = {int(milliseconds)}")
    finally:
        cur.close()
    dbapi_connection.commit()  # a SET inside a transaction would be undone by the pool's rollback
    record.info[_TIMEOUT_KEY] = milliseconds


def _sqlite_handler(dbapi_connection, record) -> None:
    if _DEADLINE_KEY in record.info:
        return
    box: list[float | None] = [None]
    record.info[_DEADLINE_KEY] = box
    monotonic = time.monotonic

    def past_deadline() -> int:
        deadline = box[0]
        return 1 if deadline is not None and monotonic() > deadline else 0

    dbapi_connection.set_progress_handler(past_deadline, PROGRESS_STEPS)


def _sqlite_reset(dbapi_connection, record, reset_state) -> None:
    box = record.info.get(_DEADLINE_KEY)
    if box is not None:
        box[0] = None


def _sqlite_deadline(conn, milliseconds: int) -> None:
    box = conn.connection.info.get(_DEADLINE_KEY)
    if box is not None:
        box[0] = time.monotonic() + milliseconds / 1000 if milliseconds else None


def is_timeout(exc: BaseException | None) -> bool:
    """An error (or one of its causes) that is a statement ended by the timeout above."""
    seen = 0
    while exc is not None and seen < 20:
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        if getattr(orig, "sqlstate", None) == "57014":  # PostgreSQL: query_canceled
            return True
        if isinstance(orig, sqlite3.OperationalError) and "interrupted" in str(orig):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
