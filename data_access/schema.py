"""Creating and upgrading the database schema through the Alembic migrations."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

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
    from .reference import load_reference

    upgrade(engine)
    with engine.begin() as conn:
        load_reference(conn)


def has_projects(engine: Engine) -> bool:
    from sqlalchemy import func, select

    from .models import Project

    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(Project)))
