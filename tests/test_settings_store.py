"""Settings: declared once with bounds, absent keys read as defaults, a save checked as a whole,
written with a new data version (so cached warnings and rankings give way), on both backends."""
from __future__ import annotations

import pytest
from sqlalchemy import insert

from data_access import settings_store as S
from data_access import version
from data_access.db import get_engine
from data_access.models import AppSetting
from data_access.schema import ensure_schema
from tests.conftest import BACKENDS


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, backend_url):
    engine = get_engine(backend_url(request.param))
    ensure_schema(engine)
    return engine


def test_absent_keys_read_as_defaults_and_writes_bump_the_version(engine):
    with engine.begin() as conn:
        S.reset(conn)
    with engine.connect() as conn:
        assert S.read(conn) == S.defaults()
        before = version.read(conn)
    with engine.begin() as conn:
        S.write(conn, {"warn.stall_red_months": 9}, actor="tester")
    with engine.connect() as conn:
        assert S.read(conn)["warn.stall_red_months"] == 9
        assert S.read(conn)["warn.stall_yellow_months"] == 3
        assert version.read(conn) != before
        assert S.history(conn)[0]["updated_by"] == "tester"
    with engine.begin() as conn:
        # A stored value outside its bounds (set by hand) reads as the default, never breaks a rule.
        conn.execute(AppSetting.__table__.delete())
        conn.execute(insert(AppSetting), [{"key": "warn.funds_min_pct", "value": "abc", "updated_at": S.utcnow(),
                                           "updated_by": "x"}])
    with engine.connect() as conn:
        assert S.read(conn)["warn.funds_min_pct"] == 30
    with engine.begin() as conn:
        S.reset(conn)


@pytest.mark.parametrize("changes,problem", [
    ({"warn.stall_yellow_months": "三"}, "须为整数"),
    ({"warn.stall_yellow_months": True}, "须为整数"),
    ({"warn.stall_yellow_months": 1.5}, "须为整数"),
    ({"warn.funds_min_pct": 0}, "须在 1–100%"),
    ({"nope": 1}, "没有这个设置"),
    ({"warn.idle_yellow_months": 3}, "无进展：红灯月数须大于黄灯月数"),
    ({"rank.weight_funds": 10}, "权重之和须为 100%"),
])
def test_bad_values_are_refused_in_chinese(changes, problem):
    checked, problems = S.validate(changes, S.defaults())
    assert any(problem in p for p in problems), problems


def test_good_values_pass():
    checked, problems = S.validate({"rank.weight_contract": "50", "rank.weight_funds": 30.0,
                                    "rank.weight_projects": 20}, S.defaults())
    assert problems == [] and checked == {"rank.weight_contract": 50, "rank.weight_funds": 30,
                                          "rank.weight_projects": 20}
