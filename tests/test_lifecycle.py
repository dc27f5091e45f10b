# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The registration's decisions (carpass/lifecycle.py). Plain pytest: no Odoo."""

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass import lifecycle  # noqa: E402
from carpass.exceptions import (  # noqa: E402
    CarpassLookupUnsupportedError,
    CarpassProtocolError,
    CarpassTimeoutError,
    CarpassUnavailableError,
    CarpassValidationError,
)
from carpass.payloads import Status  # noqa: E402

NOW = datetime(2026, 3, 5, 10, 0, 0)


# Car-Pass answer -> state -----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Status.ONGOING, "ongoing"),
        (Status.REVIEWING, "ongoing"),
        (Status.WAITING_FOR_DIV, "waiting"),
        (Status.ACTION_REQUIRED, "anomaly"),
        (Status.REJECTED, "rejected"),
        (Status.DONE, "accepted"),
    ],
)
def test_every_answer_has_a_state(status, state):
    assert lifecycle.state_for_answer(status, "sending") == state


def test_every_status_is_mapped():
    for status in Status:
        assert lifecycle.state_for_answer(status, "draft") in lifecycle.STATES


def test_a_confirmed_registration_stays_confirmed_when_done():
    assert lifecycle.state_for_answer(Status.DONE, "confirmed") == "confirmed"
    assert lifecycle.state_for_answer(Status.ACTION_REQUIRED, "confirmed") == (
        "anomaly"
    )


# Retry delay and give-up rule -------------------------------------------------------


def test_backoff_doubles_from_one_minute_up_to_four_hours():
    delays = [lifecycle.retry_plan(attempts).delay for attempts in range(10)]
    assert delays[:5] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16)]
    assert delays[8] == timedelta(minutes=240)
    assert delays[9] == timedelta(minutes=240)
    assert [lifecycle.retry_plan(n).attempts for n in range(3)] == [1, 2, 3]


def test_car_pass_retry_after_is_honoured_when_longer():
    assert lifecycle.retry_plan(0, retry_after_seconds=3600).delay == timedelta(hours=1)
    assert lifecycle.retry_plan(8, retry_after_seconds=60).delay == timedelta(hours=4)


def test_automatic_attempts_are_capped():
    last = lifecycle.MAX_AUTOMATIC_ATTEMPTS - 1
    assert lifecycle.retry_plan(last).retry
    assert lifecycle.retry_plan(last).attempts == lifecycle.MAX_AUTOMATIC_ATTEMPTS
    given_up = lifecycle.retry_plan(lifecycle.MAX_AUTOMATIC_ATTEMPTS)
    assert (given_up.retry, given_up.delay) == (False, None)
    assert given_up.attempts == lifecycle.MAX_AUTOMATIC_ATTEMPTS
    # A given-up registration stays in error, which needs attention.
    assert lifecycle.needs_attention("error")


# What follows a failed call -------------------------------------------------------


def test_a_transport_failure_is_retried_with_backoff():
    plan = lifecycle.failure_plan(
        CarpassTimeoutError("no answer"), outcome_was_unknown=False, attempts_before=2
    )
    assert plan.retry and not plan.outcome_unknown
    assert plan.delay == timedelta(minutes=4)
    assert plan.attempts == 3


def test_maintenance_waits_at_least_what_car_pass_asks():
    error = CarpassUnavailableError("maintenance", maintenance=True, retry_after=3600)
    plan = lifecycle.failure_plan(error, outcome_was_unknown=False, attempts_before=0)
    assert plan.retry and plan.delay == timedelta(hours=1)


def test_a_refusal_is_final():
    plan = lifecycle.failure_plan(
        CarpassValidationError("bad VIN"), outcome_was_unknown=False, attempts_before=0
    )
    assert not plan.retry and not plan.outcome_unknown and plan.delay is None


def test_an_unusable_answer_with_a_request_guid_is_never_repeated():
    error = CarpassProtocolError("odd answer", request_guid="abc-123", answer="{}")
    plan = lifecycle.failure_plan(error, outcome_was_unknown=False, attempts_before=0)
    assert not plan.retry
    assert plan.outcome_unknown and plan.request_guid == "abc-123"


