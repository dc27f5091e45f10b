# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where a vehicle's odometer should stand, and which slip of the hand fits better.

Plain Python, never imports odoo; used by checks.py. A reading is compared with the
distance the vehicle usually drives (its own trend, or for a vehicle without enough
history, what vehicles drive) through a smoothed ratio: a slack is added to both the
distance driven and the distance expected, so that a holiday trip, or weeks without
driving, between two close visits is not an anomaly, while a reading ten times too
high or too low always is.
"""

import math
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from .units import MILES_TO_KM

# The usual daily distance is taken over the last two years of history: long enough
# to average out holidays, short enough to follow a new owner.
TREND_LOOKBACK_DAYS = 730
# Below four weeks of history the vehicle's own rate says too little.
TREND_MIN_SPAN_DAYS = 28
# Slack on the high side: about one long holiday trip on top of the usual distance.
TREND_SLACK_KM = 3_000
# Slack on the low side: a vehicle left standing for weeks still drives to the garage.
TREND_LOW_SLACK_KM = 1_000
# Plausible band: (driven + slack) between (expected + slack) / TREND_LOW_FACTOR and
# (expected + slack) * TREND_HIGH_FACTOR. Driving habits change from one year to
# the next (new job, new owner, illness), so the band is wide; a digit too many or
# too few, miles or the trip counter are mostly far outside it.
TREND_HIGH_FACTOR = 2.25
TREND_LOW_FACTOR = 3.0
# The band is wider while the trend rests on few intervals between readings: both
# factors are raised to the power 1 + TREND_HISTORY_WIDENING / intervals (1.25 with
# one interval, 1.05 with five). Chosen on seed 1 of bench/data_quality.py
# (docs/data-quality.md).
TREND_HISTORY_WIDENING = 0.25
# A correction is suggested only when exactly one variant of the typed reading with
# one slip undone is plausible at all, and it lands within this factor (smoothed as
# above) of the expected distance: a guess between two is not worth showing.
SUGGESTION_FACTOR = 1.5
# ... and only when it is clearly more plausible than the typed reading and every
# other variant: none of those may lie within the plausible band widened by this
# factor on both sides (smoothed as above). A wrong suggestion is worse than none: a
# busy user accepts it. Chosen on seed 1 of bench/data_quality.py, where 1.25 still
# let wrong suggestions through (docs/data-quality.md).
SUGGESTION_MARGIN = 1.5
# A trip counter shows at most 9,999.9 km (trip B, left running for months): a
# reading that low and too low for the trend may be one, and nothing undoes that.
TRIP_COUNTER_MAX_KM = 9_999
# A vehicle with too little history of its own is compared with what any vehicle
# can drive: a taxi in double shifts does about 150,000 km a year.
TYPICAL_KM_PER_YEAR = 15_000
POPULATION_MAX_KM_PER_YEAR = 200_000
# A vehicle whose first reading was this low was new then. Until it has a trend of
# its own it is compared with a typical year's distance: new vehicles are driven, so
# NEW_VEHICLE_LOW_FACTOR (smoothed as above) below it is a digit or a counter short;
# vans and taxis are bought new too, so the factor above it is wider.
NEW_VEHICLE_MAX_READING = 1_000
NEW_VEHICLE_LOW_FACTOR = 3.0
NEW_VEHICLE_HIGH_FACTOR = 5.0


EXTRA_DIGIT = "extra_digit"
MISSING_DIGIT = "missing_digit"
SWAPPED_DIGITS = "swapped_digits"
SUBSTITUTED_DIGIT = "substituted_digit"
MILES = "miles"


@dataclass(frozen=True)
class Expectation:
    """The plausible readings on one day, from the readings before it."""

    previous_reading: int
    previous_date: date
    days: int
    # This vehicle's usual distance per day, None when its history is too short.
    km_per_day: float | None
    expected_distance: float
    lowest_distance: float
    highest_distance: float

    @property
    def expected(self):
        return round(self.previous_reading + self.expected_distance)

    @property
    def lowest(self):
        return math.ceil(self.previous_reading + self.lowest_distance)

    @property
    def highest(self):
        return math.floor(self.previous_reading + self.highest_distance)

    def is_plausible(self, reading):
        distance = reading - self.previous_reading
        return self.lowest_distance <= distance <= self.highest_distance

    def is_too_low(self, reading):
        """Whether the reading is below the plausible band."""
        return reading - self.previous_reading < self.lowest_distance

    def is_conceivable(self, reading, margin):
        """Whether the reading lies within the plausible band widened by `margin`.

        The band's smoothed bounds are stretched by the factor `margin` (>= 1) on
        both sides; a reading lower than the previous one stays out.
        """
        distance = reading - self.previous_reading
        lowest = (self.lowest_distance + TREND_LOW_SLACK_KM) / margin
        highest = (self.highest_distance + TREND_SLACK_KM) * margin
        return (
            max(0.0, lowest - TREND_LOW_SLACK_KM)
            <= distance
            <= (highest - TREND_SLACK_KM)
        )

    def deviation(self, reading):
        """|log| of the smoothed driven / expected distance ratio (0: as expected)."""
        driven = reading - self.previous_reading + TREND_SLACK_KM
        if driven <= 0:
            return math.inf
        return abs(math.log(driven / (self.expected_distance + TREND_SLACK_KM)))


def usual_km_per_day(history):
    """Average distance per day over the recent history (newest first), or None.

    Distances and days between consecutive readings are summed back to
    TREND_LOOKBACK_DAYS (or further while there are fewer than TREND_MIN_SPAN_DAYS):
    total distance over total days is the best estimate of a rate from readings at
    irregular intervals. The interval in which an odometer was replaced (the newer
    reading declares odometer work) is left out: the distance driven in it is
    unknown, but the vehicle is driven as much as before.
    """
    return _usual_rate(history)[0]


def _usual_rate(history):
    """(usual_km_per_day, number of intervals it rests on), (None, 0) without one."""
    newest_date = history[0].reading_date
    distance = days = intervals = 0
    for newer, older in pairwise(history):
        enough = days >= TREND_MIN_SPAN_DAYS
        if enough and (newest_date - older.reading_date).days > TREND_LOOKBACK_DAYS:
            break
        interval = (newer.reading_date - older.reading_date).days
        if interval < 0:
            # Not newest first: no trend can be drawn from it.
            return None, 0
        if newer.odometer_work:
            continue
        distance += newer.reading - older.reading
        days += interval
        intervals += interval > 0
    if days < TREND_MIN_SPAN_DAYS or distance < 0:
        return None, 0
    return distance / days, intervals


def _smoothed_lowest(expected, factor):
    """(driven + TREND_LOW_SLACK_KM) >= (expected + TREND_LOW_SLACK_KM) / factor."""
    return max(0.0, (expected + TREND_LOW_SLACK_KM) / factor - TREND_LOW_SLACK_KM)


def _smoothed_highest(expected, factor):
    """(driven + TREND_SLACK_KM) <= (expected + TREND_SLACK_KM) * factor."""
    return (expected + TREND_SLACK_KM) * factor - TREND_SLACK_KM


def expect(history, reading_date):
    """The Expectation for a reading on `reading_date` after `history` (newest first).

    `history` must be non-empty and its newest reading dated before reading_date.
    """
    previous = history[0]
    days = (reading_date - previous.reading_date).days
    population_max = POPULATION_MAX_KM_PER_YEAR / 365 * days + TREND_SLACK_KM
    km_per_day, intervals = _usual_rate(history)
    if km_per_day is not None:
        expected = km_per_day * days
        widening = 1 + TREND_HISTORY_WIDENING / intervals
        lowest = _smoothed_lowest(expected, TREND_LOW_FACTOR**widening)
        # A vehicle with a trend of its own is judged on it, also one that drives
        # more than the population bound allows (a taxi in double shifts): capping
        # its band there flags its correct readings.
        highest = _smoothed_highest(expected, TREND_HIGH_FACTOR**widening)
    else:
        expected = TYPICAL_KM_PER_YEAR / 365 * days
        # Without a trend the history is short: its oldest reading is the first.
        first = history[-1]
        was_new = first.reading <= NEW_VEHICLE_MAX_READING and not first.odometer_work
        lowest = _smoothed_lowest(expected, NEW_VEHICLE_LOW_FACTOR) if was_new else 0.0
        highest = population_max
        if was_new:
            highest = min(highest, _smoothed_highest(expected, NEW_VEHICLE_HIGH_FACTOR))
    return Expectation(
        previous_reading=previous.reading,
        previous_date=previous.reading_date,
        days=days,
        km_per_day=km_per_day,
        expected_distance=expected,
        lowest_distance=lowest,
        highest_distance=highest,
    )


# Single slips of the hand, undone -----------------------------------------------
# Each returns the readings that the typed one could have been meant as. Variants
# with a leading zero are left out: nobody reads a leading zero off an odometer.


def without_one_digit(reading):
    digits = str(reading)
    variants = {digits[:i] + digits[i + 1 :] for i in range(len(digits))}
    return {int(v) for v in variants if v and v[0] != "0"}


def with_one_more_digit(reading):
    # Not in front: any leading digit gives a plausible reading to some vehicle, so
    # one that fits says nothing (a trip counter fits as well as a lost digit).
    digits = str(reading)
    variants = {
        digits[:i] + extra + digits[i:]
        for i in range(1, len(digits) + 1)
        for extra in "0123456789"
    }
    return {int(v) for v in variants}


def with_two_digits_swapped(reading):
    digits = str(reading)
    variants = {
        digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        for i in range(len(digits) - 1)
        if digits[i] != digits[i + 1]
    }
    return {int(v) for v in variants if v[0] != "0"}


def with_one_digit_replaced(reading):
    # Any other key, not only a neighbouring one: keypads and keyboards differ.
    digits = str(reading)
    variants = {
        digits[:i] + other + digits[i + 1 :]
        for i in range(len(digits))
        for other in "0123456789"
        if other != digits[i]
    }
    return {int(v) for v in variants if v[0] != "0"}


def from_miles(reading):
    return {round(reading * MILES_TO_KM)}


UNDO_SLIP = (
    (EXTRA_DIGIT, without_one_digit),
    (MISSING_DIGIT, with_one_more_digit),
    (SWAPPED_DIGITS, with_two_digits_swapped),
    (MILES, from_miles),
    (SUBSTITUTED_DIGIT, with_one_digit_replaced),
)


def likely_intended(expectation, reading):
    """(slip, intended reading) when one undone slip clearly fits the trend, else None.

    The suggestion must be almost surely right: exactly one variant of the reading
    with one slip of UNDO_SLIP undone is plausible, it lies within SUGGESTION_FACTOR
    of the expected distance, and neither the typed reading nor any other variant
    lies within the band widened by SUGGESTION_MARGIN. A reading a trip counter can
    show gets none. Only for an implausible reading of a vehicle with a trend of its
    own: without one, "expected" is a guess about an average car, and so would be
    the suggestion.
    """
    if expectation.km_per_day is None or expectation.is_plausible(reading):
        return None
    if reading <= TRIP_COUNTER_MAX_KM and expectation.is_too_low(reading):
        return None
    plausible = {}
    rivals = {reading}
    for slip, undo in UNDO_SLIP:
        for candidate in undo(reading):
            if expectation.is_plausible(candidate):
                plausible.setdefault(candidate, slip)
            rivals.add(candidate)
    if len(plausible) != 1:
        return None
    ((candidate, slip),) = plausible.items()
    if expectation.deviation(candidate) > math.log(SUGGESTION_FACTOR):
        return None
    rivals.discard(candidate)
    if any(expectation.is_conceivable(rival, SUGGESTION_MARGIN) for rival in rivals):
        return None
    return slip, candidate
