"""The published figures (domain.md §1), built so that the cockpit's queries return them exactly.

* Shenzhen resident team (驻点招商, investors from 深圳, 2019-11-20 … 2020-12-15): 843 projects active
  at 2020-12-15 with 1777.02 亿 contracted and 639.21 亿 of funds in the window (the funds are made
  exact in funding.py); 12 of them FOOD with 13.00 亿; 31 of them, 82.73 亿, signed at the three
  巩固脱贫攻坚 events the team held with the last counties to leave poverty (SZ_EVENTS); the named
  investors among them. Seven more projects of the team were terminated before 2020-12-15, so the
  lifecycle rule leaves them out.
* 2020 cloud signings (云招商): 109 projects active at 2020-12-31, 326.6 亿; two more terminated in 2020.
* Named projects with their published facts: 恒力（贵阳）产业园, 中粮可口可乐贵州首家工厂, 万仁新能源汽车,
  贵州百思特新能源材料 (the last one signed in 2017: the platform holds older projects too).

广东樵宝 and 广州天珀 are counted among the team's 12 food projects, as the press release does. The
cockpit identifies the team's projects as channel 驻点招商 with a Shenzhen investor, so their investing
entities are recorded as the groups' Shenzhen-registered subsidiaries (樵宝食品（深圳）有限公司,
天珀食品（深圳）有限公司); the project names carry the group names the release uses.

The release does not date the three 巩固脱贫攻坚 events. They are placed in the week of the
national 扶贫日 (17 October) 2020, one a day, and the team signs nothing else on those days, so
the screen reproduces them with one link: `/?from=2020-10-14&to=2020-10-16&channel=驻点招商&origin=深圳`
gives 31 projects and 82.73 亿元 (the cockpit has no field for an event; its days identify it).
"""
from __future__ import annotations

from datetime import date

import numpy as np

from ..vocab import QualityTag as Q
from . import dates as D
from .context import Choice, Context
from .money import WAN_PER_YI, rescale
from .projects import Sampler, draw_projects

SZ_PROJECTS = 843
SZ_CONTRACT_YUAN = 177_702_000_000
SZ_FUNDS_YUAN = 63_921_000_000
SZ_FOOD_PROJECTS = 12
SZ_FOOD_CONTRACT_YUAN = 1_300_000_000
SZ_TERMINATED_EARLY = 7
# The three 巩固脱贫攻坚 events: (day, co-hosting counties, projects signed there); 31 projects, 82.73 亿.
SZ_EVENTS = (
    (date(2020, 10, 14), (520526, 520525, 520527), 11),          # 毕节: 威宁, 纳雍, 赫章
    (date(2020, 10, 15), (522632, 522633), 9),                   # 黔东南: 榕江, 从江
    (date(2020, 10, 16), (520425, 522324, 522326, 520627), 11),  # 紫云, 晴隆, 望谟, 沿河
)
SZ_EVENT_PROJECTS = 31
SZ_EVENT_CONTRACT_YUAN = 8_273_000_000
EVENT_DAYS = frozenset(day for day, _, _ in SZ_EVENTS)
assert sum(n for _, _, n in SZ_EVENTS) == SZ_EVENT_PROJECTS
CLOUD_PROJECTS = 109
CLOUD_CONTRACT_YUAN = 32_660_000_000
CLOUD_TERMINATED = 2

SZ_ORIGIN = ("广东省", "深圳市")
SZ_REGION = "粤港澳大湾区"
# Shenzhen investors lean to electronics, equipment and services (the release names 大数据电子信息,
# 装备制造, 智能制造); the 12 food projects are drawn separately.
SZ_AFFINITY = {
    "BIGDATA": 2.2, "EQUIP": 1.8, "PHARMA": 1.2, "OTHER": 1.1, "CHEM": 1.0, "BASEMAT": 0.7, "BUILDMAT": 0.7,
    "POWER": 0.8, "LIQUOR": 0.6, "ENERGY": 0.4, "FOOD": 0.0,
}


def enterprise(name, province, city, region, ownership, tags):
    return {"name": name, "origin_province": province, "origin_city": city, "source_region": region,
            "ownership": ownership, "quality_tags": int(tags)}


def _sz(name, tags, ownership="民营"):
    return enterprise(name, "广东省", "深圳市", SZ_REGION, ownership, tags)


