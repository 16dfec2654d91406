"""Reading figures out of a rendered Dash layout, the way a viewer reads them off the screen."""
from __future__ import annotations

from dash.development.base_component import Component


def find(component, component_id: str):
    """The component with this id in a layout tree, or None."""
    if isinstance(component, Component):
        if getattr(component, "id", None) == component_id:
            return component
        children = getattr(component, "children", None)
    else:
        children = component
    if isinstance(children, (list, tuple)):
        for child in children:
            hit = find(child, component_id)
            if hit is not None:
                return hit
    elif isinstance(children, Component):
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
    return text_of(getattr(component, "children", None))


def kpi_value(layout, card_id: str) -> str:
    """The big number of a KPI card (components/kpi.py: label, then value + unit)."""
    card = find(layout, card_id)
    assert card is not None, f"no card {card_id} on the page"
    return text_of(card.children[1].children[0])
