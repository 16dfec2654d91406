"""Screenshots of views in wall mode at the wall sizes, loaded as the player shows them (in a
frame filling the screen), with the checks of tests/browser/test_wall_sizes.py printed beside.

    python scripts/wall_screenshots.py --base http://127.0.0.1:8050 --session <cookie> \\
        --out docs/wall / /chains /warnings

Writes <out>/<page>-<w>x<h>.png, scaled down to at most 1920 px wide (--max-width).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import launch_chromium, new_guarded_page  # noqa: E402
from tests.browser.test_wall_sizes import SIZES, measure, open_wall  # noqa: E402


def page_name(path: str) -> str:
    bare = path.split("?", 1)[0].strip("/")
    return re.sub(r"\W+", "-", bare) or "overview"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="view paths, e.g. / /chains (wall=1 is added)")
    parser.add_argument("--base", required=True)
    parser.add_argument("--session", help="a signed-in browser's cockpit_session cookie")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "wall")
    parser.add_argument("--size", action="append", help="WIDTHxHEIGHT, repeatable (default: the wall sizes)")
    parser.add_argument("--max-width", type=int, default=1920)
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.size] if args.size else SIZES
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for path in args.paths:
            url = path + ("&" if "?" in path else "?") + "wall=1"
            for width, height in sizes:
                guarded = new_guarded_page(browser, args.base, width, height)
                if args.session:
                    guarded.context.add_cookies([{"name": "cockpit_session", "value": args.session, "url": args.base}])
                target = args.out / f"{page_name(path)}-{width}x{height}.png"
                try:
                    frame = open_wall(guarded, url)
                    found = measure(frame)
                    guarded.page.screenshot(path=target)
                finally:
                    guarded.context.close()
                _shrink(target, args.max_width)
                bad = {k: found[k][:6] for k in ("outside", "overlaps", "textOverlaps", "clippedText") if found[k]}
                sw, sh, vw, vh, *_ = found["scroll"]
                if sw > vw or sh > vh:
                    bad["scroll"] = found["scroll"]
                failed |= bool(bad) or bool(guarded.problems())
                print(f"{target.name}: canvas {found['canvas']}, map paths {found['mapPaths']}, "
                      f"{found['leaves']} texts, {found['panels']} panels"
                      + (f"\n  PROBLEMS {json.dumps(bad, ensure_ascii=False)}" if bad else "")
                      + "".join(f"\n  {p}" for p in guarded.problems()))
        browser.close()
    return 1 if failed else 0


def _shrink(path: Path, max_width: int) -> None:
    """At most max_width wide, in 256 colours: a third of the bytes, the same picture for docs."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB")
        if small.width > max_width:
            small = small.resize((max_width, round(small.height * max_width / small.width)), Image.LANCZOS)
    small.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


if __name__ == "__main__":
    sys.exit(main())
