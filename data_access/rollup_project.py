"""project_month: a cold view's figures summed per county and month, kept by triggers.

A cold view of a region reads its statistics per county (data_access/area.py). At a million
projects a scan of them costs seconds; this roll-up holds the same sums per (county, month) in
a few thousand rows, so a period of whole months costs a few thousand rows whatever the data's
size, and the days of the months a period cuts are read from the detail rows.

Rows by `dim` (month: the project's signing month unless said otherwise):
  't'  per county (value ''): the projects that are not terminated, lifecycle as recorded
       (started_on / production_on set), and all money received by them (funds_yuan).
  'i'  the same per industry code (value), without money;   's'  per source region.
  'w'  per county and month of RECEIPT (value ''): money received by terminated projects, which
       a region's 到位资金 leaves out (queries.funds_by).
  'd'  per city and, county_adcode 520000, for the province (value: days as text): how many
       non-terminated projects took that many days from signing to start; 'p' start to production.
  'e', 'a', 'n'  per (county or 0, city as text or '') and month of the visit: enterprise visits,
       association visits, site inspections (`projects` holds the count).
  'k'  per county, signing month and month of the START (value 'YYYYMM'): the non-terminated
       started projects (projects, contract_yuan);   'r' the same by month of PRODUCTION;
  'f'  per county, signing month and month of RECEIPT (value 'YYYYMM'): money received by the
       non-terminated projects (funds_yuan).

The project rows ('t', 'i', 's', 'd', 'p', 'w') are the figures "as of" any day on or after every
lifecycle date and receipt on record (`queries.settled`: a view read as of the data's cut-off
is). For an earlier day D (a past year, the year-ago comparison of every "this year" view),
data_access/area.py takes from them what happened after D, from the event rows ('k', 'r', 'f':
the months after D's; the rest of D's own month from the projects), and adds the few projects
terminated after D, which were still active on D, from the projects themselves. Visits and
inspections have no lifecycle: their rows serve any period.

The database keeps it on every insert, update and delete of project, funding, visit and
inspection, so imports, their rollback, the demo build and the CLI sync cannot forget it. SQLite
runs row triggers; PostgreSQL statement triggers over transition tables (a COPY of a million rows
is one pass). Funding has no delete cascade, so a project's money is gone before the project is;
a project moved to another county moves its money with it (the project's trigger carries its
funding; funding's trigger does not react to the cascaded change of region on SQLite, and on
PostgreSQL takes the money out and puts it back in the same place).

A migration that rebuilds one of these tables (SQLite's batch mode copies it) drops its
triggers: such a migration must call `create_triggers` again. Bulk loads that switch triggers
off (scripts/bench_data.py on PostgreSQL) must call `rebuild`.
"""
from __future__ import annotations

from sqlalchemy import Connection

from .vocab import PROVINCE_ADCODE, VISIT_ASSOCIATION, VISIT_ENTERPRISE

SUMS = ("projects", "contract_yuan", "started", "started_contract_yuan", "producing", "producing_contract_yuan",
        "in_park", "quality", "funds_yuan")
KEY = ("dim", "month", "county_adcode", "value")
COLUMNS = ", ".join(KEY + ("city_adcode",) + SUMS)
ON_KEY = f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET"
ZEROS = ["0"] * len(SUMS)

MONTH = {"sqlite": "CAST(strftime('%Y%m', {d}) AS INTEGER)", "postgresql": "CAST(to_char({d}, 'YYYYMM') AS INTEGER)"}
# An event's month as the `value` of 'k', 'r', 'f' rows: text that sorts as the months do.
MONTH_TEXT = {"sqlite": "strftime('%Y%m', {d})", "postgresql": "to_char({d}, 'YYYYMM')"}
EVENTS = {"k": "started_on", "r": "production_on"}
DAYS = {"sqlite": "CAST(CAST(julianday({a}) - julianday({b}) AS INTEGER) AS TEXT)",
        "postgresql": "CAST(({a} - {b}) AS TEXT)"}


def _add(cols, m: str) -> str:
    return ", ".join(f"{c} = {m}.{c} + excluded.{c}" for c in cols)