def test_an_unsupported_look_up_waits_for_a_person():
    error = CarpassLookupUnsupportedError("405", status_code=405)
    plan = lifecycle.failure_plan(error, outcome_was_unknown=True, attempts_before=0)
    assert not plan.retry
    assert plan.outcome_unknown and plan.check_at_carpass


def test_an_unknown_outcome_is_looked_up_until_the_attempts_run_out():
    error = CarpassProtocolError("cut answer", outcome_unknown=True)
    plan = lifecycle.failure_plan(error, outcome_was_unknown=False, attempts_before=0)
    assert plan.retry and plan.outcome_unknown
    given_up = lifecycle.failure_plan(
        error,
        outcome_was_unknown=True,
        attempts_before=lifecycle.MAX_AUTOMATIC_ATTEMPTS,
    )
    assert not given_up.retry
    assert given_up.attempts_exhausted and given_up.check_at_carpass


def test_send_again_only_for_an_unknown_outcome_car_pass_cannot_be_asked_about():
    actions = lifecycle.allowed_actions(
        "error", known_to_carpass=False, outcome_unknown=True
    )
    assert lifecycle.SEND_AGAIN in actions
    for state, known, unknown in (
        ("error", False, False),
        ("error", True, True),
        ("draft", False, True),
    ):
        actions = lifecycle.allowed_actions(
            state, known_to_carpass=known, outcome_unknown=unknown
        )
        assert lifecycle.SEND_AGAIN not in actions
    # While the retry cron still plans to look it up and resend it, nobody has to.
    actions = lifecycle.allowed_actions(
        "error", known_to_carpass=False, outcome_unknown=True, retrying=True
    )
    assert lifecycle.SEND_AGAIN not in actions


def test_sending_goes_stale_after_ten_minutes():
    assert lifecycle.sending_is_stale(None, NOW)
    assert lifecycle.sending_is_stale(NOW - timedelta(minutes=10), NOW)
    assert not lifecycle.sending_is_stale(NOW - timedelta(minutes=9), NOW)


def _matches(domain, row):
    """Evaluate a prefix-notation domain on a dict: '|', '&', implicit '&' between
    top-level terms, and the leaf operators the lifecycle's domains use."""
    compare = {
        "=": lambda actual, value: actual == value,
        "!=": lambda actual, value: actual != value,
        "in": lambda actual, value: actual in value,
        "<=": lambda actual, value: actual is not None and actual <= value,
        ">=": lambda actual, value: actual is not None and actual >= value,
    }
    stack = []
    for term in reversed(domain):
        if term in ("|", "&"):
            left, right = stack.pop(), stack.pop()
            stack.append(left or right if term == "|" else left and right)
            continue
        field, operator, value = term
        stack.append(compare[operator](row.get(field), value))
    return all(stack)


@pytest.mark.parametrize(
    ("row", "due"),
    [
        ({"state": "error", "retryable": True, "next_retry_at": NOW}, True),
        (
            {
                "state": "error",
                "retryable": True,
                "next_retry_at": NOW + timedelta(seconds=1),
            },
            False,
        ),
        ({"state": "error", "retryable": False, "next_retry_at": NOW}, False),
        ({"state": "draft", "retryable": True, "next_retry_at": NOW}, False),
        ({"state": "sending", "sending_since": NOW - timedelta(minutes=10)}, True),
        ({"state": "sending", "sending_since": NOW - timedelta(minutes=2)}, False),
        ({"state": "accepted", "sending_since": NOW - timedelta(hours=1)}, False),
    ],
)
def test_due_for_a_retry(row, due):
    assert _matches(lifecycle.retry_due_domain(NOW), row) is due


REPORTED = {"request_guid": "guid-1", "state": "accepted", "sent_date": NOW}


