"""Reading a file into a header and rows: .xlsx, .xls and .csv (UTF-8, UTF-8 with BOM, GB18030).

The format is told by the bytes, not the name (a text file renamed .xlsx is refused with a
message). The header row is the first of the top rows that names enough known columns, so a
title row above it is skipped; a second header row under merged cells (投资方 over 名称 and
所在地) is folded into the first. Every problem with the file as a whole raises FileProblem
with a Chinese message; nothing here knows a kind's columns beyond the catalogue's names.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from .catalogue import known_header
from .values import BadValue, a_date, text

HEADER_SCAN_ROWS = 30
MIN_KNOWN_HEADERS = 2
MAX_UNPACKED_BYTES = 100 * 1024 * 1024   # a zip bomb unpacks far beyond this
MAX_ZIP_ENTRIES = 10_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCODING_MESSAGE = "文件编码无法识别：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」或直接上传 .xlsx 文件"


class FileProblem(ValueError):
    """The file cannot be read as a table; the message says why, in Chinese."""


@dataclass
class Table:
    sheet: str | None
    header_row: int                    # the Excel row number of the (last) header row
    headers: list[str | None]          # one per column, merged header rows folded in
    rows: list[tuple[int, list]]       # (Excel row number, cells) of every non-empty row below


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    if not data or not data.strip():
        raise FileProblem("文件是空的")
    name = (file_name or "").lower()
    if data.startswith(ZIP_MAGIC):
        raw, used = _xlsx_rows(data, sheet)
    elif data.startswith(OLE_MAGIC):
        raw, used = _xls_rows(data, sheet)
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileProblem("文件扩展名是 Excel，但内容不是 Excel 工作簿（可能是改了扩展名的文本文件）：请上传 Excel 另存的 .xlsx 或 .csv 文件")
    else:
        raw, used = _csv_rows(data), None
    return _tabulate(raw, used)


# ------------------------------------------------------------------ formats

def _xlsx_rows(data: bytes, sheet: str | None):
    """Rows of a workbook, checked first as a zip: a bomb (far more unpacked than packed) and
    XML with a document type (the entity-expansion trick) are refused before parsing. Read by
    python-calamine (about 15x faster than openpyxl: 100k rows in well under a second); a file it
    cannot read gets a second chance with openpyxl."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise FileProblem("文件解压后过大（超过 100 MB），已拒绝")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as fh:
                        if b"<!DOCTYPE" in fh.read(4096).upper():
                            raise FileProblem("文件含有 XML 文档类型声明（可能是实体扩展攻击），已拒绝")
    except zipfile.BadZipFile:
        raise FileProblem("文件不是有效的 Excel（.xlsx）工作簿，可能已损坏") from None
    try:
        return _calamine_rows(data, sheet)
    except FileProblem as exc:
        if "工作表" in str(exc):
            raise
    return _openpyxl_rows(data, sheet)


def _openpyxl_rows(data: bytes, sheet: str | None):
    import openpyxl  # defusedxml, when installed, makes openpyxl refuse XML entity tricks

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or hostile file
        raise FileProblem(f"无法读取 Excel 文件（{type(exc).__name__}）：请在 Excel 中打开并另存为 .xlsx 后重试") from None
    try:
        ws = _pick(wb.sheetnames, sheet, lambda n: wb[n])
        ws.reset_dimensions()  # some exporters write a wrong sheet size; read what is there
        rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem(f"无法读取 Excel 文件（{type(exc).__name__}）") from None
    finally:
        wb.close()
    return rows, ws.title


def _xls_rows(data: bytes, sheet: str | None):
    try:
        return _calamine_rows(data, sheet)
    except FileProblem as exc:
        if "工作表" in str(exc):
            raise
        raise FileProblem("无法读取 Excel 97-2003（.xls）文件：请另存为 .xlsx 后重试") from None


def _calamine_rows(data: bytes, sheet: str | None):
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        ws = _pick(wb.sheet_names, sheet, wb.get_sheet_by_name)
        rows = ws.to_python(skip_empty_area=False)
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem(f"无法读取 Excel 文件（{type(exc).__name__}）") from None
    # calamine reads an empty cell as ''; make it None as openpyxl does.
    return [[None if c == "" else c for c in r] for r in rows], ws.name


