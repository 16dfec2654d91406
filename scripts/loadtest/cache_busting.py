"""A leader's cached view under the cache-busting attack of issue 16, measured and printed.

    python scripts/loadtest/cache_busting.py                    # 8 attacker threads, 30 s a phase
    python scripts/loadtest/cache_busting.py --template cockpit_demo --seconds 20
    python scripts/loadtest/cache_busting.py --nginx            # through deploy/nginx.conf (needs nginx)

On gunicorn (gunicorn.conf.py) + PostgreSQL + Redis on 127.0.0.1 (the same set-up as run.py, undone
afterwards), a leader asks for the province's prewarmed overview again and again (a page load:
the router's request) while 8 threads ask for the province's overview with dates no one asked
for before, each a computation the cache cannot answer:

  quiet            the leader alone (the baseline);
  unauthenticated  the attackers have no session: the guard answers 401 before any computation;
  signed in        the attackers share one signed-in account: its budget of new views
                   (COCKPIT_RATE_VIEWS, auth/limits.py, counted in Redis across workers) is spent
                   within seconds, then every further new view is refused with 请求过于频繁
                   without being computed.

With --nginx the requests go through deploy/nginx.conf as shipped (on a free loopback port), which
limits callbacks per client address: the leader comes from 127.0.0.2, the attackers from 127.0.0.1.
It prints the leader's median, p95 and max per phase and what the attackers got; the issue asks
for a median under 100 ms while attacked (it was 1,353 ms before the limits).
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import shutil
import socket
import statistics
import sys
import subprocess
import threading
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402 - this folder's runner: the database, the accounts, gunicorn
from cockpit_requests import LIMITED_TEXT, UPDATE, router_payload  # noqa: E402

TARGET_MEDIAN_MS = 100


def post(base: str, body: dict, cookie: str | None, source: str = "127.0.0.1") -> tuple[int, str, float]:
    """POST a callback from a given loopback address (nginx limits per client address: the
    leader comes from 127.0.0.2, the attackers from 127.0.0.1)."""
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if cookie:
        headers["Cookie"] = cookie
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120, source_address=(source, 0))
    started = time.perf_counter()
    try:
        conn.request("POST", UPDATE, body=json.dumps(body).encode(), headers=headers)
        resp = conn.getresponse()
        status, text = resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()
    return status, text, (time.perf_counter() - started) * 1000


NGINX_MAIN = """pid {d}/nginx.pid;
error_log {d}/error.log;
daemon off;
worker_processes 1;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/cockpit.conf;
}}
"""


@contextlib.contextmanager
def nginx_in_front(gunicorn_base: str, folder: Path):
    """deploy/nginx.conf as shipped, on a free loopback port, in front of this run's gunicorn."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("--nginx needs nginx (apt-get install nginx-light)")
    folder.mkdir(parents=True, exist_ok=True)
    port = run.free_port()
    conf = (run.ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    conf = (conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
                .replace("server 127.0.0.1:8050", "server " + gunicorn_base.removeprefix("http://"))
                .replace("/var/lib/nginx/cockpit-cache", str(folder / "cache")))
    (folder / "cockpit.conf").write_text(conf, encoding="utf-8")
    (folder / "main.conf").write_text(NGINX_MAIN.format(d=folder), encoding="utf-8")
    proc = subprocess.Popen([nginx, "-c", str(folder / "main.conf"), "-p", str(folder)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "wb"))
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"nginx did not start: {(folder / 'stderr.log').read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        run.stop(proc)


class Attackers:
    """Threads asking for the province's overview with dates never asked for before."""

    def __init__(self, base: str, cookie: str | None, threads: int, first: date) -> None:
        self.base, self.cookie, self.threads, self.first = base, cookie, threads, first
        self.stopped = threading.Event()
        self.outcomes: dict[str, int] = {}
        self.lock = threading.Lock()
        self.n = 0

    def next_search(self) -> str:
        with self.lock:
            self.n += 1
            n = self.n
        start = self.first + timedelta(days=n % 2000)
        return f"?from={start}&to={start + timedelta(days=365 + n // 2000)}"

    def work(self) -> None:
        while not self.stopped.is_set():
            try:
                status, text, _ = post(self.base, router_payload("/", self.next_search()), self.cookie)
                outcome = ("refused (rate limit)" if LIMITED_TEXT in text else
                           "computed" if status == 200 else f"HTTP {status}")
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
            with self.lock:
                self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def __enter__(self):
        self.pool = [threading.Thread(target=self.work, daemon=True) for _ in range(self.threads)]
        for t in self.pool:
            t.start()
        time.sleep(2)  # the attack under way before the leader is timed
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for t in self.pool:
            t.join(130)


def leader_times(base: str, cookie: str, seconds: float) -> list[float]:
    """The leader's cached province view, asked for every 0.2 s (ms each)."""
    times, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, text, ms = post(base, router_payload("/", ""), cookie, source="127.0.0.2")
        if status != 200 or "ov-drawn" not in text:
            raise SystemExit(f"the leader's view failed: HTTP {status} {text[:300]}")
        times.append(ms)
        time.sleep(0.2)
    return times


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=8, help="attacker threads (default 8)")
    p.add_argument("--seconds", type=float, default=30, help="length of each phase (default 30)")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    p.add_argument("--template", default=None, help="copy this cockpit database instead of generating the demo")
    p.add_argument("--nginx", action="store_true", help="measure through deploy/nginx.conf (needs nginx)")
    p.add_argument("--rate-views", default=None, help="COCKPIT_RATE_VIEWS, e.g. '5/10seconds;60/minute'")
    p.add_argument("--admin-url", default=None, help="as run.py")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--out", type=Path, default=None, help="gunicorn's log (default: a new folder in /tmp)")
    a = p.parse_args(argv)
    if not 1 <= a.threads <= 32 or not 5 <= a.seconds <= 600:
        p.error("threads 1..32, seconds 5..600")
    args = run.arguments(["--users", "2", "--redis-url", a.redis_url] + (["--out", str(a.out)] if a.out else [])
                         + (["--template", a.template] if a.template else [])
                         + (["--workers", str(a.workers)] if a.workers else [])
                         + (["--admin-url", a.admin_url] if a.admin_url else [])
                         + (["--rate-views", a.rate_views] if a.rate_views else []))
    rows, ok = [], True
    with run.stack(args, users=2) as served, contextlib.ExitStack() as front:
        base = front.enter_context(nginx_in_front(served.base, args.out / "nginx")) if a.nginx else served.base
        world = served.world
        leader = f"{world['cookie']}={world['accounts']['leader'][0]['token']}"  # a province leader
        attacker = f"{world['cookie']}={world['attacker']['token']}"
        first = date.fromisoformat(world["first_day"])
        for phase, cookie in (("quiet", None), ("unauthenticated", ""), ("signed in", attacker)):
            run.log(f"phase: {phase}")
            if phase == "quiet":
                times, outcomes = leader_times(base, leader, a.seconds), {}
            else:
                with Attackers(base, cookie or None, a.threads, first) as attack:
                    times = leader_times(base, leader, a.seconds)
                outcomes = attack.outcomes
            median = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
            rows.append((phase, len(times), median, p95, max(times), outcomes))
            ok = ok and (phase == "quiet" or median < TARGET_MEDIAN_MS)
    print(f"\n== Cache busting: the leader's cached province view while {a.threads} threads ask for new date ranges ==")
    print(f"{'through deploy/nginx.conf; ' if a.nginx else 'straight at gunicorn; '}"
          f"COCKPIT_RATE_VIEWS: {a.rate_views or 'the default (60/minute)'}; gunicorn workers: "
          f"{a.workers or 'gunicorn.conf.py (2 per core)'}; client and server on the same box")
    print(f"{'phase':16} {'n':>5} {'median':>8} {'p95':>8} {'max':>8}  attackers' requests")
    for phase, n, median, p95, top, outcomes in rows:
        print(f"{phase:16} {n:>5} {median:>6.0f}ms {p95:>6.0f}ms {top:>6.0f}ms  "
              + (", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "-"))
    print(f"\nRESULT: leader's median under attack {'<' if ok else '>='} {TARGET_MEDIAN_MS} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
