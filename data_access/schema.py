"""Creating and upgrading the database schema through the Alembic migrations.

Upgrading is a deploy step (`flask --app app db upgrade`), never a side effect of serving.
A starting worker only checks the schema (`prepare`): an empty database is initialised by
exactly one of the workers booting together (the others wait on a lock, then find it done);
a database whose schema is behind is refused with the command that upgrades it.
"""
from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from .db import is_read_only, sqlite_file

UPGRADE_COMMAND = "flask --app app db upgrade"
# Any fixed 64-bit number, the same in every worker: PostgreSQL's lock for schema changes.
_PG_LOCK_KEY = 5_200_000_001


class SchemaError(RuntimeError):
    """The database cannot be served as it is; the message says what to do."""

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step, revision: str) -> None:
    """Run an Alembic step in one transaction.

    SQLite alters a table by copying it, which its foreign-key enforcement forbids while other
    tables refer to it; enforcement is paused for the migration (it can only be switched outside
    a transaction) and every reference is checked before it is switched back on.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def ensure_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision and load master data into an empty database."""
    from . import version
    from .reference import load_reference

    upgrade(engine)
    with engine.begin() as conn:
        if load_reference(conn):
            version.bump(conn)


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    """The migration graph, parsed once: /ready asks for the schema's state on every probe."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def head_revision() -> str:
    return _scripts().get_current_head()


def state(engine: Engine) -> str:
    """'empty' (no tables), 'current', 'behind' (an older revision) or 'unknown'."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables:
            return "empty"
        if "alembic_version" not in tables:
            return "unknown"
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head_revision():
        return "current"
    known = {rev.revision for rev in _scripts().walk_revisions()}
    return "behind" if current in known or current is None else "unknown"


def prepare(engine: Engine, *, upgrade_behind: bool = False) -> str:
    """Make sure the database can be served; returns the state it was found in.

    An empty database is initialised (one of the workers starting together does it under a
    lock, the others wait and find it done). A schema behind the code is upgraded only when
    `upgrade_behind`; otherwise, and for a database this code does not know, SchemaError.
    """
    found = state(engine)
    if found == "current":
        return found
    where = engine.url.render_as_string(hide_password=True)
    if is_read_only(engine):
        raise SchemaError(f"数据库 {where} 为只读，且其结构不是当前版本（{found}）：请在可写的副本上运行 `{UPGRADE_COMMAND}`。")
    with schema_lock(engine):
        found = state(engine)  # another worker may have done it while this one waited
        if found == "empty" or (found == "behind" and upgrade_behind):
            ensure_schema(engine)
        elif found == "behind":
            raise SchemaError(f"数据库 {where} 的结构落后于本版本：请先运行 `{UPGRADE_COMMAND}`"
                              f"（database schema is behind: run `{UPGRADE_COMMAND}`）。")
        elif found == "unknown":
            raise SchemaError(f"数据库 {where} 不是驾驶舱的数据库，或其版本比本程序新：请核对 COCKPIT_DATABASE_URL。")
    return found


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Held by one process at a time: a PostgreSQL advisory lock, or a lock file beside SQLite's."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
    elif path is not None:
        with open(path.with_name(path.name + ".lock"), "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    else:
        yield


def has_projects(engine: Engine) -> bool:
    from sqlalchemy import func, select

    from .models import Project

    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(Project)))
