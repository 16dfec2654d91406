#!/usr/bin/env bash
# Back up the cockpit's PostgreSQL database and restore it into a fresh one (README: Backup and
# restore). Uses the server's own tools (pg_dump, pg_restore and psql from the postgresql-client
# package of the server's major version); the URLs are the cockpit's COCKPIT_DATABASE_URL form
# (postgresql+psycopg://user:pass@host:port/db) or plain libpq ones.
#
#   scripts/backup_drill.sh backup  URL FILE       # custom-format dump of URL into FILE
#   scripts/backup_drill.sh restore FILE URL       # URL's database must not exist: created, then filled
#   scripts/backup_drill.sh check   URL_A URL_B    # same totals per city and county, same row counts
#   scripts/backup_drill.sh drill   URL [DIR]      # backup, restore into URL's name + _drill_<time>,
#                                                  # check, drop the copy (the dump is kept in DIR)
#
# The dump is taken in one snapshot (pg_dump's own transaction) while the cockpit serves; no
# need to stop it. Restore runs in one transaction (--single-transaction --exit-on-error): a
# failed restore leaves an empty database, never half of one.
set -euo pipefail

die() { echo "backup_drill: $*" >&2; exit 1; }
libpq() { local u="${1/postgresql+psycopg:/postgresql:}"; echo "${u/postgresql+psycopg2:/postgresql:}"; }
# The same URL naming the server's maintenance database `postgres` (to create and drop others).
with_db() { local u base; u="$(libpq "$1")"; base="${u%%\?*}"; echo "${base%/*}/$2${u#"$base"}"; }
admin_url() { with_db "$1" postgres; }
db_name() { local u; u="$(libpq "$1")"; u="${u##*/}"; echo "${u%%\?*}"; }
valid_name() { [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "database name '$1': letters, digits and _ only"; }

backup() {
    local url file; url="$(libpq "$1")"; file="$2"
    pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" --dbname="$url"
    mv "$file.partial" "$file"  # a dump cut short never takes the name of a good one
    pg_restore --list "$file" >/dev/null  # readable, every entry listed
    echo "backup: $(db_name "$1") -> $file ($(du -h "$file" | cut -f1))"
}

restore() {
    local file url name; file="$1"; url="$(libpq "$2")"; name="$(db_name "$2")"
    [ -r "$file" ] || die "no dump file $file"
    valid_name "$name"
    psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$(admin_url "$2")" \
        --command="CREATE DATABASE \"$name\"" || die "could not create database $name (does it exist already?)"
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
    psql --no-psqlrc --quiet --dbname="$url" --command="ANALYZE" >/dev/null  # planner statistics are not in a dump
    echo "restore: $file -> $name"
}

# Totals a leader reads (projects, contract value, funds in place per city and county) and the
# row count of every table, as one text per database: two databases agree when the texts do.
TOTALS_SQL="
SELECT 'region', level, r.adcode, coalesce(p.n, 0), coalesce(p.contract, 0), coalesce(f.funds, 0)
FROM region r
LEFT JOIN (SELECT county_adcode AS adcode, count(*) AS n, sum(contract_yuan) AS contract FROM project GROUP BY 1
           UNION ALL
           SELECT city_adcode, count(*), sum(contract_yuan) FROM project GROUP BY 1) p ON p.adcode = r.adcode
LEFT JOIN (SELECT county_adcode AS adcode, sum(amount_yuan) AS funds FROM funding GROUP BY 1
           UNION ALL
           SELECT city_adcode, sum(amount_yuan) FROM funding GROUP BY 1) f ON f.adcode = r.adcode
WHERE r.level IN ('city', 'county')
ORDER BY 3;
SELECT 'table', table_name, (xpath('/row/n/text()',
       query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 2;"

totals() { psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 --dbname="$(libpq "$1")" --command="$TOTALS_SQL"; }

check() {
    local a b; a="$(totals "$1")"; b="$(totals "$2")"
    [ -n "$a" ] || die "no totals read from $(db_name "$1")"
    if [ "$a" != "$b" ]; then
        diff <(echo "$a") <(echo "$b") | head -20 >&2 || true  # (diff exits 1: they differ)
        die "$(db_name "$1") and $(db_name "$2") differ"
    fi
    echo "check: $(grep -c '^region' <<<"$a") regions and $(grep -c '^table' <<<"$a") tables agree"
}

drill() {
    local url dir name copy file
    url="$1"; dir="${2:-.}"; name="$(db_name "$url")"
    copy="${name}_drill_$(date -u +%Y%m%d%H%M%S)"; file="$dir/$name-$(date -u +%Y%m%dT%H%M%SZ).dump"
    local copy_url; copy_url="$(with_db "$url" "$copy")"
    backup "$url" "$file"
    # Dropped however the check ends (values fixed now: the trap runs after this function returns).
    trap "psql --no-psqlrc --quiet --dbname='$(admin_url "$url")' --command='DROP DATABASE IF EXISTS \"$copy\" WITH (FORCE)'" EXIT
    restore "$file" "$copy_url"
    check "$url" "$copy_url"
    echo "drill: ok (the copy $copy is dropped; the dump stays in $file)"
}

cmd="${1:-}"; shift || true
case "$cmd" in
    backup)  [ $# -eq 2 ] || die "usage: backup URL FILE"; backup "$@" ;;
    restore) [ $# -eq 2 ] || die "usage: restore FILE URL"; restore "$@" ;;
    check)   [ $# -eq 2 ] || die "usage: check URL_A URL_B"; check "$@" ;;
    drill)   [ $# -ge 1 ] || die "usage: drill URL [DIR]"; drill "$@" ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
