"""Uploaded files kept between the preview and the confirm step, in the database.

Any worker may serve the confirm: it re-reads exactly the bytes that were previewed. Only the
actor who uploaded a file gets it back; a file is forgotten an hour after upload (or when it
is taken for the import).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Engine, delete, insert, select

from ..accounts import utcnow
from ..models import ImportUpload

KEEP = timedelta(hours=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stage_upload(engine: Engine, data: bytes, file_name: str, actor: str) -> str:
    token = secrets.token_urlsafe(24)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(delete(ImportUpload).where(ImportUpload.created_at < now - KEEP))
        conn.execute(insert(ImportUpload).values(token_hash=_digest(token), actor=actor[:64],
                                                 file_name=(file_name or "")[:200], data=data, created_at=now))
    return token


def staged_upload(engine: Engine, token: str, actor: str) -> tuple[bytes, str] | None:
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(ImportUpload.data, ImportUpload.file_name).where(
            ImportUpload.token_hash == _digest(token), ImportUpload.actor == actor[:64],
            ImportUpload.created_at >= utcnow() - KEEP)).first()
    return (bytes(row.data), row.file_name) if row else None


def discard_upload(engine: Engine, token: str) -> None:
    """Forget a staged file (after its import, or when the user cancels)."""
    with engine.begin() as conn:
        conn.execute(delete(ImportUpload).where(ImportUpload.token_hash == _digest(token or "")))
