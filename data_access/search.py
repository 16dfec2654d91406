"""The header's search: projects and enterprises by name or code, inside a region scope.

An enterprise is found only through its projects inside the scope (a county user must not learn
of an investor whose projects are all elsewhere), and each result leads to a project's file: a
project to its own, an enterprise to its largest project in the scope. Matching is a
case-insensitive substring of the name, or a prefix of the project code.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from .models import Enterprise, Project, Region
from .scope import RegionScope

MIN_CHARS = 1       # one Chinese character names a lot already; the results are capped
MAX_CHARS = 40
ENTERPRISES = 4     # at most this many enterprises first, then projects


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
    projects = (
        select(Project.code, Project.name, Region.name.label("county"), Enterprise.name.label("investor"))
        .join(Region, Region.adcode == Project.county_adcode)
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .where(in_scope, func.lower(Project.name).contains(needle, autoescape=True)
               | func.lower(Project.code).startswith(needle, autoescape=True))
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
        .where(in_scope, func.lower(Enterprise.name).contains(needle, autoescape=True))
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
