"""Every published figure of the source articles (domain.md §1, §5) is on screen, exactly, under
the one terminated-project rule (data_access/lifecycle.py): read off the page a leader opens
(issue 10, item 7). tests/test_published_figures.py checks the same figures in the data.
"""
from __future__ import annotations

import pytest

from tests.test_figures_screen import card, screen

PRESS = {"from": "2019-11-20", "to": "2020-12-15", "channel": "驻点招商", "origin": "深圳"}

PUBLISHED = [
    # (what, query, {card: value})
    ("深圳驻点招商 2019-11-20 至 2020-12-15", PRESS,
     {"kpi-projects": "843", "kpi-contract": "1,777.02", "kpi-funds": "639.21", "act-enterprise": "30,076",
      "act-association": "8,267", "act-inspections": "6,056"}),
    ("3场巩固脱贫攻坚招商活动", {**PRESS, "from": "2020-10-14", "to": "2020-10-16"},
     {"kpi-projects": "31", "kpi-contract": "82.73"}),
    ("食品加工项目", {**PRESS, "industry": "FOOD"}, {"kpi-projects": "12", "kpi-contract": "13.00"}),
    ("2020年云招商", {"from": "2020-01-01", "to": "2020-12-31", "channel": "云招商"},
     {"kpi-projects": "109", "kpi-contract": "326.60"}),
    ("2019年", {"from": "2019-01-01", "to": "2019-12-31"}, {"kpi-projects": "5,210", "kpi-contract": "7,523.00"}),
]


@pytest.mark.parametrize("what, query, want", PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_published_figures_on_screen(demo_cockpit, what, query, want):
    page = screen(demo_cockpit, "/", **query)
    assert {cid: card(page, cid)["value"] for cid in want} == want, what
