"""Invariants of the reference CSVs the database is seeded from (data_access/reference/).

Plain csv module only, so these run without a database. Domain facts: /work/shared/domain.md §2–§5.
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data_access" / "reference"

KEY_INDUSTRIES = {
    "ENERGY": "基础能源",
    "POWER": "清洁高效电力",
    "LIQUOR": "优质烟酒",
    "BUILDMAT": "新型建材",
    "CHEM": "现代化工",
    "EQUIP": "先进装备制造",
    "BASEMAT": "基础材料",
    "FOOD": "生态特色食品",
    "BIGDATA": "大数据电子信息",
    "PHARMA": "健康医药",
}
ALL_CODES = list(KEY_INDUSTRIES) + ["OTHER"]
STAGE_RANK = {"up": 0, "mid": 1, "down": 2}
PARK_LEVELS = {"国家级", "省级"}
PARK_KINDS = {"新区", "高新区", "经开区", "综保区", "临空经济区", "产业园区"}
# The "1+8" national-level open platforms (domain.md §4).
PLATFORMS = {
    "贵安新区", "贵阳高新区", "贵阳经开区", "安顺高新区", "遵义经开区",
    "双龙航空港经济区", "贵阳综保区", "贵安综保区", "遵义综保区",
}
# Functional zones: parks, never counties (domain.md §4).
FUNCTIONAL_ZONES = {"贵安新区", "双龙航空港经济区", "义龙新区", "新蒲新区", "百里杜鹃管理区"}
# Links the plans name as 短板, by industry (domain.md §3; battery chain spread over CHEM/BASEMAT).
EXPECTED_WEAK = {
    "CHEM": {"锂盐", "负极/电解液/隔膜", "焦化副产精深加工", "磷石膏综合利用"},
    "BASEMAT": {"铝加工/合金", "钛材深加工", "回收利用"},
    "EQUIP": {"关键材料"},
    "BIGDATA": {"软件与信息服务"},
    "BUILDMAT": {"装配式建筑/构件"},
    "LIQUOR": {"酒用高粱/制曲", "包装材料", "酒旅融合"},
    "FOOD": {"冷链物流", "品牌/电商"},
    "PHARMA": {"化学药/生物药/器械"},
    "ENERGY": {"煤矸石/粉煤灰利用"},
    "POWER": {"储能"},
}


def read(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def header(name: str) -> list[str]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


@pytest.fixture(scope="module")
def regions() -> dict[str, dict[str, str]]:
    return {r["adcode"]: r for r in read("regions.csv")}


@pytest.fixture(scope="module")
def counties(regions) -> dict[str, dict[str, str]]:
    return {a: r for a, r in regions.items() if r["level"] == "county"}


@pytest.fixture(scope="module")
def cities(regions) -> dict[str, dict[str, str]]:
    return {a: r for a, r in regions.items() if r["level"] == "city"}


def city_of(county_adcode: str, counties) -> str:
    return counties[county_adcode]["parent_adcode"] or county_adcode[:4] + "00"


def assert_guizhou_county(adcode: str, counties, where: str) -> None:
    assert len(adcode) == 6 and adcode.isdigit(), f"{where}: {adcode!r} is not a 6-digit adcode"
    assert adcode.startswith("52") and not adcode.endswith("00"), f"{where}: {adcode} is not a Guizhou county"
    assert adcode in counties, f"{where}: {adcode} is not a county in regions.csv"


def test_regions_file_has_the_province_structure(cities, counties):
    assert len(cities) == 9
    assert len(counties) == 88


# ---------------------------------------------------------------- industries


def test_industries():
    assert header("industries.csv") == ["code", "name", "short_name", "sort_order", "is_key"]
    rows = read("industries.csv")
    codes = [r["code"] for r in rows]
    assert codes == ALL_CODES, "the ten key industries in §2 order, then OTHER"
    assert len(set(r["name"] for r in rows)) == len(rows)
    for r in rows[:10]:
        assert r["name"] == KEY_INDUSTRIES[r["code"]]
        assert r["is_key"] == "1"
    other = rows[10]
    assert (other["name"], other["is_key"]) == ("其他", "0")
    assert [int(r["sort_order"]) for r in rows] == list(range(1, 12))
    for r in rows:
        assert 2 <= len(r["short_name"]) <= 4, r


# ---------------------------------------------------------------- chain links


@pytest.fixture(scope="module")
def links() -> list[dict[str, str]]:
    return read("chain_links.csv")


@pytest.fixture(scope="module")
def links_by_industry(links) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in links:
        out[r["industry_code"]].append(r)
    return out


def test_chain_link_header(links):
    assert header("chain_links.csv") == [
        "industry_code", "stage", "sort_order", "name", "is_weak", "weak_note",
        "anchor_firms", "hub_counties", "target_contract_yi", "target_projects",
    ]
    assert 60 <= len(links) <= 100


def test_chain_links_belong_to_key_industries(links, links_by_industry):
    industries = {r["code"]: r for r in read("industries.csv")}
    for r in links:
        assert r["industry_code"] in industries, r
        assert industries[r["industry_code"]]["is_key"] == "1", r
    assert set(links_by_industry) == set(KEY_INDUSTRIES), "every key industry has a chain"
    # Rows are grouped by industry (row order gives the link ids).
    seen = [r["industry_code"] for r in links]
    assert seen == sorted(seen, key=list(KEY_INDUSTRIES).index)


def test_chain_stage_order_and_sort_order(links_by_industry):
    for code, rows in links_by_industry.items():
        assert 6 <= len(rows) <= 12, code
        assert [int(r["sort_order"]) for r in rows] == list(range(1, len(rows) + 1)), code
        ranks = [STAGE_RANK[r["stage"]] for r in rows]
        assert ranks == sorted(ranks), f"{code}: stages must run up → mid → down"
        assert {"up", "down"} <= {r["stage"] for r in rows}, code
        names = [r["name"] for r in rows]
        assert len(set(names)) == len(names), code
        for name in names:
            assert 1 <= len(name) <= 12, name


def test_weak_links(links, links_by_industry):
    for r in links:
        assert r["is_weak"] in {"0", "1"}, r
        if r["is_weak"] == "1":
            assert r["weak_note"].strip(), f"weak link without a reason: {r['name']}"
            assert len(r["weak_note"]) <= 64
        else:
            assert r["weak_note"] == "", r
    for code, rows in links_by_industry.items():
        assert any(r["is_weak"] == "1" for r in rows), f"{code} has no weak link"
        weak = {r["name"] for r in rows if r["is_weak"] == "1"}
        assert EXPECTED_WEAK[code] <= weak, f"{code}: missing weak links {EXPECTED_WEAK[code] - weak}"


def test_battery_chain_is_folded_into_the_ten(links):
    by_name = {r["name"]: r for r in links}
    assert by_name["锂盐"]["industry_code"] == "CHEM"
    assert by_name["电池级磷源/磷酸铁"]["industry_code"] == "CHEM"
    assert by_name["硫酸锰/四氧化三锰"]["industry_code"] == "BASEMAT"
    assert by_name["电芯/电池包"]["industry_code"] == "EQUIP"
    assert by_name["回收利用"]["industry_code"] in {"CHEM", "BASEMAT"}


def test_hub_counties(links, counties):
    for r in links:
        hubs = r["hub_counties"].split(";")
        assert 2 <= len(hubs) <= 6, r["name"]
        assert len(set(hubs)) == len(hubs), r["name"]
        for adcode in hubs:
            assert_guizhou_county(adcode, counties, f"chain link {r['name']}")


def test_anchor_firms_format(links):
    for r in links:
        if r["anchor_firms"]:
            firms = r["anchor_firms"].split(";")
            assert all(f.strip() == f and f for f in firms), r["name"]
            assert len(r["anchor_firms"]) <= 200


def test_targets(links, links_by_industry):
    empty = 0
    for r in links:
        yi, n = r["target_contract_yi"], r["target_projects"]
        assert (yi == "") == (n == ""), f"{r['name']}: both targets or neither"
        if yi == "":
            empty += 1
            continue
        value = Decimal(yi)
        assert value > 0 and value == value.quantize(Decimal("0.1")), r["name"]
        assert int(n) > 0, r["name"]
        # A plausible mean contract per project for a whole link: 0.3–30 亿 (power plants are big).
        assert Decimal("0.3") <= value / int(n) <= 30, r["name"]
    assert empty <= 4, "only a few links may go without a plan target"
    # Plan-period (2021–2025) targets at the province's scale: ~5000–6000 signed projects a year in
    # all (domain.md §5), so one industry's links ask for 1000–5000 projects and 1500–7500 亿 in five years.
    for code, rows in links_by_industry.items():
        yi = sum(Decimal(r["target_contract_yi"] or 0) for r in rows)
        n = sum(int(r["target_projects"] or 0) for r in rows)
        assert 1000 <= n <= 5000, (code, n)
        assert 1500 <= yi <= 7500, (code, yi)
    total = sum(int(r["target_projects"] or 0) for r in links)
    assert 5 * 4000 <= total <= 5 * 6500, total


# ---------------------------------------------------------------- parks


@pytest.fixture(scope="module")
def parks() -> list[dict[str, str]]:
    return read("parks.csv")


def test_parks(parks, counties, regions):
    assert header("parks.csv") == [
        "name", "short_name", "county_adcode", "level", "kind", "is_platform", "lead_industries",
    ]
    assert 60 <= len(parks) <= 100
    names = [p["name"] for p in parks]
    assert len(set(names)) == len(names), [n for n, c in Counter(names).items() if c > 1]
    codes = set(ALL_CODES)
    for p in parks:
        assert_guizhou_county(p["county_adcode"], counties, f"park {p['name']}")
        assert p["level"] in PARK_LEVELS, p
        assert p["kind"] in PARK_KINDS, p
        assert p["is_platform"] in {"0", "1"}, p
        assert p["short_name"] and len(p["name"]) <= 64
        lead = p["lead_industries"].split(";")
        assert lead and set(lead) <= codes and len(set(lead)) == len(lead), p
    platforms = {p["name"] for p in parks if p["is_platform"] == "1"}
    assert platforms == PLATFORMS
    for p in parks:
        if p["name"] in PLATFORMS:
            assert p["level"] == "国家级", p
    region_names = {r["name"] for r in regions.values()}
    assert FUNCTIONAL_ZONES <= set(names), "functional zones are modelled as parks"
    assert not FUNCTIONAL_ZONES & region_names, "functional zones must not be regions"
    by_name = {p["name"]: p for p in parks}
    assert by_name["大龙经济开发区"]["county_adcode"] == "520622"  # 玉屏侗族自治县


def test_every_city_has_parks(parks, counties, cities):
    per_city = Counter(city_of(p["county_adcode"], counties) for p in parks)
    for adcode, city in cities.items():
        assert per_city[adcode] >= 4, f"{city['name']} has {per_city[adcode]} parks"


# ---------------------------------------------------------------- city profiles and weights


def test_city_profiles(cities):
    assert header("city_profiles.csv") == ["city_adcode", "industry_code", "weight"]
    rows = read("city_profiles.csv")
    by_city: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for r in rows:
        assert r["industry_code"] not in by_city[r["city_adcode"]], r
        w = Decimal(r["weight"])
        assert 0 <= w <= 1 and w == w.quantize(Decimal("0.001")), r
        by_city[r["city_adcode"]][r["industry_code"]] = w
    assert set(by_city) == set(cities)
    for city, weights in by_city.items():
        assert sorted(weights) == sorted(ALL_CODES), city
        assert sum(weights.values()) == Decimal("1"), f"{city}: weights sum to {sum(weights.values())}"
        assert Decimal("0.10") <= weights["OTHER"] <= Decimal("0.25"), city


def test_city_weights(cities):
    assert header("city_weights.csv") == [
        "city_adcode", "share_of_projects", "share_of_value", "mean_contract_yi",
    ]
    rows = read("city_weights.csv")
    assert sorted(r["city_adcode"] for r in rows) == sorted(cities)
    projects = {r["city_adcode"]: Decimal(r["share_of_projects"]) for r in rows}
    value = {r["city_adcode"]: Decimal(r["share_of_value"]) for r in rows}
    mean = {r["city_adcode"]: Decimal(r["mean_contract_yi"]) for r in rows}
    assert sum(projects.values()) == Decimal("1")
    assert sum(value.values()) == Decimal("1")
    assert all(v > 0 for v in projects.values()) and all(v > 0 for v in value.values())
    # 贵阳 carries the largest share of value (domain.md §4–§5).
    assert max(value, key=value.get) == "520100"
    # Means agree with the two shares: mean_i / mean_j == (v_i / p_i) / (v_j / p_j).
    province_mean = sum(projects[c] * mean[c] for c in rows_keys(rows))
    assert Decimal("1.4") <= province_mean <= Decimal("1.7")
    for c in projects:
        implied = province_mean * value[c] / projects[c]
        assert abs(implied - mean[c]) <= Decimal("0.02"), c


def rows_keys(rows: list[dict[str, str]]) -> list[str]:
    return [r["city_adcode"] for r in rows]
