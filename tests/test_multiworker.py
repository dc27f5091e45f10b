# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo as a garage group runs it: two servers, prefork workers and cron workers, one database.

Two ``odoo-bin`` processes (``CARPASS_WORKERS`` HTTP workers each, default 2, and one cron
worker each) serve one fresh database and one filestore, against a real simulator. Everything
goes through JSON-RPC, so each call lands on whichever worker process is free: the end of a
repair started on one server and sent from both, the counter read on the other one, the
history request, and a retry backlog that both servers' buttons and both cron workers go at
together. The simulator counts what it received per reading: nothing may be created twice.

The counter has no bus notification to listen to: the systray refreshes itself after Car-Pass
calls and every minute, so the check here is that every server counts what another committed.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from datetime import datetime, timedelta

import pytest
import requests
from carpass.clock import belgian_today

from carpass_simulator.launcher import SimulatorProcess

from .common import GARAGE_A, random_vin
from .odoo_processes import (
    ODOO_SRC,
    REPO,
    drop_database,
    odoo_db_config_lines,
    own_database_name,
    pg_connect,
)

WORKERS = int(os.environ.get("CARPASS_WORKERS") or 2) or 2
# Seconds; a busy two-core machine installs fleet, repair and stock slowly.
INSTALL_TIMEOUT = 900
START_TIMEOUT = 180
SENT_STATES = ("ongoing", "waiting", "accepted")
# OCA's job queue for Odoo 18, for the queue_job variant of the send pipeline.
# 18.0.1.6.1 is the newest release that runs on an Odoo 18.0 source of November 2024 (later
# ones use api.private, which Odoo 18.0 gained afterwards).
QUEUE_JOB_WHEEL = "odoo-addon-queue_job==18.0.1.6.1"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_config(
    path, database, data_dir, workers, http_port=0, gevent_port=0, addons=(), extra=()
):
    """An Odoo config; ``addons`` are more addons folders, ``extra`` more lines."""
    addons_path = [ODOO_SRC / "addons", ODOO_SRC / "odoo" / "addons", REPO, *addons]
    lines = ["[options]", f"addons_path = {','.join(map(str, addons_path))}"]
    lines += odoo_db_config_lines()
    lines += [
        f"db_name = {database}",
        f"dbfilter = ^{database}$",
        "list_db = False",
        f"data_dir = {data_dir}",
        "http_interface = 127.0.0.1",
        f"http_port = {http_port}",
        f"gevent_port = {gevent_port}",
        f"workers = {workers}",
        "max_cron_threads = 1",
        # A busy machine: generous limits, so a slow worker is not killed mid-send.
        "limit_time_cpu = 600",
        "limit_time_real = 1200",
        "log_level = warn",
        *extra,
    ]
    path.write_text("\n".join(lines) + "\n")


class RpcError(RuntimeError):
    pass


