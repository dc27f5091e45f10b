# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Local checks run by the end-of-repair wizard before a reading is sent to Car-Pass.

Plain Python, never imports odoo. Each check returns Findings; the wizard shows them,
translated by code, and refuses to send while one is blocking.

Severities follow one rule:
- BLOCKING: the data cannot be true or cannot be accepted (a date in the future, a
  reading that is not a whole number of km, a VIN with characters no VIN has).
  Sending it would only create an error at Car-Pass.
- WARNING: the data is suspicious but can be true (a lower reading after an
  undeclared repair, a vehicle that really drove 1,200 km a day, an old-timer's
  short VIN, a late report, a reading seemingly reported already today). The user
  confirms and may send: Car-Pass's own history can be the wrong side, an earlier
  report may not have gone through, and a late report is better than none. So are
  a VIN that is not the vehicle's in Fleet, not the one reported for it before, or
  another vehicle's, and a reading dated before the vehicle's first registration:
  Fleet can be the wrong side.
- INFO: worth a glance, never in the way (a round reading, which Car-Pass remarks on).

Car-Pass's published anomalies (more than 1000 km/day, lower than the previous
reading, same data already reported today, more than 5 days late) are checked with
exactly its thresholds; on top of them the reading is compared with the vehicle's own
trend (see trend.py) to catch typing slips that those rules cannot see, with the
likely intended value in Finding.suggestion.
"""

import math
import numbers
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from itertools import islice

from . import trend, units


class Severity(str, Enum):
    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.BLOCKING: 0, Severity.WARNING: 1, Severity.INFO: 2}

# Thresholds -----------------------------------------------------------------------
# Car-Pass's own anomaly rules (carpass-api.md §5.2, carpass-help-en.md §3).
MAX_KM_PER_DAY = 1_000
MAX_DAYS_LATE = 5
VIN_EXPECTED_LENGTH = 17
# Readings are whole kilometres, at least 1. Car odometers have at most 7 digits.
MIN_READING = 1
MAX_READING = 9_999_999
# Earlier dates are typing errors (Car-Pass started in 2006), and Odoo's tracking
# cannot store dates before year 1000.
MIN_READING_DATE = date(1970, 1, 1)
# A vehicle that comes back within a week may have stood still at the garage.
UNCHANGED_MIN_DAYS = 7
# Car-Pass remarks on "rounded" readings: estimates end in three zeros.
ROUND_READING_STEP = 1_000
# Earlier readings the checks look at: the wizard passes at most this many.
HISTORY_WINDOW = 20
# Characters of a typed value or VIN repeated in a message.
MAX_DISPLAYED_CHARS = 40

# ISO 3779: 17 characters, digits and capital letters except I, O and Q (too close
# to 1 and 0). Chassis numbers from before 1981 follow each maker's own scheme and
# may use those letters, so on a VIN of another length they only warn.
VIN_ALLOWED_CHARACTERS = frozenset(string.ascii_uppercase + string.digits)
VIN_AMBIGUOUS_CHARACTERS = frozenset("IOQ")
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_DIGITS = re.compile(r"[0-9]+")

# Finding codes --------------------------------------------------------------------
VIN_MISSING = "vin_missing"
VIN_LENGTH = "vin_length"
VIN_INVALID_CHARACTERS = "vin_invalid_characters"
VIN_AMBIGUOUS_LETTERS = "vin_ambiguous_letters"
READING_MISSING = "reading_missing"
READING_NOT_POSITIVE_INTEGER = "reading_not_positive_integer"
READING_TOO_LARGE = "reading_too_large"
READING_LOWER = "reading_lower"
TOO_MANY_KM_PER_DAY = "too_many_km_per_day"
READING_UNCHANGED = "reading_unchanged"
DUPLICATE_TODAY = "duplicate_today"
READING_ABOVE_TREND = "reading_above_trend"
READING_BELOW_TREND = "reading_below_trend"
READING_IMPLAUSIBLE_DISTANCE = "reading_implausible_distance"
READING_LOW_FOR_NEW_VEHICLE = "reading_low_for_new_vehicle"
LIKELY_EXTRA_DIGIT = "likely_extra_digit"
LIKELY_MISSING_DIGIT = "likely_missing_digit"
LIKELY_SWAPPED_DIGITS = "likely_swapped_digits"
LIKELY_SUBSTITUTED_DIGIT = "likely_substituted_digit"
LIKELY_MILES = "likely_miles"
ROUND_READING = "round_reading"
DATE_INVALID = "date_invalid"
DATE_IN_FUTURE = "date_in_future"
DATE_LATE = "date_late"
DATE_BEFORE_PREVIOUS = "date_before_previous"
DATE_BEFORE_FIRST_USE = "date_before_first_use"
VIN_DIFFERS_FROM_VEHICLE = "vin_differs_from_vehicle"
VIN_DIFFERS_FROM_REPORTED = "vin_differs_from_reported"
VIN_OF_OTHER_VEHICLE = "vin_of_other_vehicle"


def _lt(message):
    """Mark an English message for Odoo's translation export, which looks for ``_lt``.

    The text stays English here (this module never imports odoo); the Odoo layer
    translates it by finding code (models/carpass_messages.py).
    """
    return message


# English messages; params are filled in with %(name)s by render_message. The Odoo
# layer translates by code with the same params, shown in the user's language.
MESSAGES = {
    VIN_MISSING: _lt("The VIN is missing."),
    VIN_LENGTH: _lt(
        "The VIN %(vin)s has %(length)s characters instead of %(expected_length)s. "
        "This is normal only for old vehicles."
    ),
    VIN_INVALID_CHARACTERS: _lt(
        "The VIN %(vin)s contains characters that no VIN has: %(characters)s."
    ),
    VIN_AMBIGUOUS_LETTERS: _lt(
        "The VIN %(vin)s contains %(characters)s: modern VINs never use I, O or Q "
        "(did you mean 1 or 0?)."
    ),
    READING_MISSING: _lt("The odometer reading is missing."),
    READING_NOT_POSITIVE_INTEGER: _lt(
        "The odometer reading %(value)s is not a positive whole number of kilometres."
    ),
    READING_TOO_LARGE: _lt(
        "The odometer reading %(reading)s is more than any odometer shows "
        "(%(maximum)s)."
    ),
    READING_LOWER: _lt(
        "The reading %(reading)s is lower than the previous one "
        "(%(previous)s on %(previous_date)s). If work was done on the "
        "odometer, declare it."
    ),
    TOO_MANY_KM_PER_DAY: _lt(
        "The reading %(reading)s means %(km_per_day)s a day since the previous "
        "one (%(previous)s on %(previous_date)s), more than "
        "%(limit)s a day."
    ),
    READING_UNCHANGED: _lt(
        "The reading %(reading)s is the same as %(days)s days ago "
        "(%(previous_date)s): was the previous reading typed again?"
    ),
    DUPLICATE_TODAY: _lt(
        "The reading %(reading)s on %(reading_date)s has already been reported."
    ),
    READING_ABOVE_TREND: _lt(
        "The reading %(reading)s is far above what this vehicle usually drives: "
        "about %(expected)s was expected (at most %(highest)s)."
    ),
    READING_BELOW_TREND: _lt(
        "The reading %(reading)s is far below what this vehicle usually drives: "
        "about %(expected)s was expected (at least %(lowest)s)."
    ),
    READING_IMPLAUSIBLE_DISTANCE: _lt(
        "The reading %(reading)s means %(distance)s in %(days)s days since the "
        "previous reading, far more than vehicles drive (at most %(highest)s was "
        "expected)."
    ),
    READING_LOW_FOR_NEW_VEHICLE: _lt(
        "The reading %(reading)s means only %(distance)s in %(days)s days on a "
        "vehicle that was new (at least %(lowest)s was expected): a digit missing, "
        "or the trip counter?"
    ),
    LIKELY_EXTRA_DIGIT: _lt(
        "The reading %(reading)s seems to have one digit too many: "
        "did you mean %(suggestion)s (about %(expected)s was expected)?"
    ),
    LIKELY_MISSING_DIGIT: _lt(
        "The reading %(reading)s seems to miss a digit: "
        "did you mean %(suggestion)s (about %(expected)s was expected)?"
    ),
    LIKELY_SWAPPED_DIGITS: _lt(
        "The reading %(reading)s seems to have two digits swapped: "
        "did you mean %(suggestion)s (about %(expected)s was expected)?"
    ),
    LIKELY_SUBSTITUTED_DIGIT: _lt(
        "The reading %(reading)s seems to have one digit wrong: "
        "did you mean %(suggestion)s (about %(expected)s was expected)?"
    ),
    LIKELY_MILES: _lt(
        "The reading %(reading)s looks like miles: "
        "did you mean %(suggestion)s (about %(expected)s was expected)?"
    ),
    ROUND_READING: _lt(
        "The reading %(reading)s is a round number: Car-Pass may ask whether it "
        "was read off the odometer."
    ),
    DATE_INVALID: _lt("The reading date %(value)s is not a date."),
    DATE_IN_FUTURE: _lt("The reading date %(reading_date)s is in the future."),
    DATE_LATE: _lt(
        "The reading date %(reading_date)s is %(days)s days ago, more than "
        "%(max_days)s: the report is late (still better sent than not)."
    ),
    DATE_BEFORE_PREVIOUS: _lt(
        "The reading date %(reading_date)s is before the previous reading "
        "(%(previous_date)s)."
    ),
    DATE_BEFORE_FIRST_USE: _lt(
        "The reading date %(reading_date)s is before the vehicle's first "
        "registration (%(first_use_date)s): is the date, or the vehicle, right?"
    ),
    VIN_DIFFERS_FROM_VEHICLE: _lt(
        "The VIN %(vin)s is not the vehicle's VIN in Fleet (%(vehicle_vin)s): "
        "is it the right vehicle?"
    ),
    VIN_DIFFERS_FROM_REPORTED: _lt(
        "The VIN %(vin)s is not the VIN already reported to Car-Pass for this "
        "vehicle (%(reported_vin)s): is it the right vehicle?"
    ),
    VIN_OF_OTHER_VEHICLE: _lt(
        "The VIN %(vin)s belongs to another vehicle in Fleet (%(other_vehicle)s): "
        "the reading would go to that car's history at Car-Pass."
    ),
}
ALL_CODES = tuple(MESSAGES)

# Params that are distances in km (shown with their unit by the formatter) and dates
# (ISO text in params, shown as the user's language writes dates).
DISTANCE_PARAMS = frozenset(
    (
        "reading",
        "previous",
        "expected",
        "highest",
        "lowest",
        "suggestion",
        "distance",
        "km_per_day",
        "limit",
        "maximum",
    )
)
DATE_PARAMS = frozenset(("reading_date", "previous_date", "today", "first_use_date"))


def _plain_distance(kilometres):
    return f"{kilometres} km"


def _plain_date(day):
    return day.isoformat()


def render_message(
    template, params, *, distance=_plain_distance, day=_plain_date, number=str
):
    """``template`` filled in with ``params``, each shown by its formatter.

    ``distance(km: int) -> str`` shows a distance param with its unit, ``day(date)
    -> str`` a date param, ``number(int) -> str`` any other whole number; text params
    (a typed value, a VIN) are shown as they are. The defaults give the English
    fallback (``1155555 km``, ``2026-03-16``); the Odoo layer passes formatters in
    the user's language and the vehicle's unit (models/carpass_messages.py).
    Raises KeyError/TypeError/ValueError on a template that does not fit the params.
    """
    shown = {}
    for name, value in params.items():
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole and name in DISTANCE_PARAMS:
            shown[name] = distance(value)
        elif name in DATE_PARAMS and isinstance(value, str):
            shown[name] = day(date.fromisoformat(value))
        elif whole:
            shown[name] = number(value)
        else:
            shown[name] = value
    return template % shown


_LIKELY_SLIP_CODES = {
    trend.EXTRA_DIGIT: LIKELY_EXTRA_DIGIT,
    trend.MISSING_DIGIT: LIKELY_MISSING_DIGIT,
    trend.SWAPPED_DIGITS: LIKELY_SWAPPED_DIGITS,
    trend.SUBSTITUTED_DIGIT: LIKELY_SUBSTITUTED_DIGIT,
    trend.MILES: LIKELY_MILES,
}


@dataclass(frozen=True)
class PastReading:
    reading_date: date
    reading: int
    odometer_work: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    params: dict = field(default_factory=dict)
    # The likely intended reading, when one slip of the hand explains the typed one.
    suggestion: int | None = None


def _finding(code, severity, **params):
    return Finding(code, severity, render_message(MESSAGES[code], params), params)


def _shown(value):
    try:
        text = str(value)
    except Exception:  # whatever was typed, showing it must not fail the check
        text = type(value).__name__
    if len(text) > MAX_DISPLAYED_CHARS:
        return text[: MAX_DISPLAYED_CHARS - 1] + "…"
    return text


def has_blocking(findings):
    return any(finding.severity == Severity.BLOCKING for finding in findings)


def _sorted(findings):
    return sorted(findings, key=lambda finding: SEVERITY_ORDER[finding.severity])


# VIN ------------------------------------------------------------------------------


def normalize_vin(vin):
    """The VIN as it should be sent: outer spaces removed, ASCII letters upper-case."""
    if vin is None:
        return ""
    return str(vin).strip().translate(_ASCII_UPPER)


def check_vin(vin) -> list[Finding]:
    """Findings on a VIN as typed (normalize_vin is applied first)."""
    vin = normalize_vin(vin)
    if not vin:
        return [_finding(VIN_MISSING, Severity.BLOCKING)]
    findings = []
    shown = _shown(vin)
    if len(vin) != VIN_EXPECTED_LENGTH:
        findings.append(
            _finding(
                VIN_LENGTH,
                Severity.WARNING,
                vin=shown,
                length=len(vin),
                expected_length=VIN_EXPECTED_LENGTH,
            )
        )
    invalid = sorted(set(vin) - VIN_ALLOWED_CHARACTERS)
    if invalid:
        findings.append(
            _finding(
                VIN_INVALID_CHARACTERS,
                Severity.BLOCKING,
                vin=shown,
                characters=", ".join(repr(character) for character in invalid),
            )
        )
    ambiguous = sorted(set(vin) & VIN_AMBIGUOUS_CHARACTERS)
    if ambiguous:
        findings.append(
            _finding(
                VIN_AMBIGUOUS_LETTERS,
                Severity.BLOCKING
                if len(vin) == VIN_EXPECTED_LENGTH
                else Severity.WARNING,
                vin=shown,
                characters=", ".join(ambiguous),
            )
        )
    return _sorted(findings)


def check_vin_identity(
    vin, *, vehicle_vin=None, reported_vin=None, other_vehicle=None
) -> list[Finding]:
    """Warnings when the VIN typed may be another car's (all compared normalized).

    ``vehicle_vin``: the vehicle's VIN in Fleet; ``reported_vin``: the VIN Car-Pass
    accepted for this vehicle earlier; ``other_vehicle``: how to name (plate) another
    vehicle of Fleet that has this VIN, None when none has. Warnings only: the VIN
    read on the car may be the right one and Fleet's or the earlier report the
    wrong one (check_vin says whether the VIN itself is possible).
    """
    vin = normalize_vin(vin)
    if not vin:
        return []
    shown = _shown(vin)
    findings = []
    for code, name, known in (
        (VIN_DIFFERS_FROM_VEHICLE, "vehicle_vin", vehicle_vin),
        (VIN_DIFFERS_FROM_REPORTED, "reported_vin", reported_vin),
    ):
        known = normalize_vin(known)
        if known and known != vin:
            findings.append(
                _finding(code, Severity.WARNING, vin=shown, **{name: _shown(known)})
            )
    if other_vehicle:
        findings.append(
            _finding(
                VIN_OF_OTHER_VEHICLE,
                Severity.WARNING,
                vin=shown,
                other_vehicle=_shown(other_vehicle),
            )
        )
    return findings


# Reading --------------------------------------------------------------------------


def reading_in_bounds(kilometres) -> bool:
    """True for a storable reading: a whole number of km from 0 (not typed yet)
    to MAX_READING. Every reading field (repair order, wizard, registration,
    imports) is held to these bounds, so none reaches the database's limits."""
    return (
        isinstance(kilometres, numbers.Real)
        and not isinstance(kilometres, bool)
        and 0 <= kilometres <= MAX_READING
        and kilometres == int(kilometres)
    )


