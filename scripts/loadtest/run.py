"""The load test (issue 16, "Load held"): gunicorn + PostgreSQL + Redis under Locust, on loopback.

    python scripts/loadtest/run.py                          # 200 users, 10 minutes (the issue's run)
    python scripts/loadtest/run.py --users 50 --duration 2m # a short one
    python scripts/loadtest/run.py --template cockpit_demo  # copy a demo database instead of generating one

What it does, and undoes:
1. creates a PostgreSQL database of its own (cockpit_load_<random>) holding the demo data:
   generated (a few minutes), or copied from --template (an existing cockpit database; seconds);
2. writes one account and session per simulated user (leaders: viewers of the province or a city;
   officials: analysts of a city or a county; walls: viewers), so no two users share a budget;
3. starts gunicorn with the repository's gunicorn.conf.py on 127.0.0.1, Redis for the view cache
   and the rate limiter, prewarm on; asks each default view once (what the prewarm does);
4. runs headless Locust (scripts/loadtest/locustfile.py) for the users and the duration given;
5. prints per request class: count, 5xx, refused by the rate limit, p50/p95/p99, and the 5xx share,
   scope leaks (responses holding a region the user may not see), the workers' RSS at start and
   end (and the largest seen), "WORKER TIMEOUT"/tracebacks in gunicorn's log; the CSV files and the
   log stay in --out (default: a new folder in /tmp);
6. stops gunicorn, drops the database and deletes this run's Redis keys (unless --keep).

Everything listens and connects on 127.0.0.1 only: the run refuses other hosts. Users and duration
are bounded (at most 1000 users, 60 minutes).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_USERS, MAX_SECONDS = 1000, 3600
# What the issue asks of this run on the 2-core box.
TARGETS_P95_MS = {"official drill": 1000, "leader cached view": 1000, "official new filters": 2000,
                  "official new filters panels": 2000}


def seconds(text: str) -> int:
    m = re.fullmatch(r"(\d+)([smh]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r}: a duration such as 90s, 2m, 1h")
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def arguments(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    p.add_argument("--spawn-rate", type=float, default=5, help="users started per second (default 5)")
    p.add_argument("--duration", type=seconds, default=600, help="e.g. 10m (default), 2m, 90s")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    p.add_argument("--admin-url", default=os.environ.get("COCKPIT_TEST_POSTGRES_URL",
                                                         "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                   help="a PostgreSQL URL allowed to create and drop databases (default: COCKPIT_TEST_POSTGRES_URL)")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="Redis for the cache and the limiter")
    p.add_argument("--template", default=None, help="copy this cockpit database instead of generating the demo")
    p.add_argument("--out", type=Path, default=None, help="CSV files and logs (default: a new folder in /tmp)")
    p.add_argument("--rate-views", default=None,
                   help="COCKPIT_RATE_VIEWS for the run, e.g. '5/10seconds;60/minute' (default: the cockpit's)")
    p.add_argument("--keep", action="store_true", help="keep the database and the Redis keys afterwards")
    args = p.parse_args(argv)
    if args.out is None:
        import tempfile

        args.out = Path(tempfile.mkdtemp(prefix="cockpit-loadtest-"))
    if not 1 <= args.users <= MAX_USERS or not 10 <= args.duration <= MAX_SECONDS:
        p.error(f"users 1..{MAX_USERS}, duration 10 s..{MAX_SECONDS // 60} min")
    from sqlalchemy.engine import make_url

    for name, url in (("--admin-url", args.admin_url), ("--redis-url", args.redis_url)):
        host = make_url(url).host if name == "--admin-url" else re.sub(r"^redis://([^:/]*).*", r"\1", url)
        if host not in LOOPBACK:
            p.error(f"{name} must be on loopback (127.0.0.1), not {host!r}: a load test never leaves this machine")
    return args


def log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ the database and its users

def create_database(args, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        template = f' TEMPLATE "{args.template}"' if args.template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    admin.dispose()
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    if args.template:
        from data_access import schema
        from data_access.db import get_engine

        schema.prepare(get_engine(url), upgrade_behind=True)
    else:
        from data_access.demo import ensure_demo_database

        log("generating the demo data (a few minutes; --template copies a database instead)")
        ensure_demo_database(url)
    return url


def drop_database(args, url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from data_access.db import get_engine

    get_engine(url).dispose()
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def make_world(url: str, users: int, path: Path) -> dict:
    """Regions, filter values and one signed-in account per simulated user of each kind."""
    from sqlalchemy import text

    from auth.credentials import digest, new_token
    from auth.guard import COOKIE
    from data_access import accounts
    from data_access.db import get_engine
    from data_access.vocab import CHANNELS

    engine = get_engine(url)
    run = uuid.uuid4().hex[:6]
    with engine.begin() as conn:
        regions = {int(r.adcode): {"name": r.name, "level": r.level, "parent": r.parent_adcode}
                   for r in conn.execute(text("SELECT adcode, name, level, parent_adcode FROM region"))}
        industries = [r[0] for r in conn.execute(text("SELECT code FROM industry ORDER BY sort_order"))]
        first, last = conn.execute(text("SELECT min(signed_on), max(signed_on) FROM project")).one()
        # Region names the data also uses for something a user may see whatever their scope
        # (an investor's origin city, a firm's name): their full name proves no leak.
        ambiguous = [r[0] for r in conn.execute(text("""
            SELECT r.name FROM region r WHERE r.level IN ('city', 'county') AND (
                EXISTS (SELECT 1 FROM enterprise e WHERE e.origin_city = r.name OR e.origin_province = r.name
                                                      OR strpos(e.name, r.name) > 0)
                OR EXISTS (SELECT 1 FROM project p WHERE strpos(p.name, r.name) > 0))"""))]
        province = next(c for c, r in regions.items() if r["level"] == "province")
        cities = sorted(c for c, r in regions.items() if r["level"] == "city")
        counties = sorted(c for c, r in regions.items() if r["level"] == "county")

        def account(kind: str, n: int, role: str, region: int) -> dict:
            token = new_token()
            user_id = accounts.create_user(conn, username=f"load-{run}-{kind}-{n:04d}", role=role, region=region,
                                           password_hash=None)
            accounts.start_session(conn, digest(token), user_id=user_id)
            return {"token": token, "region": region}

        # Leaders: a third the province's, the rest their city's. Officials: half of a city, half
        # of a county (spread over all). Walls: screens of the province and the cities.
        world_accounts = {
            "leader": [account("leader", n, "viewer", province if n % 3 == 0 else cities[n % len(cities)])
                       for n in range(users)],
            "official": [account("official", n, "analyst", cities[n % len(cities)] if n % 2 == 0
                                 else counties[(n * 7) % len(counties)]) for n in range(users)],
            "wall": [account("wall", n, "viewer", ([province] + cities)[n % (len(cities) + 1)]) for n in range(users)],
        }
        warm = account("warm", 0, "viewer", province)
        # cache_busting.py's attacker: an analyst of the province (the widest, dearest views).
        attacker = account("attacker", 0, "analyst", province)
    world = {"regions": {str(k): v for k, v in regions.items()}, "industries": industries, "channels": list(CHANNELS), "ambiguous": ambiguous,
             "first_day": str(first), "last_day": str(last), "cookie": COOKIE, "accounts": world_accounts,
             "warm": warm, "attacker": attacker, "province": province, "cities": cities}
    path.write_text(json.dumps(world, ensure_ascii=False), encoding="utf-8")
    return world


# ------------------------------------------------------------------ gunicorn and its workers

def start_gunicorn(args, url: str, port: int, log_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COCKPIT_", "FLASK_"))}
    env.update(COCKPIT_DATABASE_URL=url, COCKPIT_CACHE_REDIS_URL=args.redis_url, COCKPIT_PREWARM="1",
               PYTHONUNBUFFERED="1", GUNICORN_BIND=f"127.0.0.1:{port}")
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.rate_views:
        env["COCKPIT_RATE_VIEWS"] = args.rate_views
    with open(log_path, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "app:server"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait)


def get(url: str, cookie: str | None = None, body: dict | None = None, timeout: float = 60) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body else None, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(proc: subprocess.Popen, base: str, log_path: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}):\n{log_path.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError):
            if get(f"{base}/ready", timeout=5)[0] == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"/ready did not answer 200 within {timeout} s")


def warm(base: str, world: dict) -> None:
    """Each default view once, as the prewarm does (and waits for it if it is still running)."""
    sys.path.insert(0, str(HERE))
    from cockpit_requests import Scope, router_payload  # the same request the users send

    cookie = f"{world['cookie']}={world['warm']['token']}"
    regions = {int(k): v for k, v in world["regions"].items()}
    for adcode in [world["province"], *world["cities"]]:
        path = "/" if adcode == world["province"] else f"/region/{adcode}"
        status, body = get(f"{base}/_dash-update-component", cookie, router_payload(path, ""), timeout=120)
        if status != 200:
            raise SystemExit(f"warming {path}: HTTP {status}")
        if adcode == world["province"]:
            # The scope check must be able to see a leak: the province's view, read as if a
            # county's user had been sent it, holds other regions' markers.
            county = next(c for c, r in sorted(regions.items()) if r["level"] == "county")
            found = Scope(regions, county, frozenset(world["ambiguous"])).leak_in(body.decode())
            if found is None:
                raise SystemExit("the scope check finds nothing in the province's view: it could not see a leak")
            log(f"scope check self-test: the province's view, as a county user's, holds {found}")


class RssSampler(threading.Thread):
    """The RSS of each gunicorn worker (children of the master) every few seconds, and the CPU
    time they used (so a run on a shared machine still tells what a request costs)."""

    def __init__(self, master_pid: int, every: float = 10) -> None:
        super().__init__(daemon=True)
        self.master, self.every, self.samples = master_pid, every, []
        self.cpu: dict[int, float] = {}
        self.stopped = threading.Event()

    def sample(self) -> dict[int, int]:
        import psutil

        out = {}
        for child in psutil.Process(self.master).children():
            with contextlib.suppress(psutil.Error):
                out[child.pid] = child.memory_info().rss
                times = child.cpu_times()
                self.cpu[child.pid] = times.user + times.system
        self.samples.append((time.monotonic(), out))
        return out

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            with contextlib.suppress(Exception):
                self.sample()


# ------------------------------------------------------------------ Locust and the report

def run_locust(args, base: str, world_path: Path, result_path: Path) -> int:
    env = dict(os.environ, LOADTEST_WORLD=str(world_path), LOADTEST_RESULT=str(result_path))
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--host", base,
           "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--stop-timeout", "30",
           "--csv", str(args.out / "loadtest"), "--only-summary", "--loglevel", "WARNING"]
    log(f"locust: {args.users} users, {args.spawn_rate}/s, {args.duration} s")
    return subprocess.call(cmd, cwd=HERE, env=env)


def mb(n: float) -> str:
    return f"{n / 2**20:.0f}"


def report(args, result: dict, rss: RssSampler, gunicorn_log: Path, started_rss: dict, ended_rss: dict) -> bool:
    rows = list(csv.DictReader(open(args.out / "loadtest_stats.csv", encoding="utf-8")))
    print("\n== Load test: gunicorn + PostgreSQL + Redis, all on 127.0.0.1 ==")
    print(f"{args.users} users, {args.duration} s, gunicorn workers: {len(started_rss)}; client on the same box")
    head = f"{'request class':32} {'count':>7} {'fail':>5} {'5xx':>5} {'limited':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} {'req/s':>6}"
    print(head + "\n" + "-" * len(head))
    ok = True
    total = total_5xx = 0
    for r in rows:
        name = r["Name"]
        n5 = result.get("status_5xx", {}).get(name, 0) if name != "Aggregated" else sum(result.get("status_5xx", {}).values())
        lim = result.get("limited", {}).get(name, 0) if name != "Aggregated" else sum(result.get("limited", {}).values())
        print(f"{name:32} {r['Request Count']:>7} {r['Failure Count']:>5} {n5:>5} {lim:>7} {r['50%']:>6} {r['95%']:>6} "
              f"{r['99%']:>6} {float(r['Max Response Time']):>7.0f} {float(r['Requests/s']):>6.1f}")
        if name == "Aggregated":
            total, total_5xx = int(r["Request Count"]), n5
        elif name in TARGETS_P95_MS and r["95%"] not in ("N/A", "") and float(r["95%"]) >= TARGETS_P95_MS[name]:
            ok = False
            print(f"   ^ p95 above the target of {TARGETS_P95_MS[name]} ms")
    share = 100 * total_5xx / total if total else 0
    print(f"\n5xx: {total_5xx} of {total} requests ({share:.2f} %)")
    print(f"scope: {result.get('scope_leaks', '?')} responses with a region outside the user's scope, "
          f"of {result.get('scope_checked', '?')} checked")
    for leak in result.get("leaks", [])[:5]:
        print("   ", leak)
    peak = {}
    for _, sample in rss.samples:
        for pid, value in sample.items():
            peak[pid] = max(peak.get(pid, 0), value)
    print("worker RSS, MB (start -> end, largest seen):")
    for pid in sorted(set(started_rss) | set(ended_rss)):
        print(f"    pid {pid}: {mb(started_rss.get(pid, 0)) if pid in started_rss else '(new)'} -> "
              f"{mb(ended_rss[pid]) if pid in ended_rss else '(gone)'}, max {mb(peak.get(pid, 0))}")
    print(f"    all workers: {mb(sum(started_rss.values()))} -> {mb(sum(ended_rss.values()))}")
    text = gunicorn_log.read_text(errors="replace")
    bad = {k: text.count(k) for k in ("WORKER TIMEOUT", "Traceback", "Booting worker")}
    print(f"gunicorn log: {bad['WORKER TIMEOUT']} WORKER TIMEOUT, {bad['Traceback']} tracebacks, "
          f"{bad['Booting worker']} workers booted")
    ok = ok and total_5xx == 0 and result.get("scope_leaks", 1) == 0 and bad["WORKER TIMEOUT"] == 0
    print(f"files: {args.out}/loadtest_*.csv, {gunicorn_log}")
    return ok


@dataclass
class Stack:
    """A served cockpit of this run: its base URL, world, gunicorn process and log."""
    base: str
    world: dict
    world_path: Path
    proc: subprocess.Popen
    log_path: Path


@contextlib.contextmanager
def stack(args, users: int):
    """Database, accounts, gunicorn (warmed), all undone afterwards (unless args.keep)."""
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"cockpit_load_{uuid.uuid4().hex[:8]}"
    url = proc = None
    try:
        log(f"database {name}")
        url = create_database(args, name)
        world_path = args.out / "world.json"
        world = make_world(url, users, world_path)
        port, gunicorn_log = free_port(), args.out / "gunicorn.log"
        base = f"http://127.0.0.1:{port}"
        proc = start_gunicorn(args, url, port, gunicorn_log)
        wait_ready(proc, base, gunicorn_log)
        warm(base, world)
        yield Stack(base, world, world_path, proc, gunicorn_log)
    finally:
        if proc is not None:
            stop(proc)
        if url is not None and not args.keep:
            drop_database(args, url)
            with contextlib.suppress(Exception):
                import redis

                client = redis.Redis.from_url(args.redis_url)
                digest = hashlib.sha256(url.encode()).hexdigest()[:12]
                keys = list(client.scan_iter(match=f"*cockpit:{digest}*", count=1000))
                for i in range(0, len(keys), 500):
                    client.delete(*keys[i:i + 500])
            log(f"dropped {name} and its Redis keys")


def main(argv=None) -> int:
    args = arguments(argv)
    with stack(args, args.users) as served:
        result_path = args.out / "result.json"
        result_path.unlink(missing_ok=True)
        rss = RssSampler(served.proc.pid)
        time.sleep(2)
        started_rss = rss.sample()
        cpu_before, load_before = dict(rss.cpu), os.getloadavg()[0]
        rss.start()
        log(f"gunicorn ready on {served.base}, {len(started_rss)} workers warmed")
        run_locust(args, served.base, served.world_path, result_path)
        rss.stopped.set()
        ended_rss = rss.sample()
        result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
        ok = report(args, result, rss, served.log_path, started_rss, ended_rss)
        used = sum(rss.cpu[pid] - cpu_before.get(pid, 0) for pid in rss.cpu)
        served_n = sum(result.get("requests", {}).values())
        print(f"workers' CPU: {used:.0f} s for {served_n} requests ({1000 * used / max(served_n, 1):.0f} ms a request); "
              f"load average (1 min) {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end on "
              f"{os.cpu_count()} cores (other work on the machine shares them)")
        print("\nRESULT:", "held (0 5xx, no scope leak, no worker timeout, p95 within the targets)" if ok
              else "NOT held: see above")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
