# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The simulator's clock: the instant and the Belgian date every check decides by.

Car-Pass dates readings by the Belgian calendar: at 23:30 UTC in winter it is
already the next day in Brussels. Two settings fix the clock for tests and demos:
``clock`` (an ISO 8601 instant with its UTC offset, e.g. "2026-12-01T23:30:00Z")
freezes the instant, hence the Belgian date and the maintenance window; ``today``
(YYYY-MM-DD) pins only the date. Both None: the machine's clock.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _belgian_zone():
    # "CET" in the spec is read as Belgian local time (CET/CEST); without a
    # time zone database, fixed UTC+1 is the closest reading.
    try:
        return ZoneInfo("Europe/Brussels")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=1))


BELGIAN_TIME = _belgian_zone()


def parse_instant(value):
    """An aware datetime from ISO 8601 text with an offset; ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError("an instant is ISO 8601 text")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("an instant needs its UTC offset")
    return moment


def simulator_now(settings):
    """The simulator's current instant (aware, UTC): the ``clock`` setting or now."""
    if settings.get("clock"):
        return parse_instant(settings["clock"]).astimezone(UTC)
    return datetime.now(UTC)


def simulator_today(settings):
    """The Belgian calendar date the checks decide by (``today`` setting first)."""
    if settings.get("today"):
        return date.fromisoformat(settings["today"])
    return simulator_now(settings).astimezone(BELGIAN_TIME).date()
