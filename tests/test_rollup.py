"""The funding_month rollup equals funding summed per county and month after every kind of
change (its triggers), and funds_by reads periods that cut months exactly, on both backends."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, insert, select, text, update

from data_access import queries
from data_access.db import get_engine
from data_access.models import Enterprise, Funding, FundingMonth, Project
from data_access.schema import ensure_schema
from data_access.scope import Filters, resolve_scope
from tests.conftest import BACKENDS

ZUNYI, RENHUAI, HUICHUAN = 520300, 520382, 520303
GUIYANG, NANMING = 520100, 520102


def rollup(conn) -> dict[tuple[int, int], tuple[int, int]]:
    rows = conn.execute(select(FundingMonth.county_adcode, FundingMonth.month, FundingMonth.city_adcode,
                               FundingMonth.amount_yuan))
    return {(c, m): (city, a) for c, m, city, a in rows if a != 0}


def from_funding(conn) -> dict[tuple[int, int], tuple[int, int]]:
    rows = conn.execute(select(Funding.county_adcode, Funding.city_adcode, Funding.received_on, Funding.amount_yuan))
    out: dict[tuple[int, int], list[int]] = {}
    for county, city, received, amount in rows:
        acc = out.setdefault((county, received.year * 100 + received.month), [city, 0])
        acc[1] += amount
    return {k: (v[0], v[1]) for k, v in out.items() if v[1] != 0}


@pytest.fixture(params=BACKENDS)
def engine(request, backend_url):
    engine = get_engine(backend_url(request.param))
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(insert(Enterprise), [{"id": 1, "name": "测试企业", "origin_province": "广东省",
                                           "origin_city": "深圳市", "source_region": "粤港澳大湾区",
                                           "ownership": "民营", "quality_tags": 0}])
        conn.execute(insert(Project), [
            {"id": pid, "code": f"R{pid}", "name": f"项目{pid}", "enterprise_id": 1, "industry_code": "LIQUOR",
             "county_adcode": county, "city_adcode": city, "channel": "产业链招商", "contract_yuan": 10_000,
             "signed_on": date(2024, 1, 5), "status": "已签约", "is_industrial": True,
             "origin_province": "广东省", "origin_city": "深圳市", "source_region": "粤港澳大湾区", "quality_tags": 0}
            for pid, county, city in ((1, RENHUAI, ZUNYI), (2, HUICHUAN, ZUNYI), (3, NANMING, GUIYANG))
        ])
    yield engine
    with engine.begin() as conn:
        for table in ("funding", "project", "enterprise"):
            conn.execute(text(f"DELETE FROM {table}"))


def fund(pid, county, city, day, amount, fid):
    return {"id": fid, "project_id": pid, "county_adcode": county, "city_adcode": city, "received_on": day,
            "amount_yuan": amount}


def test_triggers_keep_the_rollup_equal_to_funding(engine):
    with engine.begin() as conn:
        conn.execute(insert(Funding), [
            fund(1, RENHUAI, ZUNYI, date(2024, 1, 31), 100, 1),
            fund(1, RENHUAI, ZUNYI, date(2024, 2, 1), 200, 2),
            fund(2, HUICHUAN, ZUNYI, date(2024, 2, 15), 300, 3),
            fund(3, NANMING, GUIYANG, date(2024, 2, 29), 400, 4),
        ])
    with engine.connect() as conn:
        assert rollup(conn) == from_funding(conn) == {
            (RENHUAI, 202401): (ZUNYI, 100), (RENHUAI, 202402): (ZUNYI, 200),
            (HUICHUAN, 202402): (ZUNYI, 300), (NANMING, 202402): (GUIYANG, 400)}
    with engine.begin() as conn:
        conn.execute(update(Funding).where(Funding.id == 1).values(amount_yuan=150))       # a corrected amount
        conn.execute(update(Funding).where(Funding.id == 2).values(received_on=date(2024, 3, 1)))  # a later day
        conn.execute(delete(Funding).where(Funding.id == 3))
    with engine.connect() as conn:
        assert rollup(conn) == from_funding(conn)
        assert rollup(conn)[(RENHUAI, 202403)] == (ZUNYI, 200)
        assert (HUICHUAN, 202402) not in rollup(conn)
    # A project placed in another county: the composite key cascades to its money, and the
    # rollup follows.
    with engine.begin() as conn:
        conn.execute(update(Project).where(Project.id == 1).values(county_adcode=HUICHUAN))
    with engine.connect() as conn:
        assert rollup(conn) == from_funding(conn)
        assert rollup(conn)[(HUICHUAN, 202401)] == (ZUNYI, 150)


@pytest.mark.parametrize("start,end", [
    (date(2024, 1, 1), date(2024, 12, 31)),      # whole months only
    (date(2024, 1, 31), date(2024, 2, 29)),      # a cut month before a whole one
    (date(2024, 2, 1), date(2024, 2, 15)),       # within one month: no whole month at all
    (date(2024, 1, 15), date(2024, 3, 10)),      # cut at both ends
    (None, date(2024, 2, 14)),                   # unbounded start
])
def test_funds_by_cuts_months_exactly(engine, start, end):
    with engine.begin() as conn:
        conn.execute(insert(Funding), [
            fund(1, RENHUAI, ZUNYI, date(2024, 1, 14), 1, 1), fund(1, RENHUAI, ZUNYI, date(2024, 1, 15), 2, 2),
            fund(1, RENHUAI, ZUNYI, date(2024, 1, 31), 4, 3), fund(2, HUICHUAN, ZUNYI, date(2024, 2, 1), 8, 4),
            fund(2, HUICHUAN, ZUNYI, date(2024, 2, 14), 16, 5), fund(2, HUICHUAN, ZUNYI, date(2024, 2, 15), 32, 6),
            fund(3, NANMING, GUIYANG, date(2024, 2, 29), 64, 7), fund(3, NANMING, GUIYANG, date(2024, 3, 1), 128, 8),
            fund(1, RENHUAI, ZUNYI, date(2024, 3, 10), 256, 9), fund(1, RENHUAI, ZUNYI, date(2024, 3, 11), 512, 10),
        ])
        conn.execute(text("INSERT INTO dataset_info (key, value) VALUES ('data_cutoff', '2024-12-31')"))
    filters = Filters(date_from=start, date_to=end)
    with engine.connect() as conn:
        rows = conn.execute(select(Funding.county_adcode, Funding.city_adcode, Funding.received_on,
                                   Funding.amount_yuan)).all()
        for adcode in (None, ZUNYI, RENHUAI):
            scope = resolve_scope(engine, adcode)
            mine = [r for r in rows if (start is None or r.received_on >= start) and r.received_on <= end
                    and (adcode is None or adcode in (r.county_adcode, r.city_adcode))]
            assert queries.funds_by(conn, scope, filters, end).get((), 0) == sum(r.amount_yuan for r in mine)
            by_month = queries.funds_by(conn, scope, filters, end, "county", "month")
            expected: dict[tuple, int] = {}
            for r in mine:
                key = (r.county_adcode, r.received_on.year * 100 + r.received_on.month)
                expected[key] = expected.get(key, 0) + r.amount_yuan
            assert by_month == expected
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM dataset_info"))


@pytest.mark.parametrize("start,end,first,last", [
    (date(2024, 1, 1), date(2024, 12, 31), 202401, 202412),
    (date(2024, 1, 2), date(2024, 12, 30), 202402, 202411),
    (date(2023, 12, 31), date(2024, 1, 31), 202401, 202401),
    (date(2024, 2, 2), date(2024, 2, 28), 202403, 202401),      # no whole month (2024 is a leap year)
    (None, date(2025, 1, 15), 0, 202412),
])
def test_whole_months(start, end, first, last):
    assert queries.whole_months(start, end) == (first, last)