def _whole_kilometres(value):
    """The whole number typed, math.inf when it has too many digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip()
        if not _DIGITS.fullmatch(digits):
            return None
        significant = digits.lstrip("0") or "0"
        # int() refuses strings of thousands of digits; those are too large anyway.
        if len(significant) > len(str(MAX_READING)):
            return math.inf
        return int(significant)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real | Decimal):
        # float, Decimal, Fraction: 12345.0 is whole, 12345.5, NaN and -inf are not.
        try:
            # Bounds before int(): int(Decimal("-1e9999999")) would take minutes.
            if value > MAX_READING:
                return math.inf
            if not value >= MIN_READING:  # also NaN
                return None
            return int(value) if value == int(value) else None
        except (ArithmeticError, ValueError):
            return None
    return None


def _parse_reading(value):
    """(kilometres, None) for a usable reading, else (None, the blocking Finding)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _finding(READING_MISSING, Severity.BLOCKING)
    kilometres = _whole_kilometres(value)
    if kilometres is None or kilometres < MIN_READING:
        return None, _finding(
            READING_NOT_POSITIVE_INTEGER, Severity.BLOCKING, value=_shown(value)
        )
    if kilometres > MAX_READING:
        return None, _finding(
            READING_TOO_LARGE,
            Severity.BLOCKING,
            # A number shown as the user's language writes it; a huge one as typed.
            reading=kilometres if kilometres < 2**63 else _shown(value),
            maximum=MAX_READING,
        )
    return kilometres, None


