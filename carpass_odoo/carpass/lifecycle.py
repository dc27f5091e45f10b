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
from datetime import date, timedelta

from .exceptions import (
    CarpassLookupUnsupportedError,
    CarpassProtocolError,
    CarpassTransientError,
    CarpassUnavailableError,
)
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
# Sent and not decided yet: on its way, or pending at Car-Pass (the overview's
# "Pending at Car-Pass" filter).
AWAITING_CARPASS_STATES = ("sending", *PENDING_STATES)
# What the envelope may send (again), and the pencil edit.
SENDABLE_STATES = ("draft", "error", "anomaly", "rejected")
# Car-Pass holds the data it flagged: sending them again unchanged is refused again.
FLAGGED_STATES = ("anomaly", "rejected")
# Car-Pass holds an observation it describes (see the work description).
DESCRIBABLE_STATES = ("ongoing", "waiting", "anomaly", "accepted", "confirmed")
# The law asks a work description with every reading taken from this day on.
DESCRIPTION_REQUIRED_FROM = date(2024, 1, 1)

_STATE_FOR_STATUS = {
    Status.ONGOING: "ongoing",
    Status.REVIEWING: "ongoing",
    Status.WAITING_FOR_DIV: "waiting",
    Status.ACTION_REQUIRED: "anomaly",
    Status.REJECTED: "rejected",
    Status.DONE: "accepted",
    # A status word this addon does not know: the report is still pending there.
    Status.UNKNOWN: "ongoing",
}

# Car-Pass holds these readings as right: they count as a vehicle's earlier readings.
TRUSTED_STATES = ("accepted", "confirmed")

# Transport failures are retried after 1, 2, 4, ... minutes, at most every 4 hours,
RETRY_BASE_MINUTES = 1
RETRY_MAX_MINUTES = 240
# and at most this many times in a row (about a day): then the registration
# stays in error, needs attention, and waits for a user's Send.
MAX_AUTOMATIC_ATTEMPTS = 12
# A registration left in "sending" this long was interrupted: its outcome is unknown.
STALE_SENDING_MINUTES = 10
# Work descriptions never sent are caught up by the cron for readings sent this
# many days ago at most.
DESCRIPTION_CATCH_UP_DAYS = 30

# The actions of ``allowed_actions``.
EDIT = "edit"
SEND = "send"
SEND_AGAIN = "send_again"
CONFIRM = "confirm"
MANUAL_CORRECTION = "manual_correction"
RESET_TO_DRAFT = "reset_to_draft"
REFRESH_STATUS = "refresh_status"
CORRECTION_FORM = "correction_form"
PRINT_CORRECTION_FORM = "print_correction_form"
SKIP = "skip"

# States a registration holds while Car-Pass may never have seen its reading: not
# sent yet, failed before Car-Pass took it, or skipped (see ``reached_carpass``).
UNSENT_STATES = ("draft", "error", "skipped")


def state_for_answer(status, current_state):
    """The registration's state after Car-Pass answered ``status`` (a ``Status``).

    A confirmed registration stays confirmed when Car-Pass answers "done": the
    confirmation is what made it done.
    """
    state = _STATE_FOR_STATUS[status]
    if state == "accepted" and current_state == "confirmed":
        return "confirmed"
    return state


def reading_is_trusted(state, odometer_work=False):
    """True when a reading may count as the vehicle's previous or latest one.

    The one rule for Fleet's odometer log, the local checks and every prefill:
    Car-Pass accepted the reading, or it was confirmed as correct, or it was
    declared to Car-Pass as odometer work (replaced or repaired: the new counter
    starts there) and Car-Pass has not refused it. A reading not sent yet, failed,
    flagged or refused never counts: a wrong one must not vouch for itself.
    """
    if state in TRUSTED_STATES:
        return True
    return bool(odometer_work) and state in PENDING_STATES


def needs_attention(
    state, *, description_failed=False, description_missing=False, outcome_unknown=False
):
    """True when a legal duty is open and a user must act.

    The reading is not sent yet, failed, flagged or refused (``ATTENTION_STATES``),
    its work description failed (``description_failed``) or was never sent while
    due (``description_missing``, see ``description_missing``), or Car-Pass's
    outcome of the last send is unknown (``outcome_unknown``).
    """
    return bool(
        state in ATTENTION_STATES
        or description_failed
        or description_missing
        or outcome_unknown
    )


