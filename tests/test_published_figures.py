"""The published figures of domain.md §1 come out exactly, both on the screen's path (the area
statistics the overview draws, data_access.area) and in the oracle's independent SQL (tests/oracle.py).

Runs on the demo database of every backend (SQLite always, PostgreSQL when configured).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access.area import read_area
from data_access.demo.dates import add_months
from data_access.models import DatasetInfo, Enterprise, Park, Project
from data_access.scope import Filters, resolve_scope
from data_access.vocab import STATUS_PRODUCING, QualityTag
from tests import oracle

SZ_FROM, SZ_TO = date(2019, 11, 20), date(2020, 12, 15)


@pytest.fixture(scope="module")
def province(demo_engine):
    return resolve_scope(demo_engine, 520000)


def shenzhen(**kw) -> Filters:
    return Filters(date_from=SZ_FROM, date_to=SZ_TO, channel="驻点招商", origin="深圳", **kw)


def screen_totals(engine, province, filters: Filters) -> dict[str, int]:
    """The province's headline figures as the overview reads them, checked against the oracle."""
    got = read_area(engine, province, filters).totals(province)
    assert got == oracle.totals(engine, None, filters)
    return got


def screen_activity(engine, province, filters: Filters) -> dict[str, int]:
    """The province's visits and inspections as the overview reads them, checked against the oracle."""
    got = read_area(engine, province, filters).activity_of(province)
    assert got == oracle.activity(engine, None, filters)
    return got


def test_shenzhen_team_projects(demo_engine, province):
    t = screen_totals(demo_engine, province, shenzhen())
    assert t["projects"] == 843
    assert t["contract_yuan"] == 177_702_000_000  # 1777.02 亿
    assert t["funds_in_period_yuan"] == 63_921_000_000  # 639.21 亿


def test_shenzhen_team_excludes_projects_terminated_before_the_report(demo_engine):
    """The team also signed projects that were given up before 2020-12-15: they exist, but do not count."""
    with demo_engine.connect() as conn:
        rows = conn.execute(
            select(Project.terminated_on)
            .join(Enterprise, Enterprise.id == Project.enterprise_id)
            .where(Project.channel == "驻点招商", Enterprise.origin_city == "深圳市",
                   Project.signed_on.between(SZ_FROM, SZ_TO))
        ).scalars().all()
    early = [t for t in rows if t is not None and t <= SZ_TO]
    later = [t for t in rows if t is not None and t > SZ_TO]
    assert len(rows) - len(early) == 843
    assert early, "some of the team's projects should have been terminated before the report date"
    assert later, "some of the 843 are terminated later, which the report date does not see"


def test_resident_channel_only_where_the_team_was(demo_engine):
    """驻点招商: from 2019-11-20, Shenzhen investors only until 2021-02, then all of Guangdong."""
    with demo_engine.connect() as conn:
        rows = conn.execute(
            select(Project.signed_on, Enterprise.origin_province, Enterprise.origin_city)
            .join(Enterprise, Enterprise.id == Project.enterprise_id)
            .where(Project.channel == "驻点招商")
        ).all()
    assert rows
    for signed, province, city in rows:
        assert signed >= SZ_FROM
        if signed < date(2021, 3, 1):
            assert city == "深圳市"
        else:
            assert province == "广东省"


def test_shenzhen_team_poverty_events(demo_engine, province):
    """3 巩固脱贫攻坚 events with counties: 31 projects, 82.73 亿 (the events' days, see demo/published.py)."""
    t = screen_totals(demo_engine, province, Filters(date_from=date(2020, 10, 14), date_to=date(2020, 10, 16),
                                                     channel="驻点招商", origin="深圳"))
    assert t["projects"] == 31
    assert t["contract_yuan"] == 8_273_000_000  # 82.73 亿


def test_2019_published_scale(demo_engine, province):
    """2019: 5210 projects, 7523 亿, under the one terminated-project rule (data_access/lifecycle.py)."""
    t = screen_totals(demo_engine, province, Filters(date_from=date(2019, 1, 1), date_to=date(2019, 12, 31)))
    assert t["projects"] == 5210
    assert t["contract_yuan"] == 752_300_000_000  # 7523 亿


def test_shenzhen_team_food_projects(demo_engine, province):
    t = screen_totals(demo_engine, province, shenzhen(industry="FOOD"))
    assert t["projects"] == 12
    assert t["contract_yuan"] == 1_300_000_000  # 13 亿


