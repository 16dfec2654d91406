"""What each screen shows, built without Dash: typed view data from a scope and filters.

Pages lay these out; exports and wall mode reuse them. Each builder reads through the
runtime's cache, keyed by (view, scope, filters, data version).
"""
