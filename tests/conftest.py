"""Shared fixtures: a demo database on SQLite, and the same on PostgreSQL when one is reachable.

`COCKPIT_TEST_POSTGRES_URL` (set by scripts/test.sh when PostgreSQL answers) names a server
database the tests may use to create and drop a scratch database of their own.
"""
from __future__ import annotations

import os
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BACKENDS = ["sqlite", "postgresql"]


def scratch_postgres_url() -> str | None:
    """A fresh, empty PostgreSQL database for this test session, or None without a server."""
    admin_url = os.environ.get("COCKPIT_TEST_POSTGRES_URL")
    if not admin_url:
        return None
    name = f"cockpit_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    from data_access.db import get_engine

    get_engine(url).dispose()
    admin = create_engine(os.environ["COCKPIT_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def backend_url(request, tmp_path_factory):
    """Factory: the URL of an empty database for a backend; PostgreSQL ones are dropped at the end."""
    created: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'cockpit.db'}"
        url = scratch_postgres_url()
        if url is None:
            pytest.skip("PostgreSQL not reachable (COCKPIT_TEST_POSTGRES_URL unset)")
        created.append(url)
        return url

    yield make
    for url in created:
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory) -> str:
    """One SQLite file with the demo data, shared by every test that reads it."""
    from data_access.demo import ensure_demo_database

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'cockpit.db'}"
    ensure_demo_database(url)
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def demo_engine(request, backend_url):
    """An engine on a database holding the full deterministic demo data set."""
    from data_access.db import get_engine
    from data_access.demo import ensure_demo_database

    if request.param == "sqlite":
        return get_engine(request.getfixturevalue("demo_sqlite_url"))
    return ensure_demo_database(backend_url(request.param))


@dataclass(frozen=True)
class Cockpit:
    """An app made by the factory, for the tests: its Flask server and its Dash app."""
    server: object
    app: object
    module: object

    @property
    def client(self):
        """A client signed in as a provincial analyst (figures and lists of the whole province)."""
        return signed_in(self.server)

    def session(self, *, role: str = "analyst", region: int | None = 520000) -> str:
        return session_token(self.server, role=role, region=region)


def session_token(server, *, role: str = "analyst", region: int | None = 520000) -> str:
    """A session cookie value for a test user of that role and region (made on first use)."""
    from views.runtime import EXTENSION

    return engine_session_token(server.extensions[EXTENSION].engine, role=role, region=region)


def engine_session_token(engine, *, role: str = "analyst", region: int | None = 520000,
                         prefix: str = "test") -> str:
    """The same, straight on a database (a server running in another process)."""
    from auth.credentials import digest, new_token
    from data_access import accounts

    username = f"{prefix}-{role}-{region}"
    with engine.begin() as conn:
        user = accounts.user_by_name(conn, username)
        user_id = user["id"] if user else accounts.create_user(conn, username=username, role=role, region=region,
                                                              password_hash=None)
        token = new_token()
        accounts.start_session(conn, digest(token), user_id=user_id)
    return token


@contextmanager
def acting(server, path: str = "/", *, role: str = "analyst", region: int | None = 520000):
    """A request context of `server` whose actor is a test user (for calling a layout directly)."""
    import flask

    import access

    with server.test_request_context(path):
        flask.g.actor = access.Actor(name=f"test-{role}-{region}", role=role, region=region)
        yield


def signed_in(server, *, role: str = "analyst", region: int | None = 520000):
    from auth.guard import COOKIE

    client = server.test_client()
    client.set_cookie(COOKIE, session_token(server, role=role, region=region))
    return client


@pytest.fixture(scope="session")
def cockpit_for():
    """Factory: the cockpit on a database (an engine or a URL), made once per database."""
    import app as module
    from settings import Settings

    made: dict[str, Cockpit] = {}

    def make(database) -> Cockpit:
        url = database if isinstance(database, str) else database.url.render_as_string(hide_password=False)
        if url not in made:
            # The shared apps serve the whole suite as a few test users: no per-user rate limits
            # there (tests/test_rate_limits.py makes apps with tiny ones).
            server = module.create_app(Settings(database_url=url, prewarm=False, rate_views="1000000/minute",
                                                rate_exports="1000000/minute"))
            made[url] = Cockpit(server=server, app=server.extensions["dash_app"], module=module)
        return made[url]

    return make


@pytest.fixture(scope="session")
def cockpit_app(cockpit_for, demo_sqlite_url) -> Cockpit:
    """The cockpit on the SQLite demo database."""
    return cockpit_for(demo_sqlite_url)


@pytest.fixture
def demo_cockpit(cockpit_for, demo_engine) -> Cockpit:
    """The cockpit on the demo database of the current backend (SQLite, then PostgreSQL)."""
    return cockpit_for(demo_engine)
