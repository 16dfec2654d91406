"""A project list's column filters in its URL: one canonical encoding, built and parsed here.

The grid's filters (AG Grid's filter model) are part of the list's state, so a filtered list can
be linked, put in a playlist and exported. Each column has its own query key, written in one
form only:

    c_name, c_investor, c_park, c_unit            text the column contains        c_name=茅台
    c_county, c_industry, c_link, c_channel,      any of these values, sorted,     c_county=习水县,仁怀市
    c_status                                      comma-separated
    c_contract, c_funds                           亿元 as shown, bounds included:  c_contract=1.5~10, 1.5~, ~10,
                                                  or one value (equal as shown)    c_contract=3
    c_signed, c_started, c_production             days, bounds included            c_signed=2025-01-01~2025-06-30

The grid's filter model is read here too (the server checks each request's own), and the model
that draws a URL's filters in the grid is written here: nothing in the browser builds either.
A value that does not parse is dropped with a notice in Chinese, never an error.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

from data_access.project_list import (
    CONTAINS_COLUMNS, DATE_COLUMNS, NUMBER_COLUMNS, SET_COLUMNS, ColumnFilter,
)

from .routes import LIST_COLUMN_KEYS

# column → query key (urls/routes.py lists the keys), in the order links write them.
KEYS = dict(zip(("name", "investor", "park", "unit", "county", "industry", "link", "channel", "status", "contract",
                 "funds", "signed_on", "started_on", "production_on"), LIST_COLUMN_KEYS, strict=True))
QUERY_KEYS = tuple(KEYS.values())
LABELS = {"name": "项目名称", "investor": "投资方", "park": "园区", "unit": "责任单位", "county": "县(市、区)",
          "industry": "行业", "link": "产业链环节", "channel": "招商方式", "status": "项目状态",
          "contract": "合同投资额", "funds": "到位资金", "signed_on": "签约日期", "started_on": "开工日期",
          "production_on": "投产日期"}
MAX_TEXT = 50
MAX_VALUES = 20
MAX_NUMBER = 1e7          # 亿元: ten thousand times the largest contract there is
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
SEP, RANGE = ",", "~"


class BadFilter(ValueError):
    """A filter value that does not parse (the message is for the page, in Chinese)."""


# ------------------------------------------------------------------ values

def _number(text) -> float:
    if isinstance(text, bool):
        raise BadFilter("不是数字")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise BadFilter("不是数字") from None
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
        raise BadFilter("数值超出范围")
    return round(value, 4)


def _day(text) -> date:
    try:
        value = date.fromisoformat(str(text)[:10])
    except (TypeError, ValueError):
        raise BadFilter("不是日期（应为 YYYY-MM-DD）") from None
    if not EARLIEST <= value <= LATEST:
        raise BadFilter("日期超出范围")
    return value


def _fmt_number(value: float) -> str:
    return ("%.4f" % value).rstrip("0").rstrip(".")


def _fmt(value) -> str:
    return value.isoformat() if isinstance(value, date) else _fmt_number(value)


def _bounded(column: str, low, high) -> ColumnFilter:
    if low is None and high is None:
        raise BadFilter("范围为空")
    if low is not None and high is not None and low > high:
        raise BadFilter("下限大于上限")
    return ColumnFilter(column, "range", low, high)


def _text(value) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_TEXT:
        raise BadFilter(f"文字应为1–{MAX_TEXT}个字")
    return value.strip()


# ------------------------------------------------------------------ the URL

def parse(query: dict) -> tuple[tuple[ColumnFilter, ...], tuple[str, ...]]:
    """The column filters of a list's query, and notices for the values dropped."""
    out, problems = [], []
    for column, key in KEYS.items():
        raw = query.get(key)
        if raw in (None, ""):
            continue
        try:
            out.append(_parse_one(column, str(raw)))
        except BadFilter as exc:
            problems.append(f"列筛选“{LABELS[column]}”的值“{str(raw)[:20]}”无效（{exc}），已忽略")
    return tuple(out), tuple(problems)


def _parse_one(column: str, raw: str) -> ColumnFilter:
    if column in CONTAINS_COLUMNS:
        return ColumnFilter(column, "contains", _text(raw))
    if column in SET_COLUMNS:
        values = tuple(sorted({_text(v) for v in raw.split(SEP) if v.strip()}))
        if not values or len(values) > MAX_VALUES:
            raise BadFilter(f"应为1–{MAX_VALUES}个值")
        return ColumnFilter(column, "in", values)
    read = _number if column in NUMBER_COLUMNS else _day
    if RANGE not in raw:
        return ColumnFilter(column, "equals", read(raw))
    low, _, high = raw.partition(RANGE)
    return _bounded(column, read(low) if low else None, read(high) if high else None)


def query(filters: tuple[ColumnFilter, ...]) -> dict[str, str]:
    """The query keys of column filters, in canonical form (a column's later filter wins)."""
    out = {}
    for f in filters:
        if f.op == "contains":
            out[KEYS[f.column]] = f.value
        elif f.op == "in":
            out[KEYS[f.column]] = SEP.join(sorted(f.value))
        elif f.op == "equals":
            out[KEYS[f.column]] = _fmt(f.value)
        else:
            out[KEYS[f.column]] = RANGE.join("" if v is None else _fmt(v) for v in (f.value, f.value_to))
    return out


def canonical(filters: tuple[ColumnFilter, ...]) -> tuple[ColumnFilter, ...]:
    """Filters in column order, one per column: what the URL's keys give back."""
    return parse(query(filters))[0]


