# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The contract probe against both simulator profiles, over real HTTP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from carpass.probe import (
    MISSING,
    OK,
    VERDICT_COMPATIBLE,
    VERDICT_FALLBACKS,
    VERDICT_INCOMPATIBLE,
    format_report,
    run_probe,
)

from tests import simulator_fixtures
from tests.simulator_fixtures import GARAGE_A, make_client, make_observation

simulator_process = simulator_fixtures.simulator_process
simulator = simulator_fixtures.simulator
client = simulator_fixtures.client

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "carpass_probe.py"


def field(report, operation, name):
    (found,) = (
        check
        for op in report.operations
        if op.operation.startswith(operation)
        for check in op.fields
        if check.name == name
    )
    return found


@pytest.fixture
def minimal(simulator):
    simulator.admin.settings(profile="minimal")
    yield simulator
    simulator.admin.settings(profile="full")


def test_full_profile_is_compatible(client):
    guid = client.create_observation(make_observation()).request_guid
    history = make_observation(vin="WVWZZZ1KZAW000002", reference="probe-1")
    report = run_probe(client, request_guid=guid, history_observation=history)
    assert report.verdict == VERDICT_COMPATIBLE, "\n".join(format_report(report))
    assert field(report, "status", "status").result == OK
    assert field(report, "status", "createdAt").result == "extra"
    assert field(report, "vehicle history: report", "pdf").result == OK
    lines = format_report(report)
    assert lines[-1] == f"VERDICT: {VERDICT_COMPATIBLE}"
    assert any(line.startswith("== status of a request") for line in lines)


def test_minimal_profile_works_with_fallbacks(minimal):
    with make_client(minimal) as carpass_client:
        guid = carpass_client.create_observation(make_observation()).request_guid
        history = make_observation(vin="WVWZZZ1KZAW000003", reference="probe-2")
        report = run_probe(
            carpass_client, request_guid=guid, history_observation=history
        )
    text = "\n".join(format_report(report))
    assert report.verdict == VERDICT_FALLBACKS, text
    assert field(report, "status", "status").result == "different", "PROCESSED"
    assert field(report, "status", "odometerReading").result == MISSING
    assert field(report, "look-up", "(operation)").result == MISSING
    assert field(report, "vehicle history: report", "pdf").result == MISSING
    assert field(report, "vehicle history: create", "requestGuid").result == OK


def test_wrong_password_is_incompatible_and_stops(simulator):
    wrong = GARAGE_A._replace(password="wrong")
    with make_client(simulator, garage=wrong) as carpass_client:
        report = run_probe(carpass_client, request_guid="x")
    assert report.verdict == VERDICT_INCOMPATIBLE
    assert len(report.operations) == 1
    assert "CarpassAuthenticationError" in report.operations[0].error


def test_command_line(simulator):
    environment = dict(os.environ, CARPASS_PASSWORD=GARAGE_A.password)
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--url",
            simulator.base_url,
            "--user",
            GARAGE_A.establishment,
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"VERDICT: {VERDICT_COMPATIBLE}"
