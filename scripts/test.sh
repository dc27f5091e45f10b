#!/usr/bin/env bash
# README command 2: a throw-away database, the addon installed, every test and the linters.
# Exits non-zero on any failure, on a skipped test and when no test ran.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$here/scripts/setup.sh"

db="carpass_test_$$"
cfg="$VAR/odoo-test.cfg"
write_odoo_config "$cfg" "${CARPASS_TEST_HTTP_PORT:-8169}"
cleanup() { "$PY" "$here/scripts/dropdb.py" "$db" || true; }
trap cleanup EXIT

echo "== Installing carpass_odoo (with its demo data) into $db"
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" -i carpass_odoo --stop-after-init \
    --log-level=warn --log-handler=odoo.modules.loading:WARNING

echo "== Lint"
bash "$here/scripts/lint.sh"

echo "== Tests"
cd "$here"
"$PY" -m pytest tests --odoo-config="$cfg" --odoo-database="$db" --odoo-http \
    --odoo-log-level=warn -p no:cacheprovider "$@"
