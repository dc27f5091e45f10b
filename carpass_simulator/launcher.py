# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run the simulator as a child process, for tests, the demo and Odoo test classes.

    with SimulatorProcess.start(settings={"processing_polls": 1}) as simulator:
        client = CarpassClient(simulator.base_url, "2123456791", "demo-garage-a", ...)
        simulator.admin.queue_faults(["timeout"])

Only the standard library is used, so Odoo's patched ``requests`` is not involved.
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_STOP_GRACE_SECONDS = 5


class SimulatorAdminError(RuntimeError):
    """An /_admin call failed."""


class AdminClient:
    """The /_admin endpoints of one running simulator."""

    def __init__(self, root_url, timeout=10.0):
        self.root_url = root_url
        self._timeout = timeout
        # Environment proxies must not capture loopback traffic.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method, path, payload=None, query=None):
        url = f"{self.root_url}/_admin/{path}"
        if query:
            url = f"{url}?{urlencode(query)}"
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", errors="replace")
            raise SimulatorAdminError(
                f"{method} /_admin/{path}: HTTP {error.code} {detail}"
            ) from None

    def health(self):
        return self._call("GET", "health")

    def reset(self):
        return self._call("POST", "reset")

    def stats(self):
        return self._call("GET", "stats")

    def settings(self, **values):
        """Change the given settings (none: just read them); returns all settings."""
        if values:
            return self._call("POST", "settings", values)
        return self._call("GET", "settings")

    def faults(self):
        return self._call("GET", "faults")

    def set_faults(self, **rates):
        """Replace the random fault rates (timeout_rate, drop_rate, ..., seed)."""
        return self._call("POST", "faults", rates)

    def queue_faults(self, kinds):
        """Give the next requests these faults: timeout|drop|500|503|malformed."""
        return self._call("POST", "faults/queue", {"faults": list(kinds)})

    def clear_faults(self):
        """No fault rates, no queued faults, no injected answers."""
        return self._call("POST", "faults/clear", {})

    def queue_answers(self, answers):
        """Replace the next /api answers: [{"status": 201, "body": {...}} or
        {"status": 201, "raw": "...", "content_type": "..."}]; "{requestGuid}"
        is replaced with the GUID of the request handled."""
        return self._call("POST", "answers", {"answers": list(answers)})

    def add_vehicle(self, vin, readings=(), pending_div=False, first_use_date=None):
        payload = {
            "vin": vin,
            "readings": [[_iso(day), km] for day, km in readings],
            "pending_div": pending_div,
            "first_use_date": _iso(first_use_date) if first_use_date else None,
        }
        return self._call("POST", "vehicles", payload)[0]

    def register_vehicle(self, vin):
        return self._call("POST", f"vehicles/{quote(vin, safe='')}/register", {})[0]

    def vehicles(self, vin=None):
        return self._call("GET", "vehicles", query={"vin": vin} if vin else None)

    def add_establishment(self, number, enterprise, password, name=""):
        payload = {
            "number": number,
            "enterprise": enterprise,
            "password": password,
            "name": name,
        }
        return self._call("POST", "establishments", payload)

    def establishments(self):
        return self._call("GET", "establishments")

    def observations(self, vin=None):
        return self._call("GET", "observations", query={"vin": vin} if vin else None)


class SimulatorProcess:
    """A simulator running as ``python -m carpass_simulator`` in a child process."""

    def __init__(self, process, root_url, data_path, workdir):
        self.process = process
        self.root_url = root_url
        self.base_url = f"{root_url}/api"
        self.data_path = data_path
        self.log_path = workdir / "simulator.log"
        self.admin = AdminClient(root_url)
        self._workdir = workdir

    @classmethod
    def start(
        cls,
        data_path=None,
        host="127.0.0.1",
        port=0,
        settings=None,
        seed_path=None,
        startup_timeout=20.0,
        extra_args=(),
    ):
        """Start a simulator and return once it answers.

        ``settings`` holds setting names plus optional "faults" and
        "fault_queue"; ``port=0`` lets the child pick a free port itself.
        """
        workdir = Path(tempfile.mkdtemp(prefix="carpass-simulator-"))
        data_path = Path(data_path) if data_path else workdir / "simulator.sqlite3"
        ready_file = workdir / "ready"
        command = [
            sys.executable,
            "-m",
            "carpass_simulator",
            "--host",
            host,
            "--port",
            str(port),
            "--data",
            str(data_path),
            "--ready-file",
            str(ready_file),
        ]
        if settings:
            config_path = workdir / "config.json"
            config_path.write_text(json.dumps(settings), encoding="utf-8")
            command += ["--config", str(config_path)]
        if seed_path:
            command += ["--seed", str(seed_path)]
        command += list(extra_args)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            path for path in (str(_PACKAGE_PARENT), env.get("PYTHONPATH")) if path
        )
        with open(workdir / "simulator.log", "ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=workdir,
            )
        try:
            root_url = _wait_for_ready_file(process, ready_file, startup_timeout)
            instance = cls(process, root_url, data_path, workdir)
            instance.admin.health()
        except BaseException as error:
            log_tail = (workdir / "simulator.log").read_text(errors="replace")[-2000:]
            _terminate(process)
            shutil.rmtree(workdir, ignore_errors=True)
            if not isinstance(error, Exception):
                raise
            raise RuntimeError(
                f"the simulator did not start ({error}):\n{log_tail}"
            ) from error
        return instance

    @property
    def running(self):
        return self.process.poll() is None

    def stop(self):
        """Stop the child process and remove its work files (not a given data file)."""
        _terminate(self.process)
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


_shared = None
_shared_lock = threading.Lock()


def shared_simulator():
    """One simulator per Python process, started on first use, stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.running:
            _shared = SimulatorProcess.start()
            atexit.register(_shared.stop)
        return _shared


def _wait_for_ready_file(process, ready_file, timeout):
    deadline = time.monotonic() + timeout
    while True:
        if ready_file.exists():
            return ready_file.read_text(encoding="utf-8").strip()
        if process.poll() is not None:
            raise RuntimeError(f"exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.02)


def _terminate(process):
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=_STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _iso(value):
    return value.isoformat() if isinstance(value, date) else str(value)