# Date -----------------------------------------------------------------------------


def _as_date(value):
    # A datetime is a date, but comparing one with a date raises TypeError.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _date_findings(reading_date, today, first_use_date=None):
    findings = []
    first_use_date = _as_date(first_use_date)
    if first_use_date and reading_date < first_use_date:
        # Can be true (a new car prepared before its registration) or the date in
        # Fleet can be wrong; Car-Pass publishes no rule on it: a warning.
        findings.append(
            _finding(
                DATE_BEFORE_FIRST_USE,
                Severity.WARNING,
                reading_date=reading_date.isoformat(),
                first_use_date=first_use_date.isoformat(),
            )
        )
    return findings + _date_limit_findings(reading_date, today)


def _date_limit_findings(reading_date, today):
    if reading_date > today:
        return [
            _finding(
                DATE_IN_FUTURE,
                Severity.BLOCKING,
                reading_date=reading_date.isoformat(),
                today=today.isoformat(),
            )
        ]
    days_late = (today - reading_date).days
    if days_late > MAX_DAYS_LATE:
        return [
            _finding(
                DATE_LATE,
                Severity.WARNING,
                reading_date=reading_date.isoformat(),
                days=days_late,
                max_days=MAX_DAYS_LATE,
            )
        ]
    return []


# History --------------------------------------------------------------------------


