"""Result cache of the views: Redis when COCKPIT_CACHE_REDIS_URL is set, else in-process memory.

Keys are built from the database URL, the region scope and the filters, so a cached answer is
never served for another region (the scope is part of every key) or another database.
"""
from __future__ import annotations

import os

from flask_caching import Cache

cache = Cache()


def init_cache(server) -> None:
    timeout = int(os.environ.get("COCKPIT_CACHE_SECONDS", "300"))
    redis_url = os.environ.get("COCKPIT_CACHE_REDIS_URL", "").strip()
    if redis_url:
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "cockpit:"}
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    config["CACHE_DEFAULT_TIMEOUT"] = timeout
    cache.init_app(server, config=config)
