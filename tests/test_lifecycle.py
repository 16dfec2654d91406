"""Hand-made cases for the lifecycle rule and the scope: the screen's figures (the overview's area
statistics, the chain page's link totals) and the oracle's independent SQL (tests/oracle.py) both
give the numbers worked out by hand here."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from data_access import area as ar
from data_access import chains, queries
from data_access.db import get_engine
from data_access.models import ChainLink, DatasetInfo, Enterprise, Funding, Project
from data_access.schema import ensure_schema
from data_access.scope import Filters, InvalidFilter, UnknownRegion, resolve_scope
from tests import oracle
from tests.conftest import BACKENDS

ZUNYI, RENHUAI, HUICHUAN = 520300, 520382, 520303
GUIYANG, NANMING = 520100, 520102
YI = 100_000_000


def _project(pid, county, city, signed, *, started=None, production=None, terminated=None, contract=YI,
             channel="产业链招商", enterprise=1, industry="LIQUOR", link=None, park=None):
    return {
        "id": pid, "code": f"T{pid:04d}", "name": f"测试项目{pid}", "enterprise_id": enterprise,
        "industry_code": industry, "chain_link_id": link, "county_adcode": county, "city_adcode": city,
        "park_id": park, "channel": channel, "contract_yuan": contract, "signed_on": signed,
        "started_on": started, "production_on": production, "terminated_on": terminated,
        "status": "已签约", "is_industrial": True, **INVESTORS[enterprise],
    }


INVESTORS = {
    1: {"origin_province": "广东省", "origin_city": "深圳市", "source_region": "粤港澳大湾区", "quality_tags": 0},
    2: {"origin_province": "上海市", "origin_city": "上海市", "source_region": "长三角", "quality_tags": 1},
}
PLACE = {1: (RENHUAI, ZUNYI), 3: (HUICHUAN, ZUNYI), 4: (HUICHUAN, ZUNYI), 5: (NANMING, GUIYANG)}


def _funding(project_id, received_on, amount):
    county, city = PLACE[project_id]
    return {"project_id": project_id, "county_adcode": county, "city_adcode": city,
            "received_on": received_on, "amount_yuan": amount}


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, backend_url):
    engine = get_engine(backend_url(request.param))
    ensure_schema(engine)
    with engine.begin() as conn:
        link = conn.scalar(select(ChainLink.id).where(ChainLink.industry_code == "LIQUOR").order_by(ChainLink.id))
        conn.execute(insert(DatasetInfo), [{"key": "data_cutoff", "value": "2025-12-31"}])
        conn.execute(insert(Enterprise), [
            {"id": 1, "name": "深圳测试科技有限公司", "origin_province": "广东省", "origin_city": "深圳市",
             "source_region": "粤港澳大湾区", "ownership": "民营", "quality_tags": 0},
            {"id": 2, "name": "上海测试集团有限公司", "origin_province": "上海市", "origin_city": "上海市",
             "source_region": "长三角", "ownership": "国有", "quality_tags": 1},
        ])
        conn.execute(insert(Project), [
            # signed, started and producing in 2024: counts at every step
            _project(1, RENHUAI, ZUNYI, date(2024, 1, 10), started=date(2024, 3, 1), production=date(2024, 11, 1),
                     link=link),
            # started after the period's end (2024): signed only, as of 2024-12-31
            _project(2, RENHUAI, ZUNYI, date(2024, 6, 1), started=date(2025, 2, 1), contract=3 * YI, link=link),
            # terminated in 2024: counts nowhere in 2024, neither does its money
            _project(3, HUICHUAN, ZUNYI, date(2024, 2, 1), terminated=date(2024, 9, 1), contract=5 * YI,
                     enterprise=2),
            # terminated only in 2025: still on the schedule at the end of 2024
            _project(4, HUICHUAN, ZUNYI, date(2024, 2, 1), started=date(2024, 4, 1), terminated=date(2025, 5, 1),
                     contract=2 * YI, enterprise=2),
            # another city, cloud signing, signed 2023 (outside 2024, but its money in 2024 counts)
            _project(5, NANMING, GUIYANG, date(2023, 5, 1), started=date(2023, 8, 1), channel="云招商",
                     contract=7 * YI),
        ])
        conn.execute(insert(Funding), [
            _funding(1, date(2024, 2, 1), 40_000_000),
            _funding(1, date(2025, 1, 5), 10_000_000),
            _funding(3, date(2024, 3, 1), 99_000_000),
            _funding(4, date(2024, 5, 1), 20_000_000),
            _funding(5, date(2023, 9, 1), 100_000_000),
            _funding(5, date(2024, 7, 1), 50_000_000),
        ])
    return engine


Y2024 = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))


def area_of(engine, scope):
    """The area the overview reads for a region: the province, a city, or a county's city."""
    return resolve_scope(engine, scope.parent_adcode) if scope.level == "county" else scope


def read(engine, adcode, filters: Filters):
    """The region's scope and its area statistics as the overview reads them."""
    scope = resolve_scope(engine, adcode)
    return scope, ar.read_area(engine, area_of(engine, scope), filters)


def totals(engine, adcode, filters: Filters) -> dict[str, int]:
    """The headline figures on the screen, which must equal the oracle's."""
    scope, stats = read(engine, adcode, filters)
    got = stats.totals(scope)
    assert got == oracle.totals(engine, adcode, filters)
    return got


