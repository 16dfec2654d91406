"""project_month (data_access/rollup_project.py) equals the detail rows summed in Python after
random inserts, updates and deletes of projects, funding, visits and inspections, after an import
and its rollback, and after a rebuild; and every figure a view reads from it equals the same
figure read from the detail rows (the rollup switched off), on both backends."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update

from data_access import area, queries, rollup_project
from data_access import overview as ov
from data_access.models import Funding, Inspection, Project, ProjectMonth, Region, Visit
from data_access.scope import Filters, resolve_scope
from data_access.vocab import CHANNELS, PROVINCE_ADCODE, VISIT_ASSOCIATION, VISIT_ENTERPRISE
from tests.test_import_db import apply, base_url, book, engine, project_row, projects_file  # noqa: F401

SUMS = rollup_project.SUMS


def _ym(d: date) -> int:
    return d.year * 100 + d.month


def expected(conn) -> dict[tuple, tuple[int, ...]]:
    """The rollup computed naively from the detail rows (module docstring of rollup_project)."""
    out: dict[tuple, list[int]] = {}

    def add(key, city, **sums):
        acc = out.setdefault(key, [city] + [0] * len(SUMS))
        for name, v in sums.items():
            acc[1 + SUMS.index(name)] += v

    projects = {p.id: p for p in conn.execute(select(Project.__table__))}
    money: dict[int, int] = {}
    for f in conn.execute(select(Funding.__table__)):
        p = projects[f.project_id]
        if p.terminated_on is None:
            money[p.id] = money.get(p.id, 0) + f.amount_yuan
            add(("f", _ym(p.signed_on), p.county_adcode, f"{f.received_on:%Y%m}"), p.city_adcode,
                funds_yuan=f.amount_yuan)
        else:
            add(("w", _ym(f.received_on), p.county_adcode, ""), p.city_adcode, funds_yuan=f.amount_yuan)
    for p in projects.values():
        if p.terminated_on is not None:
            continue
        sums = dict(projects=1, contract_yuan=p.contract_yuan, started=int(p.started_on is not None),
                    started_contract_yuan=p.contract_yuan if p.started_on else 0,
                    producing=int(p.production_on is not None),
                    producing_contract_yuan=p.contract_yuan if p.production_on else 0,
                    in_park=int(p.park_id is not None), quality=int(p.quality_tags > 0))
        m = _ym(p.signed_on)
        add(("t", m, p.county_adcode, ""), p.city_adcode, **sums, funds_yuan=money.get(p.id, 0))
        add(("i", m, p.county_adcode, p.industry_code), p.city_adcode, **sums)
        add(("s", m, p.county_adcode, p.source_region), p.city_adcode, **sums)
        for dim, day in (("k", p.started_on), ("r", p.production_on)):
            if day is not None:
                add((dim, m, p.county_adcode, f"{day:%Y%m}"), p.city_adcode, projects=1, contract_yuan=p.contract_yuan)
        for dim, later, earlier in (("d", p.started_on, p.signed_on), ("p", p.production_on, p.started_on)):
            if later is not None:
                for level in (p.city_adcode, PROVINCE_ADCODE):
                    add((dim, m, level, str((later - earlier).days)), level, projects=1)
    for v in conn.execute(select(Visit.__table__)):
        dim = {VISIT_ENTERPRISE: "e", VISIT_ASSOCIATION: "a"}.get(v.kind)
        if dim:
            add((dim, _ym(v.visited_on), v.county_adcode or 0, "" if v.city_adcode is None else str(v.city_adcode)),
                v.city_adcode or 0, projects=1)
    for i in conn.execute(select(Inspection.__table__)):
        add(("n", _ym(i.inspected_on), i.county_adcode or 0, "" if i.city_adcode is None else str(i.city_adcode)),
            i.city_adcode or 0, projects=1)
    return {k: tuple(v) for k, v in out.items() if any(v[1:])}


def stored(conn) -> dict[tuple, tuple[int, ...]]:
    cols = [getattr(ProjectMonth, c) for c in ("dim", "month", "county_adcode", "value", "city_adcode", *SUMS)]
    return {tuple(r[:4]): tuple(int(v) for v in r[4:]) for r in conn.execute(select(*cols)) if any(r[5:])}


def assert_equal(engine) -> None:
    with engine.connect() as conn:
        got, want = stored(conn), expected(conn)
    assert got == want, sorted(set(got.items()) ^ set(want.items()))[:6]


def test_triggers_keep_the_rollup_equal_to_the_detail_rows(engine):  # noqa: F811
    rng = random.Random(16)
    with engine.connect() as conn:
        counties = conn.execute(select(Region.adcode, Region.parent_adcode).where(Region.level == "county")).all()
        template = dict(conn.execute(select(Project.__table__).where(Project.id == 2)).mappings().one())
    assert_equal(engine)  # the migration's backfill of the seeded projects

    def day(lo=date(2021, 1, 1), span=1500):
        return lo + timedelta(days=rng.randrange(span))

    next_id = iter(range(1000, 100_000))
    with engine.begin() as conn:
        rows = []
        for _ in range(60):
            pid = next(next_id)
            county, city = rng.choice(counties)
            signed = day()
            started = signed + timedelta(days=rng.randrange(400)) if rng.random() < 0.6 else None
            produced = started + timedelta(days=rng.randrange(400)) if started and rng.random() < 0.5 else None
            rows.append({**template, "id": pid, "code": f"R-{pid}", "county_adcode": county, "city_adcode": city,
                         "signed_on": signed, "started_on": started, "production_on": produced,
                         "terminated_on": signed + timedelta(days=300) if rng.random() < 0.15 else None,
                         "contract_yuan": rng.randrange(1, 10**9), "industry_code": rng.choice(["LIQUOR", "BIGDATA"]),
                         "source_region": rng.choice(["长三角", "粤港澳大湾区"]), "channel": rng.choice(CHANNELS),
                         "park_id": None, "quality_tags": rng.choice([0, 8])})
        conn.execute(insert(Project), rows)
        ids = [r["id"] for r in rows]
        conn.execute(insert(Funding), [
            {"id": next(next_id), "project_id": r["id"], "county_adcode": r["county_adcode"],
             "city_adcode": r["city_adcode"], "received_on": day(r["signed_on"], 600),
             "amount_yuan": rng.randrange(1, 10**8)}
            for r in rows for _ in range(rng.randrange(3))])
        conn.execute(insert(Visit), [
            {"id": next(next_id), "visited_on": day(), "kind": rng.choice([VISIT_ENTERPRISE, VISIT_ASSOCIATION]),
             "team": "招商局", "channel": rng.choice(CHANNELS), "county_adcode": c, "city_adcode": p,
             "location_province": "广东省", "location_city": "深圳市", "association_name": None, "enterprise_id": None}
            for c, p in (rng.choice(counties + [(None, 520300), (None, None)]) for _ in range(40))])
        conn.execute(insert(Inspection), [
            {"id": next(next_id), "inspected_on": day(), "enterprise_id": 1, "team": "招商局",
             "channel": rng.choice(CHANNELS), "county_adcode": c, "city_adcode": p}
            for c, p in (rng.choice(counties + [(None, None)]) for _ in range(20))])
    assert_equal(engine)

    with engine.begin() as conn:
        for pid in rng.sample(ids, 25):
            county, city = rng.choice(counties)
            change = rng.choice([
                {"county_adcode": county, "city_adcode": city},                     # moved (its money cascades)
                {"terminated_on": date(2025, 6, 30)}, {"terminated_on": None},      # given up, or revived
                {"started_on": None, "production_on": None},
                {"contract_yuan": rng.randrange(10**9), "industry_code": "EQUIP", "source_region": "京津冀"},
                {"signed_on": date(2020, 12, 31)}, {"park_id": None, "quality_tags": 0},
            ])
            conn.execute(update(Project).where(Project.id == pid).values(**change))
        funds = conn.execute(select(Funding.id)).scalars().all()
        for fid in rng.sample(funds, min(8, len(funds))):
            conn.execute(update(Funding).where(Funding.id == fid).values(
                amount_yuan=rng.randrange(10**8), received_on=date(2024, rng.randrange(1, 13), 15)))
        conn.execute(update(Visit).where(Visit.id.in_(select(Visit.id).limit(10))).values(
            visited_on=date(2022, 2, 2), county_adcode=None))
        conn.execute(update(Inspection).values(city_adcode=520100, county_adcode=520102))
    assert_equal(engine)

    with engine.begin() as conn:
        gone = rng.sample(ids, 10)
        conn.execute(delete(Funding).where(Funding.project_id.in_(gone[:5])))
        conn.execute(delete(Project).where(Project.id.in_(gone[:5])))
        conn.execute(delete(Funding).where(Funding.id.in_(rng.sample(funds, 4))))
        conn.execute(delete(Visit).where(Visit.kind == VISIT_ASSOCIATION))
    assert_equal(engine)

    # A rolled back transaction leaves nothing behind; a rebuild computes the same rows.
    with engine.connect() as conn:
        with conn.begin() as tx:
            conn.execute(update(Project).values(contract_yuan=1))
            tx.rollback()
    assert_equal(engine)
    with engine.begin() as conn:
        before = stored(conn)
        rollup_project.rebuild(conn)
        assert stored(conn) == before


def test_an_import_and_its_rollback_keep_the_rollup(engine):  # noqa: F811
    from data_access import imports as I

    result = apply(engine, projects_file(
        project_row("P-001", **{"县(市、区)": "汇川区", "园区": "遵义经开区", "合同投资额(万元)": "40000",
                                "签约日期": "", "开工日期": "2023-06-05", "投产日期": "2024-01-02", "项目状态": "已投产"}),
        project_row("P-101", **{"投资方": "新加坡远航控股", "投资方所在地(省/市)": "新加坡"}),
    ))
    assert_equal(engine)
    funds = apply(engine, book(["项目编号", "到位日期", "到位金额(万元)"], [["P-101", "2024-06-01", "100"]]),
                  kind="funding")
    assert_equal(engine)
    I.rollback_batch(engine, funds.batch_id, actor="reviewer", scope=None)
    I.rollback_batch(engine, result.batch_id, actor="reviewer", scope=None)
    assert_equal(engine)


PERIODS = [
    Filters(),                                                          # the whole record
    Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),    # a past year: not settled
    Filters(date_from=date(2025, 1, 1)),                                # to the cut-off
    Filters(date_from=date(2023, 2, 17)),                               # cut months at the start
    Filters(date_from=date(2025, 3, 3), date_to=date(2027, 1, 1)),      # past the data's end
    Filters(date_from=date(2025, 5, 5), date_to=date(2025, 5, 20)),     # no whole month
    Filters(date_from=date(2024, 7, 1), channel=CHANNELS[0]),           # a filter the rollup has no key for
    # Ending before the last date on record, mid-month: the events after the end are taken away.
    Filters(date_from=date(2024, 1, 1), date_to=date(2024, 11, 17)),    # a year-ago comparison
    Filters(date_from=date(2021, 3, 9), date_to=date(2023, 6, 14)),     # cut months at both ends
    Filters(date_to=date(2022, 12, 31)),                                # everything until a past year's end
    Filters(date_from=date(2024, 2, 1), date_to=date(2024, 9, 30), industry="LIQUOR"),  # a filter
]


@pytest.mark.slow
@pytest.mark.parametrize("filters", PERIODS, ids=range(len(PERIODS)))
def test_views_read_the_same_figures_from_the_rollup(demo_engine, filters, monkeypatch):
    """The demo data's cut-off is after every date on record: the rollup serves its open periods."""
    with demo_engine.connect() as conn:
        cutoff = queries.data_cutoff(demo_engine)
        assert queries.settled(conn, cutoff)
    compared = 0
    for code in (PROVINCE_ADCODE, 520300, 520382):
        scope = resolve_scope(demo_engine, code)
        got = {}
        for on in (True, False):
            monkeypatch.setattr(queries, "USE_ROLLUP", on)
            stats = area.read_area(demo_engine, scope, filters) if scope.level != "county" else None
            with demo_engine.connect() as conn:
                as_of = filters.as_of(cutoff)
                money = queries.funds_by(conn, scope, filters, as_of, "county", "month")
            got[on] = (stats, money, ov.stage_medians(demo_engine, scope, filters),
                       ov.stalled_top(demo_engine, scope, filters).to_dict("records"))
        rolled, detail = got[True], got[False]
        if rolled[0] is not None:
            for part in ("stats", "to_date", "signed", "funds", "activity", "industries", "sources", "stalled"):
                assert getattr(rolled[0], part) == getattr(detail[0], part), (code, part)
            compared += rolled[0].totals(scope)["projects"]
        assert rolled[1:] == detail[1:], code
    # Not all empty: the comparison compares something (the short period may hold no project).
    assert compared or filters.date_to == date(2025, 5, 20)