# The named investors of the Shenzhen team: (enterprise, project name, industry, chain link, county,
# contract 亿, signing day, is_industrial).
SZ_NAMED = [
    (_sz("佳兆业集团（深圳）有限公司", Q.CHINA500), "佳兆业荔波文旅康养综合体项目", "OTHER", None, 522722, 30,
     date(2020, 7, 16), False),
    (_sz("深圳市裕同包装科技股份有限公司", Q.CHINA500 | Q.LISTED), "裕同仁怀酒类包装生产基地项目", "LIQUOR",
     "包装材料", 520382, 8, date(2020, 6, 18), True),
    (_sz("研祥智能科技股份有限公司", Q.CHINA500 | Q.LEADER), "研祥贵安智能终端产业园项目", "BIGDATA",
     "服务器/智能终端", 520111, 10, date(2020, 9, 10), True),
    (_sz("深圳市金雅福控股集团有限公司", Q.CHINA500), "金雅福贞丰黄金精深加工项目", "BASEMAT", "黄金采选",
     522325, 15, date(2020, 10, 22), True),
    (_sz("深圳市怡亚通供应链股份有限公司", Q.CHINA500 | Q.LISTED), "怡亚通酱酒供应链运营中心项目", "LIQUOR",
     "物流/销售/营销", 520382, 5, date(2020, 5, 27), False),
    (_sz("深圳市新南山控股（集团）股份有限公司", Q.LEADER | Q.LISTED), "南山控股贵阳智慧物流园项目", "OTHER", None,
     520102, 12, date(2020, 11, 12), False),
    (_sz("豹旗科技（深圳）有限公司", Q.SPECIALISED), "豹旗科技铜仁数字经济产业园项目", "BIGDATA", "数字应用",
     520602, 3, date(2020, 8, 6), False),
]
SZ_NAMED_FOOD = [
    (_sz("樵宝食品（深圳）有限公司", 0), "广东樵宝遵义辣椒精深加工项目", "FOOD", "辣椒制品", 520304, 1.5,
     date(2020, 7, 2), True),
    (_sz("天珀食品（深圳）有限公司", 0), "广州天珀凯里红酸汤生产项目", "FOOD", "酸汤/刺梨饮品", 522601, 1.2,
     date(2020, 9, 17), True),
]
# Named in the release as 行业龙头 from Hong Kong; not Shenzhen investors, so outside the 843.
HK_NAMED = [
    (enterprise("香港海印投资有限公司", "香港特别行政区", None, SZ_REGION, "港澳台", Q.LEADER),
     "海印贵阳城市商业综合体项目", "OTHER", None, 520115, 6, date(2020, 8, 20), False),
    (enterprise("香港联晨实业有限公司", "香港特别行政区", None, SZ_REGION, "港澳台", Q.LEADER),
     "联晨安顺智能制造产业园项目", "EQUIP", "轮胎/零部件", 520402, 4, date(2020, 10, 15), True),
]

HENGLI = "恒力（贵阳）产业园"
COFCO_COKE = "中粮可口可乐贵州首家工厂"
WANREN = "万仁新能源汽车"
BESTER = "贵州百思特新能源材料"


def _link_id(ctx: Context, industry: str, name: str | None) -> int | None:
    if name is None:
        return None
    for lid in ctx.links_of_industry.get(industry, []):
        if ctx.links[lid].name == name:
            return lid
    return None


def _park_id(ctx: Context, county: int, industry: str, prefer: str | None = None) -> int | None:
    parks = ctx.counties[county].parks
    if prefer:
        for p in parks:
            if p["name"] == prefer:
                return p["id"]
    for p in parks:
        if industry in p["lead"]:
            return p["id"]
    return parks[0]["id"] if parks else None


def _named_project(ctx, sampler, spec, group, channel, u: float) -> dict:
    ent, pname, industry, link_name, county, yi, signed, industrial = spec
    link = _link_id(ctx, industry, link_name)
    if link is None and industry in ctx.links_of_industry and ctx.links_of_industry[industry]:
        link = sampler.link(ctx.counties[county].city, industry, signed.year, u, private=True)
    return {
        "group": group, "signed": signed, "city": ctx.counties[county].city, "county": county, "industry": industry,
        "link": link, "park": _park_id(ctx, county, industry), "region": ent["source_region"],
        "origin": (ent["origin_province"], ent["origin_city"]), "z": 0.0, "u_channel": 0.0, "u_extra": u,
        "channel": channel, "size_wan": int(round(yi * WAN_PER_YI)), "enterprise": ent, "name": pname,
        "is_industrial": industrial, "fixed_size": True,
    }


