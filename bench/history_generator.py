# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Seeded generator of realistic odometer histories, with human errors injected.

A fleet is a list of vehicles, each with its true garage visits (date, displayed
reading, odometer work). The observation stream is what the garage would report at
each visit: the true reading, or, at known positions, a reading or date spoiled by
one of the typical human errors of ERROR_CLASSES.

Everything is drawn from random.Random instances seeded with "<seed>:<vehicle id>",
so a vehicle does not depend on how many others are generated, and the same seed
always gives the same fleet and the same errors.

The generator knows nothing about the checks: it only models driving, visits and
typing mistakes.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

# The stream ends on a fixed day so that results do not depend on when it runs.
END_DATE = date(2026, 6, 30)
HISTORY_YEARS = 15

MILES_TO_KM = 1.609344

# Vehicle kinds: share of the vehicles a Belgian garage sees, median and spread
# (log-normal sigma) of the yearly distance, and how bursty the driving is: the
# distance driven over d days has a coefficient of variation sqrt(burst_days / d).
# Belgian cars average about 15,000 km a year; vans and taxis drive far more,
# old-timers far less and mostly on a few summer days.
VEHICLE_KINDS = {
    # kind: (share, median km/year, sigma, burst days, holiday trips/year)
    "car": (0.83, 11_000, 0.60, 7.0, 1.0),
    "van": (0.11, 25_000, 0.50, 4.0, 0.3),
    "taxi": (0.02, 70_000, 0.30, 2.0, 0.0),
    "oldtimer": (0.04, 1_500, 0.60, 30.0, 0.3),
}
HOLIDAY_TRIP_KM = (800, 3_500)
# From one calendar year to the next the same owner drives more or less.
YEARLY_FACTOR_SIGMA = 0.20
# A new owner (or a new job) redraws the yearly distance from the kind's spread.
NEW_OWNER_PER_YEAR = 0.08
# Every visit adds the trip to and from the garage.
TRIP_TO_GARAGE_KM = (2, 30)
# Share of vehicles whose history starts with a reading already on the clock
# (second-hand imports, vehicles first seen later in life).
USED_AT_FIRST_VISIT = 0.20
NEW_VEHICLE_DELIVERY_KM = (1, 60)
OLDTIMER_FIRST_READING_KM = (20_000, 250_000)

# Days between visits: repairs and tyre changes come after a few weeks, services
# every six months to a year and a half. High-mileage vehicles come more often.
VISIT_INTERVALS_DAYS = (
    # (weight, shortest, longest)
    (0.25, 14, 60),
    (0.35, 120, 240),
    (0.40, 270, 548),
)
MIN_VISIT_INTERVAL_DAYS = 14
VISIT_INTERVAL_SCALE = {"car": 1.0, "van": 0.7, "taxi": 0.4, "oldtimer": 1.0}

# Odometer (instrument cluster) replacement at a visit: declared as odometer work,
# the new odometer starts again from a low reading.
ODOMETER_REPLACEMENT_PER_VISIT = 0.003
NEW_ODOMETER_KM = (1, 50)

# Errors: share of reports (after a vehicle's first one) that carry one human
# error, the class drawn uniformly so that every class gets enough samples.
ERROR_RATE = 0.10
EXTRA_DIGIT = "extra_digit"
MISSING_DIGIT = "missing_digit"
SWAPPED_DIGITS = "swapped_digits"
SUBSTITUTED_DIGIT = "substituted_digit"
PREVIOUS_AGAIN = "previous_again"
TRIP_COUNTER = "trip_counter"
MILES = "miles"
WRONG_YEAR = "wrong_year"
FUTURE_DATE = "future_date"
ERROR_CLASSES = (
    EXTRA_DIGIT,
    MISSING_DIGIT,
    SWAPPED_DIGITS,
    SUBSTITUTED_DIGIT,
    PREVIOUS_AGAIN,
    TRIP_COUNTER,
    MILES,
    WRONG_YEAR,
    FUTURE_DATE,
)
# A key next to the intended one (sharing an edge) on a numeric keypad: 7 8 9 over
# 4 5 6 over 1 2 3, with the wide 0 under 1 and 2.
KEYPAD_NEIGHBOURS = {
    "0": "12",
    "1": "024",
    "2": "0135",
    "3": "26",
    "4": "157",
    "5": "2468",
    "6": "359",
    "7": "48",
    "8": "579",
    "9": "68",
}
# Half of the substituted digits are a neighbouring key, the others any other key.
NEIGHBOUR_KEY_SHARE = 0.5
# Trip counters: trip A is reset at fill-ups (up to 999.9 km), trip B is left
# running for months (up to 9,999.9 km); the decimal is not typed.
TRIP_COUNTER_MAX_KM = ((0.6, 999), (0.4, 9_999))
# Typing the previous year happens mostly in January; a year ahead happens too.
WRONG_YEAR_BACKWARDS = 0.75
FUTURE_DATE_MAX_DAYS = 60