def _sums(**given: str) -> list[str]:
    return [given.get(c, "0") for c in SUMS]


def _figures(r: str) -> dict[str, str]:
    """The sums of one project row `r` (NEW, OLD or an alias), unsigned and unaggregated."""
    return {
        "projects": "1", "contract_yuan": f"{r}.contract_yuan",
        "started": f"(CASE WHEN {r}.started_on IS NOT NULL THEN 1 ELSE 0 END)",
        "started_contract_yuan": f"(CASE WHEN {r}.started_on IS NOT NULL THEN {r}.contract_yuan ELSE 0 END)",
        "producing": f"(CASE WHEN {r}.production_on IS NOT NULL THEN 1 ELSE 0 END)",
        "producing_contract_yuan": f"(CASE WHEN {r}.production_on IS NOT NULL THEN {r}.contract_yuan ELSE 0 END)",
        "in_park": f"(CASE WHEN {r}.park_id IS NOT NULL THEN 1 ELSE 0 END)",
        "quality": f"(CASE WHEN {r}.quality_tags > 0 THEN 1 ELSE 0 END)",
    }


# Every statement below is one INSERT … SELECT … ON CONFLICT that adds signed sums. `rows` is a
# FROM item holding project (or funding, visit, inspection) rows under alias x: on SQLite a
# one-row subquery of NEW or OLD, on PostgreSQL a transition table, for `rebuild` the table.
# Aggregated with GROUP BY: PostgreSQL's ON CONFLICT cannot touch a row twice in one statement.

def project_statements(dialect: str, rows: str, sign: str) -> list[str]:
    month = MONTH[dialect].format(d="x.signed_on")
    days = DAYS[dialect]
    fig = {k: f"{sign}sum({v})" for k, v in _figures("x").items()}
    out = []
    for dim, value in (("t", "''"), ("i", "x.industry_code"), ("s", "x.source_region")):
        money = {}
        join = ""
        if dim == "t":
            join = ("LEFT JOIN (SELECT project_id, sum(amount_yuan) AS amount FROM funding "
                    "WHERE project_id IN (SELECT id FROM {rows}) GROUP BY project_id) AS f ON f.project_id = x.id")
            money = {"funds_yuan": f"{sign}coalesce(sum(f.amount), 0)"}
        out.append(
            f"INSERT INTO project_month ({COLUMNS}) "
            f"SELECT '{dim}', {month}, x.county_adcode, {value}, min(x.city_adcode), "
            + ", ".join(_sums(**fig, **money)) + f" FROM {rows} AS x {join.format(rows=rows)} "
            f"WHERE x.terminated_on IS NULL GROUP BY 2, x.county_adcode, 4 "
            f"{ON_KEY} {_add(SUMS, 'project_month')};")
    for dim, later, earlier in (("d", "started_on", "signed_on"), ("p", "production_on", "started_on")):
        for level in ("x.city_adcode", str(PROVINCE_ADCODE)):
            out.append(
                f"INSERT INTO project_month ({COLUMNS}) "
                f"SELECT '{dim}', {month}, {level}, {days.format(a='x.' + later, b='x.' + earlier)}, {level}, "
                + ", ".join(_sums(projects=f"{sign}count(*)")) + f" FROM {rows} AS x "
                f"WHERE x.terminated_on IS NULL AND x.{later} IS NOT NULL GROUP BY 2, 3, 4 "
                f"{ON_KEY} {_add(['projects'], 'project_month')};")
    for dim, column in EVENTS.items():
        out.append(
            f"INSERT INTO project_month ({COLUMNS}) "
            f"SELECT '{dim}', {month}, x.county_adcode, {MONTH_TEXT[dialect].format(d='x.' + column)}, "
            "min(x.city_adcode), " + ", ".join(_sums(projects=f"{sign}count(*)",
                                                     contract_yuan=f"{sign}sum(x.contract_yuan)"))
            + f" FROM {rows} AS x WHERE x.terminated_on IS NULL AND x.{column} IS NOT NULL "
            f"GROUP BY 2, x.county_adcode, 4 {ON_KEY} {_add(['projects', 'contract_yuan'], 'project_month')};")
    out.append(
        f"INSERT INTO project_month ({COLUMNS}) "
        f"SELECT 'f', {month}, x.county_adcode, {MONTH_TEXT[dialect].format(d='f.received_on')}, min(x.city_adcode), "
        + ", ".join(_sums(funds_yuan=f"{sign}sum(f.amount_yuan)")) + f" FROM {rows} AS x "
        f"JOIN funding AS f ON f.project_id = x.id WHERE x.terminated_on IS NULL GROUP BY 2, x.county_adcode, 4 "
        f"{ON_KEY} {_add(['funds_yuan'], 'project_month')};")
    out.append(
        f"INSERT INTO project_month ({COLUMNS}) "
        f"SELECT 'w', {MONTH[dialect].format(d='f.received_on')}, x.county_adcode, '', min(x.city_adcode), "
        + ", ".join(_sums(funds_yuan=f"{sign}sum(f.amount_yuan)")) + f" FROM {rows} AS x "
        f"JOIN funding AS f ON f.project_id = x.id WHERE x.terminated_on IS NOT NULL GROUP BY 2, x.county_adcode "
        f"{ON_KEY} {_add(['funds_yuan'], 'project_month')};")
    return out


