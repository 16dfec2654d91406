"""Reading what users have: every file format and encoding, header synonyms and units, every
money and date form, and the messages for what cannot be read. No database here."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from data_access.imports import catalogue, detect_kind
from data_access.imports.readers import FileProblem, read_table
from data_access.imports.values import BadValue, actual_date, money, planned_date, yes_no

HEADERS = ["项目编号", "项目名称", "合同投资额(亿元)"]
ROWS = [["XM-001", "仁怀酱香酒扩产项目", "1.5"], ["XM-002", "遵义铝加工项目", "2"]]


def xlsx(rows, *, title: str | None = None, sheet: str = "Sheet1", extra_sheet: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    for r in rows:
        ws.append(r)
    if extra_sheet:
        other = wb.create_sheet("台账2")
        other.append(["项目编号", "项目名称"])
        other.append(["XM-900", "另一张表的项目"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding: str) -> bytes:
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    return text.encode(encoding)


# ------------------------------------------------------------------ formats and encodings

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_reads_the_same_chinese(encoding):
    table = read_table(csv_bytes([HEADERS, *ROWS], encoding), "台账.csv")
    assert table.headers == HEADERS
    assert [cells for _, cells in table.rows] == ROWS
    assert [n for n, _ in table.rows] == [2, 3]


def test_undecodable_csv_is_refused_never_stored_as_mojibake():
    data = "项目编号,项目名称\nXM-1,".encode("utf-8") + b"\xff\xfe\x80\x81abc\n"
    with pytest.raises(FileProblem, match="文件编码无法识别"):
        read_table(data, "bad.csv")


def test_utf16_text_export_is_read():
    data = ("\t".join(HEADERS) + "\r\n" + "\t".join(ROWS[0]) + "\r\n").encode("utf-16")
    table = read_table(data, "unicode.txt")
    assert table.headers == HEADERS and table.rows[0][1] == ROWS[0]


def test_xlsx_header_found_under_a_merged_title_row_and_rows_numbered_as_excel():
    table = read_table(xlsx([[], HEADERS, *ROWS], title="2024年招商引资项目台账"), "台账.xlsx")
    assert table.header_row == 3
    assert table.headers == HEADERS
    assert [n for n, _ in table.rows] == [4, 5]


def test_xlsx_named_sheet_and_unknown_sheet():
    data = xlsx([HEADERS, *ROWS], extra_sheet=True)
    assert read_table(data, "a.xlsx").rows[0][1][0] == "XM-001"
    assert read_table(data, "a.xlsx", sheet="台账2").rows[0][1][0] == "XM-900"
    with pytest.raises(FileProblem, match="没有名为「不存在」的工作表"):
        read_table(data, "a.xlsx", sheet="不存在")


def test_two_row_header_under_merged_cells_is_folded():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目编号", "投资方", None, "签约日期"])
    ws.append([None, "名称", "所在地", None])
    ws.append(["XM-1", "深圳市某科技有限公司", "广东省深圳市", "2024-03-15"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:D2")
    out = io.BytesIO()
    wb.save(out)
    table = read_table(out.getvalue(), "merged.xlsx")
    assert table.header_row == 2
    assert [catalogue.match("projects", h)[0].field for h in table.headers] == [
        "code", "investor", "origin", "signed_on"]
    assert table.rows == [(3, ["XM-1", "深圳市某科技有限公司", "广东省深圳市", "2024-03-15"])]


def test_xls_is_read_with_dates_and_numbers():
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, h in enumerate(["项目编号", "项目名称", "合同投资额(万元)", "签约日期"]):
        sheet.write(0, c, h)
    sheet.write(1, 0, "XM-1")
    sheet.write(1, 1, "铝加工项目")
    sheet.write(1, 2, 12345.5)
    sheet.write(1, 3, datetime(2024, 3, 15), date_style)
    out = io.BytesIO()
    book.save(out)
    table = read_table(out.getvalue(), "old.xls")
    assert table.headers == ["项目编号", "项目名称", "合同投资额(万元)", "签约日期"]
    (n, cells), = table.rows
    assert n == 2 and cells[0] == "XM-1" and money(cells[2], "万元") == 123_455_000
    assert actual_date(cells[3], date(2026, 1, 1)) == date(2024, 3, 15)


def test_text_renamed_xlsx_is_refused_with_a_message():
    with pytest.raises(FileProblem, match="内容不是 Excel"):
        read_table("项目编号,项目名称\n".encode(), "renamed.xlsx")


def test_zip_bomb_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(FileProblem, match="解压后过大"):
        read_table(out.getvalue(), "bomb.xlsx")


def test_xml_entity_expansion_is_refused():
    data = io.BytesIO(xlsx([HEADERS, *ROWS]))
    src = zipfile.ZipFile(data)
    out = io.BytesIO()
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(out, "w") as zf:
        for item in src.infolist():
            body = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            zf.writestr(item, body)
    with pytest.raises(FileProblem, match="XML 文档类型声明"):
        read_table(out.getvalue(), "entities.xlsx")


def test_rows_keep_their_excel_numbers_when_the_sheet_starts_lower_and_further_right():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C4"], ws["D4"], ws["C6"], ws["D6"] = "项目编号", "项目名称", "XM-1", "项目一"
    out = io.BytesIO()
    wb.save(out)
    table = read_table(out.getvalue(), "offset.xlsx")
    assert table.header_row == 4 and table.headers[2:] == ["项目编号", "项目名称"]
    assert table.rows == [(6, [None, None, "XM-1", "项目一"])]


def test_empty_file_and_file_without_header():
    with pytest.raises(FileProblem, match="文件是空的"):
        read_table(b"", "a.csv")
    with pytest.raises(FileProblem, match="没有找到表头"):
        read_table("甲,乙\n1,2\n".encode(), "a.csv")


# ------------------------------------------------------------------ headers

@pytest.mark.parametrize("header, field, unit", [
    ("投资方", "investor", None), ("企业名称", "investor", None), ("投资主体", "investor", None),
    ("合同投资额(亿元)", "contract_yuan", "亿元"), ("合同额（万元）", "contract_yuan", "万元"),
    ("总投资", "contract_yuan", None), ("*项目编号", "code", None), ("签约 日期", "signed_on", None),
    ("县（市、区）", "county_adcode", None), ("投资方所在地（省/市）", "origin", None),
])
def test_headers_by_synonym_with_their_unit(header, field, unit):
    col, got = catalogue.match("projects", header)
    assert (col.field, got) == (field, unit)


@pytest.mark.parametrize("headers, kind", [
    (["项目编号", "项目名称", "投资方", "签约日期"], "projects"),
    (["项目编号", "到位日期", "到位金额(万元)"], "funding"),
    (["拜访日期", "拜访对象类型", "拜访对象", "招商小组"], "visits"),
    (["考察日期", "考察企业", "接待小组"], "inspections"),
    (["区域", "年度", "合同投资额目标(亿元)"], "targets"),
    (["企业名称", "产业链环节", "阶段", "入库日期"], "leads"),
    (["甲", "乙"], None),
])
def test_detect_kind(headers, kind):
    assert detect_kind(headers) == kind


# ------------------------------------------------------------------ cells

@pytest.mark.parametrize("raw, unit, yuan", [
    ("1,234.5万元", "万元", 12_345_000), ("1.2亿元", "万元", 120_000_000), ("１２３４.５", "万元", 12_345_000),
    ("12000000元", "万元", 12_000_000), ("1.5", "亿元", 150_000_000), (1234.5, "万元", 12_345_000),
    (0.1, "亿元", 10_000_000), (3, "亿元", 300_000_000), ("0.123456785亿", "万元", 12_345_679),
    ("2,000万", "元", 20_000_000), ("  88 ", "元", 88),
])
def test_money_forms_are_exact_integer_yuan(raw, unit, yuan):
    assert money(raw, unit) == yuan


@pytest.mark.parametrize("raw, reason", [
    ("约3亿", "不是确切数字"), ("3亿左右", "不是确切数字"), ("3-5亿", "区间"), ("3~5亿元", "区间"),
    ("N/A", "不是金额"), ("-5", "不能为负数"), ("-1.2亿元", "不能为负数"), (-3.0, "不能为负数"), ("待定", "不是金额"),
])
def test_money_that_is_not_an_amount_is_a_row_error(raw, reason):
    with pytest.raises(BadValue, match=reason):
        money(raw, "万元")


TODAY = date(2026, 6, 30)


@pytest.mark.parametrize("raw", [
    "2024/3/15", "2024-03-15", "2024.3.15", "2024年3月15日", "20240315", 45366, 45366.0, "45366",
    datetime(2024, 3, 15, 0, 0), date(2024, 3, 15), "2024-03-15 00:00:00", "２０２４年３月１５日",
])
def test_date_forms(raw):
    assert actual_date(raw, TODAY) == date(2024, 3, 15)


@pytest.mark.parametrize("raw, reason", [
    ("1999-12-31", "早于2000年"), ("2026-07-01", "晚于今天"), ("2024-02-30", "日期不存在"), ("下个月", "不是日期"),
    (True, "不是日期"),
])
def test_out_of_range_or_unreadable_dates(raw, reason):
    with pytest.raises(BadValue, match=reason):
        actual_date(raw, TODAY)


def test_planned_dates_may_lie_ahead_within_a_horizon():
    assert planned_date("2030-01-01", TODAY) == date(2030, 1, 1)
    with pytest.raises(BadValue, match="今后10年"):
        planned_date("2040-01-01", TODAY)


def test_yes_no():
    assert [yes_no(v) for v in ("是", "否", "Y", "0", True)] == [True, False, True, False, True]
    with pytest.raises(BadValue):
        yes_no("也许")
