"""Settings read from the environment, with defaults that work on a fresh machine."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def database_url() -> str:
    """`COCKPIT_DATABASE_URL`, else an embedded SQLite file under the ignored instance/ folder."""
    url = os.environ.get("COCKPIT_DATABASE_URL", "").strip()
    if url:
        return url
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'cockpit.db'}"
