#!/usr/bin/env bash
# README command 2: a throw-away database, the addon installed, every test and the linters.
# Exits non-zero on any failure, on a skipped test and when no test ran.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$here/scripts/setup.sh"

db="carpass_test_$$"
cfg="$VAR/odoo-test.cfg"
# The in-process test server is threaded; tests/test_multiworker.py starts its own prefork
# servers with CARPASS_WORKERS workers each (default 2).
CARPASS_WORKERS=0 write_odoo_config "$cfg" "${CARPASS_TEST_HTTP_PORT:-8169}"
cleanup() { "$PY" "$here/scripts/dropdb.py" "$db" || true; }
trap cleanup EXIT

echo "== Installing carpass_odoo (with its demo data) into $db"
install_log="$VAR/install-$db.log"
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" -i carpass_odoo --stop-after-init \
    --log-level=warn 2>&1 | tee "$install_log"
# Odoo logs a broken demo file or a failing data record but still exits 0.
if grep -qE " (ERROR|CRITICAL) |demo data failed to install" "$install_log"; then
    echo "FAILED: installing carpass_odoo logged errors (see above)" >&2
    exit 1
fi

echo "== Tests"
cd "$here"
status=0
"$PY" -m pytest tests --odoo-config="$cfg" --odoo-database="$db" --odoo-http \
    --odoo-log-level=warn -p no:cacheprovider "$@" || status=$?

echo "== Lint"
bash "$here/scripts/lint.sh" || status=$?
"$PY" "$here/scripts/i18n_check.py" --config "$cfg" --database "$db" || status=$?
exit "$status"
