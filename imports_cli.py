"""`flask --app app data …`: importing real data from the command line.

    data import FILE [--kind KIND] [--sheet NAME] [--dry-run] [--as USERNAME]
    data sync --source-url URL --kind KIND (--table NAME | --query SQL) [--dry-run] [--as USERNAME]
    data template KIND -o FILE
    data history [--kind KIND]
    data rollback BATCH_ID [--as USERNAME]

Prints the summary the 数据管理 page shows (counts, the figures before and after, the first
errors) and exits 1 when anything is rejected; --dry-run writes nothing. Without --as the
command acts for the whole province as 命令行; with it, as that data manager, within their region.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from access import Actor
from components.units import fmt_int, fmt_yi
from data_access import accounts, imports
from data_access.scope import load_regions
from views.runtime import current

CLI_ACTOR = "命令行"
SHOWN_ERRORS = 20


def register(server: Flask) -> None:
    server.cli.add_command(data)


@click.group(help="Import real data (projects, funds, visits, inspections, targets, leads).")
def data() -> None:
    pass


def _importer(username: str | None) -> tuple[str, frozenset[int] | None]:
    """(actor name, county scope) of the importer: the province for the command line itself."""
    if not username:
        return CLI_ACTOR, None
    engine = current().engine
    with engine.connect() as conn:
        user = accounts.user_by_name(conn, username)
    if user is None or user["disabled"]:
        raise click.ClickException(f"没有可用的用户 {username}")
    actor = Actor(name=username, role=user["role"], region=user["region_adcode"])
    if not actor.may("import") or actor.region is None:
        raise click.ClickException(f"用户 {username} 无权导入数据（需要数据管理员）")
    index = load_regions(engine)
    region = index.get(actor.region)
    if region.level == "province":
        return username, None
    counties = frozenset(a for a in index.within(region.adcode) if index.regions[a].level == "county")
    return username, counties


def _figure(t) -> str:
    return f"{fmt_yi(t.before)} → {fmt_yi(t.after)} 亿元" if t.is_money else \
        f"{fmt_int(t.before)} → {fmt_int(t.after)} {t.unit}"


def echo_plan(plan) -> None:
    click.echo(f"文件：{plan.file_name}  SHA-256 {plan.sha256[:16]}…")
    if plan.kind:
        click.echo(f"类型：{plan.label}（{plan.kind}）" + (f"  工作表：{plan.sheet}" if plan.sheet else "")
                   + (f"  表头在第 {plan.header_row} 行" if plan.header_row else ""))
    if plan.fatal:
        click.echo(f"无法导入：{plan.fatal}", err=True)
        return
    click.echo(f"数据行 {plan.rows_total}：新增 {plan.inserted}，更新 {plan.updated}，不变 {plan.unchanged}，"
               f"有错 {plan.rejected}")
    if plan.ignored:
        click.echo(f"未使用的列：{'、'.join(plan.ignored)}")
    for t in plan.totals:
        click.echo(f"  {t.label}：{_figure(t)}")
    if plan.errors:
        click.echo(f"错误 {len(plan.errors)} 处（前 {min(SHOWN_ERRORS, len(plan.errors))} 处）：", err=True)
        for e in plan.errors[:SHOWN_ERRORS]:
            click.echo(f"  第 {e.row} 行 [{e.column}] 「{e.value}」：{e.reason}", err=True)


def _run(content: bytes, name: str, kind: str | None, sheet: str | None, dry_run: bool, as_user: str | None) -> None:
    actor, scope = _importer(as_user)
    engine = current().engine
    if dry_run:
        plan = imports.plan_import(engine, content, name, kind=kind, scope=scope, actor=actor, sheet=sheet)
        echo_plan(plan)
        if not plan.ok:
            raise SystemExit(1)
        click.echo("试运行：未写入数据库")
        return
    try:
        result = imports.apply_import(engine, content, name, kind=kind, scope=scope, actor=actor, sheet=sheet)
    except imports.ImportRejected as exc:
        echo_plan(exc.plan)
        click.echo("导入被拒绝：数据库未做任何改动", err=True)
        raise SystemExit(1) from None
    echo_plan(result.plan)
    click.echo(f"已导入：批次 {result.batch_id}")


KIND_CHOICE = click.Choice(list(imports.KINDS))


@data.command("import", help="Import a file (.xlsx, .xls, .csv); the kind is detected from the headers unless given.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=KIND_CHOICE, default=None)
@click.option("--sheet", default=None, help="the worksheet to read (default: the first)")
@click.option("--dry-run", is_flag=True, help="check and show what would change; write nothing")
@click.option("--as", "as_user", default=None, help="import as this data manager, within their region")
@with_appcontext
def import_file(file: Path, kind: str | None, sheet: str | None, dry_run: bool, as_user: str | None) -> None:
    _run(file.read_bytes(), file.name, kind, sheet, dry_run, as_user)


@data.command("sync", help="Import the rows of a table, view or query of the platform's database.")
@click.option("--source-url", required=True, help="SQLAlchemy URL of the platform's database")
@click.option("--kind", type=KIND_CHOICE, required=True)
@click.option("--table", default=None, help="a table or view whose columns are named like the template's headers")
@click.option("--query", default=None, help="or a SELECT whose columns are named so")
@click.option("--dry-run", is_flag=True)
@click.option("--as", "as_user", default=None)
@with_appcontext
def sync(source_url: str, kind: str, table: str | None, query: str | None, dry_run: bool, as_user: str | None) -> None:
    try:
        content, name = imports.read_source(source_url, table=table, query=query)
    except imports.FileProblem as exc:
        raise click.ClickException(str(exc)) from None
    _run(content, name, kind, None, dry_run, as_user)


@data.command("template", help="Write the XLSX template of a kind.")
@click.argument("kind", type=KIND_CHOICE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def template(kind: str, output: Path) -> None:
    output.write_bytes(imports.build_template(current().engine, kind))
    click.echo(f"{imports.KINDS[kind].label}模板已写入 {output}")


@data.command("history", help="List the imports, newest first.")
@click.option("--kind", type=KIND_CHOICE, default=None)
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def history(kind: str | None, limit: int) -> None:
    for b in imports.list_batches(current().engine, kind=kind, limit=limit):
        state = f"已撤销 {b.rolled_back_at:%Y-%m-%d %H:%M} {b.rolled_back_by}" if b.rolled_back_at else (
            "可撤销" if b.can_roll_back else "")
        click.echo(f"{b.id}\t{b.created_at:%Y-%m-%d %H:%M}\t{imports.KINDS[b.kind].label}\t{b.file_name}\t{b.actor}\t"
                   f"行 {b.rows_total} 新增 {b.inserted} 更新 {b.updated} 不变 {b.unchanged}\t{state}")


@data.command("rollback", help="Undo the last import of its kind.")
@click.argument("batch_id", type=int)
@click.option("--as", "as_user", default=None)
@with_appcontext
def rollback(batch_id: int, as_user: str | None) -> None:
    actor, scope = _importer(as_user)
    try:
        info = imports.rollback_batch(current().engine, batch_id, actor=actor, scope=scope)
    except imports.RollbackRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已撤销批次 {info.id}（{imports.KINDS[info.kind].label}，{info.file_name}）")
