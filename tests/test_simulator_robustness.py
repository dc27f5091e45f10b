# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The simulator under careless and hostile clients: raw sockets, no client library."""

import json
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from carpass_simulator.launcher import SimulatorProcess
from carpass_simulator.routing import MAX_BODY_BYTES, MAX_JSON_DEPTH
from tests.simulator_fixtures import GARAGE_A, SOFTWARE

SOCKET_TIMEOUT = 1.0
NO_PROXY = {"http": None, "https": None}
HEADERS = {
    "client-software-builder": SOFTWARE.builder,
    "client-software-name": SOFTWARE.name,
    "client-software-version": SOFTWARE.version,
}


@pytest.fixture(scope="module")
def sturdy(tmp_path_factory):
    data_path = tmp_path_factory.mktemp("sturdy") / "simulator.sqlite3"
    process = SimulatorProcess.start(
        data_path=data_path,
        extra_args=["--socket-timeout", str(SOCKET_TIMEOUT), "--quiet"],
    )
    yield process
    process.stop()


def address(simulator):
    parts = urlsplit(simulator.root_url)
    return parts.hostname, parts.port


def raw_exchange(simulator, head, body=b"", timeout=10.0):
    """Send ``head`` (request line and headers, no blank line) and ``body``;
    return the status code answered (None when the connection closed silently)
    and the seconds it took."""
    started = time.monotonic()
    with socket.create_connection(address(simulator), timeout=timeout) as sock:
        sock.sendall(head.encode("ascii") + b"\r\n\r\n" + body)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    elapsed = time.monotonic() - started
    if not answer:
        return None, elapsed
    return int(answer.split(b" ", 2)[1]), elapsed


def post(simulator, path, body):
    return requests.post(
        f"{simulator.root_url}{path}",
        data=body,
        auth=(GARAGE_A.establishment, GARAGE_A.password),
        headers={**HEADERS, "Content-Type": "application/json"},
        timeout=10,
        proxies=NO_PROXY,
    )


@pytest.mark.parametrize("path", ["/api/observation", "/_admin/settings"])
def test_deep_nesting_is_a_clean_400(sturdy, path):
    nested = b"[" * 100_000 + b"]" * 100_000
    response = post(sturdy, path, b'{"a": ' + nested + b"}")
    assert response.status_code == 400
    assert "nests deeper" in response.json()["message"]
    shallow = json.dumps({"a": [[[[1]]]]}).encode()
    assert post(sturdy, path, shallow).status_code == 400, "a bad body, not a depth"
    limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert "nests deeper" not in post(sturdy, path, limit).json()["message"]


@pytest.mark.parametrize("path", ["/api/observation", "/_admin/settings"])
def test_body_too_large_is_413(sturdy, path):
    status, _elapsed = raw_exchange(
        sturdy,
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY_BYTES + 1}",
    )
    assert status == 413


@pytest.mark.parametrize("length", ["-1", "abc"])
def test_invalid_content_length_is_400(sturdy, length):
    status, _elapsed = raw_exchange(
        sturdy, f"POST /api/observation HTTP/1.1\r\nHost: x\r\nContent-Length: {length}"
    )
    assert status == 400


def test_short_body_does_not_hold_a_thread(sturdy):
    """A body shorter than announced is answered 400 after the socket timeout,
    and the simulator keeps serving others meanwhile."""
    results = {}

    def stalled():
        results["stalled"] = raw_exchange(
            sturdy,
            "POST /api/observation HTTP/1.1\r\nHost: x\r\nContent-Length: 100",
            b"{}",
        )

    thread = threading.Thread(target=stalled)
    thread.start()
    time.sleep(0.2)
    assert sturdy.admin.health() == {"ok": True}, "served while one client stalls"
    thread.join(10)
    status, elapsed = results["stalled"]
    assert status == 400
    assert SOCKET_TIMEOUT * 0.8 <= elapsed < SOCKET_TIMEOUT + 5


def test_silent_client_is_dropped(sturdy):
    started = time.monotonic()
    with socket.create_connection(address(sturdy), timeout=10) as sock:
        assert sock.recv(1) == b"", "closed without an answer"
    assert time.monotonic() - started < SOCKET_TIMEOUT + 5


def test_hundred_concurrent_raw_clients(sturdy):
    """100 threads open their connections at once: every one is served."""
    count = 100
    barrier = threading.Barrier(count)
    statuses = []
    lock = threading.Lock()

    def client():
        barrier.wait()
        try:
            status, _elapsed = raw_exchange(
                sturdy,
                "GET /_admin/health HTTP/1.1\r\nHost: x\r\nConnection: close",
                timeout=30,
            )
        except OSError as error:
            status = type(error).__name__
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * count


def test_injected_answer_replaces_the_next_one(sturdy):
    sturdy.admin.reset()
    sturdy.admin.queue_answers([{"status": 201, "raw": "not json {requestGuid}"}])
    response = requests.get(
        f"{sturdy.base_url}/activities",
        auth=(GARAGE_A.establishment, GARAGE_A.password),
        headers=HEADERS,
        timeout=10,
        proxies=NO_PROXY,
    )
    assert (response.status_code, response.text) == (201, "not json ")
    assert sturdy.admin.faults()["queue"] == []
