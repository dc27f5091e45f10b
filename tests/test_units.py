# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odometer units: miles on the dashboard, kilometres at Car-Pass. Plain pytest: the
pure package, without Odoo."""

import sys
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass import checks, trend, units  # noqa: E402
from carpass.checks import PastReading  # noqa: E402

from tests.test_carpass_checks import (  # noqa: E402
    TREND_CODES as HISTORY_TREND_CODES,
)

TODAY = date(2026, 3, 16)
# What the history can say about a reading, with the previous-reading checks.
TREND_CODES = HISTORY_TREND_CODES | {checks.READING_LOWER, checks.TOO_MANY_KM_PER_DAY}


def test_miles_become_the_nearest_whole_kilometre():
    assert units.to_km(10_000, units.MILES) == 16_093  # 16,093.44
    assert units.to_km(1, units.MILES) == 2  # 1.609344
    assert units.to_km(3, units.MILES) == 5  # 4.828032
    assert units.to_km(0, units.MILES) == 0
    assert isinstance(units.to_km(10_000, units.MILES), int)


def test_fleet_float_readings_convert_too():
    # Fleet logs readings as floats, possibly with decimals.
    assert units.to_km(10_000.0, units.MILES) == 16_093
    assert units.to_km(0.31, units.MILES) == 0  # 0.4989 km
    assert units.to_km(0.32, units.MILES) == 1  # 0.5150 km


def test_kilometres_and_unknown_units_are_unchanged():
    for unit in (units.KILOMETERS, None, False, ""):
        assert units.to_km(12_345, unit) == 12_345
        assert units.from_km(12_345, unit) == 12_345
    assert units.to_km(12_345.7, units.KILOMETERS) == 12_345.7


def test_kilometres_shown_as_the_nearest_mile():
    assert units.from_km(16_093, units.MILES) == 10_000  # 9,999.69
    assert units.from_km(100_000, units.MILES) == 62_137  # 62,137.12
    assert units.from_km(0, units.MILES) == 0


def test_same_factor_as_the_trend_check():
    assert units.MILES_TO_KM == trend.MILES_TO_KM
    assert trend.from_miles(10_000) == {units.to_km(10_000, units.MILES)}


@given(st.integers(min_value=0, max_value=checks.MAX_READING))
def test_whole_miles_survive_the_round_trip(miles):
    kilometres = units.to_km(miles, units.MILES)
    assert abs(kilometres - miles * units.MILES_TO_KM) <= 0.5 + 1e-6
    assert units.from_km(kilometres, units.MILES) == miles


@given(st.integers(min_value=0, max_value=checks.MAX_READING))
def test_kilometres_shown_in_miles_are_within_half_a_mile(kilometres):
    miles = units.from_km(kilometres, units.MILES)
    assert abs(miles * units.MILES_TO_KM - kilometres) <= units.MILES_TO_KM / 2 + 1e-6


def _miles_vehicle_history(previous_miles, miles_per_day, days_ago, visits=8):
    """A miles vehicle's Fleet log (in miles), converted as the Odoo layer does."""
    return [
        PastReading(
            TODAY - timedelta(days=days_ago + n * 100),
            units.to_km(previous_miles - miles_per_day * 100 * n, units.MILES),
        )
        for n in range(visits)
    ]


def test_miles_vehicle_reading_converted_is_not_taken_for_miles():
    # 40 miles a day, last seen 200 days ago at 70,000 miles: 78,000 miles today.
    history = _miles_vehicle_history(70_000, 40, 200)
    reading = units.to_km(78_000, units.MILES)
    findings = checks.check_reading(
        reading=reading, reading_date=TODAY, today=TODAY, history=history
    )
    assert not {finding.code for finding in findings} & TREND_CODES