@pytest.mark.parametrize(
    ("row", "due"),
    [
        ({**REPORTED, "description_state": "not_sent"}, True),
        (
            {
                **REPORTED,
                "description_state": "not_sent",
                "sent_date": NOW - timedelta(days=lifecycle.DESCRIPTION_CATCH_UP_DAYS),
            },
            True,
        ),
        (
            {
                **REPORTED,
                "description_state": "not_sent",
                "sent_date": NOW
                - timedelta(days=lifecycle.DESCRIPTION_CATCH_UP_DAYS, seconds=1),
            },
            False,
        ),
        ({**REPORTED, "description_state": "sent"}, False),
        (
            {
                **REPORTED,
                "description_state": "error",
                "description_retryable": True,
                "description_next_retry_at": NOW,
            },
            True,
        ),
        (
            {
                **REPORTED,
                "description_state": "error",
                "description_retryable": True,
                "description_next_retry_at": NOW + timedelta(seconds=1),
            },
            False,
        ),
        (
            {
                **REPORTED,
                "description_state": "error",
                "description_retryable": False,
                "description_next_retry_at": NOW,
            },
            False,
        ),
        ({**REPORTED, "request_guid": False, "description_state": "not_sent"}, False),
        ({**REPORTED, "state": "rejected", "description_state": "not_sent"}, False),
        ({**REPORTED, "state": "anomaly", "description_state": "not_sent"}, True),
    ],
)
def test_description_due(row, due):
    assert _matches(lifecycle.description_due_domain(NOW), row) is due


# Allowed actions --------------------------------------------------------------------


def actions(state, **kwargs):
    kwargs.setdefault("known_to_carpass", state not in ("draft", "skipped"))
    return lifecycle.allowed_actions(state, **kwargs)


@pytest.mark.parametrize("state", ["draft", "error", "anomaly", "rejected"])
def test_what_needs_attention_can_be_edited_and_sent(state):
    assert {lifecycle.EDIT, lifecycle.SEND} <= actions(state)
    assert lifecycle.needs_attention(state)


@pytest.mark.parametrize(
    "state", ["sending", "ongoing", "waiting", "accepted", "confirmed", "skipped"]
)
def test_what_is_at_car_pass_or_skipped_cannot_be_edited_nor_sent(state):
    assert not {lifecycle.EDIT, lifecycle.SEND} & actions(state)
    assert not lifecycle.needs_attention(state)


def test_awaiting_car_pass_is_on_its_way_or_undecided_there():
    awaiting = {
        state for state in lifecycle.STATES if lifecycle.awaiting_carpass(state)
    }
    assert awaiting == {"sending", "ongoing", "waiting"}
    # Nothing a user must act on is merely awaited.
    assert not any(lifecycle.needs_attention(state) for state in awaiting)


def test_confirm_needs_an_anomaly_whose_every_remark_allows_it():
    confirmable = [{"confirm", "correct"}, {"confirm"}]
    assert lifecycle.CONFIRM in actions("anomaly", open_remark_actions=confirmable)
    assert lifecycle.CONFIRM not in actions(
        "anomaly", open_remark_actions=[{"confirm"}, {"correct"}]
    )
    assert lifecycle.CONFIRM not in actions("anomaly", open_remark_actions=[])
    assert lifecycle.CONFIRM not in actions(
        "anomaly", known_to_carpass=False, open_remark_actions=confirmable
    )
    assert lifecycle.CONFIRM not in actions("rejected", open_remark_actions=confirmable)


def test_manual_correction_and_status_need_a_request_at_car_pass():
    assert lifecycle.MANUAL_CORRECTION in actions("accepted")
    assert lifecycle.REFRESH_STATUS in actions("accepted")
    assert lifecycle.MANUAL_CORRECTION not in actions("confirmed")
    assert lifecycle.MANUAL_CORRECTION not in actions("error", known_to_carpass=False)
    assert lifecycle.REFRESH_STATUS not in actions("draft")


def test_only_skipped_or_failed_go_back_to_draft():
    allowed = [
        state
        for state in lifecycle.STATES
        if lifecycle.RESET_TO_DRAFT in actions(state)
    ]
    assert allowed == ["error", "skipped"]


def test_correction_form_after_rejection_or_repeated_failed_corrections():
    assert lifecycle.CORRECTION_FORM in actions("rejected")
    assert lifecycle.CORRECTION_FORM not in actions("anomaly", failed_corrections=1)
    assert lifecycle.CORRECTION_FORM in actions("anomaly", failed_corrections=2)
    assert lifecycle.CORRECTION_FORM in actions(
        "error", failed_corrections=3, correction_threshold=3
    )
    assert lifecycle.CORRECTION_FORM not in actions("accepted", failed_corrections=5)


