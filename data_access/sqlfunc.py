"""Date arithmetic that SQLite and PostgreSQL spell differently, compiled per dialect."""
from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class year_month(FunctionElement):
    """A date's month as the integer YYYYMM."""

    type = Integer()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    (arg,) = element.clauses
    return f"CAST(strftime('%Y%m', {compiler.process(arg, **kw)}) AS INTEGER)"


@compiles(year_month, "postgresql")
def _year_month_pg(element, compiler, **kw):
    (arg,) = element.clauses
    return f"CAST(to_char({compiler.process(arg, **kw)}, 'YYYYMM') AS INTEGER)"


class days_between(FunctionElement):
    """Whole days from the second date to the first."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = element.clauses
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    later, earlier = element.clauses
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


class unindexed(FunctionElement):
    """A column that must not choose the index a query is read by: SQLite's unary + (its
    documented way to disqualify a term from an index), so that a small range of another
    table leads the join; PostgreSQL plans by its statistics and gets the column as it is."""

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    (arg,) = element.clauses
    return f"+{compiler.process(arg, **kw)}"


@compiles(unindexed)
def _unindexed_default(element, compiler, **kw):
    (arg,) = element.clauses
    return compiler.process(arg, **kw)
