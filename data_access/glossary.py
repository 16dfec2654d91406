"""The cockpit's words: one label, unit and definition (口径) for each measure and figure, used by
every screen and export. The ⓘ beside a figure and the 指标说明 page (/definitions) both print
the definitions from here, and the thresholds they quote are read from the code that applies
them, so the text cannot drift from the arithmetic (domain.md §5 gives the published meanings).

A measure is what a chart can count by: projects or contract value. A headline is a number of
the overview's KPI strip. Labels are the platform's own terms, the same everywhere: 合同投资额,
never 合同额 or 投资额.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    column: str          # the statistic's column in a frame of data_access
    target_column: str   # the plan target's column (chain links)


MEASURES = {
    "contract": Measure("contract", "合同投资额", "亿元", "contract_yuan", "target_contract_yuan"),
    "projects": Measure("projects", "项目数", "个", "projects", "target_projects"),
}

# The overview's headline numbers: key → (label, unit)
HEADLINES = {
    "projects": ("签约项目数", "个"),
    "contract": ("合同投资额", "亿元"),
    "funds": ("到位资金（本期到账）", "亿元"),
    "funds_rate": ("本期签约项目资金到位率", "%"),
    "start_rate": ("开工率", "%"),
    "production_rate": ("投产率", "%"),
    "park_rate": ("入园率", "%"),
    "quality": ("优强企业项目", "个"),
}

# The lifecycle rule in words (data_access/lifecycle.py states it for the code).
PERIOD_PROJECTS = "签约日期在统计期间内、截至期末仍在调度的项目"
AS_OF = "期末为统计期间的结束日，晚于数据截止日时取数据截止日"
TERMINATED = "期末或之前已终止的项目（无论何时签约）"


@dataclass(frozen=True)
class Definition:
    """What a figure counts: its numerator and denominator, the period it covers, what it leaves out."""
    key: str
    group: str
    label: str
    unit: str
    numerator: str
    denominator: str = ""
    period: str = ""
    excludes: str = ""
    note: str = ""

    def lines(self) -> list[tuple[str, str]]:
        parts = [("分子" if self.denominator else "统计", self.numerator), ("分母", self.denominator),
                 ("期间", self.period), ("不含", self.excludes), ("说明", self.note)]
        return [(name, text) for name, text in parts if text]

    def text(self) -> str:
        """The definition as the ⓘ shows it: the label, then one line per part."""
        unit = f"（{self.unit}）" if self.unit else ""
        return "\n".join([f"{self.label}{unit}", *(f"{name}：{text}" for name, text in self.lines())])


GROUPS = ("总览指标", "总览图表", "招商活动与目标", "产业链图谱")


@cache
def definitions() -> dict[str, Definition]:
    """Every definition by key, in the order of the 指标说明 page."""
    # Read at call time: these modules import this one for its labels.
    from .area import STALL_RED_DAYS, STALL_YELLOW_DAYS
    from .chains import ORIGIN_POINTS, OTHER_ORIGIN_POINTS, QUALITY_POINTS, STAGE_POINTS, VISIT_CAP, \
        VISIT_POINTS, WEAK_BELOW

    period_of_projects = f"{PERIOD_PROJECTS}；{AS_OF}"
    out = [
        # ---- the KPI strip
        Definition("projects", "总览指标", *HEADLINES["projects"], "签约项目的个数", period=period_of_projects,
                   excludes=TERMINATED),
        Definition("contract", "总览指标", *HEADLINES["contract"], "签约项目合同约定投资额之和",
                   period=period_of_projects, excludes=TERMINATED),
        Definition("funds", "总览指标", *HEADLINES["funds"],
                   "统计期间内实际到账的资金，含往年签约项目在本期的到账", period=f"到账日期在统计期间内；{AS_OF}",
                   excludes=f"{TERMINATED}的全部资金，含其终止前到账的部分",
                   note="与“本期签约项目资金到位率”的分子不同：本卡按到账日期统计所有项目"),
        Definition("funds_rate", "总览指标", *HEADLINES["funds_rate"],
                   "本期签约项目自签约至期末累计到位的资金", "本期签约项目的合同投资额", period_of_projects,
                   TERMINATED, note="只看本期签约的项目，不含往年项目的到账，所以不等于 到位资金 ÷ 合同投资额"),
        Definition("start_rate", "总览指标", *HEADLINES["start_rate"], "截至期末已开工（含已投产）的签约项目数",
                   "签约项目数", period_of_projects, TERMINATED,
                   note="累计口径：已投产的项目也计为已开工，故 签约 ≥ 已开工(含投产) ≥ 已投产"),
        Definition("production_rate", "总览指标", *HEADLINES["production_rate"], "截至期末已投产的签约项目数",
                   "签约项目数", period_of_projects, TERMINATED),
        Definition("park_rate", "总览指标", *HEADLINES["park_rate"], "落在园区（含“1+8”开放平台）的签约项目数",
                   "签约项目数", period_of_projects, TERMINATED),
        Definition("quality", "总览指标", *HEADLINES["quality"],
                   "投资方为世界500强、中国500强、民营500强、上市公司、行业龙头或专精特新之一的签约项目数",
                   period=period_of_projects, excludes=TERMINATED),
        Definition("target", "总览指标", "年度目标完成率", "%", "当年1月1日至期末的签约合同投资额",
                   "本地区当年合同投资额目标", "当年1月1日至期末；期末晚于数据截止日时取数据截止日",
                   TERMINATED,
                   note="全口径：目标未按招商方式、来源地、产业分解，筛选不影响本卡；"
                        "时序进度 = 当年已过天数 ÷ 全年天数，完成率低于时序进度显示为红色"),
        Definition("change", "总览指标", "同比", "", "本期数值与上年同期数值之差",
                   "上年同期数值（比率类指标直接相减，单位为百分点）",
                   "上年同期 = 实际统计期间（截至数据截止日）整体前移一年，两期天数相同",
                   note="统计期间超过一年、开始日期不明或本期尚无数据时不显示同比"),
        # ---- the charts of the overview
        Definition("map", "总览图表", "地区分布图", "", "各下级地区的所选指标，颜色越亮数值越大",
                   period="与指标卡相同",
                   note="开工率、投产率在没有签约项目的地区无从计算，画为灰色“无数据”，而不是 0%"),
        Definition("funnel", "总览图表", "项目转化漏斗", "", "签约 → 已开工(含投产) → 已投产 的项目数或合同投资额",
                   period=period_of_projects, excludes=TERMINATED,
                   note="各环节百分比为占签约的比例，悬停显示较上一环节的转化率"),
        Definition("durations", "总览图表", "环节用时（中位数）", "天", "签约到开工、开工到投产的天数的中位数",
                   period=f"{PERIOD_PROJECTS}中截至期末已达到该环节的项目", excludes=TERMINATED),
        Definition("stalled", "总览图表", "签约未开工预警", "个", "截至期末尚未开工的本期签约项目",
                   period=period_of_projects, excludes=TERMINATED,
                   note=f"签约超过 {STALL_YELLOW_DAYS} 天未开工亮黄灯，超过 {STALL_RED_DAYS} 天亮红灯；"
                        "列表为超过黄灯期限的最大项目"),
        Definition("industries", "总览图表", "十大工业产业合同投资额", "亿元", "签约项目按所属产业的合同投资额与项目数",
                   period=period_of_projects, excludes=TERMINATED, note="十大产业之外的项目合计为“其他产业”"),
        Definition("trend", "总览图表", "月度签约与到位资金", "亿元",
                   "每月签约项目的合同投资额（柱）与每月到位资金（线）", period="统计期间内逐月；虚线为上年同期",
                   excludes=TERMINATED, note="首月、末月不足整月时，月份后注明所含日期"),
        Definition("sources", "总览图表", "投资来源地区", "亿元", "签约项目按投资方来源地区的合同投资额",
                   period=period_of_projects, excludes=TERMINATED),
        # ---- activity and targets
        Definition("activity", "招商活动与目标", "招商活动", "家次", "拜访企业、拜访商协会与企业赴黔考察的次数",
                   period="活动日期在统计期间内",
                   note="按开展活动的招商队伍所属地区统计；活动不区分产业，产业筛选不适用；下方为年度目标完成情况"),
        Definition("enterprise_visits", "招商活动与目标", "拜访企业", "家次", "招商队伍拜访企业的次数",
                   period="拜访日期在统计期间内", note="按拜访队伍所属地区统计；拜访不区分产业，产业筛选不适用；"
                   "来源地筛选按被拜访企业所在地"),
        Definition("association_visits", "招商活动与目标", "拜访商协会", "家次", "招商队伍拜访商会、协会的次数",
                   period="拜访日期在统计期间内", note="拜访不区分产业，产业筛选不适用；来源地筛选按商协会所在地"),
        Definition("inspections", "招商活动与目标", "赴黔考察", "家次", "企业来黔实地考察的次数",
                   period="考察日期在统计期间内", note="考察不区分产业，产业筛选不适用；来源地筛选按考察企业的来源地"),
        Definition("targets", "招商活动与目标", "年度目标完成情况", "%",
                   "当年1月1日至期末的合同投资额、到位资金、签约项目数", "本地区当年对应的年度目标",
                   "当年1月1日至期末", TERMINATED,
                   note="全口径，不受招商方式、来源地、产业筛选影响；金色竖线为时序进度"),
        # ---- the chain page
        Definition("coverage", "产业链图谱", "环节覆盖率", "%", "环节在统计期间内签约、截至期末仍在调度的项目数或合同投资额",
                   "本地区该环节的规划目标，按统计期间天数占规划期天数的比例折算", period_of_projects, TERMINATED,
                   note=f"空白：没有项目；未设目标：有项目但无目标；薄弱：覆盖率低于 {WEAK_BELOW:.0%}；"
                        "基本：不超过 100%；优势：超过 100%。县级未分解目标"),
        Definition("gap", "产业链图谱", "环节缺口", "亿元或个", "目标 − 已有（已开工含投产 + 签约未开工）",
                   period=period_of_projects, excludes=TERMINATED, note="正数为尚缺，负数为超出目标；无目标的环节不计缺口"),
        Definition("heat", "产业链图谱", "环节 × 地区分布", "亿元或个", "各下级地区在该产业各环节的项目数或合同投资额",
                   period=period_of_projects, excludes=TERMINATED, note="空格表示该地区在该环节没有项目"),
        Definition("candidates", "产业链图谱", "候选企业推荐分", "分",
                   "优强标签最高分（" + "、".join(str(p) for _, p in QUALITY_POINTS) + "）+ 阶段（"
                   + "、".join(f"{k}{v}" for k, v in STAGE_POINTS.items()) + "）+ 来源地区（"
                   + "、".join(f"{k}{v}" for k, v in ORIGIN_POINTS.items()) + f"、其他{OTHER_ORIGIN_POINTS}）+ 拜访次数 × "
                   f"{VISIT_POINTS}（最多计 {VISIT_CAP} 次）",
                   period="截至期末尚未签约的线索与在谈企业"),
    ]
    return {d.key: d for d in out}


def tip(key: str) -> str:
    """The ⓘ text of a figure."""
    return definitions()[key].text()