def test_city_totals_for_a_year(engine):
    t = totals(engine, ZUNYI, Y2024)
    assert t["projects"] == 3  # 1, 2, 4 — not the terminated 3
    assert t["contract_yuan"] == 6 * YI
    assert (t["started"], t["producing"]) == (2, 1)  # 1 and 4 started; only 1 produces
    assert t["started_contract_yuan"] == 3 * YI
    assert t["producing_contract_yuan"] == YI
    assert t["funds_in_period_yuan"] == 60_000_000  # 40M for 1 + 20M for 4, not 3's nor 2025's
    assert t["funds_to_date_yuan"] == 60_000_000


def test_whole_record_as_of_cutoff(engine):
    t = totals(engine, ZUNYI, Filters())
    assert t["projects"] == 2  # 4 was terminated in 2025
    assert (t["started"], t["producing"]) == (2, 1)
    assert t["funds_to_date_yuan"] == 50_000_000


def test_terminated_on_the_day_counts_no_more(engine):
    """Project 3 is terminated on 2024-09-01: on the schedule the day before, gone on the day, and
    its money with it."""
    before = totals(engine, ZUNYI, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 8, 31)))
    assert (before["projects"], before["contract_yuan"], before["started"]) == (4, 11 * YI, 2)
    assert before["funds_in_period_yuan"] == 159_000_000  # 40M for 1, 99M for 3, 20M for 4
    on_the_day = totals(engine, ZUNYI, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 9, 1)))
    assert (on_the_day["projects"], on_the_day["contract_yuan"], on_the_day["started"]) == (3, 6 * YI, 2)
    assert on_the_day["funds_in_period_yuan"] == on_the_day["funds_to_date_yuan"] == 60_000_000


def test_county_scope_and_funnel_is_cumulative(engine):
    scope, stats = read(engine, RENHUAI, Y2024)
    f = queries.funnel_of(stats.totals(scope))  # the funnel as the overview draws it
    want = oracle.totals(engine, RENHUAI, Y2024)
    assert f["projects"].tolist() == [want["projects"], want["started"], want["producing"]] == [2, 1, 1]
    assert f["contract_yuan"].tolist() == [want["contract_yuan"], want["started_contract_yuan"],
                                           want["producing_contract_yuan"]] == [4 * YI, YI, YI]


def test_stalled_as_of_the_period_end(engine):
    """Project 2 (signed 2024-06-01, started only in 2025) waits 213 days on 2024-12-31: red."""
    scope, stats = read(engine, ZUNYI, Y2024)
    want = oracle.stalled(engine, ZUNYI, Y2024)
    assert stats.stalled_of(scope) == {k: want[k] for k in ("pipeline", "yellow", "red")} == \
        {"pipeline": 1, "yellow": 0, "red": 1}
    assert want["projects"][["code", "days"]].values.tolist() == [["T0002", 213]]


def test_province_is_sum_of_cities(engine):
    scope, stats = read(engine, None, Y2024)
    province = totals(engine, None, Y2024)
    by_city = ar.region_frame(stats, scope, queries.regions(engine))
    want = oracle.by_region(engine, None, Y2024)
    assert by_city[list(want.columns)].astype("int64").equals(want)
    assert len(by_city) == 9
    assert by_city["projects"].sum() == province["projects"] == 3
    assert province["funds_in_period_yuan"] == 110_000_000  # includes Guiyang's 2023 project money
    assert by_city.set_index("adcode").loc[GUIYANG, "projects"] == 0
    assert by_city.set_index("adcode").loc[GUIYANG, "funds_yuan"] == 50_000_000
    assert by_city.set_index("adcode").loc[ZUNYI, "funds_yuan"] == 60_000_000


def test_channel_and_origin_filters(engine):
    cloud = totals(engine, None, Filters(channel="云招商"))
    assert (cloud["projects"], cloud["contract_yuan"]) == (1, 7 * YI)
    shanghai = totals(engine, None, Filters(origin="上海", date_to=date(2024, 12, 31)))
    assert (shanghai["projects"], shanghai["quality"]) == (1, 1)  # project 4; 3 terminated
    shenzhen = totals(engine, None, Filters(origin="深圳市", date_to=date(2024, 12, 31)))
    assert shenzhen["projects"] == 3  # 1, 2 and the 2023 one in Guiyang


def test_chain_link_totals_skip_terminated(engine):
    filters = Filters(industry="LIQUOR", date_to=date(2024, 12, 31))
    links = chains.link_coverage(engine, resolve_scope(engine, ZUNYI), filters, "LIQUOR")
    want = oracle.chain_links(engine, ZUNYI, filters, "LIQUOR")
    assert set(links["industry_code"]) == {"LIQUOR"}
    got = links.rename(columns={"realised_projects": "started"})[list(want.columns)]
    assert got.astype(want.dtypes.to_dict()).equals(want)
    assert links["projects"].sum() == 2 and links["contract_yuan"].sum() == 4 * YI
    assert links["producing"].sum() == 1


@pytest.mark.parametrize("bad", ["999999", "abc", "52030", "110000"])
def test_unknown_regions_are_refused(engine, bad):
    with pytest.raises(UnknownRegion):
        resolve_scope(engine, bad)


def test_bad_filters_are_refused():
    with pytest.raises(InvalidFilter):
        Filters(date_from=date(2025, 1, 2), date_to=date(2025, 1, 1))
    with pytest.raises(InvalidFilter):
        Filters(channel="不存在的方式")