@pytest.mark.parametrize(
    "fragment, tag",
    [("佳兆业", QualityTag.CHINA500), ("裕同", QualityTag.CHINA500), ("研祥", QualityTag.CHINA500),
     ("金雅福", QualityTag.CHINA500), ("怡亚通", QualityTag.CHINA500), ("南山控股", QualityTag.LEADER),
     ("豹旗科技", None), ("樵宝", None), ("天珀", None)],
)
def test_shenzhen_named_investors(demo_engine, fragment, tag):
    with demo_engine.connect() as conn:
        ents = conn.execute(select(Enterprise).where(Enterprise.name.contains(fragment))).all()
        assert len(ents) == 1, fragment
        ent = ents[0]
        assert ent.origin_city == "深圳市" and ent.origin_province == "广东省"
        if tag is not None:
            assert ent.quality_tags & tag
        projects = conn.execute(
            select(Project).where(Project.enterprise_id == ent.id, Project.channel == "驻点招商",
                                  Project.signed_on.between(SZ_FROM, SZ_TO))
        ).all()
    assert projects, fragment
    assert all(p.terminated_on is None or p.terminated_on > SZ_TO for p in projects)
    if fragment in ("樵宝", "天珀"):
        assert all(p.industry_code == "FOOD" for p in projects)


def test_shenzhen_team_activity(demo_engine, province):
    a = screen_activity(demo_engine, province, shenzhen())
    assert a == {"enterprise_visits": 30076, "association_visits": 8267, "inspections": 6056}


def test_shenzhen_team_activity_is_all_in_shenzhen(demo_engine, province):
    """No resident-team visit in the window is outside Shenzhen, so no origin filter hides any."""
    a = screen_activity(demo_engine, province, Filters(date_from=SZ_FROM, date_to=SZ_TO, channel="驻点招商"))
    assert a == {"enterprise_visits": 30076, "association_visits": 8267, "inspections": 6056}


def test_cloud_signings_2020(demo_engine, province):
    t = screen_totals(demo_engine, province,
                       Filters(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31), channel="云招商"))
    assert t["projects"] == 109
    assert t["contract_yuan"] == 32_660_000_000  # 326.6 亿
    with demo_engine.connect() as conn:
        first = conn.scalar(select(Project.signed_on).where(Project.channel == "云招商").order_by(Project.signed_on))
    assert first >= date(2020, 2, 1)


def _named(conn, name):
    rows = conn.execute(select(Project).where(Project.name == name)).all()
    assert len(rows) == 1, name
    p = rows[0]
    ent = conn.execute(select(Enterprise).where(Enterprise.id == p.enterprise_id)).one()
    park = conn.execute(select(Park).where(Park.id == p.park_id)).one_or_none() if p.park_id else None
    return p, ent, park


def test_hengli(demo_engine):
    with demo_engine.connect() as conn:
        p, ent, park = _named(conn, "恒力（贵阳）产业园")
    assert ent.name.startswith("恒力集团")
    assert ent.quality_tags & QualityTag.GLOBAL500
    assert (ent.origin_province, ent.origin_city, ent.source_region) == ("江苏省", "苏州市", "长三角")
    assert p.signed_on == date(2020, 11, 3)
    assert p.started_on == date(2020, 12, 26)
    assert p.production_on.year == 2021 and p.production_on.month == 7
    assert p.expected_output_yuan == 26_000_000_000
    assert p.expected_jobs == 15000
    assert p.city_adcode == 520100
    assert park is not None and park.county_adcode == p.county_adcode
    assert p.status == STATUS_PRODUCING


def test_cofco_coca_cola(demo_engine):
    """2.7 亿; the 2021 article expected production by the end of 2021 (planned), it began on 2022-07-10."""
    with demo_engine.connect() as conn:
        p, ent, park = _named(conn, "中粮可口可乐贵州首家工厂")
    assert p.contract_yuan == 270_000_000
    assert "中粮可口可乐" in ent.name and ent.quality_tags & QualityTag.GLOBAL500
    assert p.planned_production_on == date(2021, 12, 31)
    assert p.production_on is not None and p.started_on < p.production_on
    assert p.industry_code == "FOOD"
    assert park is not None and park.county_adcode == p.county_adcode


def test_wanren(demo_engine):
    with demo_engine.connect() as conn:
        p, ent, park = _named(conn, "万仁新能源汽车")
    assert p.county_adcode == 520603 and p.city_adcode == 520600
    assert p.production_on == add_months(p.started_on, 15)  # first car 15 months after the start
    assert p.expected_output_yuan == 10_000_000_000
    assert p.expected_tax_yuan == 600_000_000
    assert p.expected_jobs >= 4000


def test_bester(demo_engine):
    with demo_engine.connect() as conn:
        p, ent, park = _named(conn, "贵州百思特新能源材料")
    assert park is not None and park.name == "大龙经济开发区"
    assert p.county_adcode == park.county_adcode == 520622
    assert p.signed_on.year == 2017 and p.started_on.year == 2017
    assert p.production_on.year == 2018
    assert p.status == STATUS_PRODUCING


def test_dataset_info(demo_engine):
    with demo_engine.connect() as conn:
        info = dict(conn.execute(select(DatasetInfo.key, DatasetInfo.value)).all())
    assert info["data_cutoff"] == "2025-12-31"
    assert info["source"] == "demo"
    assert info["demo_seed"] and info["generator_version"]
