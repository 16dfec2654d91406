"""`flask --app app users …` and `flask --app app tokens …`: accounts from the command line.

Passwords are read from standard input (never from an argument, which `ps` and the shell
history would show). Every change is written to the audit log as done by `命令行`.
"""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from access import ROLES
from data_access import accounts, playlists
from data_access.scope import UnknownRegion, load_regions
from views.runtime import current

from .credentials import digest, hash_password, new_token, weak_password

CLI_ACTOR = "命令行"


def register(server: Flask) -> None:
    server.cli.add_command(users)
    server.cli.add_command(tokens)


def _region(value: str) -> int:
    try:
        return load_regions(current().engine).get(value).adcode
    except UnknownRegion as exc:
        raise click.BadParameter(str(exc)) from None


def _password() -> str:
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    problem = weak_password(password)
    if problem:
        raise click.ClickException(problem)
    return password


@click.group(help="Users of the cockpit (roles: viewer, analyst, data_manager, admin).")
def users() -> None:
    pass


@users.command("create", help="Create a user; the password is read from standard input.")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--region", required=True, help="adcode of the province, a city or a county")
@click.option("--name", "display_name", default=None, help="the name shown in the header")
@with_appcontext
def create_user(username: str, role: str, region: str, display_name: str | None) -> None:
    rt = current()
    code = _region(region)
    password_hash = hash_password(_password())
    try:
        with rt.engine.begin() as conn:
            accounts.create_user(conn, username=username, role=role, region=code, password_hash=password_hash,
                                 display_name=display_name)
            accounts.audit(conn, actor=CLI_ACTOR, action="user_created", region=code, target=username,
                           detail=f"role={role}")
    except IntegrityError:
        raise click.ClickException(f"用户 {username} 已存在") from None
    click.echo(f"created {username} ({role}, {code})")


@users.command("list", help="List the users.")
@with_appcontext
def list_users() -> None:
    with current().engine.connect() as conn:
        rows = accounts.list_users(conn)
    for r in rows:
        state = "disabled" if r["disabled"] else "active"
        click.echo(f"{r['username']}\t{r['role']}\t{r['region_adcode']}\t{r['region_name'] or '-'}\t{state}")


@users.command("set-password", help="Set a user's password (read from standard input); ends their sessions.")
@click.argument("username")
@with_appcontext
def set_password(username: str) -> None:
    _change(username, "password", password_hash=hash_password(_password()))


@users.command("set-role", help="Change a user's role and region; applies at their next request.")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--region", required=True)
@with_appcontext
def set_role(username: str, role: str, region: str) -> None:
    _change(username, f"role={role} region={region}", role=role, region_adcode=_region(region))


@users.command("disable", help="Disable a user: refused at their next request.")
@click.argument("username")
@with_appcontext
def disable(username: str) -> None:
    _change(username, "disabled", disabled=True)


@users.command("enable", help="Enable a disabled user.")
@click.argument("username")
@with_appcontext
def enable(username: str) -> None:
    _change(username, "enabled", disabled=False)


def _change(username: str, what: str, **values) -> None:
    rt = current()
    with rt.engine.begin() as conn:
        if not accounts.update_user(conn, username, **values):
            raise click.ClickException(f"没有用户 {username}")
        if "password_hash" in values or values.get("disabled"):
            user = accounts.user_by_name(conn, username)
            accounts.end_sessions_of(conn, user_id=user["id"])
        accounts.audit(conn, actor=CLI_ACTOR, action="user_changed", target=username, detail=what)
    click.echo(f"{username}: {what}")


@click.group(help="Display tokens for walls and meeting-room screens (read-only, revocable).")
def tokens() -> None:
    pass


@tokens.command("create", help="Create a display token; its URL is printed once.")
@click.argument("name")
@click.option("--region", required=True)
@click.option("--playlist", default=None, help="the playlist its wall plays (a name of /wall/<name>; default: the default one)")
@with_appcontext
def create_token(name: str, region: str, playlist: str | None) -> None:
    rt = current()
    code = _region(region)
    playlist = _playlist(playlist)
    token = new_token()
    try:
        with rt.engine.begin() as conn:
            accounts.create_token(conn, name=name, token_hash=digest(token), region=code, playlist=playlist,
                                  created_by=CLI_ACTOR)
            accounts.audit(conn, actor=CLI_ACTOR, action="token_created", region=code, target=name)
    except IntegrityError:
        raise click.ClickException(f"显示令牌 {name} 已存在") from None
    click.echo(rt.urls.build("display", token=token))


def _playlist(value: str | None) -> str | None:
    """A playlist's name as a wall URL writes it; one not stored yet is allowed with a warning (its
    wall plays the default until it is made)."""
    if value is None:
        return None
    try:
        name = playlists.check_name(value)
    except playlists.PlaylistError as exc:
        raise click.BadParameter(str(exc), param_hint="--playlist") from None
    with current().engine.connect() as conn:
        known = playlists.get_playlist(conn, name) is not None
    if not known and name != playlists.DEFAULT_NAME:
        click.echo(f"注意：播放列表 {name} 尚不存在；创建之前，该屏幕播放默认播放列表", err=True)
    return name


@tokens.command("list", help="List the display tokens.")
@with_appcontext
def list_tokens() -> None:
    with current().engine.connect() as conn:
        for r in accounts.list_tokens(conn):
            state = f"revoked {r['revoked_at']:%Y-%m-%d}" if r["revoked_at"] else "active"
            click.echo(f"{r['name']}\t{r['region_adcode']}\t{r['region_name']}\t{r['playlist'] or '-'}\t{state}")


@tokens.command("revoke", help="Revoke a display token: its screens lose access at their next request.")
@click.argument("name")
@with_appcontext
def revoke_token(name: str) -> None:
    rt = current()
    with rt.engine.begin() as conn:
        if not accounts.revoke_token(conn, name):
            raise click.ClickException(f"没有可撤销的显示令牌 {name}")
        accounts.audit(conn, actor=CLI_ACTOR, action="token_revoked", target=name)
    click.echo(f"revoked {name}")
