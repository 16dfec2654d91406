"""The deploy steps, run as an operator runs them: separate processes, a clean environment
(COCKPIT_* variables only as set here), the repository as working directory, ports chosen free
on 127.0.0.1 at run time.

- `gunicorn -w 4 app:server` on an empty database with COCKPIT_AUTO_UPGRADE=1: the workers boot
  together, one initialises the schema under a lock, all of them serve (SQLite, and PostgreSQL
  when reachable); without it an empty or missing database is refused (tests/test_startup_refusal.py);
- a database whose schema is behind is refused with the command that upgrades it, which works;
- a read-only SQLite file (mode 0444) is served read-only: nothing is written, even as root;
- two processes starting at once on one new database both come up.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPGRADE_COMMAND = "flask --app app db upgrade"
BOOT_TIMEOUT_S = 120
RUN_TIMEOUT_S = 180


# ------------------------------------------------------------------ helpers

def clean_env(**cockpit: str) -> dict[str, str]:
    """This process's environment without any COCKPIT_* or FLASK_* variable, plus `cockpit`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COCKPIT_", "FLASK_"))}
    env.update({"COCKPIT_PREWARM": "0", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(cockpit)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict, timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def output_of(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-6000:]}"


def http(url: str, data: bytes | None = None, timeout: float = 30) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", "Connection": "close"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def serving(args: list[str], env: dict, log: Path):
    """A server process in its own process group, its output in `log`; always ended after."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        yield proc
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(wait)


def wait_until_healthy(proc: subprocess.Popen, port: int, log: Path, timeout: float = BOOT_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode} before answering /health:\n{tail(log)}", pytrace=False)
        with contextlib.suppress(OSError):
            if http(f"http://127.0.0.1:{port}/health", timeout=5)[0] == 200:
                return
        time.sleep(0.25)
    pytest.fail(f"/health did not answer 200 within {timeout} s:\n{tail(log)}", pytrace=False)


def tail(log: Path, chars: int = 6000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def router_body(pathname: str, search: str = "") -> bytes:
    from tests.fuzz_cases import router_payload

    return json.dumps(router_payload(pathname, search)).encode()


def migrations():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "data_access" / "migrations"))
    return ScriptDirectory.from_config(cfg)


def head_revision() -> str:
    return migrations().get_current_head()


def older_revision() -> str:
    """The revision before the newest: a database an older release left behind."""
    head = migrations().get_revision(head_revision())
    assert head.down_revision, "only one migration: no older schema to test with"
    return head.down_revision if isinstance(head.down_revision, str) else head.down_revision[0]


def sqlite_revision(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def require_gunicorn() -> None:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        pytest.skip("gunicorn is not installed (pip install -r requirements.txt)")


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database (dropped after), or skip without COCKPIT_TEST_POSTGRES_URL."""
    admin_url = os.environ.get("COCKPIT_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("PostgreSQL not configured (COCKPIT_TEST_POSTGRES_URL unset)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"cockpit_deploy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ------------------------------------------------------------------ 1, 2. gunicorn, four workers, empty database

# Loaded with -c: the repository's own gunicorn.conf.py (if it has one) plus a hook that logs
# each worker once it has loaded the app, which gunicorn does not do by itself.
GUNICORN_CONF = """
import os, runpy
_own = os.path.join({root!r}, "gunicorn.conf.py")
if os.path.exists(_own):
    globals().update({{k: v for k, v in runpy.run_path(_own).items() if not k.startswith("__")}})
_before = globals().get("post_worker_init")

def post_worker_init(worker):
    if _before:
        _before(worker)
    worker.log.info("deploy-test: worker %s loaded the app", worker.pid)
"""
WORKERS = 4


def boot_gunicorn(tmp_path: Path, database_url: str) -> str:
    """Four sync workers on an empty database; returns the log once all have served."""
    require_gunicorn()
    conf = tmp_path / "gunicorn_test_conf.py"
    conf.write_text(GUNICORN_CONF.format(root=str(ROOT)))
    port, log = free_port(), tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "-c", str(conf), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "app:server"]
    env = clean_env(COCKPIT_DATABASE_URL=database_url, COCKPIT_AUTO_UPGRADE="1")
    with serving(args, env, log) as proc:
        wait_until_healthy(proc, port, log)
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while tail(log, 10**6).count("deploy-test: worker") < WORKERS:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"not all {WORKERS} workers loaded the app:\n{tail(log)}", pytrace=False)
            time.sleep(0.25)

        # Every worker answers: the sign-in page (rendered from the database) and, without a
        # session, the app's refusal of its data routes (auth/guard.py).
        expected = {"/health": 200, "/login": 200, "/_dash-layout": 401, "/_dash-dependencies": 401}
        urls = [f"http://127.0.0.1:{port}{p}" for p in expected] * 8
        with ThreadPoolExecutor(WORKERS * 2) as pool:
            statuses = list(pool.map(lambda u: (u, http(u)[0]), urls))
        wrong = [(u, s) for u, s in statuses if s != expected[u.split(str(port), 1)[1]]]
        assert not wrong, wrong
        status, body = http(f"http://127.0.0.1:{port}/_dash-update-component", router_body("/"))
        assert status == 401, body[:500]
        time.sleep(0.5)
        assert proc.poll() is None, f"the gunicorn master exited ({proc.returncode}):\n{tail(log)}"
    text = tail(log, 10**6)
    assert text.count("Booting worker") == WORKERS, f"workers were restarted:\n{tail(log)}"
    for bad in ("Worker exited", "exited with code", "Worker failed to boot", "WORKER TIMEOUT", "Traceback"):
        assert bad not in text, f"{bad!r} in the gunicorn log:\n{tail(log)}"
    return text


