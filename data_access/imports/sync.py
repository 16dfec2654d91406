"""Reading the platform's own database: a table, a view or a query, through SQLAlchemy.

The rows become a UTF-8 CSV whose header is the source's column names (named like the
template's headers or their synonyms), so a nightly sync runs exactly the pipeline of an
uploaded file: plan, all or nothing, history, rollback.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from .readers import FileProblem


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_source(url: str, *, table: str | None = None, query: str | None = None) -> tuple[bytes, str]:
    """(CSV bytes, a name for the history) of a source table or query; FileProblem if unreadable.

    The name holds the table (or 'query') and the database, never the credentials."""
    if bool(table) == bool(query):
        raise FileProblem("请指定 --table 或 --query 之一")
    parsed = make_url(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if table:
                schema, _, name = table.rpartition(".")
                names = set(inspect(conn).get_table_names(schema=schema or None)) | set(
                    inspect(conn).get_view_names(schema=schema or None))
                if name not in names:
                    raise FileProblem(f"源数据库中没有表或视图「{table}」")
                source = Table(name, MetaData(), schema=schema or None, autoload_with=conn)
                result = conn.execute(select(source))
            else:
                result = conn.execute(text(query))
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(list(result.keys()))
            for row in result:
                writer.writerow([_cell(v) for v in row])
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem(f"无法读取源数据库：{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
    finally:
        engine.dispose()
    where = parsed.database or parsed.host or parsed.get_backend_name()
    return out.getvalue().encode("utf-8"), f"{table or 'query'}@{where}"[:200]
