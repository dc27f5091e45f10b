# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pytest fixtures and helpers around a Car-Pass simulator child process.

A test module exposes a fixture by naming it at module level, e.g.
``simulator = simulator_fixtures.simulator``.
"""

from collections import namedtuple
from datetime import date

import pytest
from carpass import CarpassClient, Observation, SoftwareId

from carpass_simulator.launcher import SimulatorProcess

Garage = namedtuple("Garage", "establishment enterprise password")

GARAGE_A = Garage("2123456791", "0412345614", "demo-garage-a")
GARAGE_B = Garage("2234567818", "0765432146", "demo-garage-b")
SOFTWARE = SoftwareId(
    builder="carpass_odoo contributors", name="carpass_odoo", version="18.0.1.0.0"
)
VIN = "WVWZZZ1KZAW000001"
# One instant for the whole run, whatever the wall clock says: the simulator's
# clock is frozen on it, and TODAY is its Belgian date (10:00 in Brussels).
CLOCK = "2026-03-16T09:00:00+00:00"
TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def simulator_process(tmp_path_factory):
    data_path = tmp_path_factory.mktemp("carpass-simulator") / "simulator.sqlite3"
    process = SimulatorProcess.start(data_path=data_path)
    yield process
    process.stop()


@pytest.fixture
def simulator(simulator_process):
    """The module's simulator, reset to its seed before each test."""
    simulator_process.admin.reset()
    simulator_process.admin.settings(clock=CLOCK)
    return simulator_process


def make_client(simulator, garage=GARAGE_A, **options):
    settings = {
        "software": SOFTWARE,
        "timeout": (2.0, 5.0),
        "retries": 2,
        "backoff": 0.01,
        **options,
    }
    return CarpassClient(
        simulator.base_url, garage.establishment, garage.password, **settings
    )


def make_observation(garage=GARAGE_A, **values):
    fields = {
        "vin": VIN,
        "odometer_reading": 45123,
        "odometer_reading_date": TODAY,
        "enterprise_number": garage.enterprise,
        "establishment_number": garage.establishment,
        **values,
    }
    return Observation(**fields)


@pytest.fixture
def client(simulator):
    with make_client(simulator) as carpass_client:
        yield carpass_client