@dataclass(frozen=True)
class Visit:
    visit_date: date
    reading: int
    odometer_work: bool = False


@dataclass(frozen=True)
class Vehicle:
    vehicle_id: int
    kind: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Observation:
    """One report: what was typed, the day it is sent, and the truth behind it."""

    vehicle_id: int
    visit_index: int
    reading: int
    reading_date: date
    today: date
    odometer_work: bool
    error: str | None
    true_reading: int


def _draw_kind(rng):
    kinds = list(VEHICLE_KINDS)
    return rng.choices(kinds, weights=[VEHICLE_KINDS[k][0] for k in kinds])[0]


def _draw_km_per_year(rng, kind):
    _share, median, sigma, _burst, _trips = VEHICLE_KINDS[kind]
    return median * rng.lognormvariate(0.0, sigma)


def _draw_interval_days(rng, kind):
    weights = [weight for weight, _low, _high in VISIT_INTERVALS_DAYS]
    _weight, shortest, longest = rng.choices(VISIT_INTERVALS_DAYS, weights=weights)[0]
    days = round(rng.uniform(shortest, longest) * VISIT_INTERVAL_SCALE[kind])
    return max(days, MIN_VISIT_INTERVAL_DAYS)


def _poisson(rng, mean):
    # Knuth's method: the means used here are small (a few trips at most).
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _distance_km(rng, kind, km_per_year, days):
    """Distance driven over `days` days by a vehicle averaging km_per_year."""
    _share, _median, _sigma, burst_days, trips_per_year = VEHICLE_KINDS[kind]
    mean = km_per_year / 365.0 * days
    # A gamma process: independent increments, bursty over short periods.
    distance = rng.gammavariate(days / burst_days, mean * burst_days / days)
    for _trip in range(_poisson(rng, trips_per_year * days / 365.0)):
        distance += rng.uniform(*HOLIDAY_TRIP_KM)
    return distance + rng.uniform(*TRIP_TO_GARAGE_KM)


