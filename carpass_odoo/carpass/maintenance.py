# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass's weekly maintenance window, known by the Brussels clock.

The spec (reference §2.6) gives the production window as Thursday 19:00-24:00
CET. It is read here as Brussels local time (CET in winter, CEST in summer),
the clock Belgian garages and Car-Pass live by. Sends inside the window wait
for its end instead of making a call that can only fail.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
# Thursday is weekday 3 (Monday = 0).
WINDOW_WEEKDAY = 3
WINDOW_START = time(19, 0)


def _brussels_now(now=None):
    """``now`` (aware, or naive UTC as Odoo stores it; default: the clock) in Brussels."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(BRUSSELS)


def brussels_today(now=None):
    """The Brussels calendar date at ``now`` (stand-in until a shared clock module)."""
    return _brussels_now(now).date()


def in_maintenance_window(now=None):
    """True when ``now`` is inside Thursday 19:00-24:00, Brussels time."""
    local = _brussels_now(now)
    return local.weekday() == WINDOW_WEEKDAY and local.time() >= WINDOW_START


def maintenance_window_end(now=None):
    """The end of the window ``now`` is in, as naive UTC; None outside the window."""
    local = _brussels_now(now)
    if not in_maintenance_window(local):
        return None
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), BRUSSELS)
    return midnight.astimezone(UTC).replace(tzinfo=None)
