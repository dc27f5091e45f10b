#!/usr/bin/env bash
# Idempotent set-up: system packages (as root on Debian), a project virtualenv with Odoo 18.0's
# Python requirements (pins that build on Python 3.11), Odoo itself from ODOO_SRC, and our tools.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
VENV="${VENV:-$here/.venv}"
PYTHON="${PYTHON:-python3}"
stamp="$VENV/.carpass-setup-stamp"

if [ ! -f "$ODOO_SRC/odoo-bin" ] || [ ! -f "$ODOO_SRC/requirements.txt" ]; then
    cat >&2 <<MSG
Odoo 18.0 source not found in ODOO_SRC=$ODOO_SRC.
Get it from the official repository, branch 18.0, and put it there (or point ODOO_SRC at it):
    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git $ODOO_SRC
MSG
    exit 2
fi

# Re-running is fast: everything below is skipped while nothing it depends on changed.
fingerprint="$(cat "$here/scripts/setup.sh" "$here/requirements-dev.txt" "$ODOO_SRC/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    need=()
    for pkg in wkhtmltopdf poppler-utils chromium fonts-dejavu-core; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    if [ "${#need[@]}" -gt 0 ]; then
        echo "Installing system packages: ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
"${pip[@]}" --upgrade pip wheel setuptools

# Odoo's own pins, adapted: cbor2 5.4.2 does not build on 3.11, psycopg2 needs the binary wheel,
# python-ldap needs LDAP headers and only serves auth_ldap, which we do not use.
reqs="$VENV/odoo-requirements.txt"
sed -E \
    -e 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' \
    -e 's/^psycopg2==([0-9.]+)/psycopg2-binary==\1/' \
    -e '/^python-ldap/d' \
    "$ODOO_SRC/requirements.txt" >"$reqs"
"${pip[@]}" -r "$reqs"
"${pip[@]}" -r "$here/requirements-dev.txt"
# Odoo itself, editable, from the source tree (never copied into this repository).
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
    -e "$ODOO_SRC" >"$VENV/odoo-install.log" 2>&1 || { cat "$VENV/odoo-install.log" >&2; exit 1; }

echo "$fingerprint" >"$stamp"
echo "Set-up done: $VENV (Odoo from $ODOO_SRC)"
