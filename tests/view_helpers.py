"""Reading figures out of a rendered Dash layout, the way a viewer reads them off the screen,
and the requests a browser sends to change what is on it.

A layout is read as Dash components (a page's layout function) or as the JSON a callback
response carries (`{"type", "namespace", "props"}` nodes): both read alike.
"""
from __future__ import annotations

import json

from dash.development.base_component import Component

from components.routing import MOUNTED


def _is_node(node) -> bool:
    return isinstance(node, Component) or (isinstance(node, dict) and "props" in node)


def prop(node, name: str):
    return node["props"].get(name) if isinstance(node, dict) else getattr(node, name, None)


def find(component, component_id: str):
    """The component with this id in a layout tree, or None."""
    if _is_node(component):
        if prop(component, "id") == component_id:
            return component
        children = prop(component, "children")
    else:
        children = component
    if isinstance(children, (list, tuple)):
        for child in children:
            hit = find(child, component_id)
            if hit is not None:
                return hit
    elif _is_node(children):
        return find(children, component_id)
    return None


def text_of(component) -> str:
    """All text inside a component, concatenated."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(text_of(c) for c in component)
    return text_of(prop(component, "children"))


def kpi_value(layout, card_id: str) -> str:
    """The big number of a KPI card (components/kpi.py: label, then value + unit)."""
    card = find(layout, card_id)
    assert card is not None, f"no card {card_id} on the page"
    return text_of(prop(prop(card, "children")[1], "children")[0])


def response_page(*responses: dict) -> list:
    """Callback responses as one layout: a node per updated component, holding its children."""
    page = []
    for body in responses:
        for cid, props in body["response"].items():
            if "children" in props:
                page.append({"type": "Div", "namespace": "dash_html_components",
                             "props": {"id": cid, "children": props["children"]}})
    return page


# ------------------------------------------------------------------ what the browser sends

def router_payload(pathname: str, search: str = "", drawn: dict | str | None = None, page: str = "overview") -> dict:
    """The request Dash's page router sends when the URL changes (captured from Chromium).

    `drawn` is the view `page` has on screen (None: another page, or a first load).
    The router only learns that the page is mounted; its `redraw` gets the view.
    """
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [[{"id": {"role": MOUNTED, "page": page}, "property": "data", "value": page}] if drawn else []],
        "changedPropIds": ["_pages_location.pathname"],
        "parsedChangedPropsIds": ["_pages_location.pathname"],
    }


def callback_outputs(dash_app, first: str) -> tuple[str, list[dict]]:
    """A callback's output key and its outputs list, as the renderer sends them; `first` starts
    its first output. The app must have served a request (pages register callbacks then)."""
    key = next(k for k in dash_app.callback_map if k.lstrip(".").startswith(first))
    outputs = []
    for part in key.strip(".").split("..."):
        cid, prop_name = part.rsplit(".", 1)
        outputs.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop_name})
    return key, outputs


def redraw_payload(dash_app, pathname: str, search: str, drawn: dict, metric: str = "contract_yi") -> dict:
    """`redraw`'s request when the URL changes while the overview shows the view `drawn`."""
    key, outputs = callback_outputs(dash_app, "ov-drawn.data")
    return {"output": key, "outputs": outputs,
            "inputs": [{"id": "ov-location", "property": "pathname", "value": pathname},
                       {"id": "ov-location", "property": "search", "value": search}],
            "state": [{"id": "ov-drawn", "property": "data", "value": drawn},
                      {"id": "ov-map-metric", "property": "value", "value": metric}],
            "changedPropIds": ["ov-location.pathname"], "parsedChangedPropsIds": ["ov-location.pathname"]}


def panels_payload(dash_app, drawn: dict, panels_drawn: dict, measure: str = "projects") -> dict:
    """`redraw_panels`'s request once `redraw` has set the view `drawn`."""
    key, outputs = callback_outputs(dash_app, "ov-panels-drawn.data")
    changed = "ov-drawn.data"
    return {"output": key, "outputs": outputs,
            "inputs": [{"id": "ov-drawn", "property": "data", "value": drawn}],
            "state": [{"id": "ov-panels-drawn", "property": "data", "value": panels_drawn},
                      {"id": "ov-funnel-measure", "property": "value", "value": measure}],
            "changedPropIds": [changed], "parsedChangedPropsIds": [changed]}


def drawn_of(response: dict) -> dict:
    """The view key a response (router or redraw) put on screen."""
    def walk(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "ov-drawn":
                return node["props"]["data"]
            for value in node.values():
                hit = walk(value)
                if hit is not None:
                    return hit
        elif isinstance(node, list):
            for value in node:
                hit = walk(value)
                if hit is not None:
                    return hit
        return None

    direct = response["response"].get("ov-drawn")
    return direct["data"] if direct else walk(response["response"])
