# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The garage's compliance figures as plain decisions (no Odoo import).

Car-Pass calls a garage a "Trusted Provider" while the readings it flags stay
within 0.5 % of all the garage reports; a report is on time
when Car-Pass receives it within the legal delay after the reading
(``checks.MAX_DAYS_LATE`` days).
"""

from datetime import timedelta

from .checks import MAX_DAYS_LATE

TRUSTED_PROVIDER_MAX_FLAGGED_PERCENT = 0.5
# The dashboard's window.
DASHBOARD_MONTHS = 12


def is_on_time(reading_date, received_day):
    """True when Car-Pass received the reading (Belgian day) within the legal delay."""
    return bool(
        received_day and received_day <= reading_date + timedelta(days=MAX_DAYS_LATE)
    )


def flagged_percent(flagged, total):
    """Flagged readings as a percentage of all reports (0.0 without reports)."""
    return 100.0 * flagged / total if total else 0.0


def is_trusted_provider(flagged, total):
    """True while the flagged share stays within Car-Pass's threshold."""
    return flagged_percent(flagged, total) <= TRUSTED_PROVIDER_MAX_FLAGGED_PERCENT
