# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass's server-side rules: request validation (400) and issues (stored).

Pure functions: no storage, no HTTP. The thresholds are the ones a DMS vendor
documents (reference §5.2); the codes are the simulator's own.
"""

import re
from dataclasses import dataclass
from datetime import date

from . import protocol as p
from .activities import ACTIVITIES, OTHER

MAX_KM_PER_DAY = 1000
MAX_DAYS_LATE = 5
ROUND_STEP = 1000
VIN_MAX_LENGTH = 17
MAX_TEXT_LENGTH = 2000
_ORGANISATION_PATTERN = re.compile(r"^\d{10}$")
_VIN_ALLOWED = re.compile(r"^[A-HJ-NPR-Z0-9]+$")


@dataclass(frozen=True)
class Reading:
    reading_date: date
    odometer: int


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message: str

    def as_dict(self):
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class IssueFound:
    code: str
    message: str

    @property
    def actions(self):
        return p.ISSUE_ACTIONS[self.code]


class _Problems(list):
    def add(self, field, code, message):
        self.append(FieldProblem(field, code, message))


# ---------------------------------------------------------------------------
# Validation of request bodies
# ---------------------------------------------------------------------------


def validate_observation(body, today):
    """Return (clean values, problems) for a POST /observation body."""
    problems = _Problems()
    values = {
        "vin": _vin(body.get("vin"), problems, "vin", required=True),
        "odometer": _reading(body.get("odometerReading"), problems, "odometerReading"),
        "reading_date": _reading_date(
            body.get("odometerReadingDate"), today, problems, "odometerReadingDate"
        ),
        "observation_type": body.get("observationType") or p.OBSERVATION_TYPE_REPAIR,
        "enterprise": _organisation(
            body.get("enterpriseOrganisation"), problems, "enterpriseOrganisation"
        ),
        "establishment": _organisation(
            body.get("enteredOrganisation"), problems, "enteredOrganisation"
        ),
        "license_plate": _text(body.get("licensePlate"), problems, "licensePlate"),
        "odometer_work": _flag(body.get("odometerWork"), problems, "odometerWork"),
        "unifier": body.get("unifier"),
        "first_use_date": None,
    }
    if values["observation_type"] not in p.OBSERVATION_TYPES:
        problems.add(
            "observationType",
            p.OBSERVATION_TYPE_INVALID,
            "Unknown observation type; expected one of "
            f"{', '.join(p.OBSERVATION_TYPES)}.",
        )
    if body.get("firstUseDate"):
        first_use = _date(body["firstUseDate"], problems, "firstUseDate")
        if first_use and values["reading_date"] and first_use > values["reading_date"]:
            problems.add(
                "firstUseDate",
                p.FIRST_USE_AFTER_READING,
                "The first use date is after the reading date.",
            )
        values["first_use_date"] = first_use
    if values["unifier"] is not None and not _is_int(values["unifier"]):
        problems.add("unifier", p.INVALID_TYPE, "The unifier must be an integer.")
    return values, problems


def validate_correction(body, today):
    problems = _Problems()
    values = {
        "odometer": _reading(body.get("odometerReading"), problems, "odometerReading"),
        "reading_date": _reading_date(
            body.get("odometerReadingDate"), today, problems, "odometerReadingDate"
        ),
        "vin": _vin(body.get("vin"), problems, "vin", required=False),
        "odometer_work": _flag(body.get("odometerWork"), problems, "odometerWork"),
        "reason": _text(body.get("reason"), problems, "reason"),
    }
    return values, problems


def validate_confirmation(body):
    problems = _Problems()
    return {"reason": _text(body.get("reason"), problems, "reason")}, problems


def validate_manual_correction(body, today):
    problems = _Problems()
    values = {
        "reason": _text(body.get("reason"), problems, "reason"),
        "odometer": _reading(body.get("odometerReading"), problems, "odometerReading"),
        "reading_date": _reading_date(
            body.get("odometerReadingDate"), today, problems, "odometerReadingDate"
        ),
        "contact": _text(body.get("contact"), problems, "contact"),
    }
    if not values["reason"].strip():
        problems.add("reason", p.REQUIRED, "A reason is required.")
    return values, problems


def validate_description(body):
    problems = _Problems()
    activities = _text_list(body.get("activities"), problems, "activities")
    job_lines = _text_list(body.get("jobLines"), problems, "jobLines")
    free_text = _text(body.get("freeText"), problems, "freeText")
    for index, code in enumerate(activities):
        if code not in ACTIVITIES:
            problems.add(
                f"activities[{index}]",
                p.UNKNOWN_ACTIVITY,
                f"Unknown activity code {code!r}; see GET /activities.",
            )
    if not activities and not job_lines:
        problems.add(
            "activities",
            p.DESCRIPTION_EMPTY,
            "Give at least one activity or one job line.",
        )
    values = {"activities": activities, "jobLines": job_lines, "freeText": free_text}
    return values, problems


def description_issues(values):
    """Issues that make Car-Pass refuse an otherwise valid description."""
    detailed = (
        any(line.strip() for line in values["jobLines"]) or values["freeText"].strip()
    )
    if OTHER in values["activities"] and not detailed:
        return [
            IssueFound(
                p.OTHER_ACTIVITY_WITHOUT_DETAIL,
                "The activity 'other work' needs a job line or a free text.",
            )
        ]
    return []


# ---------------------------------------------------------------------------
# Issues on a stored observation
# ---------------------------------------------------------------------------


def observation_issues(reading, *, odometer_work, earlier, duplicate, today):
    """Issues for ``reading`` given the vehicle's other known readings."""
    issues = []
    previous = _previous_reading(reading, earlier)
    if previous is not None:
        if reading.odometer < previous.odometer and not odometer_work:
            issues.append(
                IssueFound(
                    p.READING_LOWER_THAN_PREVIOUS,
                    f"The odometer reading {reading.odometer} km is lower than the "
                    f"previous reading of {previous.odometer} km on "
                    f"{previous.reading_date.isoformat()}.",
                )
            )
        days = max((reading.reading_date - previous.reading_date).days, 1)
        km_per_day = (reading.odometer - previous.odometer) / days
        if km_per_day > MAX_KM_PER_DAY:
            issues.append(
                IssueFound(
                    p.READING_TOO_HIGH,
                    f"{round(km_per_day)} km per day since the previous reading "
                    f"({previous.odometer} km on {previous.reading_date.isoformat()}) "
                    f"is more than {MAX_KM_PER_DAY} km per day.",
                )
            )
    if duplicate:
        issues.append(
            IssueFound(
                p.DUPLICATE_READING,
                "This odometer reading was already reported for this vehicle "
                "on this date.",
            )
        )
    if (today - reading.reading_date).days > MAX_DAYS_LATE:
        issues.append(
            IssueFound(
                p.READING_DATE_TOO_OLD,
                f"The reading date {reading.reading_date.isoformat()} is more than "
                f"{MAX_DAYS_LATE} days ago.",
            )
        )
    if reading.odometer % ROUND_STEP == 0:
        issues.append(
            IssueFound(p.ROUNDED_READING, "The odometer reading is a rounded number.")
        )
    return issues


