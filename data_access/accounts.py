"""Accounts, sessions, display tokens and the audit log: their SQL, nothing else.

Hashing, cookies and who may do what live above (auth/, access.py); here rows go in and out.
Times are naive UTC.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, and_, func, insert, or_, select, true, update

from .models import AuditEvent, DisplayToken, LoginSession, Region, User


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# ------------------------------------------------------------------ users

def create_user(conn: Connection, *, username: str, role: str, region: int | None, password_hash: str | None,
                display_name: str | None = None) -> int:
    now = utcnow()
    return conn.execute(insert(User).values(
        username=username, display_name=display_name or username, password_hash=password_hash, role=role,
        region_adcode=region, disabled=False, created_at=now, updated_at=now).returning(User.id)).scalar_one()


def user_by_name(conn: Connection, username: str):
    return conn.execute(select(User.__table__).where(User.username == username)).mappings().first()


def update_user(conn: Connection, username: str, **values) -> bool:
    """Change a user's role, region, password hash, name or disabled flag; False if no such user."""
    done = conn.execute(update(User).where(User.username == username).values(**values, updated_at=utcnow()))
    return bool(done.rowcount)


def list_users(conn: Connection) -> list[dict]:
    stmt = (select(User.id, User.username, User.display_name, User.role, User.region_adcode,
                   Region.name.label("region_name"), User.disabled, User.updated_at,
                   (User.password_hash.is_not(None)).label("has_password"))
            .outerjoin(Region, Region.adcode == User.region_adcode).order_by(User.username))
    return [dict(r) for r in conn.execute(stmt).mappings()]


# ------------------------------------------------------------------ display tokens

def create_token(conn: Connection, *, name: str, token_hash: str, region: int, playlist: str | None,
                 created_by: str) -> int:
    return conn.execute(insert(DisplayToken).values(
        name=name, token_hash=token_hash, region_adcode=region, playlist=playlist, created_by=created_by,
        created_at=utcnow(), revoked_at=None).returning(DisplayToken.id)).scalar_one()


def token_by_hash(conn: Connection, token_hash: str):
    return conn.execute(select(DisplayToken.__table__).where(DisplayToken.token_hash == token_hash)).mappings().first()


def revoke_token(conn: Connection, name: str) -> bool:
    done = conn.execute(update(DisplayToken).where(DisplayToken.name == name, DisplayToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow()))
    return bool(done.rowcount)


def list_tokens(conn: Connection) -> list[dict]:
    stmt = (select(DisplayToken.id, DisplayToken.name, DisplayToken.region_adcode, Region.name.label("region_name"),
                   DisplayToken.playlist, DisplayToken.created_by, DisplayToken.created_at, DisplayToken.revoked_at)
            .join(Region, Region.adcode == DisplayToken.region_adcode).order_by(DisplayToken.name))
    return [dict(r) for r in conn.execute(stmt).mappings()]


# ------------------------------------------------------------------ sessions

def start_session(conn: Connection, token_hash: str, *, user_id: int | None = None,
                  display_token_id: int | None = None, address: str | None = None) -> None:
    now = utcnow()
    conn.execute(insert(LoginSession).values(token_hash=token_hash, user_id=user_id, display_token_id=display_token_id,
                                             created_at=now, last_seen_at=now, ended_at=None, address=address))


def session_holder(conn: Connection, token_hash: str):
    """The session with its user's or display token's current row (role and region as they are
    now, so a change applies at the next request), or None."""
    stmt = (
        select(LoginSession.token_hash, LoginSession.created_at, LoginSession.last_seen_at, LoginSession.ended_at,
               User.id.label("user_id"), User.username, User.display_name, User.role, User.region_adcode,
               User.disabled, DisplayToken.id.label("token_id"), DisplayToken.name.label("token_name"),
               DisplayToken.region_adcode.label("token_region"), DisplayToken.playlist,
               DisplayToken.revoked_at)
        .outerjoin(User, User.id == LoginSession.user_id)
        .outerjoin(DisplayToken, DisplayToken.id == LoginSession.display_token_id)
        .where(LoginSession.token_hash == token_hash)
    )
    return conn.execute(stmt).mappings().first()


def touch_session(conn: Connection, token_hash: str, at: datetime) -> None:
    conn.execute(update(LoginSession).where(LoginSession.token_hash == token_hash).values(last_seen_at=at))


def end_session(conn: Connection, token_hash: str) -> None:
    conn.execute(update(LoginSession).where(LoginSession.token_hash == token_hash, LoginSession.ended_at.is_(None))
                 .values(ended_at=utcnow()))


def end_sessions_of(conn: Connection, *, user_id: int | None = None, display_token_id: int | None = None) -> None:
    holder = LoginSession.user_id == user_id if user_id is not None else LoginSession.display_token_id == display_token_id
    conn.execute(update(LoginSession).where(holder, LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))


# ------------------------------------------------------------------ audit log

# Every action the cockpit records, as the audit page and its export name it.
AUDIT_ACTIONS = {"login": "登录", "login_failed": "登录失败", "login_locked": "登录被锁定", "logout": "退出",
                 "denied": "越权访问被拒", "user_created": "新建用户", "user_changed": "修改用户",
                 "token_created": "新建显示令牌", "token_revoked": "撤销显示令牌", "export": "导出", "import": "导入",
                 "rollback": "回滚导入", "settings_changed": "修改设置", "settings_reset": "恢复默认设置",
                 "playlist_saved": "保存播放列表", "playlist_deleted": "删除播放列表"}

def audit(conn: Connection, *, actor: str, action: str, region: int | None = None, target: str | None = None,
          detail: str | None = None, address: str | None = None) -> None:
    conn.execute(insert(AuditEvent).values(
        at=utcnow(), actor=actor[:64], action=action[:32], region_adcode=region,
        target=None if target is None else str(target)[:200], detail=None if detail is None else str(detail)[:500],
        address=None if address is None else address[:45]))


def failures_since(conn: Connection, username: str, since: datetime) -> int:
    """Failed sign-ins of a user name since a time (the lockout counts these, in every worker)."""
    return conn.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.actor == username[:64], AuditEvent.action == "login_failed", AuditEvent.at >= since))


def audit_events(conn: Connection, *, actor: str | None = None, action: str | None = None,
                 since: datetime | None = None, until: datetime | None = None, regions: set[int] | None = None,
                 limit: int = 200, offset: int = 0) -> list[dict]:
    conds = []
    if actor:
        conds.append(AuditEvent.actor == actor)
    if action:
        conds.append(AuditEvent.action == action)
    if since:
        conds.append(AuditEvent.at >= since)
    if until:
        conds.append(AuditEvent.at < until + timedelta(days=1) if until.time() == datetime.min.time() else
                     AuditEvent.at <= until)
    if regions is not None:
        conds.append(or_(AuditEvent.region_adcode.is_(None), AuditEvent.region_adcode.in_(regions)))
    stmt = (select(AuditEvent.__table__).where(and_(true(), *conds)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit).offset(offset))
    return [dict(r) for r in conn.execute(stmt).mappings()]
