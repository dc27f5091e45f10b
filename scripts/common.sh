# Shared settings for the project scripts (sourced, not run).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
VENV="${VENV:-$here/.venv}"
PY="$VENV/bin/python"
VAR="$here/var"
mkdir -p "$VAR"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"

# Odoo's multi-process mode: CARPASS_WORKERS=N (N > 0) runs N HTTP worker processes (prefork)
# plus the gevent process for the bus on http_port + 1; CARPASS_CRON_THREADS cron workers.
# The defaults (0 workers: threaded, 1 cron thread) suit a laptop; see docs/deployment.md.
write_odoo_config() {  # $1 = file, $2 = http port
    cat >"$1" <<CFG
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$here
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${PGPASSWORD:-False}
data_dir = $VAR/filestore
http_interface = 127.0.0.1
http_port = $2
gevent_port = $(($2 + 1))
list_db = True
log_level = warn
workers = ${CARPASS_WORKERS:-0}
max_cron_threads = ${CARPASS_CRON_THREADS:-1}
CFG
}
