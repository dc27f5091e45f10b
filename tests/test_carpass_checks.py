# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The end-of-repair wizard's local checks: every threshold on both sides, and input
that must never make them fail. Plain pytest: the pure package, without Odoo."""

import itertools
import math
import re
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass import checks, trend  # noqa: E402
from carpass.checks import PastReading, Severity  # noqa: E402

TODAY = date(2026, 3, 16)
VALID_VIN = "WVWZZZ1JZXW000001"
TREND_CODES = {
    checks.READING_ABOVE_TREND,
    checks.READING_BELOW_TREND,
    checks.READING_IMPLAUSIBLE_DISTANCE,
    checks.READING_LOW_FOR_NEW_VEHICLE,
    checks.LIKELY_EXTRA_DIGIT,
    checks.LIKELY_MISSING_DIGIT,
    checks.LIKELY_SWAPPED_DIGITS,
    checks.LIKELY_SUBSTITUTED_DIGIT,
    checks.LIKELY_MILES,
}


def past(days_ago, reading, odometer_work=False):
    return PastReading(TODAY - timedelta(days=days_ago), reading, odometer_work)


def steady_history(previous, km_per_day, days_ago, visits=8, every_days=100):
    """A vehicle driving exactly km_per_day, last seen at `previous` days_ago."""
    return [
        past(days_ago + n * every_days, previous - km_per_day * every_days * n)
        for n in range(visits)
    ]


def check(reading, history=(), reading_date=TODAY, odometer_work=False):
    return checks.check_reading(
        reading=reading,
        reading_date=reading_date,
        today=TODAY,
        history=history,
        odometer_work=odometer_work,
    )


def codes(findings):
    return {finding.code for finding in findings}


def raised(findings):
    """Codes of what stops or asks the user (info does not)."""
    return {f.code for f in findings if f.severity != Severity.INFO}


def only(findings, code):
    (finding,) = (f for f in findings if f.code == code)
    return finding


# The module's contract ------------------------------------------------------------


def test_every_code_is_a_constant_with_a_message():
    constants = {
        value
        for name, value in vars(checks).items()
        if name.isupper() and isinstance(value, str) and value in checks.MESSAGES
    }
    assert set(checks.ALL_CODES) == set(checks.MESSAGES) == constants
    assert len(checks.ALL_CODES) == len(set(checks.ALL_CODES))


def test_severity_is_a_plain_string_for_the_database():
    assert Severity.BLOCKING == "blocking"
    assert Severity.WARNING.value == "warning"
    assert Severity.INFO == "info"


def test_history_window_is_exported():
    assert checks.HISTORY_WINDOW == 20


# VIN ------------------------------------------------------------------------------


def test_valid_vin_has_no_finding():
    assert checks.check_vin(VALID_VIN) == []


def test_vin_is_normalized_before_checking():
    assert checks.normalize_vin(f"  {VALID_VIN.lower()}\t") == VALID_VIN
    assert checks.check_vin(f" {VALID_VIN.lower()} ") == []


@pytest.mark.parametrize("vin", [None, "", "   ", "\u00a0"])
def test_missing_vin_blocks(vin):
    (finding,) = checks.check_vin(vin)
    assert finding.code == checks.VIN_MISSING
    assert finding.severity == Severity.BLOCKING


@pytest.mark.parametrize(
    "length, flagged",
    [(1, True), (16, True), (17, False), (18, True)],
)
def test_vin_length_warns_on_both_sides_of_17(length, flagged):
    findings = checks.check_vin(("WVWZZZ1JZXW000001" * 2)[:length])
    assert (checks.VIN_LENGTH in codes(findings)) is flagged
    assert not checks.has_blocking(findings)
    if flagged:
        finding = only(findings, checks.VIN_LENGTH)
        assert finding.severity == Severity.WARNING
        assert finding.params["length"] == length
        assert finding.params["expected_length"] == checks.VIN_EXPECTED_LENGTH == 17


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_ioq_blocks_a_17_character_vin(letter):
    vin = VALID_VIN[:10] + letter + VALID_VIN[11:]
    finding = only(checks.check_vin(vin), checks.VIN_AMBIGUOUS_LETTERS)
    assert finding.severity == Severity.BLOCKING
    assert finding.params["characters"] == letter


def test_ioq_only_warns_on_a_short_pre_1981_chassis_number():
    findings = checks.check_vin("OQ1234567I")
    assert codes(findings) == {checks.VIN_LENGTH, checks.VIN_AMBIGUOUS_LETTERS}
    assert only(findings, checks.VIN_AMBIGUOUS_LETTERS).severity == Severity.WARNING
    assert only(findings, checks.VIN_AMBIGUOUS_LETTERS).params["characters"] == (
        "I, O, Q"
    )
    assert not checks.has_blocking(findings)


@pytest.mark.parametrize(
    "vin, shown",
    [
        ("WVWZZZ1JZ-W00000", "'-'"),
        ("WVW ZZZ1JZXW00000", "' '"),
        ("WVWZZZ1JZÉW000001", "'É'"),
        ("WVWZZZ1JZ\x00W000001", "'\\x00'"),
        ("WVWZZZ1JZ٣W000001", "'٣'"),
    ],
)
def test_non_alphanumeric_vin_blocks(vin, shown):
    finding = only(checks.check_vin(vin), checks.VIN_INVALID_CHARACTERS)
    assert finding.severity == Severity.BLOCKING
    assert finding.params["characters"] == shown


@given(st.text())
def test_check_vin_never_raises_on_any_text(vin):
    findings = checks.check_vin(vin)
    assert codes(findings) <= set(checks.ALL_CODES)
    # A placeholder left unfilled; the VIN itself, shown as typed, may hold "%(".
    assert all(
        "%(" not in finding.message.replace(finding.params.get("vin", ""), "")
        for finding in findings
    )


@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=17, max_size=17))
def test_any_well_formed_vin_passes(vin):
    assert checks.check_vin(vin) == []


# Reading as typed -----------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_reading_blocks(value):
    (finding,) = check(value)
    assert finding.code == checks.READING_MISSING
    assert finding.severity == Severity.BLOCKING


@pytest.mark.parametrize(
    "value",
    [
        0,
        -1,
        "0",
        "-5",
        "+5",
        "12a",
        "12 345",
        "12.345",
        "١٢٣",
        "²",
        12.5,
        -0.0,
        math.nan,
        -math.inf,
        Decimal("NaN"),
        Decimal("sNaN"),
        Fraction(1, 2),
        True,
        False,
        [123],
        object(),
    ],
)
def test_reading_that_is_not_a_positive_whole_number_blocks(value):
    (finding,) = check(value)
    assert finding.code == checks.READING_NOT_POSITIVE_INTEGER
    assert finding.severity == Severity.BLOCKING


@pytest.mark.parametrize(
    "value, kilometres",
    [
        (checks.MIN_READING, 1),
        ("1", 1),
        (" 0042 ", 42),
        (123456.0, 123456),
        (Decimal("123456"), 123456),
        (Fraction(246912, 2), 123456),
        (checks.MAX_READING, 9_999_999),
    ],
)
def test_whole_readings_in_range_pass(value, kilometres):
    history = [past(1, kilometres)]
    # The typed value is understood as `kilometres`: equal to yesterday's reading.
    assert codes(check(value, history)) - {checks.ROUND_READING} == set()


@pytest.mark.parametrize(
    "value",
    [
        checks.MAX_READING + 1,
        "10000000",
        1e300,
        math.inf,
        pytest.param("9" * 5000, id="5000 nines typed"),
        pytest.param(10**5000, id="10**5000"),
    ],
)
def test_reading_beyond_any_odometer_blocks(value):
    (finding,) = check(value)
    assert finding.code == checks.READING_TOO_LARGE
    assert finding.severity == Severity.BLOCKING
    assert len(str(finding.params["reading"])) <= checks.MAX_DISPLAYED_CHARS
    # A number that fits is kept as one: shown as the user's language writes it.
    if isinstance(value, int) and value < 2**63:
        assert finding.params["reading"] == value


def test_huge_decimal_is_refused_without_converting_it():
    # int(Decimal("1e9999999")) would run for minutes.
    (finding,) = check(Decimal("1e9999999"))
    assert finding.code == checks.READING_TOO_LARGE


@pytest.mark.parametrize(
    "reading, is_round",
    [(125_000, True), (125_001, False), (124_999, False), (1_000, True), (999, False)],
)
def test_round_reading_is_only_info(reading, is_round):
    findings = check(reading)
    assert (checks.ROUND_READING in codes(findings)) is is_round
    assert raised(findings) == set()


# Date -----------------------------------------------------------------------------


@pytest.mark.parametrize("days_ahead, blocked", [(1, True), (0, False)])
def test_date_in_the_future_blocks(days_ahead, blocked):
    findings = check(100, reading_date=TODAY + timedelta(days=days_ahead))
    assert (checks.DATE_IN_FUTURE in codes(findings)) is blocked
    assert checks.has_blocking(findings) is blocked


@pytest.mark.parametrize(
    "days_ago, late", [(checks.MAX_DAYS_LATE, False), (checks.MAX_DAYS_LATE + 1, True)]
)
def test_date_more_than_5_days_ago_warns_but_can_be_sent(days_ago, late):
    findings = check(100, reading_date=TODAY - timedelta(days=days_ago))
    assert (checks.DATE_LATE in codes(findings)) is late
    assert not checks.has_blocking(findings)
    if late:
        assert only(findings, checks.DATE_LATE).params["days"] == 6


def test_datetime_is_taken_as_its_day():
    assert check(100, reading_date=datetime(2026, 3, 16, 23, 59)) == []


@pytest.mark.parametrize("value", [None, "2026-03-16", 20260316])
def test_reading_date_that_is_not_a_date_blocks(value):
    finding = only(check(100, [past(10, 90)], reading_date=value), checks.DATE_INVALID)
    assert finding.severity == Severity.BLOCKING


def test_date_before_the_previous_reading_warns():
    findings = check(50_000, [past(3, 49_000)], reading_date=TODAY - timedelta(days=4))
    assert only(findings, checks.DATE_BEFORE_PREVIOUS).severity == Severity.WARNING


# Against the previous reading ------------------------------------------------------


@pytest.mark.parametrize("reading, lower", [(49_999, True), (50_000, False)])
def test_reading_lower_than_the_previous_one_warns(reading, lower):
    findings = check(reading, [past(0, 50_000)])
    assert (checks.READING_LOWER in codes(findings)) is lower
    if lower:
        finding = only(findings, checks.READING_LOWER)
        assert finding.severity == Severity.WARNING
        assert finding.params == {
            "reading": 49_999,
            "previous": 50_000,
            "previous_date": TODAY.isoformat(),
        }


def test_declared_odometer_work_explains_a_lower_reading():
    findings = check(12, steady_history(150_000, 40, 200), odometer_work=True)
    assert raised(findings) == set()


@pytest.mark.parametrize(
    "days, rise, too_many",
    [(10, 10_000, False), (10, 10_001, True), (0, 1_000, False), (0, 1_001, True)],
)
def test_more_than_1000_km_a_day_warns(days, rise, too_many):
    findings = check(50_000 + rise, [past(days, 50_000)])
    assert (checks.TOO_MANY_KM_PER_DAY in codes(findings)) is too_many
    if too_many:
        finding = only(findings, checks.TOO_MANY_KM_PER_DAY)
        assert finding.severity == Severity.WARNING
        assert finding.params["limit"] == checks.MAX_KM_PER_DAY == 1_000
        assert finding.params["km_per_day"] == rise // max(days, 1)


def test_rise_with_a_date_before_the_previous_counts_as_one_day():
    findings = check(52_000, [past(1, 50_000)], reading_date=TODAY - timedelta(days=2))
    assert checks.TOO_MANY_KM_PER_DAY in codes(findings)


def test_same_reading_already_reported_that_day_warns():
    history = [past(0, 50_000), past(200, 40_000)]
    finding = only(check(50_000, history), checks.DUPLICATE_TODAY)
    assert finding.severity == Severity.WARNING
    assert finding.params == {"reading": 50_000, "reading_date": TODAY.isoformat()}


@pytest.mark.parametrize(
    "history",
    [
        [past(0, 50_001), past(200, 40_000)],  # same day, another reading
        [past(1, 50_000), past(200, 40_000)],  # same reading, another day
    ],
)
def test_no_duplicate_without_same_day_and_same_reading(history):
    assert checks.DUPLICATE_TODAY not in codes(check(50_000, history))


def test_duplicate_is_found_behind_another_reading_of_the_same_day():
    history = [past(0, 50_010), past(0, 50_000), past(200, 40_000)]
    assert checks.DUPLICATE_TODAY in codes(check(50_000, history))


@pytest.mark.parametrize(
    "days, unchanged",
    [(checks.UNCHANGED_MIN_DAYS, True), (checks.UNCHANGED_MIN_DAYS - 1, False)],
)
def test_reading_unchanged_for_a_week_warns(days, unchanged):
    findings = check(50_000, [past(days, 50_000), past(400, 40_000)])
    assert (checks.READING_UNCHANGED in codes(findings)) is unchanged
    assert raised(findings) == ({checks.READING_UNCHANGED} if unchanged else set())


def test_unchanged_reading_with_odometer_work_is_not_flagged():
    assert raised(check(50_000, [past(30, 50_000)], odometer_work=True)) == set()


def test_only_the_history_window_is_read():
    # The 21st reading would be a duplicate; an endless history must not hang.
    window = [past(n, 90_000 - n) for n in range(1, checks.HISTORY_WINDOW + 1)]
    beyond = (past(0, 95_000) for _ in itertools.count())
    findings = check(95_000, itertools.chain(window, beyond))
    assert checks.DUPLICATE_TODAY not in codes(findings)


def test_no_history_means_only_the_reading_and_date_are_checked():
    assert check(87_654) == []


# Against the vehicle's trend -------------------------------------------------------

PREVIOUS = 95_000


def expectation_of(history, reading_date=TODAY):
    return trend.expect(history, reading_date)


def test_usual_distance_is_total_distance_over_total_days():
    history = [past(10, 10_000), past(40, 9_000), past(110, 2_000)]
    assert trend.usual_km_per_day(history) == 8_000 / 100


@pytest.mark.parametrize(
    "oldest_days_ago, used",
    [(trend.TREND_LOOKBACK_DAYS, True), (trend.TREND_LOOKBACK_DAYS + 1, False)],
)
def test_usual_distance_looks_back_two_years(oldest_days_ago, used):
    # 10 km a day recently, 1000 km a day before: the old reading is used or not.
    history = [past(0, 100_000), past(400, 96_000), past(oldest_days_ago, 0)]
    rate = 100_000 / oldest_days_ago if used else 10.0
    assert trend.usual_km_per_day(history) == pytest.approx(rate)


@pytest.mark.parametrize(
    "span, known",
    [(trend.TREND_MIN_SPAN_DAYS - 1, False), (trend.TREND_MIN_SPAN_DAYS, True)],
)
def test_usual_distance_needs_four_weeks(span, known):
    rate = trend.usual_km_per_day([past(0, 10_000), past(span, 9_000)])
    assert (rate is not None) is known


def test_short_recent_span_reaches_past_the_lookback():
    history = [past(0, 100_000), past(10, 99_900), past(1_000, 50_000)]
    assert trend.usual_km_per_day(history) == pytest.approx(50_000 / 1_000)


def test_odometer_replacement_interval_is_left_out_of_the_usual_distance():
    history = [
        past(0, 5_010),
        past(100, 10, odometer_work=True),  # new odometer fitted
        past(200, 150_000),
        past(300, 145_000),
    ]
    assert trend.usual_km_per_day(history) == pytest.approx((5_000 + 5_000) / 200)


@pytest.mark.parametrize(
    "history",
    [
        [past(100, 10_000), past(0, 9_000)],  # oldest first
        [past(0, 9_000), past(100, 10_000)],  # going down
    ],
)
def test_no_usual_distance_from_a_history_out_of_order_or_going_down(history):
    assert trend.usual_km_per_day(history) is None


def test_same_day_readings_add_no_span():
    history = [past(0, 10_000), past(0, 9_990), past(20, 9_000)]
    assert trend.usual_km_per_day(history) is None


def test_reading_on_the_trend_is_not_flagged():
    history = steady_history(PREVIOUS, 100, 200)
    assert check(PREVIOUS + 100 * 200 + 7, history) == []


# steady_history has 7 intervals between its 8 readings: the band's factors are
# raised to this power.
STEADY_WIDENING = 1 + trend.TREND_HISTORY_WIDENING / 7


def test_trend_band_upper_boundary():
    history = steady_history(PREVIOUS, 100, 200)
    expected = 100 * 200
    factor = trend.TREND_HIGH_FACTOR**STEADY_WIDENING
    highest = (expected + trend.TREND_SLACK_KM) * factor - trend.TREND_SLACK_KM
    boundary = PREVIOUS + math.floor(highest)
    assert expectation_of(history).highest == boundary == 145_270
    assert TREND_CODES.isdisjoint(codes(check(boundary, history)))
    assert TREND_CODES & codes(check(boundary + 1, history))


def test_trend_band_lower_boundary():
    history = steady_history(PREVIOUS, 100, 200)
    expected = 100 * 200
    factor = trend.TREND_LOW_FACTOR**STEADY_WIDENING
    lowest = (expected + trend.TREND_LOW_SLACK_KM) / factor - trend.TREND_LOW_SLACK_KM
    boundary = PREVIOUS + math.ceil(lowest)
    assert expectation_of(history).lowest == boundary == 100_731
    assert TREND_CODES.isdisjoint(codes(check(boundary, history)))
    assert TREND_CODES & codes(check(boundary - 1, history))


@pytest.mark.parametrize("visits", [2, 3, 5, 7])
def test_trend_band_narrows_as_the_history_grows(visits):
    # The same steady driving, seen over fewer or more intervals (all within the
    # two years looked back on).
    fewer = expectation_of(steady_history(PREVIOUS, 100, 200, visits=visits))
    more = expectation_of(steady_history(PREVIOUS, 100, 200, visits=visits + 1))
    assert fewer.expected == more.expected == PREVIOUS + 20_000
    assert fewer.lowest < more.lowest <= more.highest < fewer.highest
    # With one interval the factors are raised to 1 + TREND_HISTORY_WIDENING.
    if visits == 2:
        widest = trend.TREND_HIGH_FACTOR ** (1 + trend.TREND_HISTORY_WIDENING)
        assert fewer.highest == PREVIOUS + math.floor(23_000 * widest - 3_000)


def test_usual_rate_counts_the_intervals_it_rests_on():
    history = [
        past(0, 5_010),
        past(100, 10, odometer_work=True),  # not counted: the distance is unknown
        past(200, 150_000),
        past(200, 149_990),  # same day: adds no span
        past(300, 145_000),
    ]
    assert trend._usual_rate(history) == (pytest.approx(10_000 / 200), 2)
    assert trend._usual_rate([past(0, 10_000), past(10, 9_000)]) == (None, 0)


def test_vehicle_driving_more_than_the_population_bound_is_judged_on_its_own_trend():
    # A taxi in double shifts: 600 km a day (219,000 km a year) for years.
    history = steady_history(PREVIOUS * 10, 600, 100)
    population_highest = trend.POPULATION_MAX_KM_PER_YEAR / 365 * 100
    typed = PREVIOUS * 10 + 600 * 100 + 5_000
    assert typed - PREVIOUS * 10 > population_highest + trend.TREND_SLACK_KM
    assert raised(check(typed, history)) == set()


def test_reading_far_above_the_trend_warns():
    # 200,000 has no slip that would fit: no suggestion, the plain warning.
    history = steady_history(PREVIOUS, 100, 200)
    findings = check(200_000, history)
    assert raised(findings) == {checks.READING_ABOVE_TREND}
    finding = only(findings, checks.READING_ABOVE_TREND)
    assert finding.params == {
        "reading": 200_000,
        "expected": 115_000,
        "highest": 145_270,
    }
    assert finding.suggestion is None


def test_reading_far_below_the_trend_warns():
    history = steady_history(PREVIOUS, 100, 200)
    findings = check(96_000, history)
    assert raised(findings) == {checks.READING_BELOW_TREND}
    assert only(findings, checks.READING_BELOW_TREND).params["lowest"] == 100_731


def test_extra_digit_is_flagged_with_the_intended_reading():
    history = steady_history(PREVIOUS, 100, 200)
    finding = only(check(5_115_555, history), checks.LIKELY_EXTRA_DIGIT)
    assert finding.severity == Severity.WARNING
    assert finding.suggestion == finding.params["suggestion"] == 115_555
    assert finding.message == (
        "The reading 5115555 km seems to have one digit too many: "
        "did you mean 115555 km (about 115000 km was expected)?"
    )


def test_no_suggestion_when_another_reading_is_only_just_less_plausible():
    # 1,155,555 less one digit: 115,555 fits the trend; 155,555 does not, but is
    # within the band widened by SUGGESTION_MARGIN (300 km a day instead of 100).
    history = steady_history(PREVIOUS, 100, 200)
    expectation = expectation_of(history)
    assert expectation.is_plausible(115_555)
    assert not expectation.is_plausible(155_555)
    assert expectation.is_conceivable(155_555, trend.SUGGESTION_MARGIN)
    findings = check(1_155_555, history)
    assert all(finding.suggestion is None for finding in findings)
    assert checks.TOO_MANY_KM_PER_DAY in codes(findings)


def test_missing_digit_is_flagged_with_the_intended_reading():
    # 397,123 typed without its second digit; 20 days at 100 km a day.
    history = steady_history(395_000, 100, 20)
    findings = check(37_123, history)
    assert checks.READING_LOWER in codes(findings)
    assert only(findings, checks.LIKELY_MISSING_DIGIT).suggestion == 397_123


def test_swapped_digits_are_flagged_with_the_intended_reading():
    # 397,123 with its first two digits swapped; 20 days at 100 km a day.
    history = steady_history(395_000, 100, 20)
    finding = only(check(937_123, history), checks.LIKELY_SWAPPED_DIGITS)
    assert finding.suggestion == 397_123


def test_substituted_digit_is_flagged_with_the_intended_reading():
    # 397,123 with a 6 (the key above the 3) for its first digit.
    history = steady_history(395_000, 100, 20)
    finding = only(check(697_123, history), checks.LIKELY_SUBSTITUTED_DIGIT)
    assert finding.suggestion == 397_123
    assert finding.message == (
        "The reading 697123 km seems to have one digit wrong: "
        "did you mean 397123 km (about 397000 km was expected)?"
    )


def test_no_suggestion_when_a_swap_and_a_wrong_digit_both_fit():
    # 151,368: 115,368 (swapped) and 111,368 (a 5 for a 1) are both plausible.
    history = steady_history(PREVIOUS, 100, 200)
    findings = check(151_368, history)
    assert raised(findings) == {checks.READING_ABOVE_TREND}
    assert all(finding.suggestion is None for finding in findings)


# Issue 22: previous reading 76,718 km on 26/11, the next one typed on 27/11. Each
# typed value is one key away from the intended one and one swap away from another.
ISSUE_PREVIOUS_DATE = date(2025, 11, 26)


@pytest.mark.parametrize("km_per_day", [10, 40, 100])
@pytest.mark.parametrize(
    "typed, intended, wrong_suggestion, code",
    [
        (75_751, 76_751, 77_551, checks.READING_LOWER),
        (87_091, 77_091, 78_091, checks.TOO_MANY_KM_PER_DAY),
    ],
)
def test_issue_readings_get_no_wrong_suggestion(
    typed, intended, wrong_suggestion, code, km_per_day
):
    history = [
        PastReading(
            ISSUE_PREVIOUS_DATE - timedelta(days=120 * n), 76_718 - km_per_day * 120 * n
        )
        for n in range(6)
    ]
    reading_date = ISSUE_PREVIOUS_DATE + timedelta(days=1)
    findings = checks.check_reading(
        reading=typed, reading_date=reading_date, today=reading_date, history=history
    )
    assert code in codes(findings), "what is wrong is still said"
    suggestions = {f.suggestion for f in findings if f.suggestion is not None}
    assert wrong_suggestion not in suggestions
    assert suggestions <= {intended}


def test_a_reading_a_trip_counter_can_show_gets_no_suggestion():
    # 9,944 below a vehicle at 12,000 km: as miles it would be 16,003 km, right on
    # the trend, but a trip counter (up to 9,999 km) explains it as well.
    history = steady_history(12_000, 40, 100)
    assert expectation_of(history).is_plausible(round(9_944 * trend.MILES_TO_KM))
    findings = check(9_944, history)
    assert checks.READING_LOWER in codes(findings)
    assert all(finding.suggestion is None for finding in findings)


@pytest.mark.parametrize(
    "reading, reading_date, code",
    [
        # The previous reading typed again, 200 days later.
        (PREVIOUS, TODAY, checks.READING_UNCHANGED),
        # The right reading dated a year back, or ahead.
        (115_000, TODAY - timedelta(days=365), checks.DATE_BEFORE_PREVIOUS),
        (115_000, TODAY + timedelta(days=3), checks.DATE_IN_FUTURE),
    ],
)
def test_errors_no_slip_explains_get_no_suggestion(reading, reading_date, code):
    findings = check(reading, steady_history(PREVIOUS, 100, 200), reading_date)
    assert code in codes(findings)
    assert all(finding.suggestion is None for finding in findings)


def test_miles_are_flagged_with_the_reading_in_km():
    history = steady_history(PREVIOUS, 100, 200)
    miles = round(115_368 / trend.MILES_TO_KM)
    findings = check(miles, history)
    assert checks.READING_LOWER in codes(findings)
    assert abs(only(findings, checks.LIKELY_MILES).suggestion - 115_368) <= 1


def test_no_suggestion_when_two_slips_would_fit():
    # 1,153,000 less one digit: 115,300 and 113,000 and 115,000 all fit.
    findings = check(1_153_000, steady_history(PREVIOUS, 100, 200))
    assert all(finding.suggestion is None for finding in findings)
    assert checks.TOO_MANY_KM_PER_DAY in codes(findings)


def test_no_suggestion_when_the_date_itself_is_doubtful():
    history = steady_history(PREVIOUS, 100, 200)
    late = TODAY - timedelta(days=checks.MAX_DAYS_LATE + 1)
    findings = check(round(115_368 / trend.MILES_TO_KM), history, reading_date=late)
    assert {checks.READING_LOWER, checks.DATE_LATE} <= codes(findings)
    assert all(finding.suggestion is None for finding in findings)


def test_vehicle_without_history_of_its_own_is_held_to_what_vehicles_drive():
    # One reading of a used vehicle, 100 days ago.
    history = [past(100, 150_000)]
    highest = trend.POPULATION_MAX_KM_PER_YEAR / 365 * 100 + trend.TREND_SLACK_KM
    boundary = 150_000 + math.floor(highest)
    assert raised(check(boundary, history)) == set()
    assert raised(check(boundary + 1, history)) == {checks.READING_IMPLAUSIBLE_DISTANCE}
    # Any lower distance is plausible: the vehicle may have stood still.
    assert raised(check(150_001, history)) == set()


def test_new_vehicle_is_held_to_a_typical_year():
    history = [past(365, 20)]  # delivered a year ago
    lowest = (15_000 + trend.TREND_LOW_SLACK_KM) / trend.NEW_VEHICLE_LOW_FACTOR
    lowest -= trend.TREND_LOW_SLACK_KM
    highest = (15_000 + trend.TREND_SLACK_KM) * trend.NEW_VEHICLE_HIGH_FACTOR
    highest -= trend.TREND_SLACK_KM
    low_boundary = 20 + math.ceil(lowest)
    high_boundary = 20 + math.floor(highest)
    assert (low_boundary, high_boundary) == (4_354, 87_020)
    assert raised(check(low_boundary, history)) == set()
    assert raised(check(low_boundary - 1, history)) == {
        checks.READING_LOW_FOR_NEW_VEHICLE
    }
    assert raised(check(high_boundary, history)) == set()
    assert raised(check(high_boundary + 1, history)) == {
        checks.READING_IMPLAUSIBLE_DISTANCE
    }


@pytest.mark.parametrize(
    "first_reading, odometer_work",
    [(trend.NEW_VEHICLE_MAX_READING + 1, False), (20, True)],
)
def test_not_a_new_vehicle(first_reading, odometer_work):
    # Above the delivery mileage, or a replaced odometer: it may have stood still.
    history = [past(365, first_reading, odometer_work)]
    assert raised(check(first_reading + 10, history)) == set()


def test_after_an_odometer_replacement_the_old_trend_still_counts():
    history = [past(100, 10, odometer_work=True)] + steady_history(150_000, 100, 200)
    assert expectation_of(history).km_per_day == 100
    # 50,000 km in 100 days: some vehicles do, this one does not.
    assert raised(check(50_010, history)) == {checks.READING_ABOVE_TREND}
    assert raised(check(50_010, history[:1])) == set()


# Whatever is typed -----------------------------------------------------------------

typed_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.text(),
    st.text(alphabet="0123456789 .,-+"),
    st.lists(st.integers(), max_size=2),
)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
histories = st.lists(
    st.builds(
        PastReading,
        reading_date=dates,
        reading=st.integers(min_value=-10, max_value=10**12),
        odometer_work=st.booleans(),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(
    reading=typed_values,
    reading_date=st.one_of(dates, st.none(), st.text(max_size=5)),
    today=dates,
    history=histories,
    odometer_work=st.booleans(),
    vin=st.one_of(st.none(), st.text()),
)
def test_whatever_is_typed_the_checks_answer(
    reading, reading_date, today, history, odometer_work, vin
):
    findings = checks.check_observation(
        vin=vin,
        reading=reading,
        reading_date=reading_date,
        today=today,
        history=history,
        odometer_work=odometer_work,
    )
    assert codes(findings) <= set(checks.ALL_CODES)
    assert all(re.search(r"%\(\w+\)s", finding.message) is None for finding in findings)
    order = [checks.SEVERITY_ORDER[finding.severity] for finding in findings]
    assert order == sorted(order)


@settings(max_examples=300, deadline=None)
@given(
    km_per_day=st.integers(min_value=1, max_value=500),
    every_days=st.integers(min_value=14, max_value=548),
    days=st.integers(min_value=1, max_value=548),
    previous=st.integers(min_value=10_000, max_value=900_000),
)
def test_a_vehicle_driving_as_usual_is_never_flagged(
    km_per_day, every_days, days, previous
):
    history = steady_history(previous, km_per_day, days, every_days=every_days)
    assert raised(check(previous + km_per_day * days, history)) == set()


@settings(max_examples=300, deadline=None)
@given(
    km_per_day=st.integers(min_value=1, max_value=500),
    every_days=st.integers(min_value=14, max_value=548),
    days=st.integers(min_value=1, max_value=548),
    previous=st.integers(min_value=10_000, max_value=900_000),
)
def test_a_zero_too_many_is_always_flagged(km_per_day, every_days, days, previous):
    history = steady_history(previous, km_per_day, days, every_days=every_days)
    intended = previous + km_per_day * days
    assert raised(check(intended * 10, history))


def test_check_observation_sorts_blocking_warning_info():
    findings = checks.check_observation(
        vin="SHORT",
        reading=125_000,
        reading_date=TODAY + timedelta(days=1),
        today=TODAY,
        history=[past(10, 130_000)],
    )
    assert [finding.severity for finding in findings] == sorted(
        (finding.severity for finding in findings),
        key=checks.SEVERITY_ORDER.__getitem__,
    )
    assert codes(findings) >= {
        checks.DATE_IN_FUTURE,
        checks.VIN_LENGTH,
        checks.READING_LOWER,
        checks.ROUND_READING,
    }
    assert findings[0].severity == Severity.BLOCKING
    assert findings[-1].severity == Severity.INFO
    assert checks.has_blocking(findings)
    assert not checks.has_blocking([f for f in findings if f.severity != "blocking"])


# The vehicle's identity: VIN in Fleet, VIN reported before, first registration -----

OTHER_VIN = "VF1RFB00X56123456"


def test_a_vin_that_is_not_the_vehicle_s_warns():
    findings = checks.check_vin_identity(OTHER_VIN, vehicle_vin=VALID_VIN)
    finding = only(findings, checks.VIN_DIFFERS_FROM_VEHICLE)
    assert finding.severity == Severity.WARNING
    assert OTHER_VIN in finding.message and VALID_VIN in finding.message


def test_a_vin_that_is_not_the_one_reported_before_warns():
    findings = checks.check_vin_identity(
        OTHER_VIN, vehicle_vin=OTHER_VIN, reported_vin=VALID_VIN
    )
    assert codes(findings) == {checks.VIN_DIFFERS_FROM_REPORTED}
    finding = only(findings, checks.VIN_DIFFERS_FROM_REPORTED)
    assert finding.severity == Severity.WARNING
    assert VALID_VIN in finding.message


def test_another_vehicle_s_vin_warns_naming_its_plate():
    findings = checks.check_vin_identity(VALID_VIN, other_vehicle="1-ABC-123")
    finding = only(findings, checks.VIN_OF_OTHER_VEHICLE)
    assert finding.severity == Severity.WARNING
    assert "1-ABC-123" in finding.message


def test_the_same_vin_written_otherwise_is_the_same_vin():
    assert not checks.check_vin_identity(
        f"  {VALID_VIN.lower()} ",
        vehicle_vin=VALID_VIN.lower(),
        reported_vin=f"{VALID_VIN} ",
    )


def test_nothing_to_compare_gives_no_identity_finding():
    assert not checks.check_vin_identity(VALID_VIN)
    # A missing VIN is check_vin's finding, not a mismatch.
    assert not checks.check_vin_identity("", vehicle_vin=VALID_VIN)


def test_check_observation_warns_on_the_identity_without_blocking():
    findings = checks.check_observation(
        vin=OTHER_VIN,
        reading=45_123,
        reading_date=TODAY,
        today=TODAY,
        history=[],
        vehicle_vin=VALID_VIN,
        reported_vin=VALID_VIN,
        other_vehicle="1-FOC-001",
    )
    assert codes(findings) == {
        checks.VIN_DIFFERS_FROM_VEHICLE,
        checks.VIN_DIFFERS_FROM_REPORTED,
        checks.VIN_OF_OTHER_VEHICLE,
    }
    assert not checks.has_blocking(findings)


def test_a_reading_before_the_first_registration_warns():
    findings = check_first_use(TODAY - timedelta(days=3), TODAY - timedelta(days=2))
    finding = only(findings, checks.DATE_BEFORE_FIRST_USE)
    assert finding.severity == Severity.WARNING
    assert not checks.has_blocking(findings)
    assert (TODAY - timedelta(days=2)).isoformat() in finding.message


@pytest.mark.parametrize("days_after", [0, 1, 4000])
def test_a_reading_on_or_after_the_first_registration_passes(days_after):
    first_use = TODAY - timedelta(days=4000)
    findings = check_first_use(first_use + timedelta(days=days_after), first_use)
    assert checks.DATE_BEFORE_FIRST_USE not in codes(findings)


def test_an_unknown_first_registration_is_not_checked():
    assert checks.DATE_BEFORE_FIRST_USE not in codes(check_first_use(TODAY, None))


def check_first_use(reading_date, first_use_date):
    return checks.check_reading(
        reading=45_123,
        reading_date=reading_date,
        today=TODAY,
        history=[],
        first_use_date=first_use_date,
    )