def _history_findings(
    reading, reading_date, history, odometer_work, date_flagged, odometer_unit
):
    """Findings against the previous readings (history newest first, non-empty)."""
    previous = history[0]
    previous_params = {
        "previous": previous.reading,
        "previous_date": previous.reading_date.isoformat(),
    }
    days = (reading_date - previous.reading_date).days
    distance = reading - previous.reading
    findings = []
    if any(
        past.reading_date == reading_date and past.reading == reading
        for past in history
    ):
        findings.append(
            _finding(
                DUPLICATE_TODAY,
                Severity.WARNING,
                reading=reading,
                reading_date=reading_date.isoformat(),
            )
        )
    days_before_previous = days < 0
    if days_before_previous:
        findings.append(
            _finding(
                DATE_BEFORE_PREVIOUS,
                Severity.WARNING,
                reading_date=reading_date.isoformat(),
                previous_date=previous_params["previous_date"],
            )
        )
    if distance < 0 and not odometer_work:
        findings.append(
            _finding(
                READING_LOWER, Severity.WARNING, reading=reading, **previous_params
            )
        )
    # A rise on the same day (or dated before the previous one) counts as one day.
    if distance > MAX_KM_PER_DAY * max(days, 1):
        findings.append(
            _finding(
                TOO_MANY_KM_PER_DAY,
                Severity.WARNING,
                reading=reading,
                km_per_day=distance // max(days, 1),
                limit=MAX_KM_PER_DAY,
                **previous_params,
            )
        )
    if distance == 0 and days >= UNCHANGED_MIN_DAYS and not odometer_work:
        findings.append(
            _finding(
                READING_UNCHANGED,
                Severity.WARNING,
                reading=reading,
                days=days,
                previous_date=previous_params["previous_date"],
            )
        )
    # Declared odometer work restarts the trend; an unchanged reading and readings
    # on or before the previous day are already explained above.
    if odometer_work or days <= 0 or distance == 0:
        return findings
    findings.extend(
        _trend_findings(
            reading,
            reading_date,
            history,
            already_flagged=bool(findings),
            date_flagged=date_flagged or days_before_previous,
            odometer_unit=odometer_unit,
        )
    )
    return findings


