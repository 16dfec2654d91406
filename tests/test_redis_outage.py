"""Redis stopped while the cockpit serves (issue 16): pages keep coming from the database and the
worker's own cache, /ready says 503, no 500; when Redis is back, the shared cache is used again.

A Redis server of the test's own (a subprocess on a free port), so stopping it disturbs nothing
else on the machine.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from settings import Settings
from tests.conftest import signed_in
from tests.view_helpers import router_payload

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def redis_port():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server (Debian redis-server) is needed for the outage test")
    port = free_port()
    proc = start_redis(port)
    holder = {"proc": proc, "port": port}
    yield holder
    holder["proc"].kill()
    holder["proc"].wait()


def view(client, search: str):
    resp = client.post("/_dash-update-component", json=router_payload("/region/520300", search))
    return resp.status_code, resp.get_data(as_text=True)


def test_the_cockpit_serves_through_a_redis_outage(demo_sqlite_url, redis_port):
    import app as module

    server = module.create_app(Settings(database_url=demo_sqlite_url, prewarm=False,
                                        cache_redis_url=f"redis://127.0.0.1:{redis_port['port']}/0"))
    client = signed_in(server, role="analyst", region=520000)
    status, before = view(client, "?from=2024-01-01&to=2024-12-31")
    assert status == 200 and "遵义市" in before
    assert client.get("/ready").status_code == 200

    redis_port["proc"].kill()
    redis_port["proc"].wait()
    started = time.perf_counter()
    for search in ("?from=2024-01-01&to=2024-12-31", "?from=2023-01-01&to=2023-12-31", "?channel=驻点招商"):
        status, body = view(client, search)
        assert status == 200 and "遵义市" in body and "数据暂时无法加载" not in body, search
    assert time.perf_counter() - started < 10  # one short timeout, not one per request
    # The same answer as before the outage, now from the database and the worker's own cache.
    assert view(client, "?from=2024-01-01&to=2024-12-31")[1] == before
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.get_json()["checks"]["redis"].startswith("unreachable")

    redis_port["proc"] = start_redis(redis_port["port"])
    runtime = server.extensions["cockpit"]
    runtime.cache._down_until = 0  # the retry period over
    assert client.get("/ready").status_code == 200
    assert view(client, "?industry=LIQUOR")[0] == 200
    import redis

    keys = redis.Redis(port=redis_port["port"]).keys("cockpit:*")
    assert keys  # the shared cache is written again
