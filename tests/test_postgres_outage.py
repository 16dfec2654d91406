"""PostgreSQL unreachable while the cockpit serves (issue 16): cached views keep being served (the
shell, the session and the region lookups need no database when the answer is cached), other
views say "数据暂不可用" in the page, /ready says 503 while /health stays 200, and everything
recovers without a restart within 2 s of the database coming back.

The cockpit reaches the machine's PostgreSQL through a TCP relay of the test's own; cutting the
relay (its listener and every open connection) is the outage, so the real server is untouched.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from settings import Settings
from tests.conftest import signed_in
from tests.view_helpers import router_payload

pytestmark = pytest.mark.slow


class Relay:
    """127.0.0.1:<port> → PostgreSQL, which the test can cut and restore."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener:
            listener.close()
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass


@pytest.fixture
def relayed(demo_engine):
    if demo_engine.dialect.name != "postgresql":
        pytest.skip("the outage is PostgreSQL's (SQLite is a file)")
    url = demo_engine.url
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.start()
    yield relay, url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    relay.cut()


def view(client, search: str) -> tuple[int, str]:
    resp = client.post("/_dash-update-component", json=router_payload("/region/520300", search))
    return resp.status_code, resp.get_data(as_text=True)


def test_cached_views_are_served_through_an_outage_and_it_recovers(relayed):
    import app as module

    relay, url = relayed
    server = module.create_app(Settings(database_url=url, prewarm=False, version_seconds=0.0))
    client = signed_in(server, role="analyst", region=520000)
    status, before = view(client, "?from=2024-01-01&to=2024-12-31")
    assert status == 200 and "遵义市" in before
    assert client.get("/_dash-layout").status_code == 200

    relay.cut()
    # The view already drawn, the shell and the session: all from the cache.
    assert view(client, "?from=2024-01-01&to=2024-12-31") == (200, before)
    assert client.get("/_dash-layout").status_code == 200
    # A view never computed: said in the page, no 500, no stack trace.
    status, body = view(client, "?from=2023-01-01&to=2023-12-31")
    assert status == 200 and "数据暂不可用" in body and "Traceback" not in body
    assert client.get("/ready").status_code == 503
    assert client.get("/health").status_code == 200
    # Nothing new is trusted meanwhile: a session the worker has not seen is refused.
    stranger = server.test_client()
    stranger.set_cookie("cockpit_session", "x" * 43)
    assert stranger.post("/_dash-update-component", json=router_payload("/", "")).status_code in (401, 503)

    relay.start()
    back = time.perf_counter()
    while True:
        status, body = view(client, "?from=2022-01-01&to=2022-12-31")
        if status == 200 and "遵义市" in body and "数据暂不可用" not in body:
            break
        assert time.perf_counter() - back < 2.0, "not recovered within 2 s of the database coming back"
        time.sleep(0.1)
    assert client.get("/ready").status_code == 200
