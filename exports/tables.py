"""The tables of the cockpit's pages as spreadsheet rows: the chain page's four (gap per link, links
× regions, the link's projects, candidate enterprises), the rankings, the warnings page's regions
behind their targets and the audit log.

Pure functions of the frames the pages draw (views/*), so a file holds the screen's rows in the
screen's scope; numbers stay numbers (amounts in 亿元 with the screen's rounding, counts, percent
values), the unit in the header. web/exports.py decides who may have which.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.units import pct
from data_access.chains import MEASURES as CHAIN_MEASURES
from data_access.rankings import MEASURE_LABELS, MEASURE_UNITS, MEASURES
from data_access.vocab import quality_labels

from .sheets import Column

STAGES = {"up": "上游", "mid": "中游", "down": "下游"}
LIGHTS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


@dataclass(frozen=True)
class Table:
    title: str            # the sheet's title line: '遵义市 · 新型综合材料产业链环节缺口'
    what: str             # the header block's 内容 line and the file name's part
    columns: list[Column]
    rows: list[dict]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _coverage(actual, target):
    """Coverage in percent, one decimal (the screen's fmt_coverage), or None without a target."""
    if _missing(actual) or _missing(target) or not target:
        return None
    from decimal import Decimal

    return float(pct(actual, target, Decimal("0.1")))


def _link_figures(kind: str) -> list[Column]:
    """A link's figures under both measures: projects (个) and contract value (亿元)."""
    return [
        Column("target_contract_yuan", "目标合同投资额（亿元）", "yuan"), Column("contract_yuan", "已有合同投资额（亿元）", "yuan"),
        Column("realised_contract_yuan", "已开工(含投产)合同投资额（亿元）", "yuan"),
        Column("pipeline_contract_yuan", "签约未开工合同投资额（亿元）", "yuan"),
        Column("gap_contract_yuan", "合同投资额缺口（亿元）", "yuan"), Column("coverage_contract", "合同投资额覆盖率（%）", "pct"),
        Column("class_contract", "按合同投资额评估"),
        Column("target_projects", "目标项目数（个）", "count"), Column("projects", "已有项目数（个）", "int"),
        Column("realised_projects", "已开工(含投产)项目数（个）", "int"), Column("pipeline_projects", "签约未开工项目数（个）", "int"),
        Column("gap_projects", "项目数缺口（个）", "count"), Column("coverage_projects", "项目数覆盖率（%）", "pct"),
        Column("class_projects", "按项目数评估"),
    ]


def _link_row(r: dict) -> dict:
    out = dict(r)
    out["stage"] = STAGES.get(r.get("stage"), r.get("stage"))
    out["gap_contract_yuan"] = r.get("gap_contract")
    for measure, (actual, target) in CHAIN_MEASURES.items():
        out[f"coverage_{measure}"] = _coverage(r.get(actual), r.get(target))
    out["weak"] = "是" if r.get("is_weak") else ""
    return out


def chain_gaps(scope_name: str, chain: pd.DataFrame) -> Table:
    """缺口：each link of the industry in depth, its target, actuals, gap, coverage and class."""
    industry = str(chain["industry_name"].iloc[0]) if len(chain) else ""
    columns = [Column("industry_name", "产业"), Column("stage", "链位"), Column("name", "环节"),
               Column("weak", "短板环节"), *_link_figures("link")]
    return Table(f"{scope_name} · {industry}产业链环节缺口", f"{industry}环节缺口", columns,
                 [_link_row(r) for r in chain.sort_values("sort_order").to_dict("records")])


def chain_grid(scope_name: str, industry: str, grid: pd.DataFrame) -> Table:
    """环节 × 地区: every pair of the industry's links and the regions below, zeros included."""
    columns = [Column("stage", "链位"), Column("name", "环节"), Column("region_name", "地区"),
               Column("region", "行政区划代码", "int"), *_link_figures("grid")]
    rows = [_link_row(r) for r in grid.sort_values(["sort_order", "region"]).to_dict("records")]
    return Table(f"{scope_name} · {industry}产业链环节 × 地区", f"{industry}环节分布", columns, rows)


PROJECT_COLUMNS = [
    Column("code", "项目编号"), Column("name", "项目名称", width=40), Column("investor", "投资方", width=30), Column("county", "县(市、区)"),
    Column("state", "状态"), Column("channel", "招商方式"), Column("contract_yuan", "合同投资额（亿元）", "yuan"),
    Column("signed_on", "签约日期", "date"), Column("started_on", "开工日期", "date"),
    Column("production_on", "投产日期", "date"),
]


def chain_projects(scope_name: str, link_name: str, projects: pd.DataFrame) -> Table:
    rows = projects.sort_values("contract_yuan", ascending=False, kind="stable").to_dict("records")
    return Table(f"{scope_name} · {link_name} · 在库项目", f"{link_name}在库项目", PROJECT_COLUMNS, rows)


CANDIDATE_COLUMNS = [
    Column("enterprise", "企业", width=30), Column("score", "推荐分", "int"), Column("tags", "优强标签"), Column("stage", "阶段"),
    Column("origin", "来源地"), Column("source_region", "来源地区"), Column("visits", "拜访次数（次）", "int"),
    Column("last_visit", "最近拜访", "date"), Column("intended_yuan", "意向投资额（亿元）", "yuan"),
    Column("team", "跟进单位"),
]


def chain_candidates(scope_name: str, link_name: str, candidates: pd.DataFrame) -> Table:
    rows = [{**r, "tags": "、".join(quality_labels(int(r["quality_tags"]))) or "",
             "origin": r.get("origin_city") or r.get("origin_province"),
             "team": r.get("team_county") or "省投资促进局"} for r in candidates.to_dict("records")]
    return Table(f"{scope_name} · {link_name} · 候选企业", f"{link_name}候选企业", CANDIDATE_COLUMNS, rows)


def rankings(scope_name: str, year: int, rows: pd.DataFrame, complete: bool) -> Table:
    """考核排名: each member's achieved, target, completion, gap against 时序进度, light and rank."""
    columns = [Column("rank", "综合排名", "int")] if complete else []
    columns += [Column("name", "地区"), Column("adcode", "行政区划代码", "int"), Column("score", "综合得分", "pct")]
    if complete:
        columns.append(Column("rank_change", "较上月末名次变化", "int"))
    for m in MEASURES:
        unit = MEASURE_UNITS[m]
        kind = "yuan" if unit == "亿元" else "count"
        label = MEASURE_LABELS[m]
        columns += [Column(f"{m}_done", f"{label}完成（{unit}）", kind), Column(f"{m}_target", f"{label}目标（{unit}）", kind),
                    Column(f"{m}_pct", f"{label}完成率（%）", "pct"), Column(f"{m}_gap", f"{label}较时序进度（{unit}）", kind),
                    Column(f"{m}_light_word", f"{label}预警")]
        if complete:
            columns.append(Column(f"{m}_rank", f"{label}排名", "int"))
    out = []
    for r in rows.to_dict("records"):
        r = dict(r)
        for m in MEASURES:
            r[f"{m}_light_word"] = LIGHTS.get(r.get(f"{m}_light"), "")
        out.append(r)
    if complete:
        out.sort(key=lambda r: (r.get("rank") is None or _missing(r.get("rank")), r.get("rank") or 0))
    return Table(f"{scope_name} · {year}年考核排名", f"{year}年考核排名", columns, out)


def behind(scope_name: str, year: int, frame: pd.DataFrame) -> Table:
    """The warnings page's regions below 时序进度 on a target, in the screen's order."""
    columns = [Column("light_word", "预警"), Column("name", "地区"), Column("adcode", "行政区划代码", "int"),
               Column("label", "指标"), Column("done_yi", "完成（亿元）", "yuan"), Column("target_yi", "目标（亿元）", "yuan"),
               Column("gap_yi", "较时序进度（亿元）", "yuan"), Column("done_n", "完成（个）", "count"),
               Column("target_n", "目标（个）", "count"), Column("gap_n", "较时序进度（个）", "count"),
               Column("pct", "完成率（%）", "pct")]
    rows = []
    ordered = frame.sort_values(["light", "pct"], ascending=[True, True]) if len(frame) else frame
    for r in ordered.to_dict("records"):
        money = MEASURE_UNITS[r["measure"]] == "亿元"
        suffix = "yi" if money else "n"
        rows.append({**r, "light_word": LIGHTS.get(r["light"], ""), f"done_{suffix}": r["done"],
                     f"target_{suffix}": r["target"], f"gap_{suffix}": r["gap"]})
    return Table(f"{scope_name} · {year}年目标滞后地区", f"{year}年目标滞后地区", columns, rows)


AUDIT_COLUMNS = [
    Column("at", "时间（北京时间）", "datetime"), Column("actor", "用户"), Column("action", "操作"), Column("region", "地区"),
    Column("target", "对象"), Column("detail", "说明"), Column("address", "来源地址"),
]
