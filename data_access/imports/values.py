"""Reading one cell: text, money, dates, counts and yes/no, as users type them.

Each parser takes the raw cell (str from CSV; str, int, float, datetime or bool from a
workbook) and returns the value or raises BadValue with a Chinese reason. Money is computed
with Decimal from the text (a float cell by its shortest repr), so 1,234.5万元 is exactly
12 345 000 yuan and nothing drifts.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .catalogue import UNITS

EARLIEST = date(2000, 1, 1)
PLANNED_YEARS = 10            # planned dates may lie this many years ahead
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 2_958_465  # 1900-01-01 … 9999-12-31


class BadValue(ValueError):
    """A cell the column cannot take; the message is the reason shown to the user."""


def text(raw) -> str | None:
    """The cell as clean text (half-width, trimmed), None when empty. 12345.0 reads as 12345."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date() if raw.time() == datetime.min.time() else raw
    if isinstance(raw, date):
        return raw.isoformat()
    out = unicodedata.normalize("NFKC", str(raw)).strip()
    out = re.sub(r"[\r\n\t]+", " ", out)
    return out or None


def raw_text(raw) -> str:
    """The cell as the user typed it, for the error list."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    return str(raw)


# ------------------------------------------------------------------ money

_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(亿元|亿|万元|万|元)?$")
_VAGUE = re.compile(r"^(约|大约|近|超|逾|超过|不少于|不低于|预计)|(左右|多|余|以上|以下)(亿元|亿|万元|万|元)?$")
_RANGE = re.compile(r"^\d+(?:\.\d+)?(亿元|亿|万元|万|元)?(-|~|至|到|—|–)\d")


def money(raw, unit: str) -> int:
    """Integer yuan from a cell; `unit` applies when the cell names none (the header's or the column's)."""
    if isinstance(raw, bool):
        raise BadValue("不是金额")
    if isinstance(raw, (int, float, Decimal)):
        try:
            amount = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except InvalidOperation:
            raise BadValue("不是金额") from None
        if not amount.is_finite():
            raise BadValue("不是金额")
        cell_unit = None
    else:
        s = text(raw) or ""
        s = s.replace(",", "").replace(" ", "").replace("人民币", "").replace("RMB", "")
        if s.startswith("-") and _NUMBER.match(s[1:]):
            raise BadValue("金额不能为负数")
        if _VAGUE.search(s):
            raise BadValue("金额不是确切数字，请填写确切金额")
        if _RANGE.match(s):
            raise BadValue("金额是一个区间，请填写确切金额")
        m = _NUMBER.match(s)
        if not m:
            raise BadValue("不是金额（应为数字，可带单位 元、万元、亿元）")
        amount, cell_unit = Decimal(m.group(1)), m.group(2)
    if amount < 0:
        raise BadValue("金额不能为负数")
    yuan = (amount * UNITS[cell_unit or unit]).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if yuan >= 10 ** 17:
        raise BadValue("金额过大")
    return int(yuan)


# ------------------------------------------------------------------ dates

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _serial(n: float) -> date:
    if not (_SERIAL_MIN <= n <= _SERIAL_MAX):
        raise BadValue("不是日期")
    return _EXCEL_EPOCH + timedelta(days=int(n))


def a_date(raw) -> date:
    """A date from a date cell, an Excel serial number or text (2024/3/15, 2024-03-15, 2024.3.15,
    2024年3月15日, 20240315)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise BadValue("不是日期")
    if isinstance(raw, (int, float)):
        return _serial(raw)
    s = text(raw) or ""
    m = _DATE.match(s) or _COMPACT.match(s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise BadValue("日期不存在") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return _serial(float(s))
    raise BadValue("不是日期（可写作 2024-03-15、2024/3/15、2024.3.15 或 2024年3月15日）")


def actual_date(raw, today: date) -> date:
    d = a_date(raw)
    if d < EARLIEST:
        raise BadValue("日期早于2000年")
    if d > today:
        raise BadValue("日期晚于今天")
    return d


def planned_date(raw, today: date) -> date:
    d = a_date(raw)
    if d < EARLIEST:
        raise BadValue("日期早于2000年")
    if d > today.replace(year=today.year + PLANNED_YEARS, day=min(today.day, 28)):
        raise BadValue(f"计划日期晚于今后{PLANNED_YEARS}年")
    return d


# ------------------------------------------------------------------ counts and yes / no

def count(raw) -> int:
    if isinstance(raw, bool):
        raise BadValue("不是整数")
    s = (text(raw) or "").replace(",", "")
    s = re.sub(r"(个|人|项|家)$", "", s)
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise BadValue("不是整数") from None
    if value < 0:
        raise BadValue("不能为负数")
    if value != value.to_integral_value():
        raise BadValue("不是整数")
    if value >= 2 ** 31:
        raise BadValue("数值过大")
    return int(value)


def year(raw) -> int:
    s = (text(raw) or "").removesuffix("年度").removesuffix("年")
    try:
        value = count(s)
    except BadValue:
        raise BadValue("不是年份") from None
    if not 2000 <= value <= 2100:
        raise BadValue("年份应在2000至2100之间")
    return value


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "工业", "工业项目"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "非工业", "不是"}


def yes_no(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    s = (text(raw) or "").lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise BadValue("应填 是 或 否")
