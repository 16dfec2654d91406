"""A project's file: its figures against plain SQL, its warning rules on hand-built cases, and
its scope (a project outside the region reads exactly like a missing one, and the refusal is
audited)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import project_file as pf
from data_access.scope import resolve_scope
from tests.view_helpers import find, router_payload, text_of

RENHUAI = 520382


@pytest.fixture(scope="module")
def sample(demo_engine):
    """A project of an investor with several projects in Guizhou, visits and money."""
    with demo_engine.connect() as conn:
        row = conn.execute(text("""
            SELECT p.code, p.enterprise_id, p.county_adcode FROM project p
            WHERE (SELECT COUNT(*) FROM project o WHERE o.enterprise_id = p.enterprise_id) >= 3
              AND EXISTS (SELECT 1 FROM visit v WHERE v.enterprise_id = p.enterprise_id)
              AND EXISTS (SELECT 1 FROM funding f WHERE f.project_id = p.id)
            ORDER BY p.code LIMIT 1""")).mappings().one()
    return dict(row)


def test_the_file_matches_the_database(demo_engine, sample):
    found = pf.read_project(demo_engine, sample["code"], resolve_scope(demo_engine, None))
    assert found is not None and found.record["code"] == sample["code"]
    with demo_engine.connect() as conn:
        q = {"c": sample["code"], "e": sample["enterprise_id"]}
        funds = conn.execute(text("SELECT SUM(f.amount_yuan) FROM funding f JOIN project p ON p.id = f.project_id "
                                  "WHERE p.code = :c"), q).scalar()
        others = conn.execute(text("SELECT COUNT(*) FROM project WHERE enterprise_id = :e AND code <> :c"), q).scalar()
        visits = conn.execute(text("SELECT COUNT(*) FROM visit WHERE enterprise_id = :e"), q).scalar()
        inspections = conn.execute(text("SELECT COUNT(*) FROM inspection WHERE enterprise_id = :e"), q).scalar()
        investor = conn.execute(text("SELECT name FROM enterprise WHERE id = :e"), q).scalar()
    assert found.funds_yuan == int(funds) and found.funding["cumulative_yuan"].iloc[-1] == int(funds)
    assert (len(found.others), len(found.visits), len(found.inspections)) == (others, visits, inspections)
    assert found.record["investor"] == investor
    assert [s.key for s in found.stages] == ["signed", "planned_start", "started", "planned_production", "production"]


def test_a_county_scope_sees_its_own_part_of_the_investor(demo_engine, sample):
    county = resolve_scope(demo_engine, sample["county_adcode"])
    found = pf.read_project(demo_engine, sample["code"], county)
    assert found is not None
    with demo_engine.connect() as conn:
        others = conn.execute(text("SELECT COUNT(*) FROM project WHERE enterprise_id = :e AND code <> :c "
                                   "AND county_adcode = :a"),
                              {"e": sample["enterprise_id"], "c": sample["code"], "a": county.adcode}).scalar()
    assert len(found.others) == others
    elsewhere = next(a for a in (520102, 520382) if a != sample["county_adcode"])
    assert pf.read_project(demo_engine, sample["code"], resolve_scope(demo_engine, elsewhere)) is None
    assert pf.read_project(demo_engine, "NO-SUCH-CODE", resolve_scope(demo_engine, None)) is None


AS_OF = date(2025, 12, 31)


def record(**kw):
    base = {"signed_on": date(2025, 1, 1), "planned_start_on": None, "started_on": None,
            "planned_production_on": None, "production_on": None, "terminated_on": None}
    return {**base, **kw}


@pytest.mark.parametrize("rec, expected", [
    (record(signed_on=date(2025, 10, 2)), []),                                   # 90 days: not yet yellow
    (record(signed_on=date(2025, 10, 1)), [("stalled", "yellow")]),              # 91 days
    (record(signed_on=date(2025, 7, 4)), [("stalled", "yellow")]),               # 180 days: still yellow
    (record(signed_on=date(2025, 7, 3)), [("stalled", "red")]),                  # 181 days: red
    (record(signed_on=date(2025, 11, 1), planned_start_on=date(2025, 12, 1)), [("past_start", "red")]),
    (record(started_on=date(2025, 2, 1), planned_production_on=date(2025, 12, 30)), [("past_production", "red")]),
    (record(started_on=date(2025, 2, 1), planned_production_on=date(2025, 12, 31)), []),
    (record(started_on=date(2025, 2, 1), production_on=date(2025, 6, 1), planned_production_on=date(2025, 3, 1)), []),
    (record(signed_on=date(2024, 1, 1), terminated_on=date(2025, 5, 1)), []),   # terminated: no warning
    (record(signed_on=date(2025, 12, 1), started_on=date(2026, 1, 5)), []),     # starts after the cut-off
])
def test_warning_rules(rec, expected):
    assert [(w.rule, w.light) for w in pf.warnings(rec, AS_OF)] == expected


def test_stage_delays():
    rec = record(planned_start_on=date(2025, 3, 1), started_on=date(2025, 3, 11), planned_production_on=date(2025, 6, 1))
    stages = {s.key: s for s in pf.stages(rec, AS_OF)}
    assert stages["started"].late_days == 10
    assert stages["production"].on is None and stages["production"].late_days == (AS_OF - date(2025, 6, 1)).days
    early = pf.stages(record(planned_start_on=date(2025, 3, 1), started_on=date(2025, 2, 1)), AS_OF)
    assert early[2].late_days is None


def route(client, path):
    resp = client.post("/_dash-update-component", json=router_payload(path))
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"]["_pages_content"]["children"]


def test_the_page_and_its_refusals(cockpit_app):
    from tests.conftest import signed_in
    from views.runtime import EXTENSION

    engine = cockpit_app.server.extensions[EXTENSION].engine
    with engine.connect() as conn:
        inside = conn.execute(text("SELECT code FROM project WHERE county_adcode = :a ORDER BY code LIMIT 1"),
                              {"a": RENHUAI}).scalar()
        outside = conn.execute(text("SELECT code FROM project WHERE city_adcode <> 520300 ORDER BY code LIMIT 1")).scalar()
        denied = lambda: conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")).scalar()  # noqa
        county = signed_in(cockpit_app.server, role="analyst", region=RENHUAI)
        page = route(county, f"/project/{inside}")
        assert find(page, "pf-title") is not None and "仁怀市" in text_of(find(page, "pf-place"))
        before = denied()
        hidden, missing = route(county, f"/project/{outside}"), route(county, "/project/ZZ-NOT-A-CODE")
        assert find(hidden, "project-not-found") is not None and find(missing, "project-not-found") is not None
        # The same words for both, but the code each was asked for.
        assert text_of(hidden).replace(outside, "X") == text_of(missing).replace("ZZ-NOT-A-CODE", "X")
        assert denied() == before + 1  # the hidden one was a refusal, recorded
        viewer = signed_in(cockpit_app.server, role="viewer", region=520000)
        assert "需业务人员及以上权限" in text_of(route(viewer, f"/project/{inside}"))


def test_the_files_stall_light_is_the_overviews(demo_engine):
    """The file reads the 预警 screen's rules (data_access/warnings.py, default thresholds); its
    签约未开工 light agrees with the overview's (oracle: beyond 90 days yellow, beyond 180 red)."""
    from data_access.scope import Filters
    from tests import oracle

    province = resolve_scope(demo_engine, None)
    stalled = oracle.stalled(demo_engine, None, Filters())["projects"]
    late = stalled[stalled["days"] > oracle.YELLOW_DAYS]
    sample = pd.concat([late[late["days"] > oracle.RED_DAYS].head(8), late[late["days"] <= oracle.RED_DAYS].head(8)])
    assert len(sample) == 16
    for row in sample.itertuples():
        found = pf.read_project(demo_engine, row.code, province)
        lights = {w.rule: w.light for w in found.warnings}
        assert lights.get("stall") == ("red" if row.days > oracle.RED_DAYS else "yellow"), (row.code, row.days, lights)
