# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass's weekly maintenance window, known by the Brussels clock.

The spec (reference §2.6) gives the production window as Thursday 19:00-24:00
CET. It is read here as Brussels local time (CET in winter, CEST in summer),
the clock Belgian garages and Car-Pass live by. Sends inside the window wait
for its end instead of making a call that can only fail.

Car-Pass can also be in maintenance at other times: its 503 answer then says
so, and its Retry-After says when to try again (``try_again_at``). Messages
name that moment, not the weekly window.
"""

from datetime import UTC, datetime, time, timedelta

from .clock import BELGIAN_TIME, belgian_now

# Thursday is weekday 3 (Monday = 0).
WINDOW_WEEKDAY = 3
WINDOW_START = time(19, 0)


def in_maintenance_window(now=None):
    """True when ``now`` is inside Thursday 19:00-24:00, Brussels time."""
    local = belgian_now(now)
    return local.weekday() == WINDOW_WEEKDAY and local.time() >= WINDOW_START


def maintenance_window_end(now=None):
    """The end of the window ``now`` is in, as naive UTC; None outside the window."""
    local = belgian_now(now)
    if not in_maintenance_window(local):
        return None
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), BELGIAN_TIME)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def try_again_at(retry_after, now=None):
    """When to try again after a maintenance answer, as naive UTC (Odoo's way).

    ``retry_after``: the seconds Car-Pass asked to wait (its Retry-After, or the
    time left in the weekly window); None or 0 when it gave none, and then None.
    """
    if not retry_after or retry_after <= 0:
        return None
    moment = belgian_now(now) + timedelta(seconds=retry_after)
    return moment.astimezone(UTC).replace(tzinfo=None)
