# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers for tests that run ``odoo-bin`` in child processes on databases of their own."""

import getpass
import os
import subprocess
import sys
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))


def pg_options():
    """PostgreSQL settings as the test command exports them (PG* variables)."""
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER") or getpass.getuser(),
        "password": os.environ.get("PGPASSWORD"),
    }


def pg_connect(dbname):
    return psycopg2.connect(dbname=dbname, **pg_options())


def odoo_db_config_lines():
    """The [options] lines of an Odoo config that reach PostgreSQL like the tests do."""
    options = pg_options()
    return [
        f"db_host = {options['host']}",
        f"db_port = {options['port']}",
        f"db_user = {options['user']}",
        f"db_password = {options['password'] or 'False'}",
    ]


def own_database_name(request, suffix):
    """``<the test command's database>_<suffix>``: the database a test may create and drop."""
    base = request.config.getoption("--odoo-database", default=None) or "carpass_test"
    return f"{base}_{suffix}"


def drop_database(name):
    env = {**os.environ, "PGUSER": pg_options()["user"]}
    subprocess.run(
        [sys.executable, REPO / "scripts" / "dropdb.py", name],
        check=True,
        timeout=120,
        env=env,
    )