def _trend_findings(
    reading, reading_date, history, already_flagged, date_flagged, odometer_unit
):
    expectation = trend.expect(history, reading_date)
    # With a doubtful date the expected reading is doubtful too: no "did you mean".
    if date_flagged:
        likely = None
    elif odometer_unit == units.MILES:
        likely = _likely_on_miles_dashboard(expectation, reading)
    else:
        likely = trend.likely_intended(expectation, reading)
    if likely:
        slip, suggestion = likely
        code = _LIKELY_SLIP_CODES[slip]
        params = {
            "reading": reading,
            "suggestion": suggestion,
            "expected": expectation.expected,
        }
        message = render_message(MESSAGES[code], params)
        return [Finding(code, Severity.WARNING, message, params, suggestion)]
    if expectation.is_plausible(reading):
        return []
    if already_flagged:
        # Lower, or more than 1000 km a day: the user already has the reason.
        return []
    distance = reading - expectation.previous_reading
    if expectation.km_per_day is None and reading < expectation.lowest:
        return [
            _finding(
                READING_LOW_FOR_NEW_VEHICLE,
                Severity.WARNING,
                reading=reading,
                distance=distance,
                days=expectation.days,
                lowest=expectation.lowest,
            )
        ]
    if expectation.km_per_day is None:
        return [
            _finding(
                READING_IMPLAUSIBLE_DISTANCE,
                Severity.WARNING,
                reading=reading,
                distance=distance,
                days=expectation.days,
                highest=expectation.highest,
            )
        ]
    if reading > expectation.highest:
        return [
            _finding(
                READING_ABOVE_TREND,
                Severity.WARNING,
                reading=reading,
                expected=expectation.expected,
                highest=expectation.highest,
            )
        ]
    return [
        _finding(
            READING_BELOW_TREND,
            Severity.WARNING,
            reading=reading,
            expected=expectation.expected,
            lowest=expectation.lowest,
        )
    ]