def _sz_days() -> tuple[np.ndarray, np.ndarray]:
    ords = D.days(D.SZ_TEAM_START, D.SZ_REPORT_END)
    w = np.empty(len(ords))
    for i, n in enumerate(ords):
        day = D.d(n)
        if day < date(2020, 1, 20):
            x = 0.55
        elif day < D.SZ_SECOND_BATCH:
            x = 0.15
        else:
            x = 1.0 + 0.4 * (n - D.o(D.SZ_SECOND_BATCH)) / 266
        if day in EVENT_DAYS:
            x = 0.0  # the event days hold the events' signings only
        w[i] = x * D.WEEKDAY_WEIGHTS[day.weekday()]
    return ords, w


def _event_projects(ctx: Context, sampler: Sampler, rng: np.random.Generator, industries) -> list[dict]:
    """The projects signed at the three events, in their co-hosting counties (sizes set by the caller)."""
    out = []
    for day, counties, n in SZ_EVENTS:
        U = rng.random((n, 6))
        for i, z in enumerate(rng.normal(size=n)):
            county = counties[min(int(U[i, 0] * len(counties)), len(counties) - 1)]
            city = ctx.counties[county].city
            industry = industries(city).pick(U[i, 1])
            link = sampler.link(city, industry, day.year, U[i, 2], private=True)
            out.append({
                "group": "sz", "signed": day, "city": city, "county": county, "industry": industry, "link": link,
                "park": sampler.park(county, industry, U[i, 3], U[i, 4]), "region": SZ_REGION,
                "origin": SZ_ORIGIN, "z": float(z), "u_channel": 0.0, "u_extra": float(U[i, 5]), "state": False,
                "channel": "驻点招商", "event": day,
            })
    return out