def generate_vehicle(seed, vehicle_id, end=END_DATE):
    """The true visits of one vehicle, from its first report up to `end`."""
    rng = random.Random(f"{seed}:{vehicle_id}")
    kind = _draw_kind(rng)
    km_per_year = _draw_km_per_year(rng, kind)
    first_day = end - timedelta(days=rng.randint(60, HISTORY_YEARS * 365))
    if kind == "oldtimer":
        odometer = rng.uniform(*OLDTIMER_FIRST_READING_KM)
    elif rng.random() < USED_AT_FIRST_VISIT:
        odometer = km_per_year * rng.uniform(1, 15) * rng.lognormvariate(0.0, 0.2)
    else:
        odometer = rng.uniform(*NEW_VEHICLE_DELIVERY_KM)
    yearly_factor = {}
    visits = [Visit(first_day, max(1, int(odometer)))]
    day = first_day
    while True:
        days = _draw_interval_days(rng, kind)
        next_day = day + timedelta(days=days)
        if next_day > end:
            break
        if rng.random() < 1 - math.exp(-NEW_OWNER_PER_YEAR * days / 365.0):
            km_per_year = _draw_km_per_year(rng, kind)
        year = (day + timedelta(days=days // 2)).year
        if year not in yearly_factor:
            yearly_factor[year] = rng.lognormvariate(0.0, YEARLY_FACTOR_SIGMA)
        odometer += _distance_km(rng, kind, km_per_year * yearly_factor[year], days)
        replaced = rng.random() < ODOMETER_REPLACEMENT_PER_VISIT
        if replaced:
            odometer = rng.uniform(*NEW_ODOMETER_KM)
        visits.append(Visit(next_day, int(odometer), odometer_work=replaced))
        day = next_day
    return Vehicle(vehicle_id, kind, tuple(visits))


def generate_fleet(seed, vehicles, end=END_DATE):
    return [generate_vehicle(seed, vehicle_id, end) for vehicle_id in range(vehicles)]


# Human errors ------------------------------------------------------------------
# Each returns the spoiled (reading, reading_date), or None when the error cannot
# happen on this visit (no two different adjacent digits to swap, for instance).


def _extra_digit(rng, visits, index):
    digits = str(visits[index].reading)
    position = rng.randint(0, len(digits))
    neighbour = digits[min(position, len(digits) - 1)]
    # Half of the extra digits are a key pressed twice, the others any key.
    extra = neighbour if rng.random() < 0.5 else str(rng.randint(0, 9))
    typed = digits[:position] + extra + digits[position:]
    if typed[0] == "0":
        return None
    return int(typed), visits[index].visit_date


def _missing_digit(rng, visits, index):
    digits = str(visits[index].reading)
    if len(digits) < 3:
        return None
    position = rng.randrange(len(digits))
    typed = digits[:position] + digits[position + 1 :]
    if typed[0] == "0":
        return None
    return int(typed), visits[index].visit_date


def _swapped_digits(rng, visits, index):
    digits = str(visits[index].reading)
    pairs = [
        position
        for position in range(len(digits) - 1)
        if digits[position] != digits[position + 1]
        and not (position == 0 and digits[1] == "0")
    ]
    if not pairs:
        return None
    position = rng.choice(pairs)
    typed = (
        digits[:position]
        + digits[position + 1]
        + digits[position]
        + digits[position + 2 :]
    )
    return int(typed), visits[index].visit_date


def _substituted_digit(rng, visits, index):
    digits = str(visits[index].reading)
    position = rng.randrange(len(digits))
    intended = digits[position]
    if rng.random() < NEIGHBOUR_KEY_SHARE:
        keys = KEYPAD_NEIGHBOURS[intended]
    else:
        keys = "".join(key for key in "0123456789" if key != intended)
    if position == 0:
        # Nobody reads a leading zero off an odometer, nor types one.
        keys = keys.replace("0", "")
    if not keys:
        return None
    typed = digits[:position] + rng.choice(keys) + digits[position + 1 :]
    return int(typed), visits[index].visit_date


def _previous_again(rng, visits, index):
    if visits[index - 1].reading == visits[index].reading:
        return None
    return visits[index - 1].reading, visits[index].visit_date


def _trip_counter(rng, visits, index):
    weights = [weight for weight, _maximum in TRIP_COUNTER_MAX_KM]
    _weight, maximum = rng.choices(TRIP_COUNTER_MAX_KM, weights=weights)[0]
    maximum = min(maximum, visits[index].reading - 1)
    if maximum < 1:
        return None
    return rng.randint(1, maximum), visits[index].visit_date


def _miles(rng, visits, index):
    typed = round(visits[index].reading / MILES_TO_KM)
    if typed < 1 or typed == visits[index].reading:
        return None
    return typed, visits[index].visit_date


def _wrong_year(rng, visits, index):
    true_date = visits[index].visit_date
    year = true_date.year + (-1 if rng.random() < WRONG_YEAR_BACKWARDS else 1)
    day = min(true_date.day, 28) if true_date.month == 2 else true_date.day
    return visits[index].reading, true_date.replace(year=year, day=day)


def _future_date(rng, visits, index):
    days = rng.randint(1, FUTURE_DATE_MAX_DAYS)
    return visits[index].reading, visits[index].visit_date + timedelta(days=days)


ERROR_MAKERS = {
    EXTRA_DIGIT: _extra_digit,
    MISSING_DIGIT: _missing_digit,
    SWAPPED_DIGITS: _swapped_digits,
    SUBSTITUTED_DIGIT: _substituted_digit,
    PREVIOUS_AGAIN: _previous_again,
    TRIP_COUNTER: _trip_counter,
    MILES: _miles,
    WRONG_YEAR: _wrong_year,
    FUTURE_DATE: _future_date,
}


def _spoil(rng, visits, index):
    """Apply one error class drawn uniformly (another one if it cannot apply)."""
    for error in rng.sample(ERROR_CLASSES, len(ERROR_CLASSES)):
        spoiled = ERROR_MAKERS[error](rng, visits, index)
        if spoiled is not None:
            return error, spoiled
    return None, None


def observations_of(vehicle, seed, error_rate=ERROR_RATE):
    """The reports of one vehicle: every visit except its first, some spoiled.

    The first report has no history to compare with, and declared odometer work is
    trusted by design, so errors go neither there nor on odometer-work visits.
    Today is the visit day: the reading is reported while the vehicle is in the
    garage.
    """
    rng = random.Random(f"{seed}:errors:{vehicle.vehicle_id}")
    visits = vehicle.visits
    for index in range(1, len(visits)):
        visit = visits[index]
        error, spoiled = None, None
        if not visit.odometer_work and rng.random() < error_rate:
            error, spoiled = _spoil(rng, visits, index)
        reading, reading_date = spoiled or (visit.reading, visit.visit_date)
        yield Observation(
            vehicle_id=vehicle.vehicle_id,
            visit_index=index,
            reading=reading,
            reading_date=reading_date,
            today=visit.visit_date,
            odometer_work=visit.odometer_work,
            error=error,
            true_reading=visit.reading,
        )


def generate_stream(seed, vehicles, error_rate=ERROR_RATE, end=END_DATE):
    """(fleet, observations) for `vehicles` vehicles."""
    fleet = generate_fleet(seed, vehicles, end)
    observations = [
        observation
        for vehicle in fleet
        for observation in observations_of(vehicle, seed, error_rate)
    ]
    return fleet, observations
