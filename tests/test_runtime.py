"""The app factory and its runtime: one engine, the data version in every cache key, the schema
checked at start-up, prewarming claimed once, each page's callbacks registered once."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import create_engine, insert, select, text

from data_access import schema, version
from data_access.db import get_engine
from data_access.models import Project
from data_access.scope import Filters
from settings import Settings
from tests.conftest import signed_in
from tests.view_helpers import find, kpi_value, router_payload


@pytest.fixture
def scratch_cockpit(demo_sqlite_url, tmp_path):
    """The cockpit on a private copy of the demo database (so a test may write to it)."""
    import app

    source = demo_sqlite_url.removeprefix("sqlite:///")
    target = tmp_path / "copy.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    server = app.create_app(Settings(database_url=url, prewarm=False, version_seconds=0))
    return server, get_engine(url)


def test_one_engine_per_database(cockpit_app, demo_sqlite_url):
    from views.runtime import current

    with cockpit_app.server.app_context():
        assert current().engine is get_engine(demo_sqlite_url)


def test_a_write_with_a_new_version_shows_at_once(scratch_cockpit):
    """Cached views carry the data version: new data is never hidden behind an old answer."""
    server, engine = scratch_cockpit
    client = signed_in(server)

    def projects_on_screen():
        body = client.post("/_dash-update-component", json=router_payload("/region/520382", "?from=2025-01-01&to=2025-12-31"))
        return kpi_value(body.get_json()["response"]["_pages_content"]["children"], "kpi-projects")

    before = projects_on_screen()
    old = client.get("/api/data-version").get_json()["version"]
    with engine.begin() as conn:
        row = dict(conn.execute(select(Project.__table__).where(Project.county_adcode == 520382)
                                .limit(1)).mappings().one())
        row.update(id=10_000_000, code="TEST-NEW-1", signed_on=date(2025, 6, 1), terminated_on=None,
                   started_on=None, production_on=None)
        conn.execute(insert(Project), [row])
    assert projects_on_screen() == before  # written without a new version: the cache still answers
    with engine.begin() as conn:
        version.bump(conn)
    assert projects_on_screen() == f"{int(before.replace(',', '')) + 1:,}"
    assert client.get("/api/data-version").get_json()["version"] != old


def test_the_demo_build_sets_a_version(demo_sqlite_url):
    with get_engine(demo_sqlite_url).connect() as conn:
        assert version.read(conn) != version.NONE


def test_cache_keys_carry_scope_filters_and_version(cockpit_app):
    from views.runtime import current

    with cockpit_app.server.app_context():
        rt = current()
        calls = []
        f = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
        for adcode in (520300, 520100, 520300):
            rt.cached("probe", (rt.regions().get(adcode), f), lambda a=adcode: calls.append(a) or a)
        assert calls == [520300, 520100]  # the second 520300 is a hit, 520100 never gets 520300's


def test_prewarming_is_claimed_once_per_data_version(scratch_cockpit):
    from views.prewarm import prewarm
    from views.runtime import current

    server, _ = scratch_cockpit
    with server.app_context():
        assert prewarm(current()) == 10  # the province and its 9 cities
        assert prewarm(current()) == 0   # claimed: another worker sharing the cache does nothing


def test_each_callback_is_registered_once(cockpit_app):
    deps = cockpit_app.client.get("/_dash-dependencies").get_json()
    outputs = [d["output"] for d in deps]
    assert len(outputs) == len(set(outputs))
    assert sum("ov-drawn.data" in o for o in outputs) == 1


# ------------------------------------------------------------------ the schema at start-up

def test_an_empty_database_is_initialised(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert schema.prepare(engine) == "empty"
    assert schema.state(engine) == "current"


def test_a_schema_behind_is_refused_with_the_command(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    schema.upgrade(engine, "0003")
    with pytest.raises(schema.SchemaError, match="flask --app app db upgrade"):
        schema.prepare(engine)
    assert schema.prepare(engine, upgrade_behind=True) == "behind"
    assert schema.state(engine) == "current"


def test_a_foreign_database_is_refused(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'foreign.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE accounts (id INTEGER)"))
    with pytest.raises(schema.SchemaError, match="COCKPIT_DATABASE_URL"):
        schema.prepare(engine)


def test_a_read_only_file_is_served_read_only(tmp_path):
    import app

    from data_access import accounts

    path = tmp_path / "ro.db"
    writer = create_engine(f"sqlite:///{path}")  # not the process's engine of that URL: made before
    schema.prepare(writer)
    with writer.begin() as conn:
        accounts.create_user(conn, username="leader", role="viewer", region=520000, password_hash=None)
    writer.dispose()  # the last connection folds the write-ahead log in
    path.chmod(0o444)
    try:
        # Sessions are rows: a read-only database is read through single sign-on.
        server = app.create_app(Settings(database_url=f"sqlite:///{path}", prewarm=False, sso_header="X-User"))
        client = server.test_client()
        assert client.get("/health").status_code == 200
        body = client.post("/_dash-update-component", json=router_payload("/"), headers={"X-User": "leader"})
        assert body.status_code == 200
        assert find(body.get_json()["response"]["_pages_content"]["children"], "ov-kpis") is not None
        from views.runtime import EXTENSION
        assert server.extensions[EXTENSION].engine.url.query.get("mode") == "ro"
    finally:
        path.chmod(0o644)