def _previous_reading(reading, earlier):
    candidates = [r for r in earlier if r.reading_date <= reading.reading_date]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.reading_date, r.odometer))


# ---------------------------------------------------------------------------
# Field helpers
# ---------------------------------------------------------------------------


def normalise_vin(value):
    return value.strip().upper() if isinstance(value, str) else value


def _vin(value, problems, field, *, required):
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, p.REQUIRED, "The VIN is required.")
        return None
    if not isinstance(value, str):
        problems.add(field, p.INVALID_TYPE, "The VIN must be a string.")
        return None
    vin = normalise_vin(value)
    if not _VIN_ALLOWED.match(vin):
        problems.add(
            field,
            p.VIN_INVALID_CHARACTERS,
            "A VIN holds only letters and digits, never I, O or Q.",
        )
    elif len(vin) > VIN_MAX_LENGTH:
        problems.add(
            field, p.VIN_TOO_LONG, f"A VIN has at most {VIN_MAX_LENGTH} characters."
        )
    return vin


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _reading(value, problems, field):
    if not _is_int(value) or value <= 0:
        problems.add(
            field,
            p.READING_NOT_POSITIVE_INTEGER,
            "The odometer reading must be a positive integer.",
        )
        return None
    return value


def _date(value, problems, field):
    if not isinstance(value, str):
        problems.add(field, p.DATE_INVALID, "Expected a date as YYYY-MM-DD.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(field, p.DATE_INVALID, "Expected a date as YYYY-MM-DD.")
        return None


def _reading_date(value, today, problems, field):
    if value in (None, ""):
        problems.add(field, p.REQUIRED, "The reading date is required.")
        return None
    reading_date = _date(value, problems, field)
    if reading_date and reading_date > today:
        problems.add(field, p.DATE_IN_FUTURE, "The reading date is in the future.")
    return reading_date


def _organisation(value, problems, field):
    if not isinstance(value, str) or not _ORGANISATION_PATTERN.match(value):
        problems.add(
            field, p.ORGANISATION_INVALID, "Expected a 10-digit KBO/BCE number."
        )
        return None
    return value


def _text(value, problems, field):
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(field, p.INVALID_TYPE, "Expected a text.")
        return ""
    if len(value) > MAX_TEXT_LENGTH:
        problems.add(field, p.TEXT_TOO_LONG, f"At most {MAX_TEXT_LENGTH} characters.")
    return value


def _text_list(value, problems, field):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(field, p.INVALID_TYPE, "Expected a list of texts.")
        return []
    return value


def _flag(value, problems, field):
    if value is None:
        return False
    if not isinstance(value, bool):
        problems.add(field, p.INVALID_TYPE, "Expected true or false.")
        return False
    return value