@dataclass(frozen=True)
class _MilesDashboard:
    """An Expectation seen from a miles dashboard, for trend.likely_intended.

    Readings in and out are whole miles; they are judged in km against the trend.
    """

    expectation: trend.Expectation

    @property
    def km_per_day(self):
        return self.expectation.km_per_day

    def is_plausible(self, miles):
        return self.expectation.is_plausible(units.to_km(miles, units.MILES))

    def deviation(self, miles):
        return self.expectation.deviation(units.to_km(miles, units.MILES))

    def is_too_low(self, miles):
        return self.expectation.is_too_low(units.to_km(miles, units.MILES))

    def is_conceivable(self, miles, margin):
        return self.expectation.is_conceivable(units.to_km(miles, units.MILES), margin)


def _likely_on_miles_dashboard(expectation, reading):
    """trend.likely_intended for a reading converted from miles, in km.

    A slip of the hand is made on the digits typed, so it is undone on the miles (the
    km convert back exactly, see units.py) and the intended reading returned in km.
    """
    typed = units.from_km(reading, units.MILES)
    likely = trend.likely_intended(_MilesDashboard(expectation), typed)
    if not likely or likely[0] == trend.MILES:
        # Miles already converted to km: converting once more fixes nothing, the
        # reading is just implausible (said by the trend findings).
        return None
    slip, miles = likely
    return slip, units.to_km(miles, units.MILES)


