"""The offline install bundle (issue 16): built by one command, installed with the network off.

scripts/build_offline_bundle.py makes the folder and tarball; its install.sh is run inside a
network namespace with no interface up (`unshare --net`, as root), or, where that is not
possible, with pip's index switched off and every proxy pointing at a closed port. The fresh
virtualenv then imports the app and runs `flask --app app db upgrade` and `db status` on a new
SQLite file. Slow (a minute or two: about 60 wheels, a virtualenv): it is the deployer's path.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from tests.test_deploy import ROOT

TIMEOUT_S = 1200
pytestmark = pytest.mark.slow  # builds the bundle and a virtualenv (a minute or two)


def offline(cmd: list[str]) -> list[str]:
    """The command with no network: a fresh network namespace when this user may make one."""
    if shutil.which("unshare") and os.geteuid() == 0 and \
            subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0:
        return ["unshare", "--net", *cmd]
    return cmd


def no_network_env(**extra: str) -> dict[str, str]:
    closed = "http://127.0.0.1:9"  # the discard port: nothing answers
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8",
           "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "http_proxy": closed, "https_proxy": closed,
           "HTTP_PROXY": closed, "HTTPS_PROXY": closed, "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "cockpit-offline"
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_offline_bundle.py"), "--out", str(out),
                            "--no-plotly-build"], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def test_the_bundle_holds_wheels_code_boundaries_and_installer(bundle):
    wheels = {p.name.split("-")[0].lower().replace("_", "-") for p in (bundle / "wheels").iterdir()}
    for needed in ("dash", "plotly", "pandas", "sqlalchemy", "alembic", "psycopg", "gunicorn", "flask-caching"):
        assert needed in wheels, (needed, sorted(wheels))
    assert all(p.suffix == ".whl" for p in (bundle / "wheels").iterdir())
    for path in ("app.py", "requirements.txt", "gunicorn.conf.py", "deploy/nginx.conf", "deploy/cockpit.service",
                 "assets/geo/guizhou-counties.geojson", "data_access/migrations/env.py", "install.sh"):
        where = bundle / path if path == "install.sh" else bundle / "app" / path
        assert where.is_file(), path
    assert not (bundle / "app" / "tests").exists()
    with tarfile.open(bundle.with_name(bundle.name + ".tar.gz")) as tar:
        names = set(tar.getnames())
    assert {"cockpit-offline/install.sh", "cockpit-offline/app/app.py", "cockpit-offline/MANIFEST.txt"} <= names


def test_it_installs_and_runs_with_the_network_off(bundle, tmp_path):
    target = tmp_path / "opt-cockpit"
    installed = subprocess.run(offline(["bash", str(bundle / "install.sh"), str(target)]),
                               env=no_network_env(PYTHON=sys.executable), capture_output=True, text=True,
                               timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    python, flask = target / "venv" / "bin" / "python", target / "venv" / "bin" / "flask"
    env = no_network_env(COCKPIT_DATABASE_URL=f"sqlite:///{tmp_path / 'cockpit.db'}")
    for cmd, want in (([str(python), "-c", "import app, gunicorn; print('imported', app.__file__)"], "imported"),
                      ([str(flask), "--app", "app", "db", "upgrade"], "current"),
                      ([str(flask), "--app", "app", "db", "status"], "current")):
        done = subprocess.run(offline(cmd), cwd=target / "app", env=env, capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0 and want in done.stdout, (cmd, done.stdout[-2000:], done.stderr[-3000:])
    assert str(target / "app") in subprocess.run(
        [str(python), "-c", "import app; print(app.__file__)"], cwd=target / "app", env=env,
        capture_output=True, text=True, timeout=120).stdout, "the venv imported the repository, not its copy"