@pytest.mark.parametrize("years_back", [0, 1], ids=["this year", "a year ago, mid-month"])
def test_the_rollup_is_read_when_it_serves(demo_engine, monkeypatch, years_back):
    """An unfiltered period reads project_month, settled or not; the figures then come from it (a
    rollup row altered by hand shows), so the comparison above compares two paths."""
    cutoff = queries.data_cutoff(demo_engine)
    scope = resolve_scope(demo_engine, 520300)
    year = cutoff.year - years_back
    filters = Filters(date_from=date(year, 1, 1)) if not years_back else \
        Filters(date_from=date(year, 1, 1), date_to=date(year, 11, 17))
    with demo_engine.connect() as conn:
        assert queries.settled(conn, filters.as_of(cutoff)) == (not years_back)
    before = area.read_area(demo_engine, scope, filters).totals(scope)["projects"]
    with demo_engine.begin() as conn:
        # Rows the triggers never wrote, dropped again below (a table without triggers of its own).
        conn.execute(text("INSERT INTO project_month (dim, month, county_adcode, value, city_adcode, projects, "
                          "contract_yuan, started, started_contract_yuan, producing, producing_contract_yuan, "
                          "in_park, quality, funds_yuan) VALUES ('t', :m, 520382, '', 520300, 1000, 0, 0, 0, 0, 0, "
                          "0, 0, 0) ON CONFLICT (dim, month, county_adcode, value) DO UPDATE SET "
                          "projects = project_month.projects + 1000"), {"m": year * 100 + 1})
    try:
        assert area.read_area(demo_engine, scope, filters).totals(scope)["projects"] == before + 1000
        monkeypatch.setattr(queries, "USE_ROLLUP", False)
        assert area.read_area(demo_engine, scope, filters).totals(scope)["projects"] == before
    finally:
        with demo_engine.begin() as conn:
            conn.execute(update(ProjectMonth)
                         .where(ProjectMonth.dim == "t", ProjectMonth.month == year * 100 + 1,
                                ProjectMonth.county_adcode == 520382)
                         .values(projects=ProjectMonth.projects - 1000))
