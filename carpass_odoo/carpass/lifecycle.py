# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The life of a registration as plain decisions: no Odoo import, no database.

A registration moves through these states (the model holds their labels)::

    draft ──send──> sending ──answer──> ongoing / waiting / accepted / anomaly / rejected
      │                │                        (``state_for_answer``)
      │                └──transport failure──> error (retried by the cron, ``retry_plan``)
      └──skip──> skipped

The model asks this module what an answer means, when to try again, what a user may
do with a registration (``allowed_actions``) and whether it needs attention; the
views show the model's computed booleans, never a list of states.
"""

from dataclasses import dataclass
from datetime import timedelta

from .payloads import Status

STATES = (
    "draft",
    "sending",
    "ongoing",
    "waiting",
    "accepted",
    "anomaly",
    "error",
    "confirmed",
    "rejected",
    "skipped",
)
# What the overview's default filter and the systray counter show.
ATTENTION_STATES = ("draft", "error", "anomaly", "rejected")
# Car-Pass has the reading and has not decided yet: the status cron follows these.
PENDING_STATES = ("ongoing", "waiting")
# What the envelope may send (again), and the pencil edit.
SENDABLE_STATES = ("draft", "error", "anomaly", "rejected")
# Car-Pass holds the data it flagged: sending them again unchanged is refused again.
FLAGGED_STATES = ("anomaly", "rejected")
# Car-Pass holds an observation it describes (see the work description).
DESCRIBABLE_STATES = ("ongoing", "waiting", "anomaly", "accepted", "confirmed")

_STATE_FOR_STATUS = {
    Status.ONGOING: "ongoing",
    Status.REVIEWING: "ongoing",
    Status.WAITING_FOR_DIV: "waiting",
    Status.ACTION_REQUIRED: "anomaly",
    Status.REJECTED: "rejected",
    Status.DONE: "accepted",
}

# Transport failures are retried after 1, 2, 4, ... minutes, at most every 4 hours,
RETRY_BASE_MINUTES = 1
RETRY_MAX_MINUTES = 240
# and at most this many times in a row (about two days): then the registration
# stays in error, needs attention, and waits for a user's Send.
MAX_AUTOMATIC_ATTEMPTS = 20
# A registration left in "sending" this long was interrupted: its outcome is unknown.
STALE_SENDING_MINUTES = 10

# The actions of ``allowed_actions``.
EDIT = "edit"
SEND = "send"
CONFIRM = "confirm"
MANUAL_CORRECTION = "manual_correction"
RESET_TO_DRAFT = "reset_to_draft"
REFRESH_STATUS = "refresh_status"
CORRECTION_FORM = "correction_form"


def state_for_answer(status, current_state):
    """The registration's state after Car-Pass answered ``status`` (a ``Status``).

    A confirmed registration stays confirmed when Car-Pass answers "done": the
    confirmation is what made it done.
    """
    state = _STATE_FOR_STATUS[status]
    if state == "accepted" and current_state == "confirmed":
        return "confirmed"
    return state


def needs_attention(state):
    """True when a user must act: not sent yet, failed, flagged or refused."""
    return state in ATTENTION_STATES


@dataclass(frozen=True)
class RetryPlan:
    """What to do after a failed attempt.

    ``retry`` tells whether the cron sends it again, ``delay`` when (a timedelta,
    None when not retried) and ``attempts`` the automatic attempts counted so far.
    """

    retry: bool
    delay: timedelta | None
    attempts: int


def retry_plan(attempts_before, retry_after_seconds=None):
    """The plan after a transport failure or an unknown outcome.

    ``attempts_before`` is the number of automatic retries already made for this
    failure streak; ``retry_after_seconds`` is what Car-Pass asked (maintenance window,
    rate limit), honoured when longer than the backoff. After
    ``MAX_AUTOMATIC_ATTEMPTS`` the registration is given up: it is not retried and
    needs attention.
    """
    attempts = attempts_before + 1
    if attempts > MAX_AUTOMATIC_ATTEMPTS:
        return RetryPlan(retry=False, delay=None, attempts=attempts_before)
    delay = timedelta(
        minutes=min(RETRY_BASE_MINUTES * 2**attempts_before, RETRY_MAX_MINUTES)
    )
    if retry_after_seconds:
        delay = max(delay, timedelta(seconds=retry_after_seconds))
    return RetryPlan(retry=True, delay=delay, attempts=attempts)


def stale_sending_before(now):
    """A registration "sending" since before this moment was interrupted."""
    return now - timedelta(minutes=STALE_SENDING_MINUTES)


def retry_due_domain(now):
    """The one definition of "due for a retry", as an Odoo domain (plain lists).

    A transport failure whose delay has passed, or a send interrupted long enough
    ago. The cron searches with it and checks it again once the row is locked.
    """
    return [
        "|",
        "&",
        ("state", "=", "error"),
        "&",
        ("retryable", "=", True),
        ("next_retry_at", "<=", now),
        "&",
        ("state", "=", "sending"),
        ("sending_since", "<=", stale_sending_before(now)),
    ]


def sending_is_stale(sending_since, now):
    """True when a "sending" registration was interrupted (or never stamped)."""
    return not sending_since or sending_since <= stale_sending_before(now)


def correction_form_suggested(state, failed_corrections, threshold):
    """True when the signed paper correction form is the way left.

    Car-Pass refused the reading, or corrections of a flagged or failed
    registration failed ``threshold`` times (the company's setting).
    """
    return state == "rejected" or (
        needs_attention(state) and failed_corrections >= threshold
    )


def can_confirm(state, known_to_carpass, open_remark_actions):
    """True when Car-Pass allows confirming every open remark as correct.

    ``open_remark_actions`` holds, per open Car-Pass remark, the actions it allows
    (e.g. ``{"confirm", "correct"}``). A lower reading, for instance, can only be
    corrected, so one such remark forbids confirming.
    """
    return bool(
        state == "anomaly"
        and known_to_carpass
        and open_remark_actions
        and all("confirm" in actions for actions in open_remark_actions)
    )


def allowed_actions(
    state,
    *,
    known_to_carpass,
    open_remark_actions=(),
    failed_corrections=0,
    correction_threshold=2,
):
    """The actions a registration allows, as a frozenset of the action names above.

    ``known_to_carpass``: Car-Pass gave it a request id. Group checks (managers for
    confirm and manual correction) are the model's business, not this function's.
    """
    actions = set()
    if state in SENDABLE_STATES:
        actions |= {EDIT, SEND}
    if can_confirm(state, known_to_carpass, open_remark_actions):
        actions.add(CONFIRM)
    if known_to_carpass:
        actions.add(REFRESH_STATUS)
        if state not in ("skipped", "confirmed"):
            actions.add(MANUAL_CORRECTION)
    if state in ("skipped", "error"):
        actions.add(RESET_TO_DRAFT)
    if correction_form_suggested(state, failed_corrections, correction_threshold):
        actions.add(CORRECTION_FORM)
    return frozenset(actions)


def tone(state):
    """How the overview colours a state: danger, warning, success, info or muted."""
    if state in ("error", "rejected"):
        return "danger"
    if state in ("anomaly", "draft"):
        return "warning"
    if state in ("accepted", "confirmed"):
        return "success"
    if state == "skipped":
        return "muted"
    return "info"
