"""Upgrading a database that already holds data: 0003 fills the investor snapshot on projects
and the region on funding from what the older schema had, on both backends."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access.db import get_engine
from data_access.reference import load_reference
from data_access.schema import downgrade, upgrade
from tests.conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_fills_new_columns_from_existing_rows(backend, backend_url):
    engine = get_engine(backend_url(backend))
    upgrade(engine, "0002")
    with engine.begin() as conn:
        load_reference(conn)
        conn.execute(text(
            "INSERT INTO enterprise (id, name, origin_province, origin_city, source_region, ownership, quality_tags) "
            "VALUES (1, '深圳某科技有限公司', '广东省', '深圳市', '粤港澳大湾区', '民营', 9)"))
        conn.execute(text(
            "INSERT INTO project (id, code, name, enterprise_id, industry_code, county_adcode, city_adcode, channel, "
            "contract_yuan, signed_on, status, is_industrial) VALUES (1, 'M1', '迁移测试项目', 1, 'CHEM', 520382, "
            "520300, '驻点招商', 100000000, '2024-01-02', '已签约', :t)"), {"t": True})
        conn.execute(text("INSERT INTO funding (id, project_id, received_on, amount_yuan) "
                          "VALUES (1, 1, '2024-03-01', 25000000)"))
    upgrade(engine)
    with engine.connect() as conn:
        project = conn.execute(text(
            "SELECT origin_province, origin_city, source_region, quality_tags FROM project WHERE id = 1")).one()
        funding = conn.execute(text("SELECT county_adcode, city_adcode FROM funding WHERE id = 1")).one()
    assert tuple(project) == ("广东省", "深圳市", "粤港澳大湾区", 9)
    assert tuple(funding) == (520382, 520300)

    # A correction of the project's place reaches its money through the cascading key.
    with engine.begin() as conn:
        conn.execute(text("UPDATE project SET county_adcode = 520381 WHERE id = 1"))  # 赤水市, also in 遵义
        assert conn.execute(text("SELECT county_adcode FROM funding WHERE id = 1")).scalar() == 520381

    downgrade(engine, "0002")
    upgrade(engine)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_project_cannot_sit_in_another_citys_county(backend, backend_url):
    from sqlalchemy.exc import IntegrityError

    engine = get_engine(backend_url(backend))
    upgrade(engine)
    with engine.begin() as conn:
        load_reference(conn)
        conn.execute(text(
            "INSERT INTO enterprise (id, name, origin_province, source_region, ownership, quality_tags) "
            "VALUES (1, '某公司', '贵州省', '省内', '民营', 0)"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO project (id, code, name, enterprise_id, origin_province, source_region, quality_tags, "
            "industry_code, county_adcode, city_adcode, channel, contract_yuan, signed_on, status, is_industrial) "
            "VALUES (1, 'X1', '错位项目', 1, '贵州省', '省内', 0, 'CHEM', 520382, 520100, '其他', 1, '2024-01-02', "
            "'已签约', :t)"), {"t": True})
