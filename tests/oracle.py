"""Expected figures of the cockpit, written from the definitions in plain SQL (the test oracle).

Nothing here comes from data_access but two constants: the province's adcode and the order of
the source regions. Each function takes an engine, a region (None = the province 520000, a city
or a county adcode) and the filters (any object with date_from, date_to, channel, industry and
origin: data_access.scope.Filters will do), and returns a dict or a small DataFrame. The SQL is
deliberately naive (one pass per figure, joins rather than rollups); day and month arithmetic
happens in Python, so that the same statements run on SQLite and PostgreSQL.

Definitions (README, domain.md §5-6):

as_of
    min(date_to, data cut-off); the cut-off is dataset_info 'data_cutoff', else the latest signing.
projects of the period
    signed between date_from (unbounded when None) and as_of, active as of as_of
    (terminated_on IS NULL OR terminated_on > as_of), in the region, matching the filters:
    channel = project.channel, industry = project.industry_code, origin: project.origin_city or
    project.origin_province among the spellings of the place (深圳, 深圳市, 深圳省, 深圳特别行政区).
started / producing
    started_on <= as_of / production_on <= as_of (cumulative: producing projects are started).
funds_in_period_yuan (到位资金)
    funding received in [date_from, as_of] for the region's projects active as of as_of, signed
    at any time up to as_of, matching channel / industry / origin.
funds_to_date_yuan (资金到位率's numerator)
    funding received up to as_of for the projects of the period.
stalled (签约未开工)
    projects of the period not started as of as_of; yellow: 90 < days since signing <= 180,
    red: > 180 days.
activity
    visits (kind enterprise / association) and inspections in [date_from, as_of], by their own
    region columns and channel; origin on the visit's location, on the inspected enterprise's
    origin; the industry filter does not apply.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import Date, Engine, bindparam, text

from data_access.vocab import PROVINCE_ADCODE, SOURCE_REGIONS

YELLOW_DAYS, RED_DAYS = 90, 180  # 签约未开工 beyond 3 months yellow, beyond 6 months red (domain.md §6)
TOTALS = ("projects", "contract_yuan", "started", "producing", "started_contract_yuan",
          "producing_contract_yuan", "in_park", "quality")
MAP = ("projects", "contract_yuan", "started", "producing", "funds_yuan")


# ------------------------------------------------------------------ plumbing

def rows(conn, sql: str, **params) -> list[dict]:
    """Run a text() statement; date parameters are bound as dates on either backend."""
    stmt = text(sql).bindparams(*[bindparam(k, type_=Date()) for k, v in params.items() if isinstance(v, date)])
    return [dict(r) for r in conn.execute(stmt, params).mappings().all()]


def day(value) -> date:
    """A DATE column read through text(): a date on PostgreSQL, an ISO string on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def ym(d: date) -> int:
    return d.year * 100 + d.month


def months(first: int, last: int) -> list[int]:
    out, y, m = [], first // 100, first % 100
    while y * 100 + m <= last:
        out.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def origin_spellings(origin: str) -> list[str]:
    bare = origin.strip()
    for suffix in ("特别行政区", "市", "省"):
        bare = bare.removesuffix(suffix)
    return sorted({bare, bare + "市", bare + "省", bare + "特别行政区"})


@dataclass(frozen=True)
class Period:
    """A region and filters resolved against the database: what every figure is read for."""

    adcode: int
    level: str                 # province | city | county
    city: int | None           # the city of a county (its parent), the city itself for a city
    date_from: date | None
    as_of: date
    channel: str | None
    industry: str | None
    origin: str | None


def cutoff(conn) -> date:
    value = conn.execute(text("SELECT value FROM dataset_info WHERE key = 'data_cutoff'")).scalar()
    if value:
        return date.fromisoformat(value)
    return day(conn.execute(text("SELECT MAX(signed_on) FROM project")).scalar())


def period(conn, adcode: int | None, filters) -> Period:
    code = PROVINCE_ADCODE if adcode is None else int(adcode)
    region = rows(conn, "SELECT level, parent_adcode FROM region WHERE adcode = :a", a=code)
    assert region, f"no region {code}"
    level = region[0]["level"]
    city = code if level == "city" else region[0]["parent_adcode"] if level == "county" else None
    end = cutoff(conn)
    as_of = min(filters.date_to, end) if filters.date_to else end
    return Period(code, level, city, filters.date_from, as_of, filters.channel, filters.industry, filters.origin)


def as_of(engine: Engine, filters) -> date:
    with engine.connect() as conn:
        end = cutoff(conn)
    return min(filters.date_to, end) if filters.date_to else end


