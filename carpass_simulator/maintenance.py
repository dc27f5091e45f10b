# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly maintenance window: Thursday 19:00-24:00 CET (spec §2.6).

Off by default: the simulator only follows its clock when
``maintenance_follow_clock`` is set, so tests never depend on the weekday; the
``clock`` setting puts that clock on a chosen instant.
"""

from datetime import timedelta

from .clock import BELGIAN_TIME, simulator_now

THURSDAY = 3
WINDOW_START_HOUR = 19


def seconds_left_in_window(moment):
    """Seconds until the window ends if ``moment`` falls inside it, else None."""
    local = moment.astimezone(BELGIAN_TIME)
    if local.weekday() != THURSDAY or local.hour < WINDOW_START_HOUR:
        return None
    midnight = (local + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return max(1, int((midnight - local).total_seconds()))


def maintenance_retry_after(settings, moment=None):
    """Retry-After seconds when the API is in maintenance now, else None.

    ``moment`` defaults to the simulator's clock (see clock.py).
    """
    if settings["maintenance"]:
        return settings["maintenance_retry_after"]
    if settings["maintenance_follow_clock"]:
        return seconds_left_in_window(moment or simulator_now(settings))
    return None
