# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Belgian clock on both sides: carpass/clock.py and the simulator's clock setting."""

from datetime import UTC, date, datetime, timedelta

import pytest
from carpass import clock
from freezegun import freeze_time

from carpass_simulator.clock import simulator_today
from carpass_simulator.maintenance import maintenance_retry_after
from tests import simulator_fixtures
from tests.test_simulator import create

simulator = simulator_fixtures.simulator
simulator_process = simulator_fixtures.simulator_process
client = simulator_fixtures.client

# (instant, the Belgian date then): UTC is on the day before at each of them.
NIGHT_INSTANTS = [
    ("2026-12-01T23:30:00+00:00", date(2026, 12, 2)),  # winter, CET
    ("2026-07-15T22:30:00+00:00", date(2026, 7, 16)),  # summer, CEST
    ("2026-03-28T23:30:00+00:00", date(2026, 3, 29)),  # spring DST day
    ("2026-03-29T22:30:00+00:00", date(2026, 3, 30)),  # first CEST night
    ("2026-10-24T22:30:00+00:00", date(2026, 10, 25)),  # autumn DST day
    ("2026-10-25T23:30:00+00:00", date(2026, 10, 26)),  # first CET night
    ("2026-12-31T23:30:00+00:00", date(2027, 1, 1)),  # new year
    ("2028-02-28T23:30:00+00:00", date(2028, 2, 29)),  # leap day
]


@pytest.mark.parametrize(("instant", "belgian"), NIGHT_INSTANTS)
def test_belgian_today_is_the_brussels_calendar_date(instant, belgian):
    moment = datetime.fromisoformat(instant)
    assert clock.belgian_today(moment) == belgian
    # A naive datetime is UTC, as Odoo stores them.
    assert clock.belgian_today(moment.replace(tzinfo=None)) == belgian
    with freeze_time(moment):
        assert clock.belgian_today() == belgian
        assert clock.belgian_now().utcoffset() in (
            timedelta(hours=1),
            timedelta(hours=2),
        )


def test_dst_changes_the_offset_not_the_date():
    before = clock.belgian_now(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    after = clock.belgian_now(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert (before.hour, before.utcoffset()) == (1, timedelta(hours=1))
    assert (after.hour, after.utcoffset()) == (3, timedelta(hours=2))
    assert before.date() == after.date() == date(2026, 3, 29)


@pytest.mark.parametrize(("instant", "belgian"), NIGHT_INSTANTS)
def test_simulator_accepts_the_belgian_date_at_its_clock(simulator, instant, belgian):
    simulator.admin.settings(clock=instant)
    assert simulator_today(simulator.admin.settings()) == belgian

    today = create(simulator, odometerReadingDate=belgian.isoformat())
    tomorrow = create(
        simulator,
        odometerReadingDate=(belgian + timedelta(days=1)).isoformat(),
        odometerReading=45200,
    )

    assert today.status_code == 201, today.text
    assert tomorrow.status_code == 400
    assert "future" in tomorrow.text


@pytest.mark.parametrize(("instant", "belgian"), NIGHT_INSTANTS[:2])
def test_simulator_history_is_valid_from_the_belgian_date(
    simulator, client, instant, belgian
):
    simulator.admin.settings(clock=instant)
    simulator.admin.add_vehicle(
        simulator_fixtures.VIN, readings=[(belgian - timedelta(days=400), 30123)]
    )
    history = client.get_vehicle_history(
        vin=simulator_fixtures.VIN,
        odometer_reading=45123,
        odometer_reading_date=belgian,
        enterprise_number=simulator_fixtures.GARAGE_A.enterprise,
        establishment_number=simulator_fixtures.GARAGE_A.establishment,
    )
    assert history.valid_until == belgian + timedelta(days=60)


def test_the_today_setting_pins_the_date_over_the_clock(simulator):
    settings = simulator.admin.settings(
        clock="2026-12-01T23:30:00Z", today="2026-11-30"
    )
    assert simulator_today(settings) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("instant", "in_window"),
    [
        ("2026-12-03T17:59:00+00:00", False),  # Thursday 18:59 in Brussels
        ("2026-12-03T18:30:00+00:00", True),  # Thursday 19:30 CET
        ("2026-07-16T17:30:00+00:00", True),  # Thursday 19:30 CEST
        ("2026-12-03T23:30:00+00:00", False),  # Friday 00:30 in Brussels
    ],
)
def test_maintenance_window_follows_the_simulator_clock(instant, in_window):
    settings = {
        "maintenance": False,
        "maintenance_follow_clock": True,
        "clock": instant,
        "today": None,
    }
    assert (maintenance_retry_after(settings) is not None) is in_window