# Public entry points --------------------------------------------------------------


def check_reading(
    *,
    reading,
    reading_date: date,
    today: date,
    history: Sequence[PastReading],
    odometer_work: bool = False,
    odometer_unit: str = units.KILOMETERS,
    first_use_date: date | None = None,
) -> list[Finding]:
    """Findings on a reading as typed, against the vehicle's earlier readings.

    `reading` may be anything a user can type: it never raises, a value that is not
    a usable number of km gives a blocking finding. `history` is newest first; only
    its first HISTORY_WINDOW readings are looked at. Both are in km, whatever the
    dashboard counts (units.to_km); `odometer_unit` is the dashboard's unit, so that
    a reading converted from miles is not taken for miles typed as km.
    `first_use_date`: the vehicle's first registration, when known.
    """
    today = _as_date(today)
    if today is None:
        raise TypeError("today must be a date")
    checked_date = _as_date(reading_date)
    if checked_date is None:
        findings = [
            _finding(DATE_INVALID, Severity.BLOCKING, value=_shown(reading_date))
        ]
    else:
        findings = _date_findings(checked_date, today, first_use_date)
    date_flagged = bool(findings)
    kilometres, invalid = _parse_reading(reading)
    if invalid:
        findings.append(invalid)
        return _sorted(findings)
    if kilometres % ROUND_READING_STEP == 0:
        findings.append(_finding(ROUND_READING, Severity.INFO, reading=kilometres))
    recent = list(islice(history or (), HISTORY_WINDOW))
    if recent and checked_date is not None:
        findings.extend(
            _history_findings(
                kilometres,
                checked_date,
                recent,
                odometer_work,
                date_flagged,
                odometer_unit,
            )
        )
    return _sorted(findings)


def check_observation(
    *,
    vin,
    reading,
    reading_date: date,
    today: date,
    history: Sequence[PastReading],
    odometer_work: bool = False,
    odometer_unit: str = units.KILOMETERS,
    first_use_date: date | None = None,
    vehicle_vin=None,
    reported_vin=None,
    other_vehicle=None,
) -> list[Finding]:
    """check_vin, check_vin_identity and check_reading together: blocking, then
    warnings, then info."""
    return _sorted(
        check_vin(vin)
        + check_vin_identity(
            vin,
            vehicle_vin=vehicle_vin,
            reported_vin=reported_vin,
            other_vehicle=other_vehicle,
        )
        + check_reading(
            reading=reading,
            reading_date=reading_date,
            today=today,
            history=history,
            odometer_work=odometer_work,
            odometer_unit=odometer_unit,
            first_use_date=first_use_date,
        )
    )
