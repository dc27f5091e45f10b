# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Behaviour switches of the simulator, their defaults and their validation."""

from datetime import date

from .clock import parse_instant
from .profiles import PROFILES

REVIEW_OUTCOMES = ("done", "rejected")

DEFAULT_SETTINGS = {
    # Status calls answered ONGOING before the result of a new observation shows.
    "processing_polls": 0,
    # Status calls answered REVIEWING after a manual correction request.
    "review_polls": 1,
    "review_outcome": "done",
    # How long a "timeout" fault keeps the client waiting before dropping it.
    "timeout_seconds": 5.0,
    # The simulator's "today" (YYYY-MM-DD); None: the Belgian date of "clock".
    "today": None,
    # The simulator's instant (ISO 8601 with offset), frozen; None: the machine's
    # clock. Decides the Belgian date and the maintenance window (clock.py).
    "clock": None,
    "require_software_headers": True,
    "maintenance": False,
    # Follow the real window, Thursday 19:00-24:00 Belgian time.
    "maintenance_follow_clock": False,
    "maintenance_retry_after": 3600,
    # How much the simulated Car-Pass says (profiles.py): "full" or "minimal".
    "profile": "full",
}

FAULT_KINDS = ("timeout", "drop", "500", "503", "malformed")

DEFAULT_FAULTS = {
    "latency_ms": 0,
    "server_error_rate": 0.0,
    "unavailable_rate": 0.0,
    "timeout_rate": 0.0,
    "drop_rate": 0.0,
    "malformed_rate": 0.0,
    "seed": None,
}

FAULT_RATE_KINDS = {
    "timeout_rate": "timeout",
    "drop_rate": "drop",
    "server_error_rate": "500",
    "unavailable_rate": "503",
    "malformed_rate": "malformed",
}


class SettingsError(ValueError):
    """A setting name or value the simulator does not accept."""


def clean_settings(values):
    cleaned = {}
    for key, value in values.items():
        if key not in DEFAULT_SETTINGS:
            raise SettingsError(f"unknown setting {key!r}")
        cleaned[key] = _clean_setting(key, value)
    return cleaned


def clean_faults(values):
    cleaned = {}
    for key, value in values.items():
        if key not in DEFAULT_FAULTS:
            raise SettingsError(f"unknown fault setting {key!r}")
        if key == "seed":
            cleaned[key] = None if value is None else _integer(key, value)
        elif key == "latency_ms":
            cleaned[key] = _integer(key, value)
        else:
            rate = _number(key, value)
            if rate > 1:
                raise SettingsError(f"{key} is a share between 0 and 1")
            cleaned[key] = rate
    return cleaned


def check_total_rate(faults):
    if sum(faults[key] for key in FAULT_RATE_KINDS) > 1:
        raise SettingsError("the fault rates add up to more than 1")


def clean_fault_queue(kinds):
    if not isinstance(kinds, list):
        raise SettingsError("the fault queue is a list")
    for kind in kinds:
        if kind not in FAULT_KINDS:
            raise SettingsError(
                f"unknown fault {kind!r}; expected one of {', '.join(FAULT_KINDS)}"
            )
    return list(kinds)


# An injected answer: any status, and a JSON body or a raw text.
MAX_INJECTED_ANSWERS = 100


def clean_answers(answers):
    """Injected answers: [{"status": int, "body": JSON} or {"status", "raw": str,
    "content_type": str}]; "{requestGuid}" in a raw text or a body's strings
    becomes the GUID of the request the answer replaces."""
    if not isinstance(answers, list) or len(answers) > MAX_INJECTED_ANSWERS:
        raise SettingsError(
            f"answers is a list of at most {MAX_INJECTED_ANSWERS} answers"
        )
    cleaned = []
    for answer in answers:
        if not isinstance(answer, dict) or set(answer) - {
            "status",
            "body",
            "raw",
            "content_type",
        }:
            raise SettingsError("an answer has status, body or raw, content_type")
        status = answer.get("status", 200)
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise SettingsError("an answer's status is an HTTP status code")
        raw = answer.get("raw")
        if raw is not None and not isinstance(raw, str):
            raise SettingsError("an answer's raw is a text")
        cleaned.append(
            {
                "status": status,
                "body": answer.get("body"),
                "raw": raw,
                "content_type": str(
                    answer.get("content_type") or "application/json; charset=utf-8"
                ),
            }
        )
    return cleaned


def _clean_setting(key, value):
    if key in ("processing_polls", "review_polls", "maintenance_retry_after"):
        return _integer(key, value)
    if key == "timeout_seconds":
        return _number(key, value)
    if key in ("require_software_headers", "maintenance", "maintenance_follow_clock"):
        if not isinstance(value, bool):
            raise SettingsError(f"{key} is true or false")
        return value
    if key == "profile":
        if value not in PROFILES:
            raise SettingsError(f"profile is one of {', '.join(PROFILES)}")
        return value
    if key == "review_outcome":
        if value not in REVIEW_OUTCOMES:
            raise SettingsError(
                f"review_outcome is one of {', '.join(REVIEW_OUTCOMES)}"
            )
        return value
    if key == "today":
        if value is None:
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise SettingsError("today is a date as YYYY-MM-DD or null") from None
    if key == "clock":
        if value is None:
            return None
        try:
            return parse_instant(value).isoformat()
        except ValueError:
            raise SettingsError(
                "clock is an ISO 8601 instant with its offset "
                "(e.g. 2026-12-01T23:30:00Z) or null"
            ) from None
    raise AssertionError(key)


def _integer(key, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SettingsError(f"{key} is a whole number >= 0")
    return value


def _number(key, value):
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise SettingsError(f"{key} is a number >= 0")
    return float(value)
