"""考核排名 against an independent computation: achieved figures in plain SQL (the overview's
definitions, tests/oracle.py style), completion, lights, ranks and the combined score worked out
here, on the demo data of SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from data_access import rankings, settings_store
from data_access.scope import load_regions
from tests.oracle import rows

YEARS = [(2024, date(2024, 12, 31), date(2024, 11, 30)), (2025, date(2025, 12, 31), date(2025, 11, 30))]


def q2(x) -> Decimal:
    return Decimal(x).quantize(Decimal("0.01"), ROUND_HALF_UP)


def achieved(conn, level: str, year: int, end: date) -> dict[int, dict[str, int]]:
    """Per city (or county): projects and contract signed from 1 January to `end` and active at
    `end`; money received in those days by projects active at `end`."""
    col = "city_adcode" if level == "city" else "county_adcode"
    start = date(year, 1, 1)
    active = "(p.terminated_on IS NULL OR p.terminated_on > :e)"
    signed = rows(conn, f"""SELECT p.{col} AS r, COUNT(*) AS n, SUM(p.contract_yuan) AS c FROM project p
                            WHERE p.signed_on BETWEEN :s AND :e AND {active} GROUP BY p.{col}""", s=start, e=end)
    money = rows(conn, f"""SELECT p.{col} AS r, SUM(f.amount_yuan) AS m FROM funding f
                           JOIN project p ON p.id = f.project_id
                           WHERE f.received_on BETWEEN :s AND :e AND p.signed_on <= :e AND {active}
                           GROUP BY p.{col}""", s=start, e=end)
    out: dict[int, dict[str, int]] = {}
    for r in signed:
        out.setdefault(int(r["r"]), {"contract": 0, "funds": 0, "projects": 0}).update(
            contract=int(r["c"]), projects=int(r["n"]))
    for r in money:
        out.setdefault(int(r["r"]), {"contract": 0, "funds": 0, "projects": 0})["funds"] = int(r["m"])
    return out


def expected(conn, members: list[int], year: int, end: date, level: str) -> dict[int, dict]:
    goals = {int(r["region_adcode"]): r for r in rows(
        conn, "SELECT region_adcode, contract_yuan, funds_yuan, projects FROM annual_target WHERE year = :y", y=year)}
    got = achieved(conn, level, year, end)
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    progress = q2(Decimal((end - date(year, 1, 1)).days + 1) * 100 / days)
    out = {}
    for a in members:
        done = got.get(a, {"contract": 0, "funds": 0, "projects": 0})
        goal = goals[a]
        pct = {"contract": q2(Decimal(done["contract"]) * 100 / goal["contract_yuan"]),
               "funds": q2(Decimal(done["funds"]) * 100 / goal["funds_yuan"]),
               "projects": q2(Decimal(done["projects"]) * 100 / goal["projects"])}
        score = q2((40 * min(pct["contract"], 150) + 40 * min(pct["funds"], 150) + 20 * min(pct["projects"], 150)) / 100)
        lights = {m: "green" if v >= progress else "yellow" if v >= progress - 10 else "red" for m, v in pct.items()}
        out[a] = {"done": done, "pct": pct, "score": score, "lights": lights}
    ordered = sorted((v["score"] for v in out.values()), reverse=True)
    for v in out.values():
        v["rank"] = ordered.index(v["score"]) + 1
    return out


@pytest.fixture(scope="module")
def index(demo_engine):
    return load_regions(demo_engine)


@pytest.mark.parametrize("year,end,before", YEARS)
def test_province_ranking_equals_independent_sql(demo_engine, index, year, end, before):
    table = rankings.rank_table(demo_engine, index, index.get(None), year, settings_store.defaults())
    cities = [int(a) for a in table.rows["adcode"]]
    assert len(cities) == 9 and table.as_of == end and table.previous_as_of == before
    with demo_engine.connect() as conn:
        want = expected(conn, cities, year, end, "city")
        then = expected(conn, cities, year, before, "city")
    for r in table.rows.itertuples():
        w = want[r.adcode]
        assert {m: getattr(r, f"{m}_done") for m in rankings.MEASURES} == w["done"], r.name
        assert {m: getattr(r, f"{m}_pct") for m in rankings.MEASURES} == w["pct"], r.name
        assert {m: getattr(r, f"{m}_light") for m in rankings.MEASURES} == w["lights"], r.name
        assert r.score == w["score"] and r.rank == w["rank"], r.name
        assert r.rank_change == then[r.adcode]["rank"] - w["rank"], r.name
    assert list(table.rows["rank"]) == sorted(table.rows["rank"])  # best first


def test_city_ranking_ranks_its_counties(demo_engine, index):
    zunyi = index.get(520300)
    table = rankings.rank_table(demo_engine, index, zunyi, 2024, settings_store.defaults())
    counties = [int(a) for a in table.rows["adcode"]]
    assert sorted(counties) == sorted(index.children[520300]) and len(counties) == 14
    with demo_engine.connect() as conn:
        want = expected(conn, counties, 2024, date(2024, 12, 31), "county")
    assert {int(r.adcode): r.rank for r in table.rows.itertuples()} == {a: v["rank"] for a, v in want.items()}


def test_weights_and_cap_are_the_settings(demo_engine, index):
    only_projects = settings_store.Values(tuple(
        (k, {"rank.weight_contract": 0, "rank.weight_funds": 0, "rank.weight_projects": 100}.get(k, v))
        for k, v in settings_store.defaults().items))
    table = rankings.rank_table(demo_engine, index, index.get(None), 2024, only_projects, compare=False)
    for r in table.rows.itertuples():
        assert r.score == min(r.projects_pct, Decimal(150))
        assert r.rank == r.projects_rank


def test_a_city_figure_equals_the_overview(demo_engine, index):
    """The ranking's achieved figures are the overview's target panel (1 January to D, all filters off)."""
    from data_access.area import read_area
    from data_access.scope import Filters

    table = rankings.rank_table(demo_engine, index, index.get(None), 2024, settings_store.defaults(), compare=False)
    stats = read_area(demo_engine, index.get(None), Filters(date(2024, 1, 1), date(2024, 12, 31)), detail=False)
    for r in table.rows.itertuples():
        totals = stats.totals(index.get(int(r.adcode)))
        assert (r.contract_done, r.funds_done, r.projects_done) == (
            totals["contract_yuan"], totals["funds_in_period_yuan"], totals["projects"])


def test_ties_share_a_rank():
    assert rankings.competition_ranks({1: Decimal(5), 2: Decimal(7), 3: Decimal(5), 4: None}) == {
        1: 2, 2: 1, 3: 2, 4: None}
    assert rankings.previous_month_end(date(2025, 1, 20)) is None
    assert rankings.previous_month_end(date(2025, 3, 31)) == date(2025, 2, 28)
