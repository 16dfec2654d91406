"""The secret that signs the sign-in form: from COCKPIT_SECRET_KEY, or for the demo only, kept
in the database so that every worker shares it. Real data without a strong secret: refused."""
from __future__ import annotations

import secrets

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from data_access.db import is_read_only
from data_access.models import DatasetInfo, Project
from settings import SettingsError

MIN_LENGTH = 32
KEY = "demo_secret"


def secret_for(configured: str, engine: Engine) -> str:
    if configured:
        if len(configured) < MIN_LENGTH:
            raise SettingsError(f"COCKPIT_SECRET_KEY must have at least {MIN_LENGTH} characters")
        return configured
    with engine.connect() as conn:
        source = conn.scalar(select(DatasetInfo.value).where(DatasetInfo.key == "source"))
        has_data = bool(conn.scalar(select(func.count()).select_from(select(Project.id).limit(1).subquery())))
        kept = conn.scalar(select(DatasetInfo.value).where(DatasetInfo.key == KEY))
    if has_data and source != "demo":
        raise SettingsError("COCKPIT_SECRET_KEY is not set: a cockpit on real data needs a secret of at least "
                            f"{MIN_LENGTH} characters (生产环境必须设置 COCKPIT_SECRET_KEY)")
    if kept:
        return kept
    made = secrets.token_urlsafe(48)
    if is_read_only(engine):
        return made  # nothing can sign in to a read-only database anyway: sessions are rows
    try:
        with engine.begin() as conn:
            conn.execute(insert(DatasetInfo).values(key=KEY, value=made))
    except IntegrityError:  # another worker kept one first
        with engine.connect() as conn:
            return conn.scalar(select(DatasetInfo.value).where(DatasetInfo.key == KEY))
    return made
