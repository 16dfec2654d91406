"""Who may see what: the only place a region scope is handed out.

A page, a callback, an option list or a download asks for a grant on behalf of the actor of
the request, then asks the grant for the scope of the region it was asked for. The actor comes
from the server side only: the session (or display token) that auth/ resolved for this request,
never from what the browser sends. Everything fails closed: no actor, an actor without a
region, a region outside the grant, or a region table that cannot be read gives a refusal,
never unfiltered data.

Roles (a user has one role and one region):
    viewer        领导/查看: figures and maps of their region and everything below it
    analyst       业务人员: viewer, plus project lists, project files and exports
    data_manager  数据管理员: analyst, plus imports for their region
    admin         系统管理员: data_manager, plus users, display tokens, playlists, the audit log
A display token acts as a viewer of its region.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_access.scope import RegionIndex, RegionScope, UnknownRegion
from data_access.vocab import PROVINCE_ADCODE

ROLES = ("viewer", "analyst", "data_manager", "admin")
ROLE_NAMES = {"viewer": "领导/查看", "analyst": "业务人员", "data_manager": "数据管理员", "admin": "系统管理员"}
# What each role may do beyond seeing figures; each role has all of the one before it.
PERMISSIONS = {
    "viewer": frozenset({"figures"}),
    "analyst": frozenset({"figures", "lists", "export"}),
    "data_manager": frozenset({"figures", "lists", "export", "import"}),
    "admin": frozenset({"figures", "lists", "export", "import", "admin"}),
}


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    region: int | None  # the province, a city or a county; None sees nothing
    kind: str = "user"  # user | display (a screen opened with a display token)
    user_id: int | None = None
    token_id: int | None = None
    playlist: str | None = None
    label: str = ""     # the name shown in the header (the user's 姓名)

    def may(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())


# The viewer of the whole province that a test or a script acts as (never a request's default).
ANONYMOUS_VIEWER = Actor(name="anonymous", role="viewer", region=PROVINCE_ADCODE)


# Called with (actor, requested adcode) on every refusal of a region: auth/ records it.
DENIAL_HOOKS: list = []


class Denied(PermissionError):
    """The actor may not see what was asked for; the message is for the page."""


@dataclass(frozen=True)
class Grant:
    """What one actor may see: its region (the root of every drill) and everything below it."""

    actor: Actor
    root: RegionScope
    visible: frozenset[int]
    index: RegionIndex = field(repr=False, compare=False)

    def scope(self, requested: int | str | None = None) -> RegionScope:
        """The scope of a requested region (None: the actor's own region).

        UnknownRegion for an adcode that names no region, Denied for one outside the grant.
        """
        if requested in (None, ""):
            return self.root
        scope = self.index.get(requested)
        if scope.adcode not in self.visible:
            for hook in DENIAL_HOOKS:
                hook(self.actor, scope.adcode)
            raise Denied(f"{scope.name}不在本账号的查看范围（{self.root.name}）内")
        return scope

    def allows(self, adcode: int) -> bool:
        return int(adcode) in self.visible

    def trail(self, scope: RegionScope) -> list[RegionScope]:
        """The breadcrumb: from the actor's own region down to the scope."""
        chain = self.index.lineage(scope)
        return [s for s in chain if s.adcode in self.visible]

    def only_visible(self, frame: pd.DataFrame, column: str = "adcode") -> pd.DataFrame:
        """The rows of regions the actor may see (a county user's map shows no neighbours)."""
        return frame[frame[column].astype(int).isin(self.visible)].reset_index(drop=True)

    def regions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Option lists: the regions of `frame` (queries.regions) inside the grant."""
        return self.only_visible(frame)


def actor_of_request() -> Actor:
    """The actor auth/ resolved for the current request from its session; Denied without one."""
    import flask

    actor = flask.g.get("actor") if flask.has_request_context() else None
    if actor is None:
        raise Denied("请先登录")
    return actor


def require(actor: Actor, action: str) -> None:
    if not actor.may(action):
        raise Denied(f"{ROLE_NAMES.get(actor.role, actor.role)}无权进行此操作")


def grant_for(actor: Actor, index: RegionIndex) -> Grant:
    if actor.region is None:
        raise Denied("该账号未分配地区，无权查看任何数据")
    try:
        root = index.get(actor.region)
    except UnknownRegion:
        raise Denied("该账号的地区不存在，无权查看任何数据") from None
    return Grant(actor=actor, root=root, visible=index.within(root.adcode), index=index)
