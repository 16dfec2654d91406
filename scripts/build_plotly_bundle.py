"""Build the cockpit's plotly.js bundle (components/plotly_bundle.py) from the npm registry.

    python scripts/build_plotly_bundle.py [--out DIR]

Needs Node.js and npm with access to the registry; run it where the cockpit is installed (the
intranet server needs only the built file, in instance/vendor/). It installs plotly.js of the
exact version the installed plotly package bundles, and esbuild, into a temporary folder, and
bundles plotly.js's core with the cockpit's trace types. Without the bundle the cockpit serves
Dash's full plotly.min.js: everything works, the first load is about 0.7 s slower.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.plotly_bundle import BUNDLE_DIR, TRACES, bundle_name, plotlyjs_version  # noqa: E402

ESBUILD_VERSION = "0.28.2"
NPM_TIMEOUT_S = 600


def entry_source(traces: tuple[str, ...]) -> str:
    # plotly.js's core already holds scatter; registering it again would only warn.
    modules = "".join(f"  require('plotly.js/lib/{t}'),\n" for t in traces if t != "scatter")
    return f"var Plotly = require('plotly.js/lib/core');\nPlotly.register([\n{modules}]);\nmodule.exports = Plotly;\n"


def build(out_dir: Path) -> Path:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"build_plotly_bundle: `{tool}` not found; install Node.js and npm, or do without "
                             "the bundle (the cockpit then serves Dash's full plotly.min.js).")
    version = plotlyjs_version()
    target = out_dir / bundle_name(version)
    with tempfile.TemporaryDirectory(prefix="plotly-bundle-") as tmp:
        work = Path(tmp)
        (work / "package.json").write_text(json.dumps({
            "name": "cockpit-plotly-bundle", "private": True,
            "dependencies": {"plotly.js": version, "esbuild": ESBUILD_VERSION},
        }))
        (work / "entry.js").write_text(entry_source(TRACES))
        print(f"build_plotly_bundle: npm install plotly.js@{version} esbuild@{ESBUILD_VERSION} …", flush=True)
        # --ignore-scripts: nothing from the registry runs here; esbuild's binary comes as a
        # platform package and needs no install script.
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                       cwd=work, check=True, timeout=NPM_TIMEOUT_S, env={**os.environ, "NODE_ENV": "production"})
        built = work / "plotly.min.js"
        subprocess.run([
            str(work / "node_modules" / ".bin" / "esbuild"), "entry.js", "--bundle", "--minify", "--format=iife",
            "--global-name=Plotly", "--target=es2016", "--define:global=window", "--define:define.amd=false",
            "--alias:stream=stream-browserify",
            "--loader:.css=empty",  # maplibre's stylesheet, pulled in for map traces the cockpit has none of
            "--log-level=warning", f"--outfile={built}",
        ], cwd=work, check=True, timeout=NPM_TIMEOUT_S)
        out_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        shutil.copyfile(built, partial)
        partial.replace(target)  # whole or not at all: the app serves whatever file is there
    for stale in out_dir.glob("plotly-cockpit-*.min.js"):
        if stale != target:
            stale.unlink()
    return target


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=BUNDLE_DIR, help=f"folder for the bundle (default {BUNDLE_DIR})")
    args = ap.parse_args(argv)
    path = build(args.out)
    print(f"build_plotly_bundle: {path} ({path.stat().st_size / 1e6:.2f} MB; traces: {', '.join(TRACES)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
