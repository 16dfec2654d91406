"""The cockpit's URL grammar: routes (paths and query keys) and what a view's query means."""
from .routes import FILTER_KEYS, ROUTES, Location, Urls, query_of, search
from .views import (
    ChainState, ListState, OverviewState, chain_query, chain_state, filter_query, list_link_query, list_query, list_state,
    overview_state, period_dates, period_of, period_range,
)

__all__ = [
    "FILTER_KEYS", "ROUTES", "Location", "Urls", "query_of", "search", "ChainState", "OverviewState", "chain_query",
    "chain_state", "filter_query", "ListState", "list_link_query", "list_query", "list_state", "overview_state", "period_dates", "period_of", "period_range",
]
