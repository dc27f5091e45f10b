#!/usr/bin/env bash
# Export carpass_odoo's terms to carpass_odoo/i18n/carpass_odoo.pot and merge them into
# nl.po and fr.po (new terms come in untranslated; scripts/i18n_check.py lists them).
# The export reads the database as well as the code, so the addon must be up to date
# there: pass -u to update it first.
# Usage: scripts/i18n_export.sh [-u] [ODOO_CONFIG [DATABASE]]
#        (defaults: var/odoo-dev.cfg and carpass_dev)
set -euo pipefail
source "$(dirname "$0")/common.sh"

update=0
if [ "${1:-}" = "-u" ]; then
    update=1
    shift
fi
cfg="${1:-$VAR/odoo-dev.cfg}"
db="${2:-carpass_dev}"
pot="$here/carpass_odoo/i18n/carpass_odoo.pot"
mkdir -p "$(dirname "$pot")"
cd "$here"

if [ "$update" = 1 ]; then
    echo "== Updating carpass_odoo in $db"
    "$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" -u carpass_odoo --stop-after-init \
        --log-level=warn
fi

echo "== Exporting the terms of carpass_odoo from $db"
# No language (-l): Odoo then writes a template with empty translations.
tmp="$(mktemp --suffix=.pot)"
trap 'rm -f "$tmp"' EXIT
"$PY" "$ODOO_SRC/odoo-bin" -c "$cfg" -d "$db" --i18n-export="$tmp" \
    --modules=carpass_odoo --log-level=warn --stop-after-init
# Odoo stamps the export time: keep the file unchanged when no term changed.
if [ -f "$pot" ] && diff -q \
    <(grep -v '^"\(POT-Creation\|PO-Revision\)-Date' "$tmp") \
    <(grep -v '^"\(POT-Creation\|PO-Revision\)-Date' "$pot") >/dev/null; then
    echo "$pot: unchanged"
else
    install -m 644 "$tmp" "$pot"
    echo "$pot: written"
fi

echo "== Merging into nl.po and fr.po"
"$PY" "$here/scripts/i18n_check.py" merge
