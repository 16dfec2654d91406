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
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


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
