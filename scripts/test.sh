#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: installs what is missing, then pytest.
#   bash scripts/test.sh [pytest args...]      e.g. bash scripts/test.sh tests/browser -x
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- Python packages: a no-op pip run takes ~1.5 s, so always run it (catches new requirements).
echo "test.sh: installing Python requirements (requirements-dev.txt)..."
PIP_ROOT_USER_ACTION=ignore python -m pip install --quiet --disable-pip-version-check \
    -r requirements-dev.txt
# Never `playwright install`: it downloads its own browser, which fails offline. The browser tests
# launch Debian's Chromium instead.

# --- The cockpit's plotly.js bundle (components/plotly_bundle.py), so that the browser tests run
# what a deployment serves. Optional: without Node.js or the npm registry the cockpit serves Dash's
# full plotly.js, and the tests pass on that too.
if ! python -c "from components.plotly_bundle import installed_bundle; raise SystemExit(installed_bundle() is None)"; then
    if command -v npm >/dev/null; then
        python scripts/build_plotly_bundle.py \
            || echo "test.sh: WARNING: building the plotly.js bundle failed; testing with Dash's full plotly.js." >&2
    else
        echo "test.sh: npm not found; testing with Dash's full plotly.js (scripts/build_plotly_bundle.py needs it)."
    fi
fi

# --- Debian's Chromium and CJK fonts for the browser tests.
# (A COCKPIT_CHROMIUM override is the developer's own browser: Debian's is then not needed.)
cjk_font=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
# LibreOffice Impress opens the briefing deck as a user would (tests/test_exports_deck.py);
# poppler-utils reads the PDFs back (pdftotext, pdfinfo); nginx-light checks deploy/nginx.conf
# (tests/test_deploy.py, `nginx -t`).
if [[ ( -z "${COCKPIT_CHROMIUM:-}" && ! -x /usr/bin/chromium ) || ! -f "$cjk_font" ]] \
        || ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
        || ! { command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; }; then
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then
        # Use sudo only when it will not hang on a password prompt without a terminal.
        if command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
            sudo="sudo"
        else
            sudo="none"
        fi
    fi
    if [[ "$sudo" == "none" ]]; then
        echo "test.sh: WARNING: /usr/bin/chromium or the Noto CJK font is missing and this user cannot" \
             "install packages. Run as root: apt-get install -y chromium fonts-noto-cjk libreoffice-impress poppler-utils nginx-light." \
             "The browser tests will fail." >&2
    else
        echo "test.sh: installing Debian packages chromium, fonts-noto-cjk, libreoffice-impress, poppler-utils, nginx-light..."
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq chromium fonts-noto-cjk libreoffice-impress poppler-utils nginx-light >/dev/null
    fi
fi

# --- PostgreSQL: the database tests run a second time on it when it is reachable.
pg_url="postgresql+psycopg://postgres@127.0.0.1:5432/test"
if [[ -n "${COCKPIT_TEST_POSTGRES_URL:-}" ]]; then
    echo "test.sh: using COCKPIT_TEST_POSTGRES_URL from the environment."
elif python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=2).close()
PY
then
    export COCKPIT_TEST_POSTGRES_URL="$pg_url"
    echo "test.sh: PostgreSQL reachable; database tests also run on $pg_url."
else
    echo "test.sh: PostgreSQL not reachable at 127.0.0.1:5432 (db test); PostgreSQL tests are skipped."
fi

# --- pytest: default to tests/ unless a path (or node id) was given.
has_path=0
for arg in "$@"; do
    if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then has_path=1; fi
done
paths=()
if [[ $has_path -eq 0 ]]; then paths=(tests/); fi

rc=0
python -m pytest "${paths[@]}" "$@" || rc=$?
if [[ $rc -eq 5 ]]; then
    echo "test.sh: FAILED: pytest collected no tests." >&2
    exit 1
fi
exit "$rc"
