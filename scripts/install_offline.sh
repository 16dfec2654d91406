#!/usr/bin/env bash
# Install the cockpit from its offline bundle (scripts/build_offline_bundle.py) with no network:
#   bash install.sh [TARGET]            default TARGET: /opt/cockpit
# makes TARGET/app (the code; an existing instance/ folder, e.g. a SQLite database, is kept) and
# TARGET/venv (a virtualenv with every dependency installed from the bundle's wheels only).
# Needs python3 (3.11+, the version the bundle was built for) with its venv module.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:-/opt/cockpit}"
python="${PYTHON:-python3}"

if [[ ! -d "$here/wheels" || ! -f "$here/app/requirements.txt" ]]; then
    echo "install.sh: run me from an offline bundle (wheels/ and app/ beside me)." >&2
    exit 2
fi
if ! "$python" -c 'import sys, venv; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "install.sh: $python must be Python 3.11 or newer with the venv module (apt-get install python3-venv)." >&2
    exit 2
fi

mkdir -p "$target/app"
cp -a "$here/app/." "$target/app/"
"$python" -m venv "$target/venv"
# No index, no configuration file that could name one: the bundle's wheels are all there is.
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$target/venv/bin/python" -m pip install --quiet --no-index --find-links "$here/wheels" \
    -r "$target/app/requirements.txt"

cat <<EOF
install.sh: installed in $target (code: $target/app, virtualenv: $target/venv).
Next (README: Deploying):
  cp $target/app/deploy/cockpit.env.example /etc/cockpit/cockpit.env    # and fill it in
  cd $target/app && set -a && . /etc/cockpit/cockpit.env && set +a
  $target/venv/bin/flask --app app db upgrade
  cp $target/app/deploy/cockpit.service /etc/systemd/system/ && systemctl enable --now cockpit
  cp $target/app/deploy/nginx.conf /etc/nginx/conf.d/cockpit.conf && nginx -t && systemctl reload nginx
EOF
