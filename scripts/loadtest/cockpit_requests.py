"""What the load test's users send and how their responses are checked, without Locust (which
patches the standard library with gevent when imported): used by locustfile.py and run.py.
"""
from __future__ import annotations

import re

UPDATE = "/_dash-update-component"
LIMITED_TEXT = "请求过于频繁，请稍后再试"
ADCODE = re.compile(r"(?<!\d)52\d{4}(?!\d)")


class Scope:
    """What one user may see, and the markers of what they may not: the adcode of any city or
    county outside their subtree and above them, and its full name unless that name also
    names something else in the data (an investor's origin city, a firm's name: `ambiguous`)."""

    def __init__(self, regions: dict[int, dict], adcode: int, ambiguous: frozenset[str] = frozenset()) -> None:
        self.regions, self.adcode = regions, adcode
        self.below = self._subtree(adcode)
        above, parent = set(), regions[adcode]["parent"]
        while parent:
            above.add(parent)
            parent = regions[parent]["parent"]
        allowed = self.below | above
        self.codes = {c for c, r in regions.items() if r["level"] != "province" and c not in allowed}
        allowed_names = {regions[c]["name"] for c in allowed}
        self.names = sorted({regions[c]["name"] for c in self.codes} - allowed_names - set(ambiguous),
                            key=len, reverse=True)

    def _subtree(self, adcode: int) -> set[int]:
        out = {adcode}
        for code, r in self.regions.items():
            if r["parent"] == adcode:
                out |= self._subtree(code)
        return out

    def children(self, level: str) -> list[int]:
        return sorted(c for c in self.below if self.regions[c]["level"] == level)

    def leak_in(self, body: str) -> str | None:
        """The first marker of a region outside the scope found in a response body, or None."""
        for code in ADCODE.findall(body):
            if int(code) in self.codes:
                return f"adcode {code}"
        for name in self.names:
            if name in body:
                return f"region {name}"
        return None


def router_payload(pathname: str, search: str = "") -> dict:
    """What Dash's page router posts when a page is opened (tests/view_helpers.py, from Chromium)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [[]],
        "changedPropIds": ["_pages_location.pathname"],
        "parsedChangedPropsIds": ["_pages_location.pathname"],
    }


def find_prop(node, component_id: str, prop: str):
    """A property of the component with this id anywhere in a callback response."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id and prop in props:
            return props[prop]
        for value in node.values():
            hit = find_prop(value, component_id, prop)
            if hit is not None:
                return hit
    elif isinstance(node, list):
        for value in node:
            hit = find_prop(value, component_id, prop)
            if hit is not None:
                return hit
    return None