def test_gunicorn_four_workers_on_an_empty_sqlite_file(tmp_path):
    db = tmp_path / "x.db"
    db.touch()  # an empty file (a missing one is refused: serving never creates a database)
    boot_gunicorn(tmp_path, f"sqlite:///{db}")
    assert sqlite_revision(db) == head_revision()


def test_gunicorn_four_workers_on_an_empty_postgres_database(tmp_path, postgres_url):
    boot_gunicorn(tmp_path, postgres_url)
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    finally:
        engine.dispose()


# ------------------------------------------------------------------ 3. schema behind

START = "import app; app.create_app()"


def make_behind(path: Path) -> tuple[str, str]:
    """A SQLite file at the revision before the newest, made by the project's own migrations."""
    url, older = f"sqlite:///{path}", older_revision()
    made = run([sys.executable, "-c", textwrap.dedent(f"""
        from sqlalchemy import create_engine
        from data_access.schema import upgrade
        engine = create_engine({url!r})
        upgrade(engine, {older!r})
        engine.dispose()
    """)], clean_env())
    assert made.returncode == 0, output_of(made)
    assert sqlite_revision(path) == older
    return url, older


def test_a_schema_behind_is_refused_until_upgraded(tmp_path):
    db = tmp_path / "behind.db"
    url, older = make_behind(db)
    env = clean_env(COCKPIT_DATABASE_URL=url)

    refused = run([sys.executable, "-c", START], env)
    assert refused.returncode != 0, output_of(refused)
    assert UPGRADE_COMMAND in refused.stdout + refused.stderr, output_of(refused)
    assert sqlite_revision(db) == older, "a start that refused the database changed its schema"

    upgraded = run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], env)
    assert upgraded.returncode == 0, output_of(upgraded)
    assert sqlite_revision(db) == head_revision()

    started = run([sys.executable, "-c", START], env)
    assert started.returncode == 0, output_of(started)


def test_a_schema_behind_is_upgraded_with_auto_upgrade(tmp_path):
    db = tmp_path / "behind.db"
    url, _ = make_behind(db)
    started = run([sys.executable, "-c", START], clean_env(COCKPIT_DATABASE_URL=url, COCKPIT_AUTO_UPGRADE="1"))
    assert started.returncode == 0, output_of(started)
    assert sqlite_revision(db) == head_revision()


# ------------------------------------------------------------------ 4. read-only SQLite file