def test_miles_vehicle_reading_left_in_miles_is_still_caught():
    # The mistake the check exists for, on the km it receives: miles not converted.
    history = _miles_vehicle_history(70_000, 40, 200)
    findings = checks.check_reading(
        reading=78_000, reading_date=TODAY, today=TODAY, history=history
    )
    codes = {finding.code for finding in findings}
    assert checks.READING_LOWER in codes
    miles = next(f for f in findings if f.code == checks.LIKELY_MILES)
    assert abs(miles.suggestion - units.to_km(78_000, units.MILES)) <= 1


def test_unconverted_fleet_history_of_a_miles_vehicle_would_mislead():
    # Why the Odoo layer converts the Fleet log: compared raw, a correct reading in
    # km is "far above" a history in miles.
    raw_history = [
        PastReading(TODAY - timedelta(days=200 + n * 100), 70_000 - 4_000 * n)
        for n in range(8)
    ]
    findings = checks.check_reading(
        reading=units.to_km(78_000, units.MILES),
        reading_date=TODAY,
        today=TODAY,
        history=raw_history,
    )
    assert {finding.code for finding in findings} & TREND_CODES


def test_likely_miles_is_not_offered_for_a_reading_converted_from_miles():
    # A miles vehicle whose converted reading is 1.609 times too low for its trend
    # (say a Fleet log holding km as if they were miles): the reading is suspicious,
    # but multiplying it by 1.609 once more is no fix.
    history = _miles_vehicle_history(70_000, 40, 200)
    reading = round(units.to_km(78_000, units.MILES) / units.MILES_TO_KM)
    as_km = checks.check_reading(
        reading=reading, reading_date=TODAY, today=TODAY, history=history
    )
    assert checks.LIKELY_MILES in {finding.code for finding in as_km}
    findings = checks.check_reading(
        reading=reading,
        reading_date=TODAY,
        today=TODAY,
        history=history,
        odometer_unit=units.MILES,
    )
    codes = {finding.code for finding in findings}
    assert checks.LIKELY_MILES not in codes
    assert checks.READING_LOWER in codes, "still a warning, without the suggestion"
    assert all(finding.suggestion is None for finding in findings)


def test_check_observation_passes_the_unit_on():
    history = _miles_vehicle_history(70_000, 40, 200)
    reading = round(units.to_km(78_000, units.MILES) / units.MILES_TO_KM)
    findings = checks.check_observation(
        vin="WVWZZZ1JZXW000001",
        reading=reading,
        reading_date=TODAY,
        today=TODAY,
        history=history,
        odometer_unit=units.MILES,
    )
    assert checks.LIKELY_MILES not in {finding.code for finding in findings}


def test_slips_on_a_miles_dashboard_are_undone_on_the_miles_typed():
    # 62,345 on the dashboard, typed 962,345: the extra digit is in the miles, not in
    # the 1,548,759 km they convert to.
    history = _miles_vehicle_history(58_000, 40, 100)
    findings = checks.check_reading(
        reading=units.to_km(962_345, units.MILES),
        reading_date=TODAY,
        today=TODAY,
        history=history,
        odometer_unit=units.MILES,
    )
    extra = next(f for f in findings if f.code == checks.LIKELY_EXTRA_DIGIT)
    assert extra.suggestion == units.to_km(62_345, units.MILES)
    assert units.from_km(extra.suggestion, units.MILES) == 62_345
    # Read as km, the same number suggests nothing sensible for this dashboard.
    as_km = checks.check_reading(
        reading=units.to_km(962_345, units.MILES),
        reading_date=TODAY,
        today=TODAY,
        history=history,
    )
    assert all(f.suggestion != extra.suggestion for f in as_km)


def test_plausible_miles_reading_gets_no_suggestion():
    history = _miles_vehicle_history(58_000, 40, 100)
    findings = checks.check_reading(
        reading=units.to_km(62_000, units.MILES),
        reading_date=TODAY,
        today=TODAY,
        history=history,
        odometer_unit=units.MILES,
    )
    assert findings == []
