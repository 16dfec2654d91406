"""Wall playlists (issue 13): ordered cockpit states with a dwell time each, and what the built-in
default playlist needs from the data (the regions with the largest contract value).

Names, titles, dwell times and labels are checked here; whether a URL is a cockpit view is the URL
grammar's business (urls/, one layer up), so callers hand in URLs they have already normalised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from .models import DisplayToken, Playlist, PlaylistItem, Project
from .queries import data_cutoff, project_conditions
from .scope import Filters, RegionScope

DEFAULT_NAME = "default"  # a stored playlist of this name overrides the built-in default
NAME = re.compile(r"[a-z0-9-]{1,64}")
DWELL_MIN, DWELL_MAX = 5, 3600
MAX_ITEMS = 50
TITLE_MAX, LABEL_MAX, URL_MAX = 100, 100, 500


class PlaylistError(ValueError):
    """A playlist that cannot be stored as given; the message is for the page (Chinese)."""


@dataclass(frozen=True)
class Item:
    url: str            # path and query of a cockpit view, without the wall key
    dwell_seconds: int
    label: str | None = None


@dataclass(frozen=True)
class StoredPlaylist:
    name: str
    title: str
    items: tuple[Item, ...]
    updated_at: datetime | None = None
    updated_by: str | None = None


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# ------------------------------------------------------------------ checks

def check_name(name) -> str:
    text = str(name or "").strip()
    if not NAME.fullmatch(text):
        raise PlaylistError("名称只能由小写字母、数字和连字符组成（1–64 个字符），如 lobby-2")
    return text


def check_dwell(value) -> int:
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        raise PlaylistError(f"停留时间“{str(value)[:20]}”不是整数秒") from None
    if not DWELL_MIN <= seconds <= DWELL_MAX:
        raise PlaylistError(f"停留时间须在 {DWELL_MIN}–{DWELL_MAX} 秒之间（收到 {seconds}）")
    return seconds


def check_playlist(name, title, items: list[Item]) -> StoredPlaylist:
    """The playlist as it will be stored; PlaylistError naming the first problem."""
    name = check_name(name)
    title = str(title or "").strip()
    texts = [title, *(f"{i.url}{i.label or ''}" for i in items)]
    if any(ord(c) < 32 or ord(c) == 127 for text in texts for c in text):
        raise PlaylistError("标题、地址或说明中含有不可见的控制字符")
    if not 1 <= len(title) <= TITLE_MAX:
        raise PlaylistError(f"标题须为 1–{TITLE_MAX} 个字符")
    if not items:
        raise PlaylistError("播放列表至少需要一个页面")
    if len(items) > MAX_ITEMS:
        raise PlaylistError(f"播放列表最多 {MAX_ITEMS} 个页面")
    checked = []
    for n, item in enumerate(items, 1):
        if not item.url or len(item.url) > URL_MAX:
            raise PlaylistError(f"第 {n} 项：地址为空或超过 {URL_MAX} 个字符")
        label = (item.label or "").strip() or None
        if label and len(label) > LABEL_MAX:
            raise PlaylistError(f"第 {n} 项：说明超过 {LABEL_MAX} 个字符")
        try:
            dwell = check_dwell(item.dwell_seconds)
        except PlaylistError as exc:
            raise PlaylistError(f"第 {n} 项：{exc}") from None
        checked.append(Item(item.url, dwell, label))
    return StoredPlaylist(name, title, tuple(checked))


# ------------------------------------------------------------------ reads

def list_playlists(conn: Connection) -> list[dict]:
    """Every stored playlist with its number of items, by name."""
    counts = (select(PlaylistItem.playlist_id, func.count().label("n"))
              .group_by(PlaylistItem.playlist_id).subquery())
    rows = conn.execute(
        select(Playlist.name, Playlist.title, Playlist.updated_at, Playlist.updated_by,
               func.coalesce(counts.c.n, 0).label("items"))
        .outerjoin(counts, counts.c.playlist_id == Playlist.id).order_by(Playlist.name)).mappings()
    return [dict(r) for r in rows]


def get_playlist(conn: Connection, name: str) -> StoredPlaylist | None:
    head = conn.execute(select(Playlist.id, Playlist.name, Playlist.title, Playlist.updated_at, Playlist.updated_by)
                        .where(Playlist.name == name)).first()
    if head is None:
        return None
    items = conn.execute(select(PlaylistItem.url, PlaylistItem.dwell_seconds, PlaylistItem.label)
                         .where(PlaylistItem.playlist_id == head.id).order_by(PlaylistItem.position)).all()
    return StoredPlaylist(head.name, head.title, tuple(Item(r.url, int(r.dwell_seconds), r.label) for r in items),
                          head.updated_at, head.updated_by)


def bound_tokens(conn: Connection, name: str) -> list[str]:
    """Names of the display tokens (not revoked) that play this playlist."""
    return list(conn.scalars(select(DisplayToken.name).where(DisplayToken.playlist == name,
                                                             DisplayToken.revoked_at.is_(None))
                             .order_by(DisplayToken.name)))


# ------------------------------------------------------------------ writes

def save_playlist(conn: Connection, playlist: StoredPlaylist, *, by: str) -> bool:
    """Create or replace a playlist (its items in the given order); True when it was new."""
    checked = check_playlist(playlist.name, playlist.title, list(playlist.items))
    now = utcnow()
    playlist_id = conn.scalar(select(Playlist.id).where(Playlist.name == checked.name))
    created = playlist_id is None
    if created:
        playlist_id = conn.execute(insert(Playlist).values(name=checked.name, title=checked.title, updated_at=now,
                                                           updated_by=by)).inserted_primary_key[0]
    else:
        conn.execute(update(Playlist).where(Playlist.id == playlist_id)
                     .values(title=checked.title, updated_at=now, updated_by=by))
        conn.execute(delete(PlaylistItem).where(PlaylistItem.playlist_id == playlist_id))
    if checked.items:
        conn.execute(insert(PlaylistItem), [
            {"playlist_id": playlist_id, "position": n, "url": item.url, "dwell_seconds": item.dwell_seconds,
             "label": item.label} for n, item in enumerate(checked.items)])
    return created


def delete_playlist(conn: Connection, name: str) -> bool:
    playlist_id = conn.scalar(select(Playlist.id).where(Playlist.name == name))
    if playlist_id is None:
        return False
    # Explicitly: SQLite enforces ON DELETE CASCADE only with its foreign-key pragma on.
    conn.execute(delete(PlaylistItem).where(PlaylistItem.playlist_id == playlist_id))
    conn.execute(delete(Playlist).where(Playlist.id == playlist_id))
    return True


# ------------------------------------------------------------------ what the built-in default reads

def this_year(engine: Engine) -> Filters:
    """The overview's default period: 1 January of the data cut-off's year to the cut-off."""
    cutoff = data_cutoff(engine)
    return Filters(date_from=date(cutoff.year, 1, 1), date_to=cutoff)


def top_children_by_contract(engine: Engine, scope: RegionScope, limit: int = 3) -> list[int]:
    """The regions one level below `scope` (a province's cities, a city's counties) with the largest
    contract value (合同投资额) this year, the overview KPI's definition: projects signed in the period
    and not terminated by its end. Largest first; ties by adcode. A county has none."""
    if scope.level == "county":
        return []
    filters = this_year(engine)
    as_of = filters.as_of(data_cutoff(engine))
    column = Project.city_adcode if scope.level == "province" else Project.county_adcode
    total = func.sum(Project.contract_yuan)
    stmt = (select(column, total).where(*project_conditions(scope, filters, as_of))
            .group_by(column).having(total > 0).order_by(total.desc(), column).limit(limit))
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(stmt)]


def project_counties(conn: Connection, codes: list[str]) -> dict[str, int]:
    """The county of each known project code (a playlist's project files are shown by region)."""
    if not codes:
        return {}
    rows = conn.execute(select(Project.code, Project.county_adcode).where(Project.code.in_(codes)))
    return {r.code: int(r.county_adcode) for r in rows}
