"""Hand-computed cases for the chain rule (data_access/chains.py): coverage, gap and class, on a
small hand-made database, on both backends.

遵义市's liquor chain (plan 2021–2025, the window is the plan period unless a test says otherwise):

link          target (亿, projects)   projects in 遵义                                  expected
酒用高粱/制曲   10 亿, 4               6 亿 started + 3 亿 not started + 8 亿 terminated   9/10 → 基本; 2/4 = 50 % → 基本
基酒酿造       5 亿, 2                7 亿 producing                                    140 % → 优势; 1/2 → 基本
勾调/储存      20 亿, 5               4 亿 not started (pipeline only)                  20 % → 薄弱, realised 0
包装材料       0, 0 (a zero target)   2 亿 started                                      未设目标, coverage None
物流/销售/营销  3 亿, 1                none                                              空白, coverage 0, gap 3 亿
酒旅融合       6 亿, 2                only a project terminated in 2024                 空白
烟叶种植       no row                 none                                              空白
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from data_access import chains
from data_access.db import get_engine
from data_access.models import ChainLink, ChainLinkTarget, DatasetInfo, Enterprise, Lead, Project, Visit
from data_access.schema import ensure_schema
from data_access.scope import Filters, resolve_scope
from tests.conftest import BACKENDS

ZUNYI, RENHUAI, XISHUI, GUIYANG = 520300, 520382, 520330, 520100
YI = 100_000_000
PLAN = Filters(date_from=date(2021, 1, 1), date_to=date(2025, 12, 31))
NAMES = {"sorghum": "酒用高粱/制曲", "base": "基酒酿造", "blend": "勾调/储存", "pack": "包装材料",
         "logistics": "物流/销售/营销", "tourism": "酒旅融合", "tobacco": "烟叶种植"}
TARGETS = {"sorghum": (10, 4), "base": (5, 2), "blend": (20, 5), "pack": (0, 0), "logistics": (3, 1), "tourism": (6, 2)}


def _project(pid, link, contract_yi, *, county=RENHUAI, city=ZUNYI, signed=date(2022, 3, 1), started=None,
             production=None, terminated=None, enterprise=1):
    return {
        "id": pid, "code": f"T{pid:04d}", "name": f"测试项目{pid}", "enterprise_id": enterprise,
        "industry_code": "LIQUOR", "chain_link_id": link, "county_adcode": county, "city_adcode": city,
        "channel": "产业链招商", "contract_yuan": contract_yi * YI, "signed_on": signed, "started_on": started,
        "production_on": production, "terminated_on": terminated, "status": "已签约", "is_industrial": True,
        # the investor as recorded on the project (enterprise 1, below)
        "origin_province": "广东省", "origin_city": "深圳市", "source_region": "粤港澳大湾区", "quality_tags": 0,
    }


def _enterprise(eid, name, tags, region="粤港澳大湾区", city="深圳市", province="广东省"):
    return {"id": eid, "name": name, "origin_province": province, "origin_city": city, "source_region": region,
            "ownership": "民营", "quality_tags": tags}


@pytest.fixture(scope="module", params=BACKENDS)
def db(request, backend_url):
    engine = get_engine(backend_url(request.param))
    ensure_schema(engine)
    with engine.begin() as conn:
        ids = dict(conn.execute(select(ChainLink.name, ChainLink.id).where(ChainLink.industry_code == "LIQUOR")).all())
        link = {key: ids[name] for key, name in NAMES.items()}
        conn.execute(insert(DatasetInfo), [{"key": "data_cutoff", "value": "2025-12-31"}])
        conn.execute(insert(Enterprise), [
            _enterprise(1, "深圳投资测试有限公司", 0),
            _enterprise(2, "上海世界五百强测试集团", 1, region="长三角", city="上海市", province="上海市"),
            _enterprise(3, "成都专精特新测试有限公司", 32, region="成渝", city="成都市", province="四川省"),
            _enterprise(4, "北京上市测试股份有限公司", 8, region="京津冀", city="北京市", province="北京市"),
            _enterprise(5, "昆明已签约测试有限公司", 0, region="其他省外", city="昆明市", province="云南省"),
        ])
        conn.execute(insert(Project), [
            _project(1, link["sorghum"], 6, started=date(2022, 9, 1)),
            _project(2, link["sorghum"], 3, county=XISHUI),
            _project(3, link["sorghum"], 8, terminated=date(2023, 1, 1)),
            _project(4, link["base"], 7, started=date(2022, 6, 1), production=date(2023, 6, 1)),
            _project(5, link["blend"], 4, signed=date(2025, 3, 1)),
            _project(6, link["pack"], 2, started=date(2023, 2, 1)),
            _project(7, link["tourism"], 5, terminated=date(2024, 5, 1)),
            # outside 遵义: must not reach the city's figures, but the province's
            _project(8, link["base"], 11, county=520102, city=GUIYANG, started=date(2022, 4, 1)),
            # signed before the plan period: outside the window
            _project(9, link["base"], 50, signed=date(2020, 5, 1), started=date(2020, 8, 1)),
        ])
        period = {"period_start": date(2021, 1, 1), "period_end": date(2025, 12, 31)}
        conn.execute(insert(ChainLinkTarget), [
            {**period, "chain_link_id": link[k], "region_adcode": ZUNYI, "target_contract_yuan": yi * YI,
             "target_projects": n}
            for k, (yi, n) in TARGETS.items()
        ] + [{**period, "chain_link_id": link["base"], "region_adcode": 520000, "target_contract_yuan": 30 * YI,
              "target_projects": 6}])
        conn.execute(insert(Visit), [
            {"visited_on": day, "kind": "enterprise", "team": "仁怀市投资促进局", "channel": "产业链招商",
             "county_adcode": RENHUAI, "city_adcode": ZUNYI, "enterprise_id": eid, "location_province": "广东省",
             "location_city": "深圳市"}
            for eid, days in {1: [date(2023, 1, 5), date(2023, 4, 5), date(2024, 2, 1)], 2: [date(2024, 3, 1)],
                              3: [date(2022, 1, 1)] * 14, 4: [date(2025, 6, 1), date(2026, 1, 10)],
                              5: [date(2021, 1, 1)]}.items()
            for day in days
        ])
        lead = {"chain_link_id": link["logistics"], "county_adcode": RENHUAI, "city_adcode": ZUNYI,
                "channel": "产业链招商", "intended_yuan": None, "project_id": None}
        conn.execute(insert(Lead), [
            {**lead, "id": 1, "enterprise_id": 1, "stage": "在谈", "listed_on": date(2023, 1, 5),
             "stage_on": date(2024, 2, 1)},
            {**lead, "id": 2, "enterprise_id": 2, "stage": "线索", "listed_on": date(2024, 3, 1),
             "stage_on": date(2024, 3, 1)},
            {**lead, "id": 3, "enterprise_id": 3, "stage": "线索", "listed_on": date(2022, 1, 1),
             "stage_on": date(2022, 1, 1)},
            {**lead, "id": 4, "enterprise_id": 4, "stage": "在谈", "listed_on": date(2025, 6, 1),
             "stage_on": date(2025, 6, 1), "county_adcode": None, "city_adcode": None},
            {**lead, "id": 5, "enterprise_id": 5, "stage": "已签约", "listed_on": date(2021, 1, 1),
             "stage_on": date(2021, 6, 1), "project_id": 1},
        ])
    return engine, link


def _rows(engine, adcode, filters=PLAN):
    frame = chains.link_coverage(engine, resolve_scope(engine, adcode), filters, "LIQUOR")
    return {row["link_id"]: row for _, row in frame.iterrows()}


def test_actual_is_realised_plus_pipeline_and_terminated_never_counts(db):
    engine, link = db
    row = _rows(engine, ZUNYI)[link["sorghum"]]
    assert (row["projects"], row["realised_projects"], row["pipeline_projects"]) == (2, 1, 1)
    assert (row["contract_yuan"], row["realised_contract_yuan"], row["pipeline_contract_yuan"]) == (9 * YI, 6 * YI,
                                                                                                   3 * YI)
    assert row["coverage_contract"] == pytest.approx(0.9)
    assert row["gap_contract"] == pytest.approx(1 * YI)
    assert row["class_contract"] == chains.BASIC
    assert row["coverage_projects"] == pytest.approx(0.5)  # exactly half is 基本, not 薄弱
    assert row["class_projects"] == chains.BASIC


def test_a_link_over_its_target(db):
    engine, link = db
    row = _rows(engine, ZUNYI)[link["base"]]
    assert (row["projects"], row["producing"], row["contract_yuan"]) == (1, 1, 7 * YI)  # not 2020's, not 贵阳's
    assert row["coverage_contract"] == pytest.approx(1.4)
    assert row["gap_contract"] == pytest.approx(-2 * YI)  # beyond the target
    assert row["class_contract"] == chains.STRONG


def test_a_link_with_only_pipeline_projects(db):
    engine, link = db
    row = _rows(engine, ZUNYI)[link["blend"]]
    assert (row["realised_projects"], row["pipeline_projects"]) == (0, 1)
    assert row["coverage_contract"] == pytest.approx(0.2)
    assert row["class_contract"] == chains.WEAK  # signed projects count: not 空白
    assert row["class_projects"] == chains.WEAK  # 1 of 5


def test_a_zero_target_is_no_target(db):
    engine, link = db
    row = _rows(engine, ZUNYI)[link["pack"]]
    assert row["projects"] == 1
    assert row["coverage_contract"] is None and row["gap_contract"] is None
    assert row["class_contract"] == row["class_projects"] == chains.NO_TARGET


def test_nothing_there_is_blank_whatever_the_target(db):
    engine, link = db
    rows = _rows(engine, ZUNYI)
    empty = rows[link["logistics"]]
    assert empty["class_contract"] == chains.BLANK
    assert empty["coverage_contract"] == 0 and empty["gap_contract"] == pytest.approx(3 * YI)
    assert rows[link["tourism"]]["class_contract"] == chains.BLANK  # its only project was terminated
    assert rows[link["tourism"]]["projects"] == 0
    no_row = rows[link["tobacco"]]
    assert no_row["class_contract"] == chains.BLANK and no_row["coverage_contract"] is None


def test_terminated_after_the_window_still_counts(db):
    """Terminated in 2023: in a window ending 2022 the project was still on the schedule."""
    engine, link = db
    window = Filters(date_from=date(2021, 1, 1), date_to=date(2022, 12, 31))
    row = _rows(engine, ZUNYI, window)[link["sorghum"]]
    assert (row["projects"], row["contract_yuan"]) == (3, 17 * YI)


def test_targets_are_prorated_to_the_window(db):
    engine, link = db
    year = Filters(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    row = _rows(engine, ZUNYI, year)[link["base"]]
    share = 365 / 1826  # 2022 in the plan period 2021-01-01 … 2025-12-31
    assert row["target_contract_yuan"] == pytest.approx(5 * YI * share)
    assert row["coverage_contract"] == pytest.approx(7 / (5 * share))
    before = _rows(engine, ZUNYI, Filters(date_from=date(2019, 1, 1), date_to=date(2020, 12, 31)))
    assert before[link["base"]]["class_contract"] == chains.NO_TARGET  # no plan holds 2020: nothing to compare


def test_province_and_county_scopes(db):
    engine, link = db
    province = _rows(engine, None)[link["base"]]
    assert (province["projects"], province["contract_yuan"]) == (2, 18 * YI)
    assert province["coverage_contract"] == pytest.approx(18 / 30)
    assert province["class_contract"] == chains.BASIC
    county = _rows(engine, RENHUAI)
    assert county[link["sorghum"]]["projects"] == 1  # the 习水 project is not 仁怀's
    assert county[link["sorghum"]]["class_contract"] == chains.NO_TARGET  # counties have no targets
    assert county[link["logistics"]]["class_contract"] == chains.BLANK


def test_region_grid_lists_every_pair(db):
    engine, link = db
    grid = chains.link_regions(engine, resolve_scope(engine, ZUNYI), PLAN, "LIQUOR")
    assert len(grid) == 8 * 14  # 8 liquor links × 遵义's 14 counties
    cell = grid.set_index(["link_id", "region"])
    assert cell.loc[(link["sorghum"], XISHUI), "projects"] == 1
    assert cell.loc[(link["sorghum"], RENHUAI), "contract_yuan"] == 6 * YI
    assert cell.loc[(link["sorghum"], RENHUAI), "class_contract"] == chains.NO_TARGET
    cities = chains.link_regions(engine, resolve_scope(engine, None), PLAN, "LIQUOR").set_index(["link_id", "region"])
    assert cities.loc[(link["base"], ZUNYI), "class_contract"] == chains.STRONG
    assert cities.loc[(link["base"], GUIYANG), "class_contract"] == chains.NO_TARGET  # 贵阳 has no target row


def test_class_boundaries():
    assert chains.coverage_class(0, 0, 10) == chains.BLANK
    assert chains.coverage_class(1, 4.99, 10) == chains.WEAK
    assert chains.coverage_class(1, 5, 10) == chains.BASIC
    assert chains.coverage_class(1, 10, 10) == chains.BASIC
    assert chains.coverage_class(1, 10.01, 10) == chains.STRONG
    assert chains.coverage_class(3, 10, None) == chains.NO_TARGET
    assert chains.coverage_class(3, 10, 0) == chains.NO_TARGET


def test_weakest_link_is_the_lowest_coverage(db):
    engine, link = db
    chain = chains.link_coverage(engine, resolve_scope(engine, ZUNYI), PLAN, "LIQUOR")
    # 物流 and 酒旅 both have a target and nothing in it (coverage 0): the flagged 短板 goes first.
    assert chains.weakest_link(chain, "contract") == link["tourism"]


def test_candidates_ranked_with_visits(db):
    engine, link = db
    frame = chains.link_candidates(engine, resolve_scope(engine, ZUNYI), PLAN, link["logistics"])
    # Provincial team's lead (4) is not 遵义's; the signed one (5) is no candidate.
    assert frame["enterprise"].tolist() == ["上海世界五百强测试集团", "成都专精特新测试有限公司", "深圳投资测试有限公司"]
    scores = dict(zip(frame["enterprise"], frame["score"]))
    assert scores["上海世界五百强测试集团"] == 40 + 10 + 15 + 1 * 2  # Global 500, 线索, 长三角, 1 visit
    assert scores["成都专精特新测试有限公司"] == 15 + 10 + 10 + 10 * 2  # visits capped at 10 (it had 14)
    assert scores["深圳投资测试有限公司"] == 0 + 30 + 15 + 3 * 2
    assert dict(zip(frame["enterprise"], frame["visits"]))["成都专精特新测试有限公司"] == 14
    province = chains.link_candidates(engine, resolve_scope(engine, None), PLAN, link["logistics"])
    beijing = province[province["enterprise"] == "北京上市测试股份有限公司"].iloc[0]
    assert beijing["visits"] == 1  # its 2026 visit is after the window's end
    assert chains.lead_stages(engine, resolve_scope(engine, None), PLAN, link["logistics"]) == {
        "线索": 2, "在谈": 2, "已签约": 1}


def test_lead_stage_as_of_an_earlier_date(db):
    engine, link = db
    early = Filters(date_from=date(2021, 1, 1), date_to=date(2023, 12, 31))
    stages = chains.lead_stages(engine, resolve_scope(engine, ZUNYI), early, link["logistics"])
    # lead 1 was still 线索 (在谈 from 2024-02); lead 2 was not listed yet; lead 5 signed in 2021
    assert stages == {"线索": 2, "在谈": 0, "已签约": 1}
