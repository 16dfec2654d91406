"""Per-user rate limits (issue 16): one client asking for view after new view, or export after
export, must not slow everyone else.

Two budgets, counted per actor (the signed-in user's name, never anything the browser says):
- COCKPIT_RATE_VIEWS: requests that compute a view part the cache does not hold. A request is
  charged once, at its first cache miss (views/runtime.py `Runtime.cached`); answers from the
  cache cost nothing, so a leader on the cached views is never refused, and the background
  prewarm (no request) is never counted.
- COCKPIT_RATE_EXPORTS: every request to /export/*.

The counts live in the Redis of COCKPIT_CACHE_REDIS_URL, so all workers (and app servers) share
them; without it each worker counts in memory. When Redis does not answer, each worker counts in
memory until it answers again (Flask-Limiter's in-memory fallback) and an error of the limiter
is logged, never turned into a 500 (`swallow_errors`).

Over a budget: a callback's page says LIMITED_TEXT (app.py `_callback_failed`), a route answers
429 with it.
"""
from __future__ import annotations

import hashlib
import logging

import flask
from flask import Flask
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many
from werkzeug.exceptions import TooManyRequests

from settings import Settings, SettingsError
from views.runtime import EXTENSION

log = logging.getLogger("cockpit")
LIMITED_TEXT = "请求过于频繁，请稍后再试"
VIEWS_SCOPE = "views"
EXPORTS_SCOPE = "exports"
EXPORTS_BLUEPRINT = "exports"  # web/exports.py
# A Redis that does not answer must cost a request well under a second, not the OS's timeout.
REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def actor_key() -> str:
    """Whose budget a request spends: the actor found by auth/guard.py from the session (or the
    single sign-on header the proxy sets), else the client's address."""
    actor = flask.g.get("actor")
    if actor is not None:
        return f"user:{actor.name}"
    return f"addr:{flask.request.remote_addr}"


def is_limited(exc: BaseException) -> bool:
    """A request refused for being over a budget (said as LIMITED_TEXT, not as a failure)."""
    return isinstance(exc, TooManyRequests)


def _rate(variable: str, value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise SettingsError(f"{variable}={value!r} is not a rate such as '60/minute'") from None
    return value


def init_limits(server: Flask, settings: Settings) -> Limiter:
    """The limiter of this app: after auth's before_request (the key needs the actor), on the
    exports blueprint, and as the view cache's charge for a miss."""
    views = _rate("COCKPIT_RATE_VIEWS", settings.rate_views)
    exports = _rate("COCKPIT_RATE_EXPORTS", settings.rate_exports)
    # Several deployments may share one Redis: keys carry a digest of their database (as the cache's).
    digest = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    limiter = Limiter(
        key_func=actor_key,
        app=server,
        storage_uri=settings.cache_redis_url or "memory://",
        storage_options=REDIS_OPTIONS if settings.cache_redis_url else {},
        key_prefix=f"cockpit:{digest}",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    limiter.shared_limit(exports, scope=EXPORTS_SCOPE)(server.blueprints[EXPORTS_BLUEPRINT])

    def charge_miss() -> None:
        # Once per request: a page that computes three parts of one new view pays for one.
        if not flask.has_request_context() or flask.g.get("view_charged"):
            return
        flask.g.view_charged = True
        with limiter.shared_limit(views, scope=VIEWS_SCOPE):
            pass  # entering checks and counts; RateLimitExceeded over the budget

    server.extensions[EXTENSION].charge_miss = charge_miss
    server.register_error_handler(RateLimitExceeded, _refused)
    return limiter


def _refused(exc: RateLimitExceeded):
    log.warning("rate limit reached by %s on %s: %s", actor_key(), flask.request.path, exc.description)
    return LIMITED_TEXT, 429, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "60"}
