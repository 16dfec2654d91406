"""What each kind of import holds: its Chinese columns, their synonyms, units and allowed values.

One Column per field the cockpit stores. A file's header is matched against the column's
header and synonyms after normalising (full-width to half-width, no spaces, no required-star),
first as written, then without a parenthesised unit: 合同投资额(亿元), 合同额（万元）and 总投资 are
all the contract column, and the unit in the header (or in the cell) decides the scale.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# How a column's cells are read (values.py / rows.py).
TEXT, MONEY, DATE, PLANNED_DATE, COUNT, YEAR, BOOL, ENUM, REGION, PARK, ORIGIN, TAGS = (
    "text", "money", "date", "planned_date", "count", "year", "bool", "enum", "region", "park", "origin", "tags")


@dataclass(frozen=True)
class Column:
    header: str                     # the template's header, in Chinese
    field: str                      # the name the row builder uses (mostly the table's column)
    kind: str = TEXT                # how cells are read
    required: bool = False          # a new row needs it (a known row keeps its stored value)
    help: str = ""                  # what the 说明 sheet says
    enum: str | None = None         # the name of a list of allowed values (lookup.Reference.choices)
    synonyms: tuple[str, ...] = ()
    unit: str | None = None         # money: the unit when neither header nor cell names one
    max_len: int | None = None
    key: bool = False               # the file cannot be read without this column

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class KindSpec:
    name: str                       # projects, funding, …
    label: str                      # 项目台账, 到位资金, …
    table: str                      # the table its rows go to
    columns: tuple[Column, ...]
    note: str = ""                  # the policy for known keys, shown in the preview and the 说明 sheet
    by_field: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_field.update({c.field: c for c in self.columns})

    def column(self, field_name: str) -> Column:
        return self.by_field[field_name]


UPDATE_POLICY = ("已有编号的记录按文件更新：文件中有值的列覆盖原值，空白单元格保留原值（导入不清空任何字段）；"
                 "新编号新增。同一文件导入两次，第二次不做任何改变。整个文件全部通过校验才会写入，任何一行有错则一行也不写入。")

_COUNTY = Column("县(市、区)", "county_adcode", REGION, True,
                 "项目所在县级行政区：全称、简称或行政区划代码（如 仁怀市、仁怀、520382）；填了园区可留空",
                 "counties", ("县区", "区县", "所在县区", "所在县(市、区)", "县(市区)", "落地县区", "县市区", "所属县区", "项目所在县区"))
_CHANNEL = Column("招商方式", "channel", ENUM, True, "招商引资方式", "channels", ("招引方式", "招商渠道", "招商形式"))
_TEAM_COUNTY = Column("县(市、区)", "county_adcode", REGION, False,
                      "所属县级招商队伍：全称、简称或行政区划代码；空白表示省级队伍（仅省级数据管理员可导入）",
                      "counties", _COUNTY.synonyms)
_RECORD = Column("记录编号", "record_id", TEXT, False,
                 "平台中该条记录的编号；有编号时按编号去重更新，没有时按日期、对象、小组和县区去重",
                 synonyms=("编号", "记录号", "序号ID", "平台编号"), max_len=40)

PROJECTS = KindSpec("projects", "项目台账", "project", (
    Column("项目编号", "code", TEXT, True, "平台项目编号，唯一；已有编号则更新该项目", synonyms=("项目代码", "项目ID", "编号"),
           max_len=24, key=True),
    Column("项目名称", "name", TEXT, True, "项目全称", synonyms=("项目",), max_len=120),
    Column("投资方", "investor", TEXT, True, "投资企业名称（按名称匹配已有企业，没有则新建）",
           synonyms=("企业名称", "投资主体", "投资企业", "签约企业", "投资方名称", "投资单位"), max_len=100),
    Column("投资方所在地(省/市)", "origin", ORIGIN, False,
           "投资方所在省和市，如 广东省深圳市、上海、香港、新加坡；新投资方必填，已有投资方留空则沿用其所在地",
           synonyms=("投资方所在地", "投资方来源地", "企业所在地", "投资来源地", "来源地", "投资方所在省市")),
    Column("行业", "industry_code", ENUM, True, "十大工业产业之一，或 其他", "industries",
           ("所属产业", "产业", "所属行业", "产业类别", "产业类型")),
    Column("产业链环节", "chain_link_id", ENUM, False, "所属行业产业链中的环节", "chain_links", ("产业链", "链位", "环节")),
    Column("招引类型", "chain_action", ENUM, False, "建链、补链、强链或延链", "chain_actions", ("招引类别", "建补强延")),
    _COUNTY,
    Column("园区", "park_id", PARK, False, "所在园区（须位于所填县区）；不在园区留空", "parks",
           ("所在园区", "入驻园区", "落地园区", "园区名称")),
    _CHANNEL,
    Column("合同投资额(万元)", "contract_yuan", MONEY, True,
           "合同约定投资额；列名或单元格可注明单位（元、万元、亿元），未注明按万元",
           synonyms=("合同投资额", "合同额", "总投资", "协议投资额", "计划总投资", "投资额", "签约金额", "合同金额"), unit="万元"),
    Column("签约日期", "signed_on", DATE, True, "如 2024-03-15；不晚于今天", synonyms=("签约时间",)),
    Column("计划开工日期", "planned_start_on", PLANNED_DATE, False, "计划日期，不早于2000年，不晚于今后10年",
           synonyms=("计划开工时间",)),
    Column("开工日期", "started_on", DATE, False, "实际开工日期，不早于签约日期、不晚于今天", synonyms=("实际开工日期", "开工时间")),
    Column("计划投产日期", "planned_production_on", PLANNED_DATE, False, "计划日期", synonyms=("计划投产时间",)),
    Column("投产日期", "production_on", DATE, False, "实际投产日期，须有开工日期且不早于它",
           synonyms=("实际投产日期", "投产时间")),
    Column("终止日期", "terminated_on", DATE, False, "项目终止的日期；填写则项目状态为 已终止", synonyms=("终止时间",)),
    Column("项目状态", "status", ENUM, False, "已签约、在建、已投产或已终止；留空按日期推定", "statuses",
           ("状态", "进展状态", "项目进展")),
    Column("是否工业项目", "is_industrial", BOOL, False, "是 或 否；留空时十大工业产业为是、其他为否", synonyms=("工业项目",)),
    Column("责任单位", "responsible_unit", TEXT, False, "", synonyms=("责任部门", "牵头单位"), max_len=64),
    Column("更新日期", "updated_on", DATE, False, "平台最近一次记录项目进展的日期", synonyms=("最近更新日期", "更新时间", "进展更新日期")),
    Column("来源区域", "source_region", ENUM, False, "留空按投资方所在地推定（粤港澳大湾区、长三角…）", "source_regions",
           ("投资来源区域",)),
    Column("优强企业类型", "quality_tags", TAGS, False, "可填多个，用顿号或逗号分隔，如 世界500强、上市公司", "quality_tags",
           ("优强企业", "企业类型")),
    Column("投资方性质", "ownership", ENUM, False, "新投资方的性质；留空按所在地推定（境外为外资，港澳台为港澳台，其余为民营）",
           "ownership", ("企业性质",)),
    Column("预计年产值(万元)", "expected_output_yuan", MONEY, False, "", synonyms=("预计年产值",), unit="万元"),
    Column("预计就业(人)", "expected_jobs", COUNT, False, "", synonyms=("预计就业", "预计就业人数")),
    Column("预计年纳税(万元)", "expected_tax_yuan", MONEY, False, "", synonyms=("预计年纳税", "预计税收"), unit="万元"),
), UPDATE_POLICY)

FUNDING = KindSpec("funding", "到位资金", "funding", (
    Column("项目编号", "code", TEXT, True, "已导入项目的编号", synonyms=("项目代码",), max_len=24, key=True),
    Column("到位日期", "received_on", DATE, True, "资金到位的日期，不早于项目签约日期、不晚于今天",
           synonyms=("资金到位日期", "到位时间")),
    Column("到位金额(万元)", "amount_yuan", MONEY, True, "本笔到位资金；未注明单位按万元",
           synonyms=("到位金额", "到位资金", "本次到位金额", "到位资金额"), unit="万元"),
), "同一项目同一到位日期为一笔资金：已有则按文件更新金额，没有则新增。" + UPDATE_POLICY[UPDATE_POLICY.index("同一文件"):])

VISITS = KindSpec("visits", "拜访", "visit", (
    Column("拜访日期", "visited_on", DATE, True, "", synonyms=("拜访时间", "日期")),
    Column("拜访对象类型", "kind", ENUM, True, "企业 或 商协会", "visit_kinds", ("对象类型", "拜访类型", "类型")),
    Column("拜访对象", "party", TEXT, True, "企业或商协会名称", synonyms=("企业名称", "商协会名称", "拜访单位", "拜访企业"),
           max_len=100),
    Column("对象所在地(省/市)", "origin", ORIGIN, False, "被拜访企业或商协会所在地；新企业和商协会必填",
           synonyms=("对象所在地", "所在地", "企业所在地")),
    Column("招商小组", "team", TEXT, True, "", synonyms=("小分队", "招商分队", "拜访小组", "工作组"), max_len=32),
    _CHANNEL,
    _TEAM_COUNTY,
    _RECORD,
), "有记录编号的按编号，没有的按拜访日期、对象、小组和县区识别同一条记录：已有则更新，没有则新增。"
   + UPDATE_POLICY[UPDATE_POLICY.index("同一文件"):])

INSPECTIONS = KindSpec("inspections", "赴黔考察", "inspection", (
    Column("考察日期", "inspected_on", DATE, True, "", synonyms=("考察时间", "日期")),
    Column("考察企业", "party", TEXT, True, "来黔考察的企业名称", synonyms=("企业名称", "企业"), max_len=100),
    Column("企业所在地(省/市)", "origin", ORIGIN, False, "新企业必填", synonyms=("企业所在地", "所在地")),
    Column("接待小组", "team", TEXT, True, "", synonyms=("招商小组", "接待单位", "工作组"), max_len=32),
    _CHANNEL,
    Column("接待县(市、区)", "county_adcode", REGION, False, "接待的县级行政区；空白表示省级接待（仅省级数据管理员可导入）",
           "counties", ("接待县区", *_COUNTY.names)),
    _RECORD,
), VISITS.note)

TARGETS = KindSpec("targets", "年度目标", "annual_target", (
    Column("区域", "region_adcode", REGION, True, "贵州省、市州或县(市、区)：全称、简称或行政区划代码", "regions",
           ("地区", "行政区", "单位"), key=True),
    Column("年度", "year", YEAR, True, "如 2025", synonyms=("年份",), key=True),
    Column("合同投资额目标(亿元)", "contract_yuan", MONEY, True, "未注明单位按亿元",
           synonyms=("合同投资额目标", "合同投资额"), unit="亿元"),
    Column("到位资金目标(亿元)", "funds_yuan", MONEY, True, "未注明单位按亿元", synonyms=("到位资金目标", "到位资金"), unit="亿元"),
    Column("签约项目数目标", "projects", COUNT, True, "", synonyms=("签约项目数", "项目数目标", "引进项目数目标")),
), "同一区域同一年度为一条目标：已有则更新，没有则新增。" + UPDATE_POLICY[UPDATE_POLICY.index("同一文件"):])

LEADS = KindSpec("leads", "招商线索", "lead", (
    Column("企业名称", "party", TEXT, True, "目标企业名称", synonyms=("目标企业", "线索企业", "企业"), max_len=100),
    Column("企业所在地(省/市)", "origin", ORIGIN, False, "新企业必填", synonyms=("企业所在地", "所在地")),
    Column("行业", "industry_code", ENUM, False, "产业链环节所属行业（环节名称重复时必填）", "industries", ("所属产业", "产业")),
    Column("产业链环节", "chain_link_id", ENUM, True, "企业可补的产业链环节", "chain_links", ("产业链", "链位", "环节")),
    _TEAM_COUNTY,
    Column("阶段", "stage", ENUM, True, "线索、在谈或已签约", "lead_stages", ("跟进阶段", "状态")),
    _CHANNEL,
    Column("入库日期", "listed_on", DATE, True, "", synonyms=("入库时间", "登记日期")),
    Column("阶段日期", "stage_on", DATE, False, "进入当前阶段的日期；留空同入库日期", synonyms=("阶段变更日期",)),
    Column("意向投资额(万元)", "intended_yuan", MONEY, False, "", synonyms=("意向投资额", "意向金额"), unit="万元"),
    Column("项目编号", "project_code", TEXT, False, "已签约线索对应的项目编号", synonyms=("签约项目编号",), max_len=24),
    _RECORD,
), "有记录编号的按编号，没有的按企业、产业链环节和县区识别同一条线索：已有则更新，没有则新增。"
   + UPDATE_POLICY[UPDATE_POLICY.index("同一文件"):])

KINDS: dict[str, KindSpec] = {k.name: k for k in (PROJECTS, FUNDING, VISITS, INSPECTIONS, TARGETS, LEADS)}

# Units a header or a cell may name, in yuan.
UNITS = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}
_PAREN = re.compile(r"\(([^()]*)\)$")


def normalise(text) -> str:
    """A header as compared: half-width, no spaces or line breaks, no required-marker stars."""
    if text is None:
        return ""
    out = unicodedata.normalize("NFKC", str(text))
    out = re.sub(r"\s+", "", out).replace("*", "").replace("★", "")
    out = out.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return out.lower()


def split_unit(header: str) -> tuple[str, str | None]:
    """('合同投资额', '亿元') from '合同投资额(亿元)'; a parenthesis that is not a unit stays."""
    norm = normalise(header)
    m = _PAREN.search(norm)
    if m and m.group(1) in UNITS:
        return norm[: m.start()], m.group(1)
    return norm, None


def _bare(norm: str) -> str:
    return _PAREN.sub("", norm)


def _keys(column: Column) -> set[str]:
    out = set()
    for name in column.names:
        norm = normalise(name)
        out |= {norm, _bare(norm)}
    return out


_INDEX: dict[str, dict[str, Column]] = {
    kind.name: {key: col for col in reversed(kind.columns) for key in _keys(col)} for kind in KINDS.values()
}
ALL_KEYS = frozenset(k for index in _INDEX.values() for k in index)


def match(kind: str, header) -> tuple[Column | None, str | None]:
    """The column a file header names in a kind, and the unit the header carries (or None)."""
    base, unit = split_unit(header)
    index = _INDEX[kind]
    if not base:
        return None, None
    col = index.get(base) or index.get(_bare(base))
    return col, unit


def known_header(header) -> bool:
    base, _ = split_unit(header)
    return bool(base) and (base in ALL_KEYS or _bare(base) in ALL_KEYS)


def detect_kind(headers) -> str | None:
    """The kind whose columns a header row names best; None if no kind has its key columns."""
    best, best_score = None, 0
    for kind in KINDS.values():
        found = {match(kind.name, h)[0] for h in headers if h not in (None, "")} - {None}
        if not all(c in found for c in kind.columns if c.key):
            continue
        score = len(found) + sum(1 for c in found if c.required) / 100
        if score > best_score:
            best, best_score = kind.name, score
    return best if best_score >= 2 else None
