"""Spreadsheets an import hands out: the template of a kind, and the list of a file's errors.

A template has the kind's Chinese headers (required ones marked in red), one example row that
imports cleanly, a drop-down for every enumerated column filled from the live reference data
(a hidden sheet 选项 holds the lists: Excel caps an inline list at 255 characters), and a sheet
说明 that explains each column.
"""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Engine

from .catalogue import BOOL, COUNT, DATE, KINDS, MONEY, ORIGIN, PARK, PLANNED_DATE, REGION, TAGS, YEAR
from .lookup import Reference
from .results import ImportPlan

EXAMPLE_CODE = "SL-2025-0001"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMATS = {
    MONEY: "数字，可带单位：如 12345.5、1.2亿元、1,234.5万元",
    DATE: "日期：2024-03-15、2024/3/15、2024.3.15、2024年3月15日",
    PLANNED_DATE: "日期（计划）", COUNT: "非负整数", YEAR: "四位年份", BOOL: "是 / 否",
    REGION: "名称、简称或行政区划代码", PARK: "园区名称或简称", ORIGIN: "省+市，如 广东省深圳市；境外写国家",
    TAGS: "多个用顿号分隔",
}


def safe(value):
    """A cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _example(ref: Reference, kind: str) -> dict[str, object]:
    today = date.today()
    y = today.year - 1
    # A park and its own county, an industry and one of its links: the example must import cleanly.
    park_id, (park_name, county) = next(iter(ref.parks.items()))
    industry = next(code for code in ref.industries if code in ref.key_industries)
    link = next(name for ind, name in ref.links.values() if ind == industry)
    county_name = ref.places[county].name
    return {
        "projects": {
            "code": EXAMPLE_CODE, "name": "示例年产10万吨新材料项目", "investor": "深圳市示例科技有限公司",
            "origin": "广东省深圳市", "industry_code": ref.industries[industry], "chain_link_id": link,
            "chain_action": "补链", "county_adcode": county_name, "park_id": park_name, "channel": "驻点招商",
            "contract_yuan": 123456.5, "signed_on": date(y, 3, 15), "planned_start_on": date(y, 6, 1),
            "started_on": date(y, 6, 18), "planned_production_on": date(y + 2, 6, 30), "status": "在建",
            "is_industrial": "是", "responsible_unit": f"{county_name}投资促进局", "updated_on": date(y, 12, 1),
        },
        "funding": {"code": EXAMPLE_CODE, "received_on": date(y, 7, 1), "amount_yuan": 5000},
        "visits": {"visited_on": date(y, 4, 2), "kind": "企业", "party": "深圳市示例科技有限公司", "origin": "广东省深圳市",
                   "team": "驻深圳招商小组", "channel": "驻点招商", "county_adcode": county_name, "record_id": "BF-0001"},
        "inspections": {"inspected_on": date(y, 5, 8), "party": "深圳市示例科技有限公司", "origin": "广东省深圳市",
                        "team": f"{county_name}招商小组", "channel": "以商招商", "county_adcode": county_name,
                        "record_id": "KC-0001"},
        "targets": {"region_adcode": county_name, "year": today.year, "contract_yuan": 120.5, "funds_yuan": 60,
                    "projects": 40},
        "leads": {"party": "深圳市示例科技有限公司", "origin": "广东省深圳市", "industry_code": ref.industries[industry],
                  "chain_link_id": link, "county_adcode": county_name, "stage": "在谈", "channel": "产业链招商",
                  "listed_on": date(y, 2, 1), "stage_on": date(y, 4, 2), "intended_yuan": 50000, "record_id": "XS-0001"},
    }[kind]


def build_template(engine: Engine, kind: str) -> bytes:
    spec = KINDS[kind]
    with engine.connect() as conn:
        ref = Reference(conn)
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label
    options = wb.create_sheet("选项")
    notes = wb.create_sheet("说明")
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    example = _example(ref, kind)
    list_col = 0
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        if col.required:
            cell.fill = required_fill
        ws.column_dimensions[letter].width = max(12, len(col.header) * 2 + 2)
        value = example.get(col.field)
        target = ws.cell(row=2, column=i, value=value)
        if isinstance(value, date):
            target.number_format = "yyyy-mm-dd"
        if col.enum:
            values = ref.choices(col.enum)
            list_col += 1
            opt_letter = get_column_letter(list_col)
            options.cell(row=1, column=list_col, value=col.header)
            for r, v in enumerate(values, start=2):
                options.cell(row=r, column=list_col, value=v)
            dv = DataValidation(type="list", formula1=f"=选项!${opt_letter}$2:${opt_letter}${len(values) + 1}",
                                allow_blank=not col.required, showErrorMessage=col.kind != TAGS)
            dv.error = f"请从列表中选择{col.header}"
            dv.prompt = col.help[:250]
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5000")
    ws.freeze_panes = "A2"
    options.sheet_state = "hidden"
    notes.append(["列名", "是否必填", "单位/格式", "说明", "可选值"])
    for c in notes[1]:
        c.font = Font(bold=True)
    for col in spec.columns:
        allowed = ref.choices(col.enum) if col.enum else []
        shown = "、".join(allowed) if len("、".join(allowed)) <= 300 else f"见下拉列表（共 {len(allowed)} 项）"
        unit = _FORMATS.get(col.kind, "文本")
        if col.kind == MONEY:
            unit = f"未注明单位按{col.unit}；" + unit
        notes.append([col.header, "必填" if col.required else "选填", unit, col.help, shown])
    notes.append([])
    notes.append(["导入规则", spec.note])
    notes.append(["同义列名", "也认得常见的其他写法，如 " + "；".join(
        f"{c.header}：{'、'.join(c.synonyms[:3])}" for c in spec.columns if c.synonyms)[:1000]])
    for letter, width in zip("ABCDE", (22, 10, 40, 60, 60)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def errors_workbook(plan: ImportPlan) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "错误清单"
    ws.append(["行号", "列", "原始值", "原因"])
    for c in ws[1]:
        c.font = Font(bold=True)
    if plan.fatal:
        ws.append(["", "", safe(plan.file_name), safe(plan.fatal)])
    for e in plan.errors:
        ws.append([e.row, safe(e.column), safe(e.value), safe(e.reason)])
    for letter, width in zip("ABCD", (8, 22, 30, 70)):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