# Runs in the app's process: every SQLite connection it opens, and every statement run on one.
READ_ONLY_PROBE = """
import json, sqlite3, sys
opened, statements = [], []
_connect = sqlite3.connect

def connect(*args, **kwargs):
    con = _connect(*args, **kwargs)
    opened.append({"database": str(args[0] if args else kwargs.get("database")), "uri": bool(kwargs.get("uri"))})
    con.set_trace_callback(statements.append)
    return con

sqlite3.connect = sqlite3.dbapi2.connect = connect
sys.path.insert(0, ".")
from tests.fuzz_cases import router_payload
import app

server = app.create_app()
client = server.test_client()
who = {"X-User": "leader"}  # sessions are rows: a read-only database is read through single sign-on
result = {"health": client.get("/health").status_code, "layout": client.get("/_dash-layout", headers=who).status_code}
for path in ("/", "/chains", "/region/520100"):
    resp = client.post("/_dash-update-component", json=router_payload(path, ""), headers=who)
    result[path] = [resp.status_code, resp.get_data(as_text=True)[:300]]
result.update(opened=opened, statements=statements)
print("RESULT " + json.dumps(result, ensure_ascii=False))
"""
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|VACUUM|REINDEX)\b"
                    r"|^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)|^\s*PRAGMA\s+(\w+\.)?journal_mode\s*=", re.I)


def folder_state(folder: Path) -> dict:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.iterdir())}


def test_a_read_only_sqlite_file_is_served_read_only(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "cockpit.db"
    env = clean_env(COCKPIT_DATABASE_URL=f"sqlite:///{db}")
    made = run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], env)
    assert made.returncode == 0, output_of(made)
    user = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "users", "create", "leader", "--role",
                           "viewer", "--region", "520000"], input="leader-pass-1\n", capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert user.returncode == 0, user.stdout + user.stderr
    env["COCKPIT_SSO_HEADER"] = "X-User"
    for leftover in folder.iterdir():  # a lock file the upgrade used may stay; WAL files must not
        assert not leftover.name.endswith(("-wal", "-shm", "-journal")) or leftover.stat().st_size == 0, leftover

    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    before = folder_state(folder)
    try:
        served = run([sys.executable, "-c", READ_ONLY_PROBE], env)
        after = folder_state(folder)
    finally:
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
    assert served.returncode == 0, output_of(served)
    line = next((ln for ln in served.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, output_of(served)
    result = json.loads(line[len("RESULT "):])

    assert result["health"] == 200 and result["layout"] == 200, result
    for path in ("/", "/chains", "/region/520100"):
        assert result[path][0] < 500, (path, result[path])
    writes = [s for s in result["statements"] if WRITES.search(s)]
    assert not writes, f"statements that write, on a read-only file: {writes[:10]}"
    assert after == before, "the folder of a read-only database changed (the file, or -wal/-shm/-journal/lock files)"
    # Root may write a 0444 file (os.access says yes), so only the file's mode tells the app it is
    # read-only; it must then open it read-only.
    mine = [c for c in result["opened"] if str(db) in c["database"]]
    assert mine, f"the app never opened {db}: {result['opened']}"
    not_read_only = [c for c in mine if not (c["uri"] and "mode=ro" in c["database"])]
    assert not not_read_only, f"opened for writing although its mode is 0444 (running as uid {os.getuid()}): {not_read_only}"


# ------------------------------------------------------------------ 5. two starts at once on one new file

# Each process imports the heavy modules first, then waits for the test to let both go at once.
TOGETHER = """
import json, os, sys, time
import dash, flask, pandas, plotly, sqlalchemy  # noqa: F401 (slow imports before the start line)
sys.path.insert(0, ".")
open(sys.argv[1] + ".ready", "w").close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.01)
import app
server = app.create_app()
client = server.test_client()
print("RESULT " + json.dumps({"health": client.get("/health").status_code,
                              "layout": client.get("/login").status_code}))
"""


def test_two_processes_starting_together_on_a_new_file(tmp_path):
    db = tmp_path / "new.db"
    db.touch()
    env = clean_env(COCKPIT_DATABASE_URL=f"sqlite:///{db}", COCKPIT_AUTO_UPGRADE="1")
    go = tmp_path / "go"
    procs = []
    try:
        for n in range(2):
            log = tmp_path / f"start{n}.log"
            with open(log, "wb") as err:
                procs.append((subprocess.Popen([sys.executable, "-c", TOGETHER, str(tmp_path / f"p{n}"), str(go)],
                                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err,
                                               stdin=subprocess.DEVNULL, text=True, start_new_session=True), log))
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"p{n}.ready").exists() for n in range(2)):
            assert time.monotonic() < deadline and all(p.poll() is None for p, _ in procs), \
                [tail(log) for _, log in procs]
            time.sleep(0.02)
        go.touch()
        for proc, log in procs:
            out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
            assert proc.returncode == 0, f"exit {proc.returncode}\n{out[-2000:]}\n{tail(log)}"
            assert 'RESULT {"health": 200, "layout": 200}' in out, f"{out[-2000:]}\n{tail(log)}"
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert sqlite_revision(db) == head_revision()