def test_correction_form_printable_only_for_what_car_pass_received():
    for state in lifecycle.STATES:
        assert lifecycle.PRINT_CORRECTION_FORM in actions(state, known_to_carpass=True)
        never_received = actions(state, known_to_carpass=False, failed_corrections=9)
        assert lifecycle.PRINT_CORRECTION_FORM not in never_received
        assert lifecycle.CORRECTION_FORM not in never_received


def test_every_state_has_a_tone():
    tones = {state: lifecycle.tone(state) for state in lifecycle.STATES}
    assert tones["error"] == tones["rejected"] == "danger"
    assert tones["anomaly"] == tones["draft"] == "warning"
    assert tones["accepted"] == tones["confirmed"] == "success"
    assert tones["skipped"] == "muted"
    assert tones["ongoing"] == tones["waiting"] == tones["sending"] == "info"


# No state list in XML ---------------------------------------------------------------

ADDON = Path(__file__).resolve().parents[1] / "carpass_odoo"
# Odoo's repair.order has states of its own; its views may test them.
REPAIR_STATES = {"draft", "confirmed", "under_repair", "done", "cancel"}
# `x in (...)`, `x not in [...]`, `('x', 'in', (...))`: the field and the quoted items.
STATE_LIST = re.compile(
    r"""(?P<field>\w+)['"]?\s*,?\s*['"]?\s*(?:not\s+)?in['"]?\s*,?\s*"""
    r"""[(\[](?P<items>(?:\s*['"][\w-]+['"]\s*,?)+)[)\]]"""
)


def xml_state_lists():
    """(file, field, items) of every list of quoted words tested in the addon's XML."""
    for path in sorted(ADDON.rglob("*.xml")):
        for match in STATE_LIST.finditer(path.read_text(encoding="utf-8")):
            items = set(re.findall(r"""['"]([\w-]+)['"]""", match["items"]))
            yield path.relative_to(ADDON), match["field"], items


def test_the_pattern_finds_state_lists_in_views_and_domains():
    found = [
        (match["field"], match["items"])
        for text in (
            "state in ('draft', 'error')",
            """[("state", "not in", ["ongoing", "waiting"])]""",
        )
        for match in STATE_LIST.finditer(text)
    ]
    assert [field for field, _items in found] == ["state", "state"]


def test_no_registration_state_list_appears_in_xml():
    """Views and filters read the model's flags (``can_send``, ``needs_attention``,
    ``awaiting_carpass``...): a rule lives in lifecycle.py, not in a list of states.
    Only the repair order's own Odoo states may be listed."""
    registration_only = set(lifecycle.STATES) - REPAIR_STATES
    lists = list(xml_state_lists())
    assert any(
        items <= REPAIR_STATES for _path, _field, items in lists
    ), "the repair order's views list its states: the scan must see them"
    offending = [
        (str(path), field, sorted(items))
        for path, field, items in lists
        if items & registration_only
        or (field in ("state", "carpass_state") and not items <= REPAIR_STATES)
    ]
    assert offending == []


# Skip: only a report that never reached Car-Pass ---------------------------------


@pytest.mark.parametrize("state", ["draft", "error"])
def test_a_report_never_sent_may_be_skipped(state):
    assert lifecycle.SKIP in actions(state, known_to_carpass=False)
    assert lifecycle.can_skip(state, known_to_carpass=False)
    assert not lifecycle.reached_carpass(state, known_to_carpass=False)


@pytest.mark.parametrize(
    "state",
    [
        "sending",
        "ongoing",
        "waiting",
        "accepted",
        "anomaly",
        "confirmed",
        "rejected",
        "skipped",
    ],
)
def test_what_is_on_its_way_decided_at_car_pass_or_skipped_is_never_skipped(state):
    assert lifecycle.SKIP not in actions(state)
    assert lifecycle.SKIP not in actions(state, known_to_carpass=False)


@pytest.mark.parametrize(
    "sign",
    [
        {"known_to_carpass": True},
        {"outcome_unknown": True},
        {"answered": True},
    ],
)
@pytest.mark.parametrize("state", ["draft", "error"])
def test_a_report_that_reached_car_pass_or_may_have_is_never_skipped(state, sign):
    kwargs = {"known_to_carpass": False, **sign}
    assert lifecycle.reached_carpass(state, **kwargs)
    assert not lifecycle.can_skip(state, **kwargs)
    assert lifecycle.SKIP not in actions(state, **kwargs)
