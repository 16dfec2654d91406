"""Full-page screenshots of pages in headless Chromium, offline, the way the browser tests see them.

    python scripts/screenshot.py http://127.0.0.1:8050/ http://127.0.0.1:8050/region/520100 \\
        --out artifacts/screenshots --size 1920x1080 --size 3840x2160

Each page may only load from its own origin: other requests are aborted and printed, as are
console errors. Exit status 1 if a page failed to load or had any such problem (PNGs are still
written where possible).
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

# The browser tests' own setup, so screenshots match what the tests check.
from tests.browser.conftest import (  # noqa: E402
    launch_chromium,
    missing_chromium,
    new_guarded_page,
    origin_of,
    wait_for_dash,
)


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}")
    return int(match[1]), int(match[2])


def file_name(url: str, width: int, height: int) -> str:
    parts = urlsplit(url)
    stem = (parts.path.strip("/") or "index") + (f"?{parts.query}" if parts.query else "")
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.ASCII).strip("_")
    return f"{stem}-{width}x{height}.png"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "artifacts" / "screenshots")
    parser.add_argument(
        "--size", type=parse_size, action="append", help="WIDTHxHEIGHT, repeatable (default 1920x1080)"
    )
    parser.add_argument("--timeout", type=float, default=30, help="seconds per page (default 30)")
    parser.add_argument("--session", help="a signed-in browser's cockpit_session cookie (pages need one)")
    args = parser.parse_args()
    sizes = args.size or [(1920, 1080)]
    timeout_ms = args.timeout * 1000

    problem = missing_chromium()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)

    failed = False
    written: set[Path] = set()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for url in args.urls:
            for width, height in sizes:
                guarded = new_guarded_page(browser, origin_of(url), width, height)
                if args.session:
                    guarded.context.add_cookies([{"name": "cockpit_session", "value": args.session, "url": url}])
                target = args.out / file_name(url, width, height)
                if target in written:  # same path on another server
                    target = target.with_name(re.sub(r"\W+", "_", urlsplit(url).netloc) + "-" + target.name)
                written.add(target)
                try:
                    guarded.page.goto(url, timeout=timeout_ms)
                    try:
                        wait_for_dash(guarded.page, timeout=timeout_ms)
                    except PlaywrightTimeoutError:
                        # Still worth a picture: it shows what is stuck.
                        print(f"{url}: Dash did not settle in {args.timeout:g} s", file=sys.stderr)
                        failed = True
                    guarded.page.screenshot(path=target, full_page=True)
                    print(f"wrote {target}")
                except PlaywrightError as error:
                    print(f"FAILED {url} at {width}x{height}: {error}", file=sys.stderr)
                    failed = True
                finally:
                    guarded.context.close()
                problems = guarded.problems()
                if problems:
                    print(f"PROBLEMS {url} at {width}x{height}:", file=sys.stderr)
                    print(textwrap.indent("\n".join(problems), "  "), file=sys.stderr)
                    failed = True
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