class OdooServer:
    """One ``odoo-bin`` process in prefork mode, called over JSON-RPC as admin."""

    def __init__(self, name, workdir, database, addons=()):
        self.name = name
        self.database = database
        self.addons = addons
        self.port = _free_port()
        self.gevent_port = _free_port()
        self.config = workdir / f"{name}.cfg"
        self.logfile = workdir / f"{name}.log"
        self.data_dir = workdir / "data"
        self.process = None
        self.session = requests.Session()
        self.uid = None

    def start(self, extra=()):
        """Start ``odoo-bin``; ``extra`` config lines (e.g. server-wide modules)."""
        _write_config(
            self.config,
            self.database,
            self.data_dir,
            WORKERS,
            http_port=self.port,
            gevent_port=self.gevent_port,
            addons=self.addons,
            extra=extra,
        )
        self.process = subprocess.Popen(
            [sys.executable, ODOO_SRC / "odoo-bin", "-c", self.config]
            + [f"--logfile={self.logfile}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"{self.name} exited: {self.log_tail()}"
            try:
                if self.session.get(self.url("/web/health"), timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(1)
        else:
            raise AssertionError(f"{self.name} did not start: {self.log_tail()}")
        self.uid = self._rpc("common", "login", self.database, "admin", "admin")
        assert self.uid, "admin/admin refused"

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def _rpc(self, service, method, *args):
        response = self.session.post(
            self.url("/jsonrpc"),
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"service": service, "method": method, "args": list(args)},
            },
            timeout=(5, 600),
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            data = answer["error"].get("data", {})
            raise RpcError(f"{self.name}: {data.get('name')}: {data.get('message')}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self._rpc(
            "object",
            "execute_kw",
            self.database,
            self.uid,
            "admin",
            model,
            method,
            list(args),
            kwargs,
        )

    def worker_pids(self):
        """The forked HTTP workers' pids (prefork mode shows them in the process table)."""
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        return [int(pid) for pid in children]

    def log_tail(self):
        return self.logfile.read_text()[-4000:] if self.logfile.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    process = SimulatorProcess.start(
        data_path=tmp_path_factory.mktemp("multiworker-sim") / "simulator.sqlite3"
    )
    process.admin.settings(today=belgian_today().isoformat())
    yield process
    process.stop()


class Cluster:
    """Servers sharing one database and one data folder (filestore), like a garage group's."""

    def __init__(self, database, workdir, addons):
        self.database = database
        self.workdir = workdir
        self.addons = addons
        self.servers = [
            OdooServer(name, workdir, database, addons)
            for name in ("server-a", "server-b")
        ]

    def install(self, modules):
        """``odoo-bin -i modules`` without demo data, the servers stopped."""
        self.stop()
        config = self.workdir / "install.cfg"
        logfile = self.workdir / "install.log"
        _write_config(
            config, self.database, self.workdir / "data", 0, addons=self.addons
        )
        install = subprocess.run(
            [sys.executable, ODOO_SRC / "odoo-bin", "-c", config, "-i", modules]
            + ["--without-demo=all", "--stop-after-init", f"--logfile={logfile}"],
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        assert install.returncode == 0, logfile.read_text()[-4000:]

    def stop(self):
        for server in self.servers:
            server.stop()

    def check_logs(self):
        for server in self.servers:
            assert " CRITICAL " not in server.log_tail(), server.log_tail()


@pytest.fixture(scope="module")
def queue_job_addons():
    """A folder holding OCA's queue_job, unpacked from its wheel on the package index.

    Unpacked, not pip-installed: the project virtualenv imports Odoo from its source
    tree, and an ``odoo/addons`` namespace package in site-packages would shadow it.
    """
    cache = REPO / "var" / "addons-cache"
    addons = cache / QUEUE_JOB_WHEEL.replace("==", "-")
    if not (addons / "queue_job" / "__manifest__.py").exists():
        wheels = cache / "wheels"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
            + ["--dest", wheels, QUEUE_JOB_WHEEL],
            check=True,
            timeout=600,
        )
        version = QUEUE_JOB_WHEEL.split("==")[1]
        (wheel,) = wheels.glob(f"odoo_addon_queue_job-{version}-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.startswith("odoo/addons/queue_job/"):
                    archive.extract(member, cache / "unpacked")
        (cache / "unpacked" / "odoo" / "addons").rename(addons)
    return addons


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory, queue_job_addons):
    """Two prefork servers on one fresh database with carpass_odoo (no demo data)."""
    database = own_database_name(request, "multi")
    drop_database(database)
    cluster = Cluster(
        database, tmp_path_factory.mktemp("multiworker"), [queue_job_addons]
    )
    try:
        cluster.install("carpass_odoo")
        for server in cluster.servers:
            server.start()
        yield cluster
        cluster.check_logs()
    finally:
        cluster.stop()
        drop_database(database)


def run_together(calls):
    """Run the ``calls`` in threads released at once; returns result or exception each."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the caller
            results[index] = error

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    return results


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(f"timed out waiting for {what}")


def created_per_vin(simulator, vins):
    counts = {vin: 0 for vin in vins}
    for row in simulator.admin.stats()["by_reading"]:
        if row["vin"] in counts:
            counts[row["vin"]] += row["created"]
    return counts


def garage_setup(server, simulator):
    """The main company reporting to the simulator as garage A, and a vehicle model.

    Returns (company id, vehicle model id).
    """
    simulator.admin.settings(processing_polls=0, review_polls=1, review_outcome="done")
    company_id = server.call("res.company", "search", [], limit=1)[0]
    belgium = server.call("res.country", "search", [("code", "=", "BE")])[0]
    server.call(
        "res.company",
        "write",
        [company_id],
        {
            "country_id": belgium,
            "carpass_environment": "simulator",
            "carpass_simulator_url": simulator.base_url,
            "carpass_enterprise_number": GARAGE_A["enterprise"],
            "carpass_establishment_number": GARAGE_A["establishment"],
            "carpass_password": GARAGE_A["password"],
        },
    )
    # As a garage sets up: Test connection brings Car-Pass's activities and proposes
    # the default one, so each report's work description can be sent.
    server.call("res.company", "action_carpass_test_connection", [company_id])
    assert server.call(
        "res.company", "read", [company_id], ["carpass_default_activity_id"]
    )[0]["carpass_default_activity_id"]
    brand = server.call("fleet.vehicle.model.brand", "create", {"name": "Multi"})
    model = server.call(
        "fleet.vehicle.model", "create", {"name": "Worker", "brand_id": brand}
    )
    return company_id, model


def make_backlog(server, company_id, model, count, prefix):
    """``count`` registrations whose send failed and whose retry is due: (vins, ids)."""
    vins = [random_vin(prefix) for _index in range(count)]
    vehicles = server.call(
        "fleet.vehicle",
        "create",
        [{"model_id": model, "vin_sn": vin, "company_id": company_id} for vin in vins],
    )
    backlog = server.call(
        "carpass.registration",
        "create",
        [
            {
                "company_id": company_id,
                "vehicle_id": vehicle_id,
                "vin": vin,
                "odometer": 30001 + index,
                "reading_date": belgian_today().isoformat(),
            }
            for index, (vehicle_id, vin) in enumerate(zip(vehicles, vins, strict=True))
        ],
    )
    # A failed send whose retry is due: workflow fields are the pipeline's own (no
    # RPC may write them), so the test puts the rows in that state in the database.
    set_workflow(
        server.database,
        backlog,
        state="error",
        retryable=True,
        next_retry_at=datetime.utcnow() - timedelta(minutes=1),
    )
    return vins, backlog


def set_workflow(database, registration_ids, **values):
    """Write workflow columns of registrations straight into ``database``."""
    columns = ", ".join(f"{column} = %s" for column in values)
    connection = pg_connect(database)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE carpass_registration SET {columns} WHERE id = ANY(%s)",  # noqa: S608
                [*values.values(), list(registration_ids)],
            )
    finally:
        connection.close()


def wake_retry_cron(server):
    """Make the retry cron due and wake every cron worker now, not at its next minute."""
    (cron,) = server.call(
        "ir.cron", "search", [("code", "like", "_cron_carpass_retry")], limit=1
    )
    due = (datetime.utcnow() - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    server.call("ir.cron", "write", [cron], {"nextcall": due})
    connection = pg_connect("postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify('cron_trigger', %s)", (server.database,))
    finally:
        connection.close()


def wait_until_sent(server, registration_ids, what, timeout=300):
    def all_sent():
        rows = server.call("carpass.registration", "read", registration_ids, ["state"])
        return all(row["state"] in SENT_STATES for row in rows)

    wait_until(all_sent, timeout, what)


def test_two_prefork_servers_share_one_database(cluster, simulator):
    server_a, server_b = cluster.servers
    assert len(server_a.worker_pids()) >= WORKERS, "prefork workers did not start"
    company_id, model = garage_setup(server_a, simulator)
    customer = server_a.call("res.partner", "create", {"name": "Customer"})

    # End of service: the repair ends on server A, the Car-Pass window is sent from A
    # while the overview's envelope sends the same registration from B.
    vin = random_vin("WMW")
    vehicle = server_a.call(
        "fleet.vehicle",
        "create",
        {"model_id": model, "vin_sn": vin, "company_id": company_id},
    )
    repair = server_a.call(
        "repair.order",
        "create",
        {
            "partner_id": customer,
            "carpass_vehicle_id": vehicle,
            "carpass_odometer": 45123,
        },
    )
    server_a.call("repair.order", "action_validate", [repair])
    server_a.call("repair.order", "action_repair_start", [repair])
    action = server_a.call("repair.order", "action_repair_end", [repair])
    assert action.get("res_model") == "carpass.registration.wizard", action
    (wizard,) = server_a.call(
        "carpass.registration.wizard", "read", [action["res_id"]], ["registration_id"]
    )
    registration = wizard["registration_id"][0]
    assert server_b.call("carpass.registration", "carpass_attention_count") == 1
    results = run_together(
        [
            lambda: server_a.call(
                "carpass.registration.wizard", "action_send", [wizard["id"]]
            ),
            lambda: server_b.call(
                "carpass.registration", "action_send", [registration]
            ),
        ]
    )
    assert any(not isinstance(result, Exception) for result in results), results
    (state,) = server_b.call("carpass.registration", "read", [registration], ["state"])
    # The wizard locks the registration before saving what was typed, so the
    # envelope pressed at the same moment is told it is busy instead of losing the
    # answer to a write conflict: the registration never stays "sending".
    assert state["state"] in SENT_STATES, (state, results)
    assert created_per_vin(simulator, [vin]) == {vin: 1}
    # The counter, read on the other server, sees the commit of the first.
    assert server_b.call("carpass.registration", "carpass_attention_count") == 0
    assert server_a.call("carpass.registration", "carpass_attention_count") == 0

    # The history request on server B, its PDF in the shared filestore, read back on A.
    history = server_b.call("fleet.vehicle", "action_carpass_history", [vehicle])
    history_wizard = server_b.call(
        "carpass.history.wizard",
        "create",
        {"odometer": 45123},
        context=history["context"],
    )
    opened = server_b.call("carpass.history.wizard", "action_request", [history_wizard])
    assert opened["type"] == "ir.actions.act_url" and opened["url"], opened
    attachments = server_a.call(
        "ir.attachment",
        "search_read",
        [("res_model", "=", "fleet.vehicle"), ("res_id", "=", vehicle)],
        ["name", "datas"],
    )
    assert attachments and all(a["datas"] for a in attachments), attachments

    # A retry backlog: both servers' envelopes and both cron workers at once.
    count = 12
    vins, backlog = make_backlog(server_a, company_id, model, count, "WMX")
    assert server_b.call("carpass.registration", "carpass_attention_count") == count
    wake_retry_cron(server_a)
    half = count // 2
    results = run_together(
        [
            lambda: server_a.call("carpass.registration", "action_send", backlog),
            lambda: server_b.call("carpass.registration", "action_send", backlog[::-1]),
            lambda: server_a.call(
                "carpass.registration", "action_send", backlog[:half]
            ),
            lambda: server_b.call(
                "carpass.registration", "action_send", backlog[half:]
            ),
        ]
    )

    wait_until_sent(server_b, backlog, f"the backlog to be sent ({results})")
    assert created_per_vin(simulator, vins) == dict.fromkeys(vins, 1)
    assert server_a.call("carpass.registration", "carpass_attention_count") == 0
    # Every send carried its registration's idempotency key, once per key created.
    references = {
        row["reference"]
        for row in server_a.call("carpass.registration", "read", backlog, ["reference"])
    }
    assert len(references) == count
    assert all(uuid.UUID(reference) for reference in references)


def test_queue_job_drains_the_backlog_through_jobs(cluster, simulator):
    """With OCA's queue_job, the retry cron enqueues jobs; the job runner sends them."""
    cluster.install("carpass_odoo_queue_job")
    server_a, server_b = cluster.servers
    # One job runner for the database (in server A's prefork process tree); B only serves.
    channels = f"root:4,root.carpass:3,root.carpass.{GARAGE_A['establishment']}:2"
    server_a.start(
        extra=[
            "server_wide_modules = base,web,queue_job",
            "[queue_job]",
            f"channels = {channels}",
        ]
    )
    server_b.start()
    modules = server_a.call(
        "ir.module.module",
        "search_read",
        [("name", "in", ["queue_job", "carpass_odoo_queue_job"])],
        ["state"],
    )
    assert [module["state"] for module in modules] == ["installed", "installed"]
    company_id, model = garage_setup(server_b, simulator)
    count = 12
    vins, backlog = make_backlog(server_b, company_id, model, count, "WMJ")
    wake_retry_cron(server_b)
    wait_until_sent(server_a, backlog, "the job runner to send the backlog")
    assert created_per_vin(simulator, vins) == dict.fromkeys(vins, 1)
    jobs = server_a.call(
        "queue.job",
        "search_read",
        [("method_name", "=", "_carpass_job_send")],
        ["state", "channel", "result"],
    )
    assert len(jobs) == count, jobs
    assert {job["state"] for job in jobs} == {"done"}, jobs
    assert {job["channel"] for job in jobs} == {
        f"root.carpass.{GARAGE_A['establishment']}"
    }