@pytest.mark.skipif(os.environ.get("COCKPIT_TEST_DEMO_START") != "1",
                    reason="generates the demo data set (~30-40 s): set COCKPIT_TEST_DEMO_START=1")
def test_two_python_app_py_starts_on_one_new_file(tmp_path):
    """The newcomer's `python app.py`, twice at once on one new file: one generates the demo
    data while the other waits, and both serve. The quick form of this is the test above."""
    db = tmp_path / "cockpit.db"
    ports = [free_port(), free_port()]
    with contextlib.ExitStack() as stack:
        servers = []
        for n, port in enumerate(ports):
            log = tmp_path / f"app{n}.log"
            env = clean_env(COCKPIT_DATABASE_URL=f"sqlite:///{db}", COCKPIT_PORT=str(port), COCKPIT_HOST="127.0.0.1")
            servers.append((stack.enter_context(serving([sys.executable, "app.py"], env, log)), port, log))
        for proc, port, log in servers:
            wait_until_healthy(proc, port, log, timeout=240)
        for proc, port, log in servers:
            status, body = http(f"http://127.0.0.1:{port}/login", timeout=60)
            assert status == 200 and "演示账号" in body.decode(), body[:500]
            assert proc.poll() is None, tail(log)
            assert "Traceback" not in tail(log, 10**6), tail(log)


# ------------------------------------------------------------------ 6. deploy/ files agree with the code

DEPLOY = ROOT / "deploy"


def test_the_env_example_lists_every_setting_with_no_secret():
    from settings import Settings

    text = (DEPLOY / "cockpit.env.example").read_text(encoding="utf-8")
    listed = re.findall(r"^(COCKPIT_[A-Z_]+)=(.*)$", text, re.M)
    assert {name for name, _ in listed} == set(Settings.variables())
    assert dict(listed)["COCKPIT_SECRET_KEY"] == "", "the example must not carry a secret"
    lines = text.splitlines()
    for n, line in enumerate(lines):  # every setting says what it is, in a comment just above
        if line.startswith("COCKPIT_") and not lines[n - 1].startswith(("#", "COCKPIT_")):
            pytest.fail(f"no comment above {line!r}")


def test_nginx_limits_match_the_app_and_the_config_parses(tmp_path):
    from settings import Settings

    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    sizes = re.findall(r"client_max_body_size (\d+)m;", conf)
    upload = Settings().max_upload_bytes * 4 // 3 + 65536  # auth/guard.py: a ledger, base64-encoded
    assert int(sizes[0]) << 20 == Settings().max_request_bytes
    assert int(sizes[1]) << 20 >= upload > (int(sizes[1]) - 1) << 20
    for location in ("/_dash-component-suites/", "/assets/", "/vendor/", "/plotly-bundle/"):
        assert location in conf, location
    gunicorn_conf = (ROOT / "gunicorn.conf.py").read_text()
    timeout = int(re.search(r"^timeout = (\d+)", gunicorn_conf, re.M).group(1))
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", conf).group(1))
    assert Settings().statement_timeout_ms / 1000 < timeout < read_timeout
    nginx = shutil_which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed: the syntax check needs it (apt-get install nginx-light)")
    (tmp_path / "main.conf").write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
                                        f"http {{ include /etc/nginx/mime.types; include {DEPLOY / 'nginx.conf'}; }}\n")
    checked = subprocess.run([nginx, "-t", "-c", str(tmp_path / "main.conf"), "-p", str(tmp_path)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_the_systemd_unit_runs_gunicorn_with_the_repo_config():
    unit = (DEPLOY / "cockpit.service").read_text(encoding="utf-8")
    for directive in ("EnvironmentFile=/etc/cockpit/cockpit.env", "gunicorn -c /opt/cockpit/app/gunicorn.conf.py app:server",
                      "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "User=cockpit"):
        assert directive in unit, directive


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)