def words(filters: tuple[ColumnFilter, ...]) -> str:
    """The filters in words, for a heading or an export's header: 项目名称含“茅台”；合同投资额 1.5–10 亿元."""
    parts = []
    for f in filters:
        label = LABELS[f.column]
        unit = " 亿元" if f.column in NUMBER_COLUMNS else ""
        low, high = ("不早于", "不晚于") if f.column in DATE_COLUMNS else ("不低于", "不超过")
        if f.op == "contains":
            parts.append(f"{label}含“{f.value}”")
        elif f.op == "in":
            parts.append(f"{label}为{'、'.join(f.value)}")
        elif f.op == "equals":
            parts.append(f"{label}为 {_fmt(f.value)}{unit}")
        elif f.value is None:
            parts.append(f"{label}{high} {_fmt(f.value_to)}{unit}")
        elif f.value_to is None:
            parts.append(f"{label}{low} {_fmt(f.value)}{unit}")
        else:
            parts.append(f"{label} {_fmt(f.value)}–{_fmt(f.value_to)}{unit}")
    return "；".join(parts)


# ------------------------------------------------------------------ the grid's filter model

def _stamp(day: date) -> str:
    return f"{day.isoformat()} 00:00:00"


def grid_model(filters: tuple[ColumnFilter, ...]) -> dict:
    """The AG Grid filter model that shows these filters (the grid's initial state)."""
    model = {}
    for f in filters:
        if f.op == "contains":
            model[f.column] = {"filterType": "text", "type": "contains", "filter": f.value}
        elif f.op == "in":
            conds = [{"filterType": "text", "type": "equals", "filter": v} for v in f.value]
            model[f.column] = conds[0] if len(conds) == 1 else {"filterType": "text", "operator": "OR",
                                                                 "conditions": conds}
        elif f.column in NUMBER_COLUMNS:
            if f.op == "equals":
                model[f.column] = {"filterType": "number", "type": "equals", "filter": f.value}
            elif f.value is not None and f.value_to is not None:
                model[f.column] = {"filterType": "number", "type": "inRange", "filter": f.value,
                                   "filterTo": f.value_to}
            elif f.value is not None:
                model[f.column] = {"filterType": "number", "type": "greaterThanOrEqual", "filter": f.value}
            else:
                model[f.column] = {"filterType": "number", "type": "lessThanOrEqual", "filter": f.value_to}
        else:
            # AG Grid's date filter has no "on or after": a bound included is the day next to it excluded.
            if f.op == "equals":
                model[f.column] = {"filterType": "date", "type": "equals", "dateFrom": _stamp(f.value),
                                   "dateTo": None}
            elif f.value is not None and f.value_to is not None:
                model[f.column] = {"filterType": "date", "type": "inRange", "dateFrom": _stamp(f.value),
                                   "dateTo": _stamp(f.value_to)}
            elif f.value is not None:
                model[f.column] = {"filterType": "date", "type": "greaterThan",
                                   "dateFrom": _stamp(f.value - timedelta(days=1)), "dateTo": None}
            else:
                model[f.column] = {"filterType": "date", "type": "lessThan",
                                   "dateFrom": _stamp(f.value_to + timedelta(days=1)), "dateTo": None}
    return model


def from_grid(model) -> tuple[ColumnFilter, ...]:
    """The filters of a grid request's filter model; BadFilter for anything the grid does not send."""
    if not model:
        return ()
    if not isinstance(model, dict) or len(model) > len(KEYS):
        raise BadFilter("筛选条件无效")
    out = []
    for column, spec in sorted(model.items(), key=lambda kv: list(KEYS).index(kv[0]) if kv[0] in KEYS else -1):
        if column not in KEYS or not isinstance(spec, dict):
            raise BadFilter(f"不能按“{str(column)[:20]}”筛选")
        out.append(_from_grid_one(column, spec))
    return tuple(out)


def _from_grid_one(column: str, spec: dict) -> ColumnFilter:
    if column in SET_COLUMNS:
        conds = spec.get("conditions") if "conditions" in spec else [spec]
        if not isinstance(conds, list) or not 0 < len(conds) <= MAX_VALUES or \
                (len(conds) > 1 and spec.get("operator") != "OR"):
            raise BadFilter(f"“{LABELS[column]}”的多个值只能用“或”连接")
        values = []
        for c in conds:
            if not isinstance(c, dict) or c.get("type") != "equals":
                raise BadFilter(f"“{LABELS[column]}”只能按“等于”筛选")
            values.append(_text(c.get("filter")))
        return ColumnFilter(column, "in", tuple(sorted(set(values))))
    if "conditions" in spec:
        raise BadFilter(f"“{LABELS[column]}”只能有一个条件")
    op = spec.get("type")
    if column in CONTAINS_COLUMNS:
        if op != "contains":
            raise BadFilter(f"“{LABELS[column]}”只能按“包含”筛选")
        return ColumnFilter(column, "contains", _text(spec.get("filter")))
    if column in NUMBER_COLUMNS:
        value = _number(spec.get("filter"))
        if op == "equals":
            return ColumnFilter(column, "equals", value)
        if op == "greaterThanOrEqual":
            return _bounded(column, value, None)
        if op == "lessThanOrEqual":
            return _bounded(column, None, value)
        if op == "inRange":
            return _bounded(column, value, _number(spec.get("filterTo")))
        raise BadFilter("不支持的筛选条件")
    day = _day(spec.get("dateFrom"))
    if op == "equals":
        return ColumnFilter(column, "equals", day)
    if op == "greaterThan":
        return _bounded(column, day + timedelta(days=1), None)
    if op == "lessThan":
        return _bounded(column, None, day - timedelta(days=1))
    if op == "inRange":
        return _bounded(column, day, _day(spec.get("dateTo")))
    raise BadFilter("不支持的筛选条件")
