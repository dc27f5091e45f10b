# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared runner of the Odoo benchmarks: a throw-away database, an env, a simulator.

Every Odoo benchmark is run as a module from the repository root, e.g.

    .venv/bin/python -m bench.submit_path -c var/odoo-h9.cfg -d carpass_h9

``-d`` names a database where carpass_odoo is installed; it is only used as a
template: the benchmark copies it (``CREATE DATABASE ... TEMPLATE``), works and
commits in the copy, and drops the copy at the end, so the figures never leave
data behind. The template must have no open connection while it is copied.
"""

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]
_ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
for _path in (_REPO, _ODOO_SRC):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.tools import config  # noqa: E402

from carpass_simulator.launcher import SimulatorProcess  # noqa: E402


def belgian_today():
    """Car-Pass's today, the Belgian date (carpass/clock.py).

    Imported on call: the addon is importable once Odoo's addons path is set.
    """
    from odoo.addons.carpass_odoo.carpass.clock import belgian_today as today

    return today()


# A garage the simulator's seed knows (same as tests/common.py).
BENCH_GARAGE = {
    "establishment": "2123456791",
    "enterprise": "0412345614",
    "password": "demo-garage-a",
}
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def argument_parser(description, runs=5):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "-c", "--config", default="var/odoo.cfg", help="Odoo configuration file"
    )
    parser.add_argument(
        "-d",
        "--database",
        required=True,
        help="database with carpass_odoo installed, copied for the run",
    )
    parser.add_argument(
        "--runs", type=int, default=runs, help="runs per side; medians are reported"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the throw-away database"
    )
    return parser


def _connect_postgres():
    return psycopg2.connect(
        dbname="postgres",
        host=config["db_host"] or None,
        port=config["db_port"] or None,
        user=config["db_user"] or None,
        password=config["db_password"] or None,
    )


def _create_copy(template, name):
    connection = _connect_postgres()
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
    finally:
        connection.close()
    filestore = Path(config.filestore(template))
    if filestore.exists():
        shutil.copytree(filestore, config.filestore(name))


def _drop(name):
    odoo.sql_db.close_db(name)
    connection = _connect_postgres()
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
            )
    finally:
        connection.close()
    shutil.rmtree(config.filestore(name), ignore_errors=True)


@contextlib.contextmanager
def bench_registry(args):
    """The registry of a throw-away copy of ``args.database``, dropped afterwards."""
    config.parse_config(["-c", args.config, "-d", args.database])
    odoo.netsvc.init_logger()
    # A terminated benchmark still drops its copy and stops its simulator.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    name = f"{args.database}_bench_{os.getpid()}"
    _create_copy(args.database, name)
    try:
        # The code may be newer than the template: bring the copy's schema up to date.
        config["update"] = {"carpass_odoo": 1}
        registry = Registry.new(name, update_module=True)
        config["update"] = {}
        yield registry
    finally:
        Registry.delete(name)
        if args.keep:
            print(f"kept database {name}")
        else:
            _drop(name)


@contextlib.contextmanager
def environment(registry):
    """A superuser env on a new cursor; committed when the block ends without error."""
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})


@contextlib.contextmanager
def simulator(**settings):
    process = SimulatorProcess.start(settings={"faults": {}, **settings})
    try:
        process.admin.settings(processing_polls=0)
        yield process
    finally:
        process.stop()


def make_bench_company(env, simulator_process, name="Bench Garage"):
    """A garage pointed at the simulator, as Settings > Car-Pass would configure it."""
    company = env["res.company"].create(
        {
            "name": name,
            "country_id": env.ref("base.be").id,
            "carpass_environment": "simulator",
            "carpass_simulator_url": simulator_process.base_url,
            "carpass_enterprise_number": BENCH_GARAGE["enterprise"],
            "carpass_establishment_number": BENCH_GARAGE["establishment"],
            "carpass_password": BENCH_GARAGE["password"],
        }
    )
    env.user.company_ids |= company
    return company


@contextlib.contextmanager
def garage_with_user(args, user_name):
    """The set-up of the benchmarks that insert registrations with SQL and time what
    a user sees (record rules included): a throw-away registry, a simulator, a bench
    garage with one vehicle and a Car-Pass user of that garage alone.

    Yields (registry, (company id, vehicle id, user id)).
    """
    with bench_registry(args) as registry, simulator() as simulator_process:
        with environment(registry) as env:
            company = make_bench_company(env, simulator_process)
            vehicle = env["fleet.vehicle"].create(
                {"model_id": make_vehicle_model(env).id, "company_id": company.id}
            )
            user = env["res.users"].create(
                {
                    "name": user_name,
                    "login": user_name.lower().replace(" ", "_"),
                    "groups_id": [
                        (6, 0, [env.ref("carpass_odoo.group_carpass_user").id])
                    ],
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                }
            )
            ids = (company.id, vehicle.id, user.id)
        yield registry, ids


def make_vehicle_model(env):
    brand = env["fleet.vehicle.model.brand"].create({"name": "Bench Brand"})
    return env["fleet.vehicle.model"].create(
        {"name": "Bench Model", "brand_id": brand.id, "vehicle_type": "car"}
    )


def bench_vin(number, prefix="BNC"):
    """A distinct valid VIN per number (no I, O or Q), in a stable order."""
    digits = []
    for _position in range(17 - len(prefix)):
        number, index = divmod(number, len(VIN_ALPHABET))
        digits.append(VIN_ALPHABET[index])
    return prefix + "".join(reversed(digits))


def median_seconds(function, runs, first=0):
    """Median wall time of ``runs`` calls; ``function(run_index)`` does one run."""
    timings = []
    for run in range(first, first + runs):
        started = time.perf_counter()
        function(run)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings


def print_header(module, args):
    print(f"== {module}")
    print(f"   command: .venv/bin/python -m {module} {' '.join(sys.argv[1:])}")
    print(f"   database template: {args.database}, runs per side: {args.runs}")


def load_average():
    """The machine's 1, 5 and 15 minute load averages, as printed next to figures."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def print_verdict(name, value, target, passed, reason=""):
    """One judged figure: PASS, or MISSED with its reason."""
    verdict = "PASS" if passed else "MISSED"
    if not passed and reason:
        verdict = f"{verdict}: {reason}"
    print(
        f"   {name}: {value:.2f} (target {target}) -> {verdict} "
        f"(load average {load_average()})"
    )