def shenzhen_team(ctx: Context, sampler: Sampler, rng: np.random.Generator) -> list[dict]:
    ords, w = _sz_days()
    named = [_named_project(ctx, sampler, s, "sz", "驻点招商", float(rng.random())) for s in SZ_NAMED]
    named_food = [_named_project(ctx, sampler, s, "sz", "驻点招商", float(rng.random())) for s in SZ_NAMED_FOOD]

    cache: dict[int, Choice] = {}

    def sz_industries(city: int) -> Choice:
        if city not in cache:
            prof = ctx.city_profile[city]
            codes = [c for c in ctx.industries if SZ_AFFINITY.get(c, 1.0) > 0]
            cache[city] = Choice(codes, [prof.get(c, 0.0) * SZ_AFFINITY.get(c, 1.0) for c in codes])
        return cache[city]

    food_choice = {c: Choice(["FOOD"], [1.0]) for c in ctx.cities}
    events = _event_projects(ctx, sampler, rng, sz_industries)
    n_other = SZ_PROJECTS - SZ_FOOD_PROJECTS - len(named) - len(events)
    n_food = SZ_FOOD_PROJECTS - len(named_food)
    others = draw_projects(ctx, sampler, rng, np.sort(D.draw(rng, ords, w, n_other)), "sz",
                           industry_weights=sz_industries, private=True)
    foods = draw_projects(ctx, sampler, rng, np.sort(D.draw(rng, ords, w, n_food)), "sz",
                          industry_weights=lambda city: food_choice[city], private=True)
    # Projects of the team that were terminated before the report date: not among the 843.
    early = draw_projects(ctx, sampler, rng, np.sort(D.draw(rng, ords[: 160], w[: 160], SZ_TERMINATED_EARLY)),
                          "sz_term", industry_weights=sz_industries, private=True)
    for p in others + foods + early + events:
        p["origin"], p["region"], p["channel"] = SZ_ORIGIN, SZ_REGION, "驻点招商"
        p["size_wan"] = sampler.size_wan(p["z"], p["city"], p["link"], p["region"], p["signed"].year, extra=1.2)

    # Exact totals: 82.73 亿 for the 31 event projects, 13.00 亿 for the 12 food projects, 1777.02 亿
    # for all 843.
    for p, v in zip(events, rescale([p["size_wan"] for p in events], SZ_EVENT_CONTRACT_YUAN // 10_000, minimum=500)):
        p["size_wan"] = v
    food_total = SZ_FOOD_CONTRACT_YUAN // 10_000 - sum(p["size_wan"] for p in named_food)
    for p, v in zip(foods, rescale([p["size_wan"] for p in foods], food_total, minimum=500)):
        p["size_wan"] = v
    other_total = ((SZ_CONTRACT_YUAN - SZ_FOOD_CONTRACT_YUAN - SZ_EVENT_CONTRACT_YUAN) // 10_000
                   - sum(p["size_wan"] for p in named))
    for p, v in zip(others, rescale([p["size_wan"] for p in others], other_total, minimum=500)):
        p["size_wan"] = v
    return named + named_food + events + others + foods + early


def cloud_2020(ctx: Context, sampler: Sampler, rng: np.random.Generator) -> list[dict]:
    ords = D.days(D.CLOUD_START, date(2020, 12, 31))
    w = np.array([(3.0 if n <= D.o(date(2020, 4, 30)) else 1.0) * D.WEEKDAY_WEIGHTS[D.d(n).weekday()] for n in ords])
    counted = draw_projects(ctx, sampler, rng, np.sort(D.draw(rng, ords, w, CLOUD_PROJECTS)), "cloud")
    early = ords[ords <= D.o(date(2020, 4, 30))]
    term = draw_projects(ctx, sampler, rng, np.sort(D.draw(rng, early, np.ones(len(early)), CLOUD_TERMINATED)),
                         "cloud_term")
    for p in counted + term:
        p["channel"] = "云招商"
        p["size_wan"] = sampler.size_wan(p["z"], p["city"], p["link"], p["region"], 2020, extra=1.6)
    for p, v in zip(counted, rescale([p["size_wan"] for p in counted], CLOUD_CONTRACT_YUAN // 10_000, minimum=500)):
        p["size_wan"] = v
    return counted + term


def named_projects(ctx: Context, sampler: Sampler, rng: np.random.Generator) -> list[dict]:
    """The four named projects of the 2021 article, with fixed lifecycles, and the two Hong Kong investors."""
    out = []
    specs = [
        (enterprise("恒力集团有限公司", "江苏省", "苏州市", "长三角", "民营",
                    Q.GLOBAL500 | Q.CHINA500 | Q.PRIVATE500 | Q.LEADER),
         HENGLI, "OTHER", None, 520111, 200, date(2020, 11, 3), True,
         {"planned_start_on": date(2020, 12, 31), "started_on": date(2020, 12, 26),
          "planned_production_on": date(2021, 7, 31), "production_on": date(2021, 7, 20),
          "expected_output_yuan": 26_000_000_000, "expected_jobs": 15000, "expected_tax_yuan": 780_000_000},
         "领导带头招商", "贵安新区", 0.55),
        (enterprise("中粮可口可乐饮料有限公司", "北京市", "北京市", "京津冀", "混合所有制", Q.GLOBAL500 | Q.LEADER),
         COFCO_COKE, "FOOD", "酸汤/刺梨饮品", 520111, 2.7, date(2020, 3, 27), True,
         {"planned_start_on": date(2020, 7, 1), "started_on": date(2020, 7, 28),
          "planned_production_on": date(2021, 12, 31), "production_on": date(2022, 7, 10),
          "expected_output_yuan": 500_000_000, "expected_jobs": 300, "expected_tax_yuan": 30_000_000},
         "产业链招商", "贵安新区", 0.85),
        (enterprise("贵州万仁新能源汽车有限公司", "贵州省", "铜仁市", "省内", "民营", Q.LEADER),
         WANREN, "EQUIP", "汽车整车", 520603, 50, date(2019, 6, 12), True,
         {"planned_start_on": date(2019, 9, 1), "started_on": date(2019, 9, 18),
          "planned_production_on": date(2020, 12, 31), "production_on": date(2020, 12, 18),
          "expected_output_yuan": 10_000_000_000, "expected_jobs": 4200, "expected_tax_yuan": 600_000_000},
         "领导带头招商", "万山经济开发区", 0.5),
        (enterprise("贵州百思特新能源材料有限公司", "贵州省", "铜仁市", "省内", "民营", Q.SPECIALISED),
         BESTER, "BASEMAT", "硫酸锰/四氧化三锰", 520622, 3, date(2017, 3, 16), True,
         {"planned_start_on": date(2017, 6, 1), "started_on": date(2017, 5, 20),
          "planned_production_on": date(2018, 6, 30), "production_on": date(2018, 6, 28),
          "expected_output_yuan": 105_000_000, "expected_jobs": 260, "expected_tax_yuan": 6_000_000},
         "园区招商", "大龙经济开发区", 0.7),
    ]
    for ent, pname, industry, link_name, county, yi, signed, industrial, life, channel, park, share in specs:
        p = _named_project(ctx, sampler, (ent, pname, industry, link_name, county, yi, signed, industrial),
                           "named", channel, float(rng.random()))
        p["park"] = _park_id(ctx, county, industry, prefer=park)
        p["fixed_life"] = life
        p["funded_share"] = share
        out.append(p)
    for spec in HK_NAMED:
        out.append(_named_project(ctx, sampler, spec, "general", "以商招商", float(rng.random())))
    return out
