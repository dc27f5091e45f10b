# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odometer units: Car-Pass records kilometres, some dashboards count miles.

Plain Python, never imports odoo. Units are named as Fleet names them
(fleet.vehicle.odometer_unit): "kilometers" and "miles". The mechanic types what the
dashboard shows; what goes to Car-Pass is whole kilometres, rounded to the nearest.

Whole miles survive the round trip: a mile is more than a kilometre, so the km
rounded from it is within 0.5 km = 0.31 mile of the exact value, and converting back
to the nearest mile gives the typed number again. That is why a registration stores
only the kilometres and shows the dashboard reading converted back.
"""

import math
from fractions import Fraction

KILOMETERS = "kilometers"
MILES = "miles"
# The international mile, exactly 1,609.344 m (1959 yard and pound agreement).
MILES_TO_KM = 1.609344
_KM_PER_MILE = Fraction(1_609_344, 1_000_000)
_HALF = Fraction(1, 2)


def _nearest_whole(value):
    """Half up; exact on the fractions, so 0.1-style float noise cannot tip it."""
    return math.floor(value + _HALF)


def to_km(reading, unit):
    """The reading in kilometres, from a reading in `unit` (Fleet's odometer_unit).

    Miles become the nearest whole kilometre; a reading in km (or an unknown or
    empty unit, which Fleet treats as km) is returned unchanged.
    """
    if unit != MILES:
        return reading
    return _nearest_whole(Fraction(reading) * _KM_PER_MILE)


def from_km(kilometres, unit):
    """The reading as a dashboard in `unit` shows it: the nearest whole mile for miles."""
    if unit != MILES:
        return kilometres
    return _nearest_whole(Fraction(kilometres) / _KM_PER_MILE)