def funding_statements(dialect: str, rows: str, sign: str) -> list[str]:
    """A receipt adds to its project's 't' row (signing month) and 'f' row (signing and receipt
    month) or, the project terminated, to its county's 'w' row (month of receipt)."""
    live = "p.terminated_on IS NULL"
    month = (f"CASE WHEN {live} THEN {MONTH[dialect].format(d='p.signed_on')} "
             f"ELSE {MONTH[dialect].format(d='x.received_on')} END")
    return [
        f"INSERT INTO project_month ({COLUMNS}) "
        f"SELECT CASE WHEN {live} THEN 't' ELSE 'w' END, {month}, p.county_adcode, '', min(p.city_adcode), "
        + ", ".join(_sums(funds_yuan=f"{sign}sum(x.amount_yuan)"))
        + f" FROM {rows} AS x JOIN project AS p ON p.id = x.project_id WHERE true GROUP BY 1, 2, p.county_adcode "
        f"{ON_KEY} {_add(['funds_yuan'], 'project_month')};",
        f"INSERT INTO project_month ({COLUMNS}) "
        f"SELECT 'f', {MONTH[dialect].format(d='p.signed_on')}, p.county_adcode, "
        f"{MONTH_TEXT[dialect].format(d='x.received_on')}, min(p.city_adcode), "
        + ", ".join(_sums(funds_yuan=f"{sign}sum(x.amount_yuan)"))
        + f" FROM {rows} AS x JOIN project AS p ON p.id = x.project_id WHERE {live} GROUP BY 2, p.county_adcode, 4 "
        f"{ON_KEY} {_add(['funds_yuan'], 'project_month')};",
    ]


def _activity(dialect: str, rows: str, sign: str, day: str, dims: list[tuple[str, str]]) -> list[str]:
    city = "COALESCE(CAST(x.city_adcode AS TEXT), '')"
    return [
        f"INSERT INTO project_month ({COLUMNS}) "
        f"SELECT '{dim}', {MONTH[dialect].format(d='x.' + day)}, COALESCE(x.county_adcode, 0), {city}, "
        f"COALESCE(min(x.city_adcode), 0), " + ", ".join(_sums(projects=f"{sign}count(*)"))
        + f" FROM {rows} AS x WHERE {where} GROUP BY 2, 3, 4 {ON_KEY} {_add(['projects'], 'project_month')};"
        for dim, where in dims
    ]


def visit_statements(dialect: str, rows: str, sign: str) -> list[str]:
    return _activity(dialect, rows, sign, "visited_on",
                     [("e", f"x.kind = '{VISIT_ENTERPRISE}'"), ("a", f"x.kind = '{VISIT_ASSOCIATION}'")])


def inspection_statements(dialect: str, rows: str, sign: str) -> list[str]:
    return _activity(dialect, rows, sign, "inspected_on", [("n", "true")])