def description_missing(state, *, known_to_carpass, description_unsent, reading_date):
    """True when the work description is due and Car-Pass never received it.

    Due: Car-Pass holds the reading (``known_to_carpass``: it gave a request id)
    in a state that takes a description (``DESCRIBABLE_STATES``: not a refused
    one), and the reading is dated from ``DESCRIPTION_REQUIRED_FROM`` on, when the
    law made it mandatory. A reading still on its first way to Car-Pass
    ("sending", no request id) is not due yet: its description leaves right after
    the answer. ``description_unsent``: never sent, or changed since it was (a
    failed one is ``description_failed`` in ``needs_attention``).
    """
    return bool(
        known_to_carpass
        and state in DESCRIBABLE_STATES
        and description_unsent
        and reading_date
        and reading_date >= DESCRIPTION_REQUIRED_FROM
    )


def description_missing_domain():
    """``description_missing`` as an Odoo domain (plain lists), for searching."""
    return [
        ("request_guid", "!=", False),
        ("state", "in", list(DESCRIBABLE_STATES)),
        ("description_state", "=", "not_sent"),
        ("reading_date", ">=", DESCRIPTION_REQUIRED_FROM),
    ]


def overdue_before(today, max_days_late):
    """A reading dated before this day and still not reported is late.

    ``today`` is the Belgian day (a date); ``max_days_late`` the legal delay in
    days (``checks.MAX_DAYS_LATE``).
    """
    return today - timedelta(days=max_days_late)


def awaiting_carpass(state):
    """True when the reading is on its way to Car-Pass or waits for its decision."""
    return state in AWAITING_CARPASS_STATES


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


@dataclass(frozen=True)
class FailurePlan:
    """What follows a failed call, so that no guess about the API reports twice.

    ``retry``: the retry cron tries again by itself after ``delay`` (a timedelta);
    ``attempts``: the automatic attempts counted so far.
    ``outcome_unknown``: Car-Pass may hold the observation; never create it again
    without looking it up or a person's word.
    ``check_at_carpass``: a person must check at Car-Pass before it is sent again
    (the look-up is unavailable, or the automatic attempts ran out on an unknown
    outcome).
    ``attempts_exhausted``: the automatic attempts are used up.
    ``request_guid``: the GUID an otherwise unusable answer named, or None.
    """

    retry: bool
    outcome_unknown: bool
    delay: timedelta | None = None
    attempts: int = 0
    check_at_carpass: bool = False
    attempts_exhausted: bool = False
    request_guid: str | None = None


def failure_plan(error, *, outcome_was_unknown, attempts_before):
    """The plan after ``error`` (a ``CarpassError``).

    - an answer naming a usable request GUID but otherwise unusable: Car-Pass holds
      the observation; its GUID is kept and nothing is repeated by itself;
    - a look-up Car-Pass does not answer (404, 405, 501, ...) says nothing about
      whether the observation arrived: nothing is sent again by itself, a person
      checks at Car-Pass and sends again by hand;
    - a transport failure or an unknown outcome is tried again by the cron
      (``retry_plan``: backoff, then given up after ``MAX_AUTOMATIC_ATTEMPTS``);
    - anything else (a refusal) is final until a user changes something.

    ``outcome_was_unknown`` is the registration's flag before the call;
    ``attempts_before`` its automatic attempts so far.
    """
    request_guid = (
        error.request_guid if isinstance(error, CarpassProtocolError) else None
    )
    if request_guid:
        return FailurePlan(retry=False, outcome_unknown=True, request_guid=request_guid)
    if isinstance(error, CarpassLookupUnsupportedError):
        return FailurePlan(retry=False, outcome_unknown=True, check_at_carpass=True)
    outcome_unknown = bool(outcome_was_unknown or error.outcome_unknown)
    if not (isinstance(error, CarpassTransientError) or outcome_unknown):
        return FailurePlan(retry=False, outcome_unknown=False)
    retry_after = (
        error.retry_after if isinstance(error, CarpassUnavailableError) else None
    )
    plan = retry_plan(attempts_before, retry_after)
    if not plan.retry:
        return FailurePlan(
            retry=False,
            outcome_unknown=outcome_unknown,
            attempts=plan.attempts,
            check_at_carpass=outcome_unknown,
            attempts_exhausted=True,
        )
    return FailurePlan(
        retry=True,
        outcome_unknown=outcome_unknown,
        delay=plan.delay,
        attempts=plan.attempts,
    )


def stale_sending_before(now):
    """A registration "sending" since before this moment was interrupted."""
    return now - timedelta(minutes=STALE_SENDING_MINUTES)


def _failed_and_due(prefix, now):
    """Domain: the last attempt failed for a transport reason and its delay passed.

    ``prefix`` names the fields of the reading (``""``) or of the work description
    (``"description_"``), which keep their retry state side by side.
    """
    return [
        "&",
        (f"{prefix}state", "=", "error"),
        "&",
        (f"{prefix}retryable", "=", True),
        (f"{prefix}next_retry_at", "<=", now),
    ]


