"""Each warning rule against projects at known dates on a fresh database (SQLite and PostgreSQL):
the counts and the lists both flag exactly the projects worked out by hand here, settings move
the thresholds, and terminated projects never warn."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from data_access import settings_store
from data_access import warnings as W
from data_access.db import get_engine
from data_access.models import AnnualTarget, DatasetInfo, Enterprise, Funding, Project
from data_access.schema import ensure_schema
from data_access.scope import Filters, resolve_scope
from tests.conftest import BACKENDS

ZUNYI, RENHUAI, HUICHUAN = 520300, 520382, 520303
GUIYANG, NANMING = 520100, 520102
YI = 100_000_000
D = date(2025, 12, 31)


def ago(days: int) -> date:
    return D - timedelta(days=days)


PLACES = {RENHUAI: ZUNYI, HUICHUAN: ZUNYI, NANMING: GUIYANG}
# code → (county, fields); the comment says what each must raise, with the default settings.
CASES = {
    # 签约未开工: yellow beyond 90 days, red beyond 180; or past its planned start (yellow)
    "S90": (RENHUAI, dict(signed_on=ago(90), planned_start_on=ago(1) + timedelta(days=5))),   # exactly 90: none
    "S91": (RENHUAI, dict(signed_on=ago(91), planned_start_on=ago(1) + timedelta(days=5))),   # stall yellow
    "S180": (RENHUAI, dict(signed_on=ago(180), planned_start_on=D)),                        # stall yellow
    "S181": (HUICHUAN, dict(signed_on=ago(181), planned_start_on=D)),                       # stall red
    "SPLAN": (HUICHUAN, dict(signed_on=ago(40), planned_start_on=ago(10))),                 # stall yellow (planned)
    "STERM": (HUICHUAN, dict(signed_on=ago(400), terminated_on=ago(5))),                    # terminated: nothing
    "SLATE": (NANMING, dict(signed_on=ago(300), started_on=ago(10))),                       # started: no stall
    # 开工未投产: past planned production yellow; beyond 180 days past it red
    "P1": (NANMING, dict(signed_on=ago(700), started_on=ago(600), planned_production_on=ago(1))),    # prod yellow
    "P181": (NANMING, dict(signed_on=ago(900), started_on=ago(800), planned_production_on=ago(181))),  # prod red
    "PDONE": (NANMING, dict(signed_on=ago(900), started_on=ago(800), planned_production_on=ago(300),
                            production_on=ago(100))),                                          # producing: none
    # 资金到位率: under 30 % beyond 360 days after signing yellow, beyond 720 red
    "F361": (RENHUAI, dict(signed_on=ago(361), started_on=ago(300), contract_yuan=10 * YI)),  # 2.9 亿: yellow
    "F721": (RENHUAI, dict(signed_on=ago(721), started_on=ago(700), contract_yuan=10 * YI)),  # 0: red
    "F30": (RENHUAI, dict(signed_on=ago(800), started_on=ago(700), contract_yuan=10 * YI)),   # exactly 30 %: none
    "F359": (RENHUAI, dict(signed_on=ago(359), started_on=ago(300), contract_yuan=10 * YI)),  # too young: none
    # 无进展: not producing, update older than 60 days yellow, 90 red; no date: not judged
    "I61": (HUICHUAN, dict(signed_on=ago(50), updated_on=ago(61))),        # idle yellow (signed 50 days ago)
    "I91": (HUICHUAN, dict(signed_on=ago(60), updated_on=ago(91))),        # idle red
    "I60": (HUICHUAN, dict(signed_on=ago(60), updated_on=ago(60))),        # exactly 60: none
    "INONE": (HUICHUAN, dict(signed_on=ago(60), updated_on=None)),         # no date: none
    "IPROD": (NANMING, dict(signed_on=ago(900), started_on=ago(800), production_on=ago(400),
                            planned_production_on=ago(500), updated_on=ago(300))),  # producing: none
}
# Money up to D: the funds cases' own, and the whole contract of the older cases of other rules.
FUNDS = {"F361": 290_000_000, "F30": 300_000_000, "P1": YI, "P181": YI, "PDONE": YI, "IPROD": YI}
EXPECTED = {
    ("stall", "yellow"): {"S91", "S180", "SPLAN"}, ("stall", "red"): {"S181"},
    ("production", "yellow"): {"P1"}, ("production", "red"): {"P181"},
    ("funds", "yellow"): {"F361"}, ("funds", "red"): {"F721"},
    ("idle", "yellow"): {"I61"}, ("idle", "red"): {"I91"},
}


def _row(pid: int, code: str, county: int, fields: dict) -> dict:
    row = dict(id=pid, code=code, name=f"测试{code}", enterprise_id=1, origin_province="广东省", origin_city="深圳市",
               source_region="粤港澳大湾区", quality_tags=0, industry_code="LIQUOR", county_adcode=county,
               city_adcode=PLACES[county], channel="产业链招商", contract_yuan=YI, status="已签约", is_industrial=True,
               planned_start_on=None, started_on=None, planned_production_on=None, production_on=None,
               terminated_on=None, responsible_unit=f"{code}责任单位", updated_on=ago(5))
    row.update(fields)
    return row


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, backend_url):
    engine = get_engine(backend_url(request.param))
    ensure_schema(engine)
    rows = [_row(i, code, county, fields) for i, (code, (county, fields)) in enumerate(CASES.items(), start=1)]
    ids = {r["code"]: r["id"] for r in rows}
    with engine.begin() as conn:
        conn.execute(insert(DatasetInfo), [{"key": "data_cutoff", "value": D.isoformat()}])
        conn.execute(insert(Enterprise), [{"id": 1, "name": "深圳测试有限公司", "origin_province": "广东省",
                                           "origin_city": "深圳市", "source_region": "粤港澳大湾区", "ownership": "民营",
                                           "quality_tags": 0}])
        conn.execute(insert(Project), rows)
        conn.execute(insert(Funding), [
            {"project_id": ids[code], "county_adcode": CASES[code][0], "city_adcode": PLACES[CASES[code][0]],
             "received_on": ago(100), "amount_yuan": amount} for code, amount in FUNDS.items()])
        conn.execute(insert(AnnualTarget), [
            {"region_adcode": c, "year": 2025, "contract_yuan": 10 * YI, "funds_yuan": 10 * YI, "projects": 4}
            for c in (GUIYANG, ZUNYI)])
    return engine


def flagged(engine, scope, rule, light, values=None, filters=Filters()):
    frame, total = W.warning_list(engine, scope, filters, values or settings_store.defaults(), rule, light, limit=1000)
    assert total == len(frame)
    return set(frame["code"])


@pytest.mark.parametrize("rule,light", sorted(EXPECTED))
def test_each_rule_flags_the_hand_built_cases(engine, rule, light):
    province = resolve_scope(engine, None)
    assert flagged(engine, province, rule, light) == EXPECTED[(rule, light)]
    assert flagged(engine, province, rule, None) == EXPECTED[(rule, "red")] | EXPECTED[(rule, "yellow")]


def test_counts_equal_the_lists_per_county(engine):
    province = resolve_scope(engine, None)
    counts = W.counts_by_county(engine, province, Filters(), settings_store.defaults())
    for (rule, light), codes in EXPECTED.items():
        by_county = {}
        for code in codes:
            by_county[CASES[code][0]] = by_county.get(CASES[code][0], 0) + 1
        got = {c: v[f"{rule}_{light}"] for c, v in counts.items() if v[f"{rule}_{light}"]}
        assert got == by_county, (rule, light)


def test_scope_keeps_the_region(engine):
    renhuai = resolve_scope(engine, RENHUAI)
    assert flagged(engine, renhuai, "stall", None) == {"S91", "S180"}
    assert flagged(engine, resolve_scope(engine, GUIYANG), "stall", None) == set()


def test_settings_move_the_thresholds(engine):
    province = resolve_scope(engine, None)
    changed = settings_store.Values(tuple(
        (k, {"warn.stall_yellow_months": 1, "warn.stall_planned": 0, "warn.funds_min_pct": 31,
             "warn.idle_yellow_months": 1}.get(k, v)) for k, v in settings_store.defaults().items))
    # 30 days: every not-started project signed more than 30 days ago; the planned start no longer counts
    assert flagged(engine, province, "stall", "yellow", changed) == {"S90", "S91", "S180", "SPLAN", "I61", "I91",
                                                                     "I60", "INONE"}
    assert flagged(engine, province, "funds", None, changed) == {"F361", "F721", "F30"}
    assert flagged(engine, province, "idle", "yellow", changed) == {"I61", "I60"}  # beyond 30 days, not 90
    assert flagged(engine, province, "idle", "red", changed) == {"I91"}


def test_a_past_period_is_judged_at_its_end(engine):
    # As of 120 days before the cut-off: S181 had waited 61 days (no light); STERM, given up only
    # later, was live and had waited 280 days (red); SLATE, started only later, 180 days (yellow).
    province = resolve_scope(engine, None)
    earlier = Filters(date_to=ago(120))
    assert flagged(engine, province, "stall", "red", filters=earlier) == {"STERM"}
    assert flagged(engine, province, "stall", "yellow", filters=earlier) == {"SLATE"}


def test_list_pages_and_sorts_in_the_database(engine):
    province = resolve_scope(engine, None)
    values = settings_store.defaults()
    first, total = W.warning_list(engine, province, Filters(), values, "stall", None, sort=[("days", True)], limit=2)
    rest, _ = W.warning_list(engine, province, Filters(), values, "stall", None, sort=[("days", True)], start=2,
                             limit=10)
    assert total == 4 and len(first) == 2 and len(rest) == 2
    assert list(first["code"]) == ["S181", "S180"] and list(first["light"]) == ["red", "yellow"]
    assert list(first["days"]) == [181, 180]
    assert first.iloc[0]["responsible_unit"] == "S181责任单位"
    # An unknown sort column is ignored, never passed to SQL.
    odd, _ = W.warning_list(engine, province, Filters(), values, "stall", None, sort=[("1; DROP TABLE x", True)])
    assert len(odd) == 4