def region_sql(p: Period, city_col: str, county_col: str) -> tuple[str, dict]:
    if p.level == "province":
        return "1 = 1", {}
    if p.level == "city":
        return f"{city_col} = :region", {"region": p.adcode}
    return f"{county_col} = :region", {"region": p.adcode}


def origin_sql(names_of: str, city_col: str, province_col: str, origin: str) -> tuple[str, dict]:
    names = origin_spellings(origin)
    params = {f"{names_of}{i}": n for i, n in enumerate(names)}
    in_list = ", ".join(f":{k}" for k in params)
    return f"({city_col} IN ({in_list}) OR {province_col} IN ({in_list}))", params


def projects_sql(p: Period, *, of_period: bool = True) -> tuple[str, dict]:
    """WHERE of the projects on `project p`: of the period, or (of_period=False) signed any time
    up to as_of (the projects whose money counts as 到位资金 in the period)."""
    where, params = region_sql(p, "p.city_adcode", "p.county_adcode")
    conds = [where, "(p.terminated_on IS NULL OR p.terminated_on > :as_of)", "p.signed_on <= :as_of"]
    params["as_of"] = p.as_of
    if of_period and p.date_from:
        conds.append("p.signed_on >= :date_from")
        params["date_from"] = p.date_from
    if p.channel:
        conds.append("p.channel = :channel")
        params["channel"] = p.channel
    if p.industry:
        conds.append("p.industry_code = :industry")
        params["industry"] = p.industry
    if p.origin:
        sql, more = origin_sql("origin", "p.origin_city", "p.origin_province", p.origin)
        conds.append(sql)
        params |= more
    return " AND ".join(conds), params


def received_sql(p: Period, col: str = "f.received_on") -> tuple[str, dict]:
    conds, params = [f"{col} <= :as_of"], {"as_of": p.as_of}
    if p.date_from:
        conds.append(f"{col} >= :date_from")
        params["date_from"] = p.date_from
    return " AND ".join(conds), params


STAT_SQL = """
    COUNT(*) AS projects,
    COALESCE(SUM(p.contract_yuan), 0) AS contract_yuan,
    COALESCE(SUM(CASE WHEN p.started_on <= :as_of THEN 1 ELSE 0 END), 0) AS started,
    COALESCE(SUM(CASE WHEN p.production_on <= :as_of THEN 1 ELSE 0 END), 0) AS producing,
    COALESCE(SUM(CASE WHEN p.started_on <= :as_of THEN p.contract_yuan ELSE 0 END), 0) AS started_contract_yuan,
    COALESCE(SUM(CASE WHEN p.production_on <= :as_of THEN p.contract_yuan ELSE 0 END), 0)
        AS producing_contract_yuan,
    COALESCE(SUM(CASE WHEN p.park_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS in_park,
    COALESCE(SUM(CASE WHEN p.quality_tags > 0 THEN 1 ELSE 0 END), 0) AS quality"""


def _ints(row: dict) -> dict:
    return {k: int(v or 0) for k, v in row.items()}


# ------------------------------------------------------------------ the figures

def totals(engine: Engine, adcode: int | None, filters) -> dict[str, int]:
    """The headline figures: TOTALS of the period's projects, funds_in_period_yuan, funds_to_date_yuan."""
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        where, params = projects_sql(p)
        out = _ints(rows(conn, f"SELECT {STAT_SQL} FROM project p WHERE {where}", **params)[0])
        out["funds_in_period_yuan"] = _funds_in_period(conn, p).get(None, 0)
        out["funds_to_date_yuan"] = int(rows(conn, f"""
            SELECT COALESCE(SUM(f.amount_yuan), 0) AS v FROM funding f JOIN project p ON p.id = f.project_id
            WHERE {where} AND f.received_on <= :as_of""", **params)[0]["v"])
    return out


def _funds_in_period(conn, p: Period, key: str | None = None) -> dict:
    """到位资金 in the period, summed per `key` (an expression on project p / funding f), or in all (None)."""
    where, params = projects_sql(p, of_period=False)
    received, more = received_sql(p)
    select_key = f"{key} AS k," if key else "NULL AS k,"
    group = f"GROUP BY {key}" if key else ""
    got = rows(conn, f"""
        SELECT {select_key} COALESCE(SUM(f.amount_yuan), 0) AS v
        FROM funding f JOIN project p ON p.id = f.project_id
        WHERE {where} AND {received} {group}""", **(params | more))
    return {r["k"]: int(r["v"]) for r in got}


