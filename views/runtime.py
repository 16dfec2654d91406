"""The cockpit's runtime: settings, the one engine, the view cache and the data version.

Made once by the app factory and kept on the Flask app (`extensions["cockpit"]`); a page or a
callback reaches it through `current()`, so nothing is read from the environment per request
and two apps in one process (the tests' SQLite and PostgreSQL) never share a database.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

import flask
from cachelib import SimpleCache
from flask_caching import Cache
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

import access
from data_access import version
from data_access.db import is_read_only
from data_access.scope import RegionIndex, load_regions
from settings import Settings
from urls import Urls

T = TypeVar("T")
EXTENSION = "cockpit"
log = logging.getLogger("cockpit")


class SharedCache:
    """The view cache (flask-caching; Redis in production) that survives its store going away.

    When the store fails (Redis stopped, unreachable, timing out) the cockpit keeps serving: answers
    are computed from the database and kept in this process's own small cache, and the shared store
    is tried again after `retry_seconds`, so a dead Redis costs one short timeout per worker per
    period rather than one per request. Nothing is lost but sharing between workers.
    """

    def __init__(self, cache: Cache, retry_seconds: float = 10.0) -> None:
        self.shared = cache
        self.local = SimpleCache(threshold=500)
        self.retry_seconds = retry_seconds
        self._down_until = 0.0

    def init_app(self, app, config: dict) -> None:
        self.shared.init_app(app, config=config)

    def _store(self):
        return self.local if time.monotonic() < self._down_until else self.shared

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() >= self._down_until:
            log.warning("view cache store failed (%s): serving from this worker's cache for %.0f s",
                        exc.__class__.__name__, self.retry_seconds)
        self._down_until = time.monotonic() + self.retry_seconds

    def get(self, key: str):
        store = self._store()
        try:
            return store.get(key)
        except Exception as exc:  # noqa: BLE001 - any failure of the store is a miss, never a 500
            self._failed(exc)
            return self.local.get(key)

    def set(self, key: str, value, timeout: int | None = None) -> None:
        store = self._store()
        try:
            store.set(key, value, timeout=timeout)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            self.local.set(key, value, timeout=timeout)

    def clear(self) -> None:
        """Forget every view (benchmarks measure the uncached path with it)."""
        self.local.clear()
        try:
            self.shared.clear()
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)

    def ping(self) -> None:
        """Raises unless the shared store answers (/ready asks when Redis is configured)."""
        self.shared.cache._write_client.ping()

    def add(self, key: str, value, timeout: int | None = None) -> bool:
        store = self._store()
        try:
            return bool(store.add(key, value, timeout=timeout))
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return bool(self.local.add(key, value, timeout=timeout))


class Runtime:
    def __init__(self, settings: Settings, engine: Engine, cache: Cache) -> None:
        self.settings = settings
        self.engine = engine
        self.cache = SharedCache(cache)
        self.urls = Urls()
        self.read_only = is_read_only(engine)
        self.secret = ""  # signs the sign-in form (auth/secret.py), set by the app factory
        self._version: tuple[float, str] | None = None
        self._memo: dict[str, tuple[str, object]] = {}
        # Called before a request computes what the cache lacks: the actor's rate limit
        # (auth/limits.py) raises werkzeug's TooManyRequests over the budget; a no-op otherwise.
        self.charge_miss: Callable[[], None] = lambda: None

    # ------------------------------------------------------------------ the data version

    def data_version(self) -> str:
        """The data version, asked of the database at most every `version_seconds`."""
        now = time.monotonic()
        known = self._version
        if known and now - known[0] < self.settings.version_seconds:
            return known[1]
        try:
            with self.engine.connect() as conn:
                value = version.read(conn)
        except SQLAlchemyError:
            if known is None:
                raise
            # The database is unreachable: keep the version last read, so cached views (and the
            # shell) are still served; the next request asks again.
            log.warning("data version unreadable: serving version %s from the cache", known[1])
            return known[1]
        self._version = (now, value)
        return value

    def forget_version(self) -> None:
        """After this process wrote data: the next request reads the new version at once."""
        self._version = None

    # ------------------------------------------------------------------ cached reads

    def cached(self, kind: str, parts: tuple, compute: Callable[[], T]) -> T:
        """A view part from the cache, or computed and kept: keyed by kind, data version and parts
        (a scope, filters…), so new data or another region never gets an old or foreign answer."""
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        key = f"{kind}/{self.data_version()}/{digest}"
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        self.charge_miss()
        value = compute()
        self.cache.set(key, value)
        return value

    def memo(self, kind: str, compute: Callable[[], T]) -> T:
        """A small value every request needs (the regions, the filter choices), kept in this
        process for the current data version: no cache round trip, no unpickling per request."""
        current = self.data_version()
        known = self._memo.get(kind)
        if known and known[0] == current:
            return known[1]
        value = compute()
        self._memo[kind] = (current, value)
        return value

    def regions(self) -> RegionIndex:
        """Every region, read once per data version (a drill needs no query to find its region)."""
        return self.memo("regions", lambda: load_regions(self.engine))

    # ------------------------------------------------------------------ who is looking

    def grant(self, require: str | None = None) -> access.Grant:
        """What the actor of the current request may see (access.py decides); with `require`,
        Denied unless the actor's role may do that (e.g. "admin")."""
        # A page asks several times per request (its place, its frame, its lists): once is enough.
        grant = flask.g.get("grant")
        if grant is None or grant.index is not self.regions():
            grant = flask.g.grant = access.grant_for(access.actor_of_request(), self.regions())
        if require:
            access.require(grant.actor, require)
        return grant


def current() -> Runtime:
    return flask.current_app.extensions[EXTENSION]
