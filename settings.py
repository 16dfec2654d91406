"""The cockpit's settings: read from the environment once, at start-up, and passed down.

Nothing else in the code reads the environment. Every variable is listed in the README's
Configuration table; `tests/test_settings.py` fails when the two disagree.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'cockpit.db'}"


class SettingsError(ValueError):
    """A variable holds a value the cockpit cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8050
    cache_redis_url: str | None = None
    cache_seconds: int = 300
    plotly_bundle: bool = True
    prewarm: bool = True
    # Upgrade a database whose schema is behind at start-up (python app.py does; a WSGI
    # deployment runs `flask --app app db upgrade` as a deploy step instead).
    auto_upgrade: bool = False
    # Largest request body accepted; a callback's request is a few kB.
    max_request_bytes: int = 1024 * 1024
    # Largest ledger file a data manager may upload (数据管理); their requests alone may be this
    # large (base64 in a callback: 4/3 of it), everyone else's keep max_request_bytes.
    max_upload_bytes: int = 20 * 1024 * 1024
    # The Chromium that renders 导出本屏 (PNG/PDF of a view): Debian's, never a downloaded one.
    chromium: str = "/usr/bin/chromium"
    # How long a worker trusts the data version it read before asking the database again.
    version_seconds: float = 2.0
    # Signs the sign-in form's CSRF token; production (real data) refuses to start without one
    # of at least 32 characters. The demo database keeps a random one of its own.
    secret_key: str = ""
    # A session ends after this long without a request, and this long after sign-in whatever.
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    # Failed sign-ins of one user name within a minute before further attempts are refused.
    login_failures: int = 5
    # Single sign-on: trust the user name in this header set by the reverse proxy (the unified
    # identity gateway); empty: off. The proxy must drop the header from clients' requests.
    sso_header: str = ""
    # Send cookies with Secure (the cockpit is served over TLS by its proxy).
    secure_cookies: bool = False
    # Longest a single SQL statement may run while serving (0: no limit). Below gunicorn's
    # worker timeout (gunicorn.conf.py), so a slow query ends with "查询超时" in the page
    # instead of a killed worker.
    statement_timeout_ms: int = 15_000
    # Per-user budgets (auth/limits.py), shared by all workers through COCKPIT_CACHE_REDIS_URL:
    # requests that compute a view the cache lacks (cached views are never limited), and exports.
    rate_views: str = "60/minute"
    rate_exports: str = "20/minute"
    # Walls (issue 13): a paused player resumes after this long without a touch, click or key;
    # it asks whether the data changed this often (GET /api/data-version, a few dozen bytes).
    wall_idle_seconds: int = 60
    wall_poll_seconds: float = 60.0

    # (variable, field, parser) of every setting; the README's table lists the same variables.
    @classmethod
    def variables(cls) -> dict[str, str]:
        return {f"COCKPIT_{f.name.upper()}": f.name for f in fields(cls)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        environ = os.environ if environ is None else environ
        values = {}
        for variable, name in cls.variables().items():
            raw = environ.get(variable, "").strip()
            if raw:
                values[name] = _parse(variable, raw, cls.__dataclass_fields__[name].type)
        return replace(cls(**values), **overrides)


def _parse(variable: str, raw: str, kind: str):
    try:
        if kind == "bool":
            if raw.lower() not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes", "on")
        if kind == "str":
            return raw
        if kind == "int":
            value = int(raw)
        elif kind == "float":
            value = float(raw)
        else:
            return raw
    except ValueError:
        raise SettingsError(f"{variable}={raw!r} is not a valid {kind}") from None
    if value < 0:
        raise SettingsError(f"{variable}={raw!r} must not be negative")
    return value