def by_region(engine: Engine, adcode: int | None, filters) -> pd.DataFrame:
    """The map: the province per city, a city per county, a county among every county of its city.

    Columns adcode + MAP (funds_yuan = 到位资金 in the period), every region listed in sort_order.
    """
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        if p.level == "province":
            members = rows(conn, "SELECT adcode FROM region WHERE level = 'city' ORDER BY sort_order")
            key = "p.city_adcode"
        else:
            members = rows(conn, "SELECT adcode FROM region WHERE parent_adcode = :c ORDER BY sort_order", c=p.city)
            key = "p.county_adcode"
            p = replace(p, adcode=p.city, level="city")  # a county is seen among its neighbours
        where, params = projects_sql(p)
        stats = {r["k"]: r for r in rows(conn, f"""
            SELECT {key} AS k, COUNT(*) AS projects, COALESCE(SUM(p.contract_yuan), 0) AS contract_yuan,
                   COALESCE(SUM(CASE WHEN p.started_on <= :as_of THEN 1 ELSE 0 END), 0) AS started,
                   COALESCE(SUM(CASE WHEN p.production_on <= :as_of THEN 1 ELSE 0 END), 0) AS producing
            FROM project p WHERE {where} GROUP BY {key}""", **params)}
        funds = _funds_in_period(conn, p, key)
    data = []
    for m in members:
        a = int(m["adcode"])
        s = stats.get(a, {})
        data.append((a, *(int(s.get(c, 0)) for c in MAP[:-1]), funds.get(a, 0)))
    assert sum(s["projects"] for s in stats.values()) == sum(r[1] for r in data), "projects outside the regions"
    return pd.DataFrame(data, columns=["adcode", *MAP]).astype("int64")


def _pairs(conn, p: Period, column: str) -> dict:
    where, params = projects_sql(p)
    return {r["k"]: (int(r["n"]), int(r["c"])) for r in rows(conn, f"""
        SELECT {column} AS k, COUNT(*) AS n, COALESCE(SUM(p.contract_yuan), 0) AS c
        FROM project p WHERE {where} GROUP BY {column}""", **params)}


def by_industry(engine: Engine, adcode: int | None, filters) -> pd.DataFrame:
    """Every industry of table industry in sort_order, zeros included: code, projects, contract_yuan."""
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        codes = [r["code"] for r in rows(conn, "SELECT code FROM industry ORDER BY sort_order")]
        got = _pairs(conn, p, "p.industry_code")
    frame = pd.DataFrame([(c, *got.get(c, (0, 0))) for c in codes], columns=["code", "projects", "contract_yuan"])
    return frame.astype({"projects": "int64", "contract_yuan": "int64"})


def by_source(engine: Engine, adcode: int | None, filters) -> pd.DataFrame:
    """Per source region in SOURCE_REGIONS order: source_region, projects, contract_yuan."""
    with engine.connect() as conn:
        got = _pairs(conn, period(conn, adcode, filters), "p.source_region")
    frame = pd.DataFrame([(s, *got.get(s, (0, 0))) for s in SOURCE_REGIONS],
                         columns=["source_region", "projects", "contract_yuan"])
    return frame.astype({"projects": "int64", "contract_yuan": "int64"})


def monthly(engine: Engine, adcode: int | None, filters) -> pd.DataFrame:
    """Per month from date_from's (unbounded: the first with data) to as_of's: ym (YYYYMM),
    month ('YYYY-MM'), contract_yuan signed by the period's projects, funds_yuan (到位资金)."""
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        where, params = projects_sql(p)
        signed_days = rows(conn, f"""
            SELECT p.signed_on AS d, SUM(p.contract_yuan) AS v FROM project p WHERE {where}
            GROUP BY p.signed_on""", **params)
        funds_days = _funds_in_period(conn, p, "f.received_on")
    signed: dict[int, int] = {}
    for r in signed_days:
        signed[ym(day(r["d"]))] = signed.get(ym(day(r["d"])), 0) + int(r["v"])
    funds: dict[int, int] = {}
    for d, v in funds_days.items():
        funds[ym(day(d))] = funds.get(ym(day(d)), 0) + v
    if p.date_from:
        first = ym(p.date_from)
    else:
        first = min([*signed, *funds], default=ym(p.as_of))
    span = months(first, ym(p.as_of))
    assert set(signed) | set(funds) <= set(span), "money outside the period's months"
    return pd.DataFrame({
        "ym": span,
        "month": [f"{m // 100}-{m % 100:02d}" for m in span],
        "contract_yuan": [signed.get(m, 0) for m in span],
        "funds_yuan": [funds.get(m, 0) for m in span],
    }).astype({"ym": "int64", "contract_yuan": "int64", "funds_yuan": "int64"})


