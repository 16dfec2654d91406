"""The migrations build exactly the schema the models describe, on both backends."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from data_access.db import get_engine
from data_access.models import Base, ChainLink, Industry, Park, Region
from data_access.schema import ensure_schema
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def fresh_engine(request, backend_url):
    engine = get_engine(backend_url(request.param))
    ensure_schema(engine)
    return engine


def test_migrations_match_models(fresh_engine):
    with fresh_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_every_model_table_exists(fresh_engine):
    tables = set(inspect(fresh_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_reference_data_loaded_once(fresh_engine):
    ensure_schema(fresh_engine)  # a second start must not duplicate master data
    with fresh_engine.connect() as conn:
        levels = dict(conn.execute(select(Region.level, func.count()).group_by(Region.level)).all())
        industries = conn.scalar(select(func.count()).select_from(Industry))
        key = conn.scalar(select(func.count()).select_from(Industry).where(Industry.is_key))
        links = conn.scalar(select(func.count()).select_from(ChainLink))
        parks = conn.scalar(select(func.count()).select_from(Park))
    assert levels == {"province": 1, "city": 9, "county": 88}
    assert (industries, key) == (11, 10)
    assert links >= 60
    assert parks >= 9
