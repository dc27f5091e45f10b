#!/usr/bin/env bash
# Linters run by the test command: OCA's pre-commit checks (.pre-commit-config.yaml: ruff,
# OCA's mandatory pylint-odoo checks, oca-checks-odoo-module, oca-checks-po, README.rst).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$here"
# The hooks are local: they run the tools of the project virtualenv.
export PATH="$VENV/bin:$PATH"
# pre-commit checks the files git knows; a file not yet added is not linted.
"$VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color=never
echo "lint: clean"
