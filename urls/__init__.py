"""The cockpit's URL grammar: routes (paths and query keys) and what a view's query means."""
from .routes import FILTER_KEYS, ROUTES, Location, Urls, query_of, search
from .views import (
    ChainState, OverviewState, chain_query, chain_state, filter_query, overview_state, period_dates, period_of,
    period_range,
)

__all__ = [
    "FILTER_KEYS", "ROUTES", "Location", "Urls", "query_of", "search", "ChainState", "OverviewState", "chain_query",
    "chain_state", "filter_query", "overview_state", "period_dates", "period_of", "period_range",
]