def retry_due_domain(now):
    """The one definition of "due for a retry", as an Odoo domain (plain lists).

    A transport failure whose delay has passed, or a send interrupted long enough
    ago. The cron searches with it and checks it again once the row is locked.
    """
    return [
        "|",
        *_failed_and_due("", now),
        "&",
        ("state", "=", "sending"),
        ("sending_since", "<=", stale_sending_before(now)),
    ]


def description_due_domain(now):
    """When a work description is due for the description cron, as an Odoo domain.

    The reading reached Car-Pass (a request GUID, a state that takes a
    description), and the description either failed for a transport reason whose
    delay has passed, or was never sent while the reading was sent within the last
    ``DESCRIPTION_CATCH_UP_DAYS`` days (older readings predate descriptions and are
    left alone rather than flooding Car-Pass at an upgrade). Checked again under
    the row lock, like ``retry_due_domain``.
    """
    return [
        ("request_guid", "!=", False),
        ("state", "in", DESCRIBABLE_STATES),
        "|",
        *_failed_and_due("description_", now),
        "&",
        ("description_state", "=", "not_sent"),
        ("sent_date", ">=", now - timedelta(days=DESCRIPTION_CATCH_UP_DAYS)),
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


def reached_carpass(state, *, known_to_carpass, outcome_unknown=False, answered=False):
    """True when Car-Pass holds this reading, or may hold it.

    Car-Pass gave it a request id (``known_to_carpass``), answered one of its
    sends (``answered``), the last send may have arrived (``outcome_unknown``),
    or its state says it is on its way or decided there. Such a report is never
    skipped, and the repair it reports keeps its vehicle, VIN and reading: they
    change through a correction of the report.
    """
    return bool(
        known_to_carpass or outcome_unknown or answered or state not in UNSENT_STATES
    )


def can_skip(state, *, known_to_carpass, outcome_unknown=False, answered=False):
    """True when a report may be skipped (not reported, with a reason).

    Only a report that never reached Car-Pass (``reached_carpass``) and is still
    to be sent: a reading Car-Pass holds, accepted or flagged, stays in the
    figures and is settled by a correction, a confirmation or the correction form.
    """
    return state in SENDABLE_STATES and not reached_carpass(
        state,
        known_to_carpass=known_to_carpass,
        outcome_unknown=outcome_unknown,
        answered=answered,
    )


def allowed_actions(
    state,
    *,
    known_to_carpass,
    open_remark_actions=(),
    failed_corrections=0,
    correction_threshold=2,
    outcome_unknown=False,
    answered=False,
    retrying=False,
):
    """The actions a registration allows, as a frozenset of the action names above.

    ``known_to_carpass``: Car-Pass gave it a request id. ``outcome_unknown``: the
    last send may have arrived and could not be looked up; a person who checked at
    Car-Pass may send it again by hand (``SEND_AGAIN``), once the retry cron no
    longer does (``retrying``: an automatic look-up and resend is planned).
    ``answered``: Car-Pass answered one of its sends. Group checks (managers for confirm and manual
    correction) are the model's business, not this function's.
    """
    actions = set()
    if can_skip(
        state,
        known_to_carpass=known_to_carpass,
        outcome_unknown=outcome_unknown,
        answered=answered,
    ):
        actions.add(SKIP)
    if state in SENDABLE_STATES:
        actions |= {EDIT, SEND}
    if can_confirm(state, known_to_carpass, open_remark_actions):
        actions.add(CONFIRM)
    if known_to_carpass:
        actions.add(REFRESH_STATUS)
        if state not in ("skipped", "confirmed"):
            actions.add(MANUAL_CORRECTION)
    if state == "error" and outcome_unknown and not known_to_carpass and not retrying:
        actions.add(SEND_AGAIN)
    if state in ("skipped", "error"):
        actions.add(RESET_TO_DRAFT)
    # The paper form asks Car-Pass to correct what it received: printable once it
    # has a request id, put forward (CORRECTION_FORM) when it is the way left.
    if known_to_carpass:
        actions.add(PRINT_CORRECTION_FORM)
        if correction_form_suggested(state, failed_corrections, correction_threshold):
            actions.add(CORRECTION_FORM)
    return frozenset(actions)


TONE_ORDER = ("danger", "warning", "success", "info", "muted")


def outcome_tone(state, success):
    """How one line of a send or status notification is coloured.

    ``state`` is the registration's state after the call, ``success`` whether the
    call did something. Accepted: success; anomaly: warning; refused or failed:
    danger; nothing to do (e.g. already accepted): info.
    """
    if success:
        return tone(state)
    return "danger" if needs_attention(state) else "info"


def notification_tone(tones):
    """The colour of a notification holding lines of these tones: the worst one."""
    present = [name for name in TONE_ORDER if name in set(tones)]
    worst = present[0] if present else "info"
    return "info" if worst == "muted" else worst


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
