#!/usr/bin/env bash
# README command 1: the Car-Pass simulator and Odoo on localhost, with a fresh demo database.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$here/scripts/setup.sh"

db="${CARPASS_DEMO_DB:-carpass_demo}"
port="${CARPASS_DEMO_PORT:-8069}"
sim_port="${CARPASS_SIMULATOR_PORT:-8765}"
cfg="$VAR/odoo-demo.cfg"
write_odoo_config "$cfg" "$port"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

echo "== Car-Pass simulator on http://127.0.0.1:$sim_port/api"
rm -f "$VAR/simulator-demo.sqlite3"
# CARPASS_SIMULATOR_CLOCK (e.g. 2026-12-01T23:30:00Z) freezes the simulator's clock.
"$PY" -m carpass_simulator --host 127.0.0.1 --port "$sim_port" \
    --data "$VAR/simulator-demo.sqlite3" \
    ${CARPASS_SIMULATOR_CLOCK:+--clock "$CARPASS_SIMULATOR_CLOCK"} \
    >"$VAR/simulator-demo.log" 2>&1 &
pids+=($!)

echo "== Fresh database $db with carpass_odoo and its demo data"
"$PY" "$here/scripts/dropdb.py" "$db"
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" -i carpass_odoo --stop-after-init \
    --log-level=warn --load-language=nl_BE,fr_BE

cat <<MSG

  Odoo:      http://127.0.0.1:$port/web/login?db=$db
  Login:     admin / admin
  Car-Pass:  the demo garages report to the simulator at http://127.0.0.1:$sim_port/api
  Stop:      Ctrl+C

MSG
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" --db-filter="^$db\$" &
pids+=($!)
wait "${pids[-1]}"
