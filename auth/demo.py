"""One-click demo accounts, offered on the demo database only (a newcomer gets in at once).

They have no password: the sign-in page's demo buttons are their only way in, and those exist
only while the data is the generated demo set. On real data there are no default accounts; the
first admin is made with `flask --app app users create`.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from data_access import accounts


@dataclass(frozen=True)
class DemoAccount:
    key: str
    username: str
    display_name: str
    role: str
    region: int
    label: str  # the button's text


ACCOUNTS = [
    DemoAccount("leader", "demo-leader", "省领导（演示）", "viewer", 520000, "省领导 · 全省"),
    DemoAccount("zunyi", "demo-zunyi", "遵义市业务人员（演示）", "analyst", 520300, "遵义市 · 业务人员"),
    DemoAccount("renhuai", "demo-renhuai", "仁怀市领导（演示）", "viewer", 520382, "仁怀市 · 查看"),
    DemoAccount("admin", "demo-admin", "系统管理员（演示）", "admin", 520000, "系统管理员"),
]


def by_key(key: str) -> DemoAccount | None:
    return next((a for a in ACCOUNTS if a.key == key), None)


def ensure(engine: Engine, account: DemoAccount):
    """The account's user row, made on its first use (two workers may race: one insert wins)."""
    with engine.connect() as conn:
        user = accounts.user_by_name(conn, account.username)
    if user is None:
        try:
            with engine.begin() as conn:
                accounts.create_user(conn, username=account.username, role=account.role, region=account.region,
                                     password_hash=None, display_name=account.display_name)
        except IntegrityError:
            pass
        with engine.connect() as conn:
            user = accounts.user_by_name(conn, account.username)
    return user
