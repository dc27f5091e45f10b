# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one definition of "now" and "today" for Car-Pass: Belgian local time.

Car-Pass is a Belgian registry: a reading date is a calendar date in
Europe/Brussels, whatever the time zone of the user, the server or the machine.
At 23:30 UTC in winter it is already 00:30 the next day in Brussels, and that
next day is the date Car-Pass accepts. The user's own time zone is for display
only; timestamps (sent at, retry at) stay UTC as Odoo stores them.

Plain Python, never imports odoo. Every check, default and cron that needs the
day asks ``belgian_today()``; tests fix the instant with freezegun (it patches
``datetime.now``) or pass ``now`` explicitly.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BELGIAN_TIME = ZoneInfo("Europe/Brussels")


def belgian_now(now=None) -> datetime:
    """The instant ``now`` (default: the machine's clock) in Belgian local time.

    ``now`` is an aware datetime, or a naive one read as UTC (Odoo's
    ``fields.Datetime`` values are naive UTC). Returns an aware datetime in
    Europe/Brussels (CET, UTC+1, or CEST, UTC+2, in summer).
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(BELGIAN_TIME)


def belgian_today(now=None) -> date:
    """The Belgian calendar date at the instant ``now`` (default: now).

    This is the "today" of every Car-Pass check: a reading dated after it is in
    the future, days late are counted from it, a history report is valid until a
    day counted from it.
    """
    return belgian_now(now).date()