def activity(engine: Engine, adcode: int | None, filters) -> dict[str, int]:
    """enterprise_visits, association_visits, inspections in [date_from, as_of]."""
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        out = {}
        for table, alias, on, origin_cols, join in (
            ("visit", "v", "v.visited_on", ("v.location_city", "v.location_province"), ""),
            ("inspection", "i", "i.inspected_on", ("e.origin_city", "e.origin_province"),
             "JOIN enterprise e ON e.id = i.enterprise_id"),
        ):
            where, params = region_sql(p, f"{alias}.city_adcode", f"{alias}.county_adcode")
            received, more = received_sql(p, on)
            conds = [where, received]
            if p.channel:
                conds.append(f"{alias}.channel = :channel")
                params["channel"] = p.channel
            if p.origin:
                sql, names = origin_sql("origin", *origin_cols, p.origin)
                conds.append(sql)
                params |= names
            counts = (
                "COALESCE(SUM(CASE WHEN v.kind = 'enterprise' THEN 1 ELSE 0 END), 0) AS enterprise_visits, "
                "COALESCE(SUM(CASE WHEN v.kind = 'association' THEN 1 ELSE 0 END), 0) AS association_visits"
                if table == "visit" else "COUNT(*) AS inspections"
            )
            out |= _ints(rows(conn, f"SELECT {counts} FROM {table} {alias} {join} WHERE {' AND '.join(conds)}",
                              **(params | more))[0])
    return out


def stalled(engine: Engine, adcode: int | None, filters) -> dict:
    """签约未开工 as of as_of: pipeline, yellow, red counts and `projects`, a frame of every stalled
    project (code, name, contract_yuan, signed_on, county, days), largest contract first, then code."""
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        where, params = projects_sql(p)
        got = rows(conn, f"""
            SELECT p.code, p.name, p.contract_yuan, p.signed_on, r.name AS county
            FROM project p JOIN region r ON r.adcode = p.county_adcode
            WHERE {where} AND (p.started_on IS NULL OR p.started_on > :as_of)""", **params)
    frame = pd.DataFrame(
        [(r["code"], r["name"], int(r["contract_yuan"]), day(r["signed_on"]), r["county"],
          (p.as_of - day(r["signed_on"])).days) for r in got],
        columns=["code", "name", "contract_yuan", "signed_on", "county", "days"])
    frame = frame.sort_values(["contract_yuan", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    days = frame["days"]
    return {"pipeline": len(frame), "yellow": int(((days > YELLOW_DAYS) & (days <= RED_DAYS)).sum()),
            "red": int((days > RED_DAYS).sum()), "projects": frame}


def stalled_top(engine: Engine, adcode: int | None, filters, limit: int = 8) -> pd.DataFrame:
    """The largest projects stalled beyond the yellow light (days > 90)."""
    frame = stalled(engine, adcode, filters)["projects"]
    return frame[frame["days"] > YELLOW_DAYS].head(limit).reset_index(drop=True)


def chain_links(engine: Engine, adcode: int | None, filters, industry: str | None = None) -> pd.DataFrame:
    """Per chain link (of `industry`, or of every industry) in industry then link order: link_id,
    industry_code, projects, contract_yuan, started, producing of the period's projects on the link."""
    with engine.connect() as conn:
        p = period(conn, adcode, filters)
        links = rows(conn, """
            SELECT l.id, l.industry_code FROM chain_link l JOIN industry i ON i.code = l.industry_code
            ORDER BY i.sort_order, l.sort_order""")
        where, params = projects_sql(p)
        got = {r["link"]: r for r in rows(conn, f"""
            SELECT p.chain_link_id AS link, COUNT(*) AS projects, COALESCE(SUM(p.contract_yuan), 0) AS contract_yuan,
                   COALESCE(SUM(CASE WHEN p.started_on <= :as_of THEN 1 ELSE 0 END), 0) AS started,
                   COALESCE(SUM(CASE WHEN p.production_on <= :as_of THEN 1 ELSE 0 END), 0) AS producing
            FROM project p WHERE {where} AND p.chain_link_id IS NOT NULL GROUP BY p.chain_link_id""", **params)}
    data = [(int(l["id"]), l["industry_code"],
             *(int(got.get(l["id"], {}).get(c, 0)) for c in ("projects", "contract_yuan", "started", "producing")))
            for l in links if industry is None or l["industry_code"] == industry]
    return pd.DataFrame(data, columns=["link_id", "industry_code", "projects", "contract_yuan", "started",
                                       "producing"]).astype({c: "int64" for c in ("link_id", "projects",
                                                                                 "contract_yuan", "started",
                                                                                 "producing")})
