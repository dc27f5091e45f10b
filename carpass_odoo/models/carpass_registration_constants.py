# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""States, limits and timings of a Car-Pass registration, shared by its model files."""

from datetime import date

from odoo import tools
from odoo.modules import module as odoo_module

from ..carpass.payloads import Status

STATES = [
    ("draft", "Not Sent"),
    ("sending", "Sending"),
    ("ongoing", "Ongoing"),
    ("waiting", "Waiting for Registration"),
    ("accepted", "Accepted"),
    ("anomaly", "Anomaly"),
    ("error", "Error"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
    ("skipped", "Skipped"),
]
ATTENTION_STATES = ("draft", "error", "anomaly", "rejected")
PENDING_STATES = ("ongoing", "waiting")
SENDABLE_STATES = ("draft", "error", "anomaly", "rejected")
STATUS_TO_STATE = {
    Status.ONGOING: "ongoing",
    Status.REVIEWING: "ongoing",
    Status.WAITING_FOR_DIV: "waiting",
    Status.ACTION_REQUIRED: "anomaly",
    Status.REJECTED: "rejected",
    Status.DONE: "accepted",
    # A status word of Car-Pass's this addon does not know: still pending there.
    Status.UNKNOWN: "ongoing",
}
# A reading above this cannot be on a car's dashboard (7 digits) and would not fit the column.
MAX_READING = 9_999_999
# Earlier dates are typing errors (Car-Pass started in 2006), and Odoo's tracking
# cannot store dates before year 1000.
MIN_READING_DATE = date(1970, 1, 1)
# Transport failures are retried after 1, 2, 4, ... minutes, at most every 4 hours.
RETRY_BASE_MINUTES = 1
RETRY_MAX_MINUTES = 240
# A registration left in "sending" this long was interrupted: its outcome is unknown.
STALE_SENDING_MINUTES = 10
# The drain: registrations per cron run and threads sending them at once.
DRAIN_BATCH_SIZE = 1000
DRAIN_WORKERS = 16
# What the retry cron may take, checked again in SQL once the row is locked because
# another worker may have handled the row since this one searched.
RETRY_DUE_SQL = (
    "(state = 'error' AND retryable AND next_retry_at <= %s)"
    " OR (state = 'sending' AND sending_since <= %s)"
)
# States in which Car-Pass holds the data it flagged: sending them again unchanged
# would only be refused again.
FLAGGED_STATES = ("anomaly", "rejected")
SKIP_REASONS = [
    ("foreign", "Foreign vehicle"),
    ("heavy", "Vehicle over 3.5 t"),
    ("not_applicable", "Not applicable"),
]


def in_test_mode():
    return tools.config["test_enable"] or odoo_module.current_test


# The systray counts at most this many registrations needing attention and shows
# "999+" beyond: the exact number is in the overview, and the count, which runs on
# every page load, stays bounded however large a backlog grows.
ATTENTION_COUNT_CAP = 1000
