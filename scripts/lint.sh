#!/usr/bin/env bash
# Linters run by the test command: ruff (format + lint) and OCA's mandatory pylint-odoo checks.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$here"
"$VENV/bin/ruff" format --check --diff .
"$VENV/bin/ruff" check .
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory --valid-odoo-versions=18.0 carpass_odoo
echo "lint: clean"
