#!/usr/bin/env bash
# README command 1: the Car-Pass simulator and Odoo on localhost, with a fresh demo database.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$here/scripts/setup.sh"

# --lang nl_BE|fr_BE|en_US (or CARPASS_DEMO_LANG): the administrator's language.
lang="${CARPASS_DEMO_LANG:-en_US}"
while [ $# -gt 0 ]; do
    case "$1" in
        --lang) lang="$2"; shift 2 ;;
        --lang=*) lang="${1#--lang=}"; shift ;;
        *) echo "usage: $0 [--lang nl_BE|fr_BE|en_US]" >&2; exit 2 ;;
    esac
done
case "$lang" in
    nl_BE|fr_BE|en_US) ;;
    *) echo "--lang must be nl_BE, fr_BE or en_US, not $lang" >&2; exit 2 ;;
esac

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

sim_url="http://127.0.0.1:$sim_port/api"
demo_step() {  # $1 = before | after (see scripts/demo_company.py)
    CARPASS_DEMO_STEP="$1" CARPASS_DEMO_SIMULATOR_URL="$sim_url" CARPASS_DEMO_LANG="$lang" \
        "$PY" "$ODOO_SRC/odoo-bin" shell -c "$cfg" -d "$db" --no-http --log-level=warn \
        <"$here/scripts/demo_company.py"
}

echo "== Fresh database $db with carpass_odoo and its demo data"
"$PY" "$here/scripts/dropdb.py" "$db"
# The main company becomes a Belgian garage (EUR, A4) before accounting exists:
# a company's currency cannot change once it has journal entries.
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" -i base --stop-after-init --log-level=warn
demo_step before
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" -i carpass_odoo --stop-after-init \
    --log-level=warn --load-language=nl_BE,fr_BE
echo "== The demo garages report to the simulator at $sim_url"
demo_step after

cat <<MSG

  Odoo:      http://127.0.0.1:$port/web/login?db=$db
  Login:     admin / admin
  Language:  $lang (start with --lang nl_BE, fr_BE or en_US to choose)
  Car-Pass:  the demo garages report to the simulator at $sim_url
  Stop:      Ctrl+C

MSG
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" --db-filter="^$db\$" &
pids+=($!)
wait "${pids[-1]}"
