# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 11: the history generator, the errors it injects, and how many of them the
local checks catch (bench/data_quality.py) on a fixed seed. Plain pytest, no Odoo."""

import random
import statistics
import sys
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass import checks  # noqa: E402

from bench import data_quality  # noqa: E402
from bench import history_generator as generator  # noqa: E402

SEED = 2026
VEHICLES = 1_500


@pytest.fixture(scope="module")
def stream():
    return generator.generate_stream(SEED, VEHICLES)


@pytest.fixture(scope="module")
def fleet(stream):
    return stream[0]


@pytest.fixture(scope="module")
def observations(stream):
    return stream[1]


@pytest.fixture(scope="module")
def results(stream):
    return data_quality.evaluate(*stream)


# Generator -----------------------------------------------------------------------


def test_same_seed_same_stream_other_seed_other_stream():
    assert generator.generate_stream(7, 40) == generator.generate_stream(7, 40)
    assert generator.generate_stream(7, 40) != generator.generate_stream(8, 40)


def test_a_vehicle_does_not_depend_on_the_fleet_size():
    assert generator.generate_fleet(7, 40)[:10] == generator.generate_fleet(7, 10)


def test_visits_are_a_few_weeks_to_eighteen_months_apart(fleet):
    intervals = [
        (later.visit_date - earlier.visit_date).days
        for vehicle in fleet
        for earlier, later in pairwise(vehicle.visits)
    ]
    assert min(intervals) == generator.MIN_VISIT_INTERVAL_DAYS == 14
    assert max(intervals) <= 548
    assert all(vehicle.visits[-1].visit_date <= generator.END_DATE for vehicle in fleet)


def test_odometer_only_goes_back_with_declared_odometer_work(fleet):
    replacements = 0
    for vehicle in fleet:
        for earlier, later in pairwise(vehicle.visits):
            if later.odometer_work:
                replacements += 1
                assert 1 <= later.reading <= max(generator.NEW_ODOMETER_KM)
            else:
                assert later.reading > earlier.reading
    assert replacements >= 10


def _km_per_year(vehicle):
    first, last = vehicle.visits[0], vehicle.visits[-1]
    return (
        (last.reading - first.reading) / (last.visit_date - first.visit_date).days * 365
    )


def test_yearly_distances_are_realistic(fleet):
    long_histories = [
        vehicle
        for vehicle in fleet
        if (vehicle.visits[-1].visit_date - vehicle.visits[0].visit_date).days > 730
        and not any(visit.odometer_work for visit in vehicle.visits)
    ]
    by_kind = {
        kind: [_km_per_year(v) for v in long_histories if v.kind == kind]
        for kind in generator.VEHICLE_KINDS
    }
    # Belgian cars average about 15,000 km a year.
    assert 13_000 <= statistics.mean(by_kind["car"]) <= 18_000
    assert statistics.median(by_kind["van"]) > 20_000
    assert statistics.median(by_kind["taxi"]) > 50_000
    assert statistics.median(by_kind["oldtimer"]) < 5_000


def test_every_visit_but_the_first_is_reported_on_its_day(fleet, observations):
    reported = {(o.vehicle_id, o.visit_index): o for o in observations}
    for vehicle in fleet:
        for index, visit in enumerate(vehicle.visits):
            observation = reported.get((vehicle.vehicle_id, index))
            if index == 0:
                assert observation is None
                continue
            assert observation.today == visit.visit_date
            assert observation.true_reading == visit.reading
            assert observation.odometer_work == visit.odometer_work
            if observation.error is None:
                assert observation.reading == visit.reading
                assert observation.reading_date == visit.visit_date
            else:
                assert not visit.odometer_work


def test_every_error_class_is_injected_at_the_stated_rate(observations):
    errors = [o.error for o in observations if o.error]
    assert abs(len(errors) / len(observations) - generator.ERROR_RATE) < 0.02
    shares = {error: errors.count(error) / len(errors) for error in set(errors)}
    assert set(shares) == set(generator.ERROR_CLASSES)
    assert all(
        abs(share - 1 / len(generator.ERROR_CLASSES)) < 0.03
        for share in shares.values()
    )


def _one_digit_more(longer, shorter):
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _two_adjacent_digits_swapped(typed, true):
    if len(typed) != len(true):
        return False
    differ = [i for i, (a, b) in enumerate(zip(typed, true, strict=True)) if a != b]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and typed[differ[0]] == true[differ[1]]
        and typed[differ[1]] == true[differ[0]]
    )


def _one_digit_replaced(typed, true):
    if len(typed) != len(true) or typed[0] == "0":
        return False
    return sum(a != b for a, b in zip(typed, true, strict=True)) == 1


def _as_injected(observation, previous_reading):
    """Whether the observation carries its error class exactly as documented."""
    typed, true = str(observation.reading), str(observation.true_reading)
    same_day = observation.reading_date == observation.today
    days_off = (observation.reading_date - observation.today).days
    return {
        generator.EXTRA_DIGIT: same_day and _one_digit_more(typed, true),
        generator.MISSING_DIGIT: same_day and _one_digit_more(true, typed),
        generator.SWAPPED_DIGITS: same_day
        and _two_adjacent_digits_swapped(typed, true),
        generator.SUBSTITUTED_DIGIT: same_day and _one_digit_replaced(typed, true),
        generator.PREVIOUS_AGAIN: same_day
        and observation.reading == previous_reading != observation.true_reading,
        generator.TRIP_COUNTER: same_day
        and 1 <= observation.reading < observation.true_reading
        and observation.reading <= 9_999,
        generator.MILES: same_day
        and observation.reading
        == round(observation.true_reading / generator.MILES_TO_KM),
        generator.WRONG_YEAR: typed == true
        and abs(observation.reading_date.year - observation.today.year) == 1
        and observation.reading_date.month == observation.today.month
        and abs(days_off) in (365, 366, 364),
        generator.FUTURE_DATE: typed == true
        and 1 <= days_off <= generator.FUTURE_DATE_MAX_DAYS,
    }[observation.error]


@pytest.mark.parametrize("error", generator.ERROR_CLASSES)
def test_each_error_class_is_injected_as_stated(fleet, observations, error):
    visits = {vehicle.vehicle_id: vehicle.visits for vehicle in fleet}
    spoiled = [o for o in observations if o.error == error]
    assert len(spoiled) >= 150
    for observation in spoiled:
        previous = visits[observation.vehicle_id][observation.visit_index - 1]
        assert _as_injected(observation, previous.reading), observation


# Detection -----------------------------------------------------------------------

STEADY_KM_PER_DAY = 40


def _steady_vehicle():
    """Ten visits half a year apart at 40 km a day, the last one to be reported."""
    first_day = generator.END_DATE - timedelta(days=9 * 182)
    visits = tuple(
        generator.Visit(first_day + timedelta(days=182 * n), 113_456 + 7_280 * n)
        for n in range(10)
    )
    return generator.Vehicle(0, "car", visits)


# A swap or a wrong key among the last digits moves the reading less than a vehicle
# drives more or less between two visits: those are tested on the leading digits.
SMALL_SLIPS = (generator.SWAPPED_DIGITS, generator.SUBSTITUTED_DIGIT)


@pytest.mark.parametrize(
    "error", [e for e in generator.ERROR_CLASSES if e not in SMALL_SLIPS]
)
@pytest.mark.parametrize("seed", range(10))
def test_each_error_class_is_caught_on_a_steady_vehicle(error, seed):
    vehicle = _steady_vehicle()
    last = len(vehicle.visits) - 1
    reading, reading_date = generator.ERROR_MAKERS[error](
        random.Random(seed), vehicle.visits, last
    )
    findings = checks.check_reading(
        reading=reading,
        reading_date=reading_date,
        today=vehicle.visits[last].visit_date,
        history=data_quality.history_before(vehicle, last),
    )
    assert checks.has_blocking(findings) or any(
        finding.severity == checks.Severity.WARNING for finding in findings
    )


def test_a_swap_of_the_leading_digits_is_caught_with_its_correction():
    vehicle = _steady_vehicle()
    last = len(vehicle.visits) - 1
    intended = str(vehicle.visits[last].reading)
    findings = checks.check_reading(
        reading=int(intended[1] + intended[0] + intended[2:]),
        reading_date=vehicle.visits[last].visit_date,
        today=vehicle.visits[last].visit_date,
        history=data_quality.history_before(vehicle, last),
    )
    assert [f.suggestion for f in findings if f.suggestion] == [int(intended)]
    assert checks.LIKELY_SWAPPED_DIGITS in {finding.code for finding in findings}


def test_a_wrong_leading_digit_is_caught_with_its_correction():
    vehicle = _steady_vehicle()
    last = len(vehicle.visits) - 1
    intended = str(vehicle.visits[last].reading)
    wrong_key = generator.KEYPAD_NEIGHBOURS[intended[0]][-1]
    findings = checks.check_reading(
        reading=int(wrong_key + intended[1:]),
        reading_date=vehicle.visits[last].visit_date,
        today=vehicle.visits[last].visit_date,
        history=data_quality.history_before(vehicle, last),
    )
    assert [f.suggestion for f in findings if f.suggestion] == [int(intended)]
    assert checks.LIKELY_SUBSTITUTED_DIGIT in {finding.code for finding in findings}


def test_a_substituted_digit_is_half_the_time_a_neighbouring_key():
    vehicle = _steady_vehicle()
    last = len(vehicle.visits) - 1
    true = str(vehicle.visits[last].reading)
    neighbours = 0
    for seed in range(400):
        typed, _day = generator.ERROR_MAKERS[generator.SUBSTITUTED_DIGIT](
            random.Random(seed), vehicle.visits, last
        )
        ((position, key),) = (
            (i, k)
            for i, (k, t) in enumerate(zip(str(typed), true, strict=True))
            if k != t
        )
        neighbours += key in generator.KEYPAD_NEIGHBOURS[true[position]]
    # Half on purpose, plus the random keys that happen to be neighbours.
    assert 0.55 <= neighbours / 400 <= 0.75


# Per class, on the fixed seed: never behind the fixed rules, and at least these
# shares (docs/data-quality.md explains the two classes below 95 %).
RECALL_FLOORS = {
    generator.EXTRA_DIGIT: 0.95,
    generator.MISSING_DIGIT: 0.95,
    generator.SWAPPED_DIGITS: 0.20,
    generator.SUBSTITUTED_DIGIT: 0.15,
    generator.PREVIOUS_AGAIN: 1.0,
    generator.TRIP_COUNTER: 0.95,
    generator.MILES: 0.85,
    generator.WRONG_YEAR: 1.0,
    generator.FUTURE_DATE: 1.0,
}


@pytest.mark.parametrize("error", generator.ERROR_CLASSES)
def test_each_class_is_caught_at_least_as_often_as_stated(results, error):
    tally = results.by_class[error]
    assert tally.share_flagged >= RECALL_FLOORS[error]
    assert tally.flagged >= tally.flagged_by_fixed_rules
    if 0 < tally.share_flagged_by_fixed_rules < 1:
        assert tally.flagged > tally.flagged_by_fixed_rules


def test_fixed_rules_see_nothing_of_some_classes(results):
    # An unchanged reading and a date ahead are invisible to the fixed rules.
    for error in (generator.PREVIOUS_AGAIN, generator.FUTURE_DATE):
        assert results.by_class[error].flagged_by_fixed_rules == 0


def test_large_swaps_are_caught(results):
    assert results.swaps_by_size[(10_000, None)].share_flagged >= 0.85


def test_false_alarm_target_holds(results):
    assert results.clean.reports > 15_000
    assert results.clean.share_flagged <= data_quality.TARGET_FALSE_ALARMS
    assert results.false_alarms_met()


def test_recall(results):
    # The 97 % target on errors of 1,000 km or more is not reached: swaps and wrong
    # keys on the fourth and fifth digits stay within a vehicle's spread
    # (docs/data-quality.md). These floors only keep the figures from sliding.
    assert results.errors.share_flagged >= 0.80
    assert results.large_errors.share_flagged >= 0.91
    assert not results.classes_behind_fixed_rules()


def test_a_missed_recall_is_printed_with_its_reason(results):
    large, within = results.large_errors, results.large_within_spread
    unflagged = large.reports - large.flagged
    unflagged_within = within.reports - within.flagged
    # Most of the errors left unflagged are slips of less than 10,000 km.
    assert 0 < unflagged_within <= unflagged
    assert unflagged_within / unflagged >= 0.6
    line = next(
        line
        for line in data_quality.report(results, "cmd").splitlines()
        if "recall on errors" in line
    )
    assert line.startswith("- MISSED: ") is not results.recall_met()
    assert (
        f"{unflagged_within} of these {unflagged} move the reading by less than "
        "10,000 km"
    ) in line


def test_suggestions_are_right_in_every_class(results):
    errors = results.errors
    assert errors.suggested >= 60
    for error, tally in results.by_class.items():
        assert tally.precision_met(), error
    assert results.clean.suggested / results.clean.reports <= 0.0005
    assert not results.classes_with_wrong_suggestions()


def test_command_line_prints_its_command_and_every_class(capsys):
    status = data_quality.main(["--seed", "3", "--vehicles", "120"])
    out = capsys.readouterr().out
    assert "`python -m bench.data_quality --seed 3 --vehicles 120`" in out
    for error in generator.ERROR_CLASSES:
        assert f"| {error} |" in out
    assert "false alarms" in out
    assert (
        "| Class | Reports | Offered | Right | Precision | Coverage | Target |" in out
    )
    assert out.count("PASS") + out.count("MISSED") >= len(generator.ERROR_CLASSES) + 4
    assert status in (0, 1)
    assert (status == 0) is data_quality.run(3, 120).meets_targets()
