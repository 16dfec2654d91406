"""The URL grammar (urls/): every route built and parsed in one place; the chain page's state
from its query (defaults, bad values, canonical links). No database."""
from __future__ import annotations

from datetime import date

import pytest

from urls import ROUTES, Urls, chain_query, chain_state, overview_state, query_of, search
from data_access.scope import Filters

CUTOFF, FIRST = date(2025, 12, 31), date(2019, 1, 1)
PLAN = (date(2021, 1, 1), date(2025, 12, 31))
LINKS = {"CHEM": {29, 33}, "FOOD": {59}}


def parse(**query):
    return chain_state(query, cutoff=CUTOFF, first=FIRST, plan=PLAN, links_of=LINKS)


def chain_search(region, filters, **kw):
    return search("chains", chain_query(region, filters, **kw))


def test_defaults_are_the_plan_period_and_contract_value():
    state = parse()
    assert (state.filters.date_from, state.filters.date_to) == PLAN
    assert (state.period, state.industry, state.link, state.measure, state.problems) == ("plan", None, None,
                                                                                          "contract", ())


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
    text = chain_search(520300, state.filters, industry=state.industry, link=state.link, measure=state.measure,
                          plan=PLAN)
    assert text == "?region=520300&industry=CHEM&link=33&measure=projects&from=2024-01-01&origin=%E6%B7%B1%E5%9C%B3"
    again = parse(**query_of(text)[0])
    assert (again.filters, again.industry, again.link, again.measure) == (state.filters, "CHEM", 33, "projects")
    assert chain_search(520000, parse().filters, industry=None, link=None, measure="contract", plan=PLAN) == ""


# ------------------------------------------------------------------ routes

URLS = Urls()


@pytest.mark.parametrize("route, args, query, url", [
    ("overview", {}, {}, "/"),
    ("overview", {}, {"channel": "云招商", "from": "2024-01-01"}, "/?from=2024-01-01&channel=%E4%BA%91%E6%8B%9B%E5%95%86"),
    ("region", {"adcode": 520300}, {"to": "2024-12-31", "from": None}, "/region/520300?to=2024-12-31"),
    ("chains", {}, {"link": 33, "region": 520300}, "/chains?region=520300&link=33"),
    ("project", {"code": "GZ 2024/01"}, {}, "/project/GZ%202024%2F01"),
    ("warnings", {}, {"region": 520382}, "/warnings?region=520382"),
    ("rankings", {}, {}, "/rankings"),
    ("playlist", {"playlist": "默认"}, {}, "/wall/%E9%BB%98%E8%AE%A4"),
])
def test_every_route_builds_and_parses_back(route, args, query, url):
    built = URLS.build(route, query, **args)
    assert built == url
    path, _, text = built.partition("?")
    back = URLS.parse(path, "?" + text)
    assert back.route == route
    assert back.args == {k: str(v) for k, v in args.items()}
    assert back.query == {k: str(v) for k, v in query.items() if v is not None}


def test_keys_go_in_one_order_whatever_the_caller_gives():
    assert search("chains", {"origin": "深圳", "region": 520300, "measure": "projects"}) == \
        search("chains", {"measure": "projects", "region": 520300, "origin": "深圳"})


def test_a_key_the_route_does_not_take_is_a_programming_error():
    with pytest.raises(ValueError):
        URLS.build("overview", {"region": 520300})


def test_repeated_and_overlong_values_get_a_notice_not_an_exception():
    query, problems = query_of("?from=2024-01-01&from=2023-01-01&origin=" + "x" * 500)
    assert query == {"from": "2024-01-01", "origin": ""}
    assert any("重复" in p for p in problems) and any("过长" in p for p in problems)


@pytest.mark.parametrize("path", ["/nope", "/region", "/region/1/2", "/chains/x", "//"])
def test_paths_of_no_page_parse_to_no_route(path):
    assert URLS.parse(path).route is None or path == "//"


def test_a_prefix_is_built_and_stripped():
    urls = Urls("/cockpit")
    assert urls.build("region", adcode=520300) == "/cockpit/region/520300"
    assert urls.parse("/cockpit/region/520300").args == {"adcode": "520300"}
    assert urls.parse("/cockpit").route == "overview"


def test_every_route_has_a_template_and_keys():
    for name, (template, keys) in ROUTES.items():
        assert template.startswith("/") and len(set(keys)) == len(keys), name


@pytest.mark.parametrize("value", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31", "2024-02-30", "x"])
def test_dates_outside_the_cockpits_years_are_dropped_with_a_notice(value):
    state = overview_state({"from": value, "to": "2024-12-31"}, cutoff=CUTOFF, first=FIRST, industries=set())
    assert state.filters.date_from is None and state.problems
    assert isinstance(state.filters, Filters)
