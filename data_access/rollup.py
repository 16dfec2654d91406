"""Triggers that keep funding_month equal to funding summed per county and month.

The rollup is kept by the database itself, on every insert, update and delete of funding, so
no loader can forget it and a project moved to another county (cascaded to its funding rows)
moves its money too. SQLite runs a trigger per row; PostgreSQL one per statement over the
statement's transition tables, so a COPY of millions of rows updates the rollup in one pass.

A migration that rebuilds the funding table (SQLite's batch mode copies it) drops its
triggers: such a migration must call `create_triggers` again.
"""
from __future__ import annotations

from sqlalchemy import Connection

SQLITE_MONTH = "CAST(strftime('%Y%m', {d}) AS INTEGER)"

SQLITE = [
    f"""CREATE TRIGGER funding_month_insert AFTER INSERT ON funding BEGIN
        INSERT INTO funding_month (county_adcode, month, city_adcode, amount_yuan)
        VALUES (NEW.county_adcode, {SQLITE_MONTH.format(d="NEW.received_on")}, NEW.city_adcode, NEW.amount_yuan)
        ON CONFLICT (county_adcode, month) DO UPDATE SET amount_yuan = amount_yuan + excluded.amount_yuan;
    END""",
    f"""CREATE TRIGGER funding_month_delete AFTER DELETE ON funding BEGIN
        UPDATE funding_month SET amount_yuan = amount_yuan - OLD.amount_yuan
        WHERE county_adcode = OLD.county_adcode AND month = {SQLITE_MONTH.format(d="OLD.received_on")};
    END""",
    f"""CREATE TRIGGER funding_month_update AFTER UPDATE OF county_adcode, city_adcode, received_on, amount_yuan
    ON funding BEGIN
        UPDATE funding_month SET amount_yuan = amount_yuan - OLD.amount_yuan
        WHERE county_adcode = OLD.county_adcode AND month = {SQLITE_MONTH.format(d="OLD.received_on")};
        INSERT INTO funding_month (county_adcode, month, city_adcode, amount_yuan)
        VALUES (NEW.county_adcode, {SQLITE_MONTH.format(d="NEW.received_on")}, NEW.city_adcode, NEW.amount_yuan)
        ON CONFLICT (county_adcode, month) DO UPDATE SET amount_yuan = amount_yuan + excluded.amount_yuan;
    END""",
]


def _pg_apply(rows: str, sign: str) -> str:
    return f"""
        INSERT INTO funding_month AS m (county_adcode, month, city_adcode, amount_yuan)
        SELECT county_adcode, CAST(to_char(received_on, 'YYYYMM') AS INTEGER), min(city_adcode),
               {sign}sum(amount_yuan)
        FROM {rows} GROUP BY county_adcode, 2
        ON CONFLICT (county_adcode, month) DO UPDATE
        SET amount_yuan = m.amount_yuan + excluded.amount_yuan, city_adcode = excluded.city_adcode;"""


POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION funding_month_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {_pg_apply("old_rows", "-")}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {_pg_apply("new_rows", "")}
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION funding_month_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM funding_month;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER funding_month_insert AFTER INSERT ON funding REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION funding_month_apply()""",
    """CREATE TRIGGER funding_month_update AFTER UPDATE ON funding
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION funding_month_apply()""",
    """CREATE TRIGGER funding_month_delete AFTER DELETE ON funding REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION funding_month_apply()""",
    """CREATE TRIGGER funding_month_truncate AFTER TRUNCATE ON funding
       FOR EACH STATEMENT EXECUTE FUNCTION funding_month_clear()""",
]

DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS funding_month_{op}" for op in ("insert", "delete", "update")],
    # Dropping the functions drops the triggers that call them.
    "postgresql": ["DROP FUNCTION IF EXISTS funding_month_apply() CASCADE",
                   "DROP FUNCTION IF EXISTS funding_month_clear() CASCADE"],
}


def create_triggers(conn: Connection) -> None:
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}[conn.dialect.name]:
        conn.exec_driver_sql(sql)


def drop_triggers(conn: Connection) -> None:
    """Drop the funding_month triggers and those of every other rollup (a rebuild drops all)."""
    from . import rollup_project

    for sql in DROP[conn.dialect.name]:
        conn.exec_driver_sql(sql)
    rollup_project.drop_triggers(conn)


def rebuild(conn: Connection) -> None:
    """Recompute the rollup from funding (after creating it, or to repair it)."""
    month = {"sqlite": SQLITE_MONTH.format(d="received_on"),
             "postgresql": "CAST(to_char(received_on, 'YYYYMM') AS INTEGER)"}[conn.dialect.name]
    conn.exec_driver_sql("DELETE FROM funding_month")
    conn.exec_driver_sql(
        f"INSERT INTO funding_month (county_adcode, month, city_adcode, amount_yuan) "
        f"SELECT county_adcode, {month}, min(city_adcode), sum(amount_yuan) FROM funding GROUP BY county_adcode, 2"
    )