TABLES = {  # table → (statements, the columns whose change moves a figure: SQLite's UPDATE OF)
    "project": (project_statements, ("id", "county_adcode", "city_adcode", "signed_on", "started_on", "production_on",
                                     "terminated_on", "contract_yuan", "industry_code", "source_region", "park_id",
                                     "quality_tags")),
    # Not the region: its change is the cascade of the project's move, which the project carries.
    "funding": (funding_statements, ("project_id", "received_on", "amount_yuan")),
    "visit": (visit_statements, ("visited_on", "kind", "county_adcode", "city_adcode")),
    "inspection": (inspection_statements, ("inspected_on", "county_adcode", "city_adcode")),
}


# ------------------------------------------------------------------ SQLite: row triggers

def _sqlite_triggers() -> list[str]:
    out = []
    for table, (statements, columns) in TABLES.items():
        def body(ref: str, sign: str) -> str:
            return " ".join(statements("sqlite", _one_row(table, ref), sign))
        out += [
            f"CREATE TRIGGER project_month_{table}_insert AFTER INSERT ON {table} BEGIN {body('NEW', '')} END",
            f"CREATE TRIGGER project_month_{table}_delete AFTER DELETE ON {table} BEGIN {body('OLD', '-')} END",
            f"CREATE TRIGGER project_month_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} BEGIN "
            f"{body('OLD', '-')} {body('NEW', '')} END",
        ]
    return out


def _one_row(table: str, ref: str) -> str:
    """The trigger's row as a FROM item: SQLite has no NEW.* in a select list, so each column the
    statements read is named."""
    cols = {
        "project": ("id", "county_adcode", "city_adcode", "signed_on", "started_on", "production_on",
                    "terminated_on", "contract_yuan", "industry_code", "source_region", "park_id", "quality_tags"),
        "funding": ("project_id", "received_on", "amount_yuan"),
        "visit": ("visited_on", "kind", "county_adcode", "city_adcode"),
        "inspection": ("inspected_on", "county_adcode", "city_adcode"),
    }[table]
    return "(SELECT " + ", ".join(f"{ref}.{c} AS {c}" for c in cols) + ")"


# ------------------------------------------------------------------ PostgreSQL: statement triggers

def _pg_triggers() -> list[str]:
    out = []
    for table, (statements, _) in TABLES.items():
        fn = f"project_month_{table}"
        old = "\n".join(statements("postgresql", "old_rows", "-"))
        new = "\n".join(statements("postgresql", "new_rows", ""))
        out.append(f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN {new}
            END IF;
            RETURN NULL;
        END $$""")
        # PostgreSQL allows no column list beside transition tables: every update runs it.
        out += [
            f"""CREATE TRIGGER {fn}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
               FOR EACH STATEMENT EXECUTE FUNCTION {fn}()""",
            f"""CREATE TRIGGER {fn}_update AFTER UPDATE ON {table}
               REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}()""",
            f"""CREATE TRIGGER {fn}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
               FOR EACH STATEMENT EXECUTE FUNCTION {fn}()""",
        ]
    # TRUNCATE fires none of these: the cockpit never truncates; a tool that does calls rebuild().
    return out


DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS project_month_{t}_{op}"
               for t in TABLES for op in ("insert", "delete", "update")],
    # Dropping the functions drops the triggers that call them.
    "postgresql": [f"DROP FUNCTION IF EXISTS project_month_{t}() CASCADE" for t in TABLES],
}


def create_triggers(conn: Connection) -> None:
    for sql in {"sqlite": _sqlite_triggers, "postgresql": _pg_triggers}[conn.dialect.name]():
        conn.exec_driver_sql(sql)


def drop_triggers(conn: Connection) -> None:
    for sql in DROP[conn.dialect.name]:
        conn.exec_driver_sql(sql)


def rebuild(conn: Connection) -> None:
    """Recompute the rollup from the detail rows (after creating it, or to repair it)."""
    dialect = conn.dialect.name
    conn.exec_driver_sql("DELETE FROM project_month")
    # The project statements carry their projects' money: funding's own would count it twice.
    for table in ("project", "visit", "inspection"):
        for sql in TABLES[table][0](dialect, table, ""):
            conn.exec_driver_sql(sql)