def _pick(names: list[str], wanted: str | None, get):
    if not names:
        raise FileProblem("工作簿中没有工作表")
    if wanted is None:
        return get(names[0])
    if wanted not in names:
        raise FileProblem(f"没有名为「{wanted}」的工作表（有：{'、'.join(names)}）")
    return get(wanted)


def decode(data: bytes) -> str:
    """Text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 'Unicode text'),
    then GB18030 (a superset of GBK, Chinese Excel's default); anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblem(ENCODING_MESSAGE) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            out = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 maps nearly every byte pair somewhere; control characters mean it guessed wrong.
        if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in out) or "\ufffd" in out:
            raise FileProblem(ENCODING_MESSAGE)
        return out
    raise FileProblem(ENCODING_MESSAGE)


def _csv_rows(data: bytes) -> list[list]:
    content = decode(data)
    sample = content[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        return [list(r) for r in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise FileProblem(f"CSV 格式有误：{exc}") from None


# ------------------------------------------------------------------ the header

def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _looks_like_header(cell) -> bool:
    return isinstance(cell, str) and not _blank(cell) and text(cell) is not None and not _numeric(cell)


def _numeric(cell) -> bool:
    if isinstance(cell, (int, float, date, datetime)):
        return True
    try:
        a_date(cell)
        return True
    except BadValue:
        pass
    s = (text(cell) or "").replace(",", "").replace(".", "").replace("-", "").replace("/", "")
    return s.isdigit()


def _tabulate(raw: list[list], sheet: str | None) -> Table:
    top = raw[:HEADER_SCAN_ROWS]
    header_at = None
    for i, row in enumerate(top):
        if sum(1 for c in row if isinstance(c, str) and known_header(c)) >= MIN_KNOWN_HEADERS:
            header_at = i
            break
    if header_at is None:
        if not any(any(not _blank(c) for c in r) for r in raw):
            raise FileProblem("文件是空的")
        raise FileProblem(f"在前 {HEADER_SCAN_ROWS} 行中没有找到表头：请确认第一张工作表（或所选工作表）"
                          f"含有「项目编号」「项目名称」等列名，可下载模板对照")
    header = list(raw[header_at])
    width = max((len(r) for r in raw), default=0)
    header += [None] * (width - len(header))
    last = header_at
    below = raw[header_at + 1] if header_at + 1 < len(raw) else []
    if _is_sub_header(header, below):
        header = _fold(header, list(below) + [None] * (width - len(below)))
        last = header_at + 1
    rows = []
    for i in range(last + 1, len(raw)):
        cells = list(raw[i]) + [None] * (width - len(raw[i]))
        if any(not _blank(c) for c in cells):
            rows.append((i + 1, cells))
    headers = [text(h) if not _blank(h) else None for h in header]
    return Table(sheet=sheet, header_row=last + 1, headers=headers, rows=rows)


def _is_sub_header(header: list, below: list) -> bool:
    """A second header row: all text, no numbers or dates, and either known column names or
    labels under cells that a horizontal merge left empty."""
    cells = [c for c in below if not _blank(c)]
    if not cells or not all(_looks_like_header(c) for c in cells):
        return False
    if sum(1 for c in cells if known_header(c)) >= 2:
        return True
    return any(not _blank(c) and i < len(header) and _blank(header[i]) for i, c in enumerate(below))


def _fold(header: list, sub: list) -> list:
    """One name per column from two header rows: the sub-header when it is a known column name,
    else the merged parent and the sub-header together (投资方 + 所在地), else the parent."""
    out, parent = [], None
    for top, low in zip(header, sub):
        if not _blank(top):
            parent = top
        elif _blank(low):
            parent = None
        if _blank(low):
            out.append(top)
            continue
        low_text = text(low)
        candidates = ([f"{text(parent)}{low_text}"] if parent is not None else []) + [low_text]
        chosen = next((c for c in candidates if known_header(c)), None)
        if chosen is None and parent is not None and known_header(parent) and low_text in ("名称", "金额", "日期"):
            chosen = text(parent)
        out.append(chosen or (f"{text(parent)}{low_text}" if parent is not None else low_text))
    return out
