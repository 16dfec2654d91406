"""Build the offline install bundle: everything the intranet server needs, no network there.

    python scripts/build_offline_bundle.py [--out DIR] [--platform TAG --python-version X.Y]

Run it on a machine with the package index (and, for the small plotly.js bundle, npm). It makes

    DIR/                           (default dist/cockpit-offline; and DIR.tar.gz beside it)
      install.sh                   scripts/install_offline.sh: venv + pip install --no-index
      wheels/                      a wheel for every dependency of requirements.txt (gunicorn included)
      app/                         the cockpit's code, boundaries (assets/geo) and migrations
      app/instance/vendor/         the cockpit's plotly.js bundle, when built (else Dash's full one serves)
      MANIFEST.txt                 what was built where, and the sha256 of every wheel

Wheels are made for this machine's Python and platform (pip wheel); for another server give
--platform (e.g. manylinux2014_x86_64) and --python-version (e.g. 3.11): pip then downloads
binary wheels for that target only. The intranet server installs with
`bash install.sh /opt/cockpit` (README: Deploying).
"""
from __future__ import annotations

import argparse
import hashlib
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.plotly_bundle import installed_bundle  # noqa: E402

# Not needed to run the cockpit: tests, CI and local state.
EXCLUDED = ("tests/", ".ci/", "instance/", "dist/")
PIP_TIMEOUT_S = 1800


def code_files() -> list[str]:
    """The repository's files as the working tree has them (tracked and new, not ignored)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return sorted(f for f in listed if f and not f.startswith(EXCLUDED) and (ROOT / f).is_file())


def copy_code(app_dir: Path) -> int:
    files = code_files()
    for name in files:
        target = app_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return len(files)


def build_wheels(wheel_dir: Path, target_platform: str | None, python_version: str | None) -> None:
    wheel_dir.mkdir(parents=True, exist_ok=True)
    requirements = str(ROOT / "requirements.txt")
    if target_platform or python_version:
        # Another machine's wheels cannot be built here: download binary ones for it.
        cmd = [sys.executable, "-m", "pip", "download", "-r", requirements, "-d", str(wheel_dir),
               "--only-binary=:all:"]
        if target_platform:
            cmd += ["--platform", target_platform]
        if python_version:
            cmd += ["--python-version", python_version]
    else:
        # pip wheel also builds a wheel for any dependency published as source only.
        cmd = [sys.executable, "-m", "pip", "wheel", "-r", requirements, "-w", str(wheel_dir)]
    subprocess.run(cmd, check=True, timeout=PIP_TIMEOUT_S)


def plotly_bundle(app_dir: Path, build: bool) -> Path | None:
    """Copy the built plotly.js bundle into the bundle's instance/vendor/ (building it first if asked)."""
    bundle = installed_bundle()
    if bundle is None and build and shutil.which("npm"):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_plotly_bundle.py")], check=False,
                       timeout=900)
        bundle = installed_bundle()
    if bundle is None:
        return None
    vendor = app_dir / "instance" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(bundle, vendor / bundle.name))


def manifest(out: Path, wheels: Path, bundle: Path | None, n_files: int, target: str) -> str:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        "贵州省招商引资驾驶舱 offline install bundle",
        f"built: {time.strftime('%Y-%m-%d %H:%M:%S %z')} from commit {commit or 'unknown'} (with working-tree changes)",
        f"for: {target}",
        f"code files: {n_files}",
        f"plotly.js bundle: {bundle.name if bundle else 'none (Dash full plotly.js is served)'}",
        "wheels (sha256):",
    ]
    for wheel in sorted(wheels.iterdir()):
        lines.append(f"  {hashlib.sha256(wheel.read_bytes()).hexdigest()}  {wheel.name}")
    text = "\n".join(lines) + "\n"
    (out / "MANIFEST.txt").write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "cockpit-offline", help="the bundle's folder")
    parser.add_argument("--platform", help="pip platform tag of the target server (default: this machine's)")
    parser.add_argument("--python-version", help="Python version of the target server, e.g. 3.11")
    parser.add_argument("--no-plotly-build", action="store_true",
                        help="do not try to build the plotly.js bundle when it is missing (needs npm)")
    parser.add_argument("--no-tarball", action="store_true", help="leave the folder only")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    app_dir = out / "app"
    n_files = copy_code(app_dir)
    bundle = plotly_bundle(app_dir, build=not args.no_plotly_build)
    build_wheels(out / "wheels", args.platform, args.python_version)
    shutil.copy2(ROOT / "scripts" / "install_offline.sh", out / "install.sh")
    (out / "install.sh").chmod(0o755)
    target = (f"{args.platform or platform.machine()} Python {args.python_version or platform.python_version()}")
    manifest(out, out / "wheels", bundle, n_files, target)
    print(f"bundle: {out} ({n_files} code files, {len(list((out / 'wheels').iterdir()))} wheels, "
          f"plotly.js bundle: {bundle.name if bundle else 'none'})")
    if not args.no_tarball:
        tarball = out.with_name(out.name + ".tar.gz")
        with tarfile.open(tarball, "w:gz") as tar:
            tar.add(out, arcname=out.name)
        print(f"tarball: {tarball} ({tarball.stat().st_size / 2**20:.0f} MiB)")
    print(f"done in {time.perf_counter() - started:.0f} s; on the server: bash install.sh /opt/cockpit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
