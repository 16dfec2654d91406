"""The data version: a value in the database that every write path changes.

Every cached view carries it in its key, so new data is never hidden behind an old answer,
and an open screen asks for it (a few bytes) to learn that the data changed. Writers call
`bump` in the transaction that writes, so the version and the data change together.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from .models import DatasetInfo

KEY = "data_version"
NONE = "0"  # a database that no writer has touched yet


def read(conn: Connection) -> str:
    try:
        value = conn.scalar(select(DatasetInfo.value).where(DatasetInfo.key == KEY))
    except (OperationalError, ProgrammingError):  # no schema yet
        conn.rollback()
        return NONE
    return value or NONE


def bump(conn: Connection) -> str:
    """A new version, written in the caller's transaction; returns it."""
    value = f"{datetime.now(timezone.utc):%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    changed = conn.execute(update(DatasetInfo).where(DatasetInfo.key == KEY).values(value=value)).rowcount
    if not changed:
        conn.execute(DatasetInfo.__table__.insert().values(key=KEY, value=value))
    return value
