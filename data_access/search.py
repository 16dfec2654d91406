"""The header's search: projects and enterprises by name, code or pinyin, inside a region scope.

An enterprise is found only through its projects inside the scope (a county user must not learn
of an investor whose projects are all elsewhere), and each result leads to a project's file: a
project to its own, an enterprise to its largest project in the scope. Matching is a
case-insensitive substring of the name, a prefix of the project code, or, for letters typed
without Chinese, a substring of the pinyin: initials ("gzmt" finds 贵州茅台…) or full syllables
("maotai"), read from the project's stored search key (`search_key`), which every writer of
projects fills (demo build, imports and sync, migration 0007's backfill).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine, and_, func, select

from .models import Enterprise, Project, Region
from .scope import RegionScope

MIN_CHARS = 1       # one Chinese character names a lot already; the results are capped
MIN_PINYIN = 2      # one letter is the initial of a tenth of all names: not a search
MAX_CHARS = 40
ENTERPRISES = 4     # at most this many enterprises first, then projects
KEY_PART = 240      # characters of one pinyin spelling kept in the key (four parts fit the column)
SEARCH_KEY_LENGTH = 1000
_NOT_KEY = re.compile(r"[^a-z0-9]")
_PINYIN_QUERY = re.compile(r"[A-Za-z][A-Za-z0-9 ']*")
_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65_536)
def _syllables(segment: str) -> tuple[tuple[str, str], ...]:
    """(initial, syllable) of each Chinese character of a segment; a Latin or digit run is its own
    initial and syllable, whole."""
    from pypinyin import lazy_pinyin  # loads its dictionaries on first use only

    if not _HANZI.search(segment):
        word = _NOT_KEY.sub("", segment.lower())
        return ((word, word),) if word else ()
    out = []
    for s in lazy_pinyin(segment):
        s = _NOT_KEY.sub("", s.lower())
        if s:
            out.append((s[0], s))
    return tuple(out)


@lru_cache(maxsize=65_536)  # an investor's name comes back with each of its projects
def spellings(text: str | None) -> tuple[str, str]:
    """(initials, full pinyin) of a name, lowercase letters and digits only: 贵州茅台酒股份有限公司
    → ('gzmtjgfyxgs', 'guizhoumaotaijiugufenyouxiangongsi'). Latin letters and digits are kept
    whole in both ('ABC2号' → 'abc2h'). Words are converted one by one, cached: names share most
    of their words (有限公司, 项目), and whole names cost half a millisecond each otherwise."""
    from pypinyin.seg.simpleseg import seg

    parts = [p for segment in seg(str(text or "")) for p in _syllables(segment)]
    return "".join(i for i, _ in parts)[:KEY_PART], "".join(s for _, s in parts)[:KEY_PART]


def search_key(name: str | None, investor: str | None) -> str:
    """The project's stored search key: '<name initials> <name pinyin>|<investor initials> <investor pinyin>'.
    The bar separates the parts a project hit and an enterprise hit are matched on."""
    (ni, nf), (ii, inf) = spellings(name), spellings(investor)
    return f"{ni} {nf}|{ii} {inf}"[:SEARCH_KEY_LENGTH]


def pinyin_needle(text: str) -> str | None:
    """The letters to look for in search keys, or None when the text is not pinyin (it has Chinese
    or other characters, or is too short)."""
    if not _PINYIN_QUERY.fullmatch(text.strip()):
        return None
    needle = _NOT_KEY.sub("", text.lower())
    return needle if len(needle) >= MIN_PINYIN else None


@dataclass(frozen=True)
class Hit:
    kind: str            # project | enterprise
    code: str            # the project whose file the hit opens
    title: str
    detail: str


def search(engine: Engine, scope: RegionScope, text: str, limit: int = 12) -> list[Hit]:
    words = (text or "").strip()[:MAX_CHARS]
    if len(words) < MIN_CHARS:
        return []
    needle = words.lower()
    in_scope = scope.condition(Project.county_adcode, Project.city_adcode)
    if scope.level == "county" and scope.parent_adcode is not None:
        # The same rows; the city first lets the search seek ix_project_search (city, county, key).
        in_scope = and_(Project.city_adcode == scope.parent_adcode, in_scope)
    letters = pinyin_needle(words)
    if letters:
        # Letters typed: the key holds the names' pinyin and their Latin runs, lowercased, so it
        # alone answers (read from the index). The needle is [a-z0-9]: nothing to escape.
        by_name = Project.search_key.like(f"%{letters}%|%")
        by_investor = Project.search_key.like(f"%|%{letters}%")
    else:
        by_name = func.lower(Project.name).contains(needle, autoescape=True)
        by_investor = func.lower(Enterprise.name).contains(needle, autoescape=True)
    projects = (
        select(Project.code, Project.name, Region.name.label("county"), Enterprise.name.label("investor"))
        .join(Region, Region.adcode == Project.county_adcode)
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .where(in_scope, by_name | func.lower(Project.code).startswith(needle, autoescape=True))
        .order_by(Project.contract_yuan.desc(), Project.code)
        .limit(limit)
    )
    # Per matching enterprise: its project count in scope and its largest project there.
    ranked = (
        select(Enterprise.name.label("enterprise"), Project.code,
               func.count().over(partition_by=Enterprise.id).label("n"),
               func.row_number().over(partition_by=Enterprise.id,
                                      order_by=(Project.contract_yuan.desc(), Project.code)).label("pos"))
        .join(Project, Project.enterprise_id == Enterprise.id)
        .where(in_scope, by_investor)
        .subquery()
    )
    enterprises = (select(ranked.c.enterprise, ranked.c.code, ranked.c.n).where(ranked.c.pos == 1)
                   .order_by(ranked.c.n.desc(), ranked.c.enterprise).limit(limit))
    with engine.connect() as conn:
        found = [Hit("enterprise", r.code, r.enterprise, f"企业 · 本地区 {int(r.n)} 个项目")
                 for r in conn.execute(enterprises)][:ENTERPRISES]
        found += [Hit("project", r.code, r.name, f"项目 {r.code} · {r.county} · {r.investor}")
                  for r in conn.execute(projects)]
    return found[:limit]
