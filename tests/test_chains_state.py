"""The chain page's URL state (pages/chains_state.py): defaults, bad values, canonical links. No database."""
from __future__ import annotations

from datetime import date

import pytest

from pages.chains_state import chain_search, parse_chain_query, query_of

CUTOFF, FIRST = date(2025, 12, 31), date(2019, 1, 1)
PLAN = (date(2021, 1, 1), date(2025, 12, 31))
LINKS = {"CHEM": {29, 33}, "FOOD": {59}}


def parse(**query):
    return parse_chain_query(query, cutoff=CUTOFF, first=FIRST, plan=PLAN, links_of=LINKS)


def test_defaults_are_the_plan_period_and_contract_value():
    state = parse()
    assert (state.filters.date_from, state.filters.date_to) == PLAN
    assert (state.period, state.industry, state.link, state.measure, state.problems) == ("plan", None, None,
                                                                                          "contract", [])


def test_a_link_brings_its_industry():
    state = parse(link="33")
    assert (state.industry, state.link) == ("CHEM", 33)


@pytest.mark.parametrize("query, problem", [
    ({"industry": "OTHER"}, "不是十大工业产业之一"),
    ({"link": "abc"}, "无效"),
    ({"link": "59", "industry": "CHEM"}, "不属于所选产业"),
    ({"measure": "value"}, "未知的统计口径"),
    ({"from": "bad"}, "无效"),
    ({"from": "2030-01-01"}, "晚于数据截止日"),
])
def test_bad_values_are_dropped_with_a_message(query, problem):
    state = parse(**query)
    assert any(problem in p for p in state.problems)
    assert state.measure == "contract" and state.link in (None, 33)
    if "from" in query:
        assert (state.filters.date_from, state.filters.date_to) == PLAN


def test_search_leaves_out_defaults_and_round_trips():
    state = parse(region="520300", link="33", measure="projects", origin="深圳", **{"from": "2024-01-01"})
    search = chain_search(520300, state.filters, industry=state.industry, link=state.link, measure=state.measure,
                          plan=PLAN)
    assert search == "?region=520300&industry=CHEM&link=33&measure=projects&from=2024-01-01&origin=%E6%B7%B1%E5%9C%B3"
    again = parse(**query_of(search))
    assert (again.filters, again.industry, again.link, again.measure) == (state.filters, "CHEM", 33, "projects")
    assert chain_search(520000, parse().filters, industry=None, link=None, measure="contract", plan=PLAN) == ""
