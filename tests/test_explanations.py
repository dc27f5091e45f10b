# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Remarks in plain language, outcome colours and compliance figures. Plain pytest."""

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass import compliance, explanations, lifecycle  # noqa: E402
from carpass.checks import MAX_DAYS_LATE  # noqa: E402

DOCUMENTED_CODES = (
    "READING_LOWER_THAN_PREVIOUS",
    "READING_TOO_HIGH",
    "DUPLICATE_READING",
    "READING_DATE_TOO_OLD",
    "ROUNDED_READING",
    "OTHER_ACTIVITY_WITHOUT_DETAIL",
)


@pytest.mark.parametrize("code", DOCUMENTED_CODES)
def test_every_documented_code_is_explained_with_an_action(code):
    explanation = explanations.explain_issue(code)
    assert explanation is not explanations.UNKNOWN_ISSUE
    assert explanation.meaning and explanation.todo
    assert explanation.action in explanations.ACTIONS
    # The templates fill in with the parameters given.
    params = explanations.explanation_params(code)
    assert "%(" not in (explanation.meaning % params + explanation.todo % params)


def test_unknown_code_says_to_check_at_carpass_and_names_the_code():
    explanation = explanations.explain_issue("SOMETHING_NEW")
    assert explanation.action == explanations.CHECK_AT_CARPASS
    text = explanation.meaning % explanations.explanation_params("SOMETHING_NEW")
    assert "SOMETHING_NEW" in text


def test_local_finding_keeps_its_own_message_and_points_to_edit():
    explanation = explanations.explain_issue("round_reading", source="local")
    assert explanation.meaning == ""
    assert explanation.action == explanations.EDIT


def test_old_date_explanation_names_the_legal_delay():
    explanation = explanations.explain_issue("READING_DATE_TOO_OLD")
    params = explanations.explanation_params("READING_DATE_TOO_OLD")
    assert str(MAX_DAYS_LATE) in explanation.meaning % params


@pytest.mark.parametrize(
    ("action", "can_confirm", "can_edit", "is_manager", "expected"),
    [
        (explanations.CONFIRM, True, True, True, explanations.CONFIRM),
        # A garage user cannot confirm: correcting is the way.
        (explanations.CONFIRM, True, True, False, explanations.EDIT),
        (explanations.CONFIRM, False, True, True, explanations.EDIT),
        (explanations.EDIT, False, False, True, explanations.CHECK_AT_CARPASS),
        (explanations.CORRECTION_FORM, False, False, False, "correction_form"),
    ],
)
def test_usable_action(action, can_confirm, can_edit, is_manager, expected):
    assert (
        explanations.usable_action(
            action, can_confirm=can_confirm, can_edit=can_edit, is_manager=is_manager
        )
        == expected
    )


@pytest.mark.parametrize(
    ("state", "success", "tone"),
    [
        ("accepted", True, "success"),
        ("confirmed", True, "success"),
        ("anomaly", True, "warning"),
        ("rejected", True, "danger"),
        ("ongoing", True, "info"),
        ("error", False, "danger"),
        ("draft", False, "danger"),
        # Nothing to send: already accepted.
        ("accepted", False, "info"),
        ("ongoing", False, "info"),
    ],
)
def test_outcome_tone(state, success, tone):
    assert lifecycle.outcome_tone(state, success) == tone


def test_notification_takes_the_worst_tone():
    assert lifecycle.notification_tone(["success", "info"]) == "success"
    assert lifecycle.notification_tone(["success", "warning"]) == "warning"
    assert lifecycle.notification_tone(["warning", "danger", "info"]) == "danger"
    assert lifecycle.notification_tone(["info"]) == "info"
    assert lifecycle.notification_tone(["muted"]) == "info"
    assert lifecycle.notification_tone([]) == "info"


def test_needs_attention_counts_every_open_duty():
    assert not lifecycle.needs_attention("accepted")
    assert lifecycle.needs_attention("accepted", description_failed=True)
    assert lifecycle.needs_attention("ongoing", outcome_unknown=True)
    assert lifecycle.needs_attention("draft")


def test_a_due_description_never_sent_needs_attention():
    assert lifecycle.needs_attention("accepted", description_missing=True)


def missing(state="accepted", **kwargs):
    values = {
        "known_to_carpass": True,
        "description_unsent": True,
        "reading_date": date(2026, 3, 5),
        **kwargs,
    }
    return lifecycle.description_missing(state, **values)


@pytest.mark.parametrize("state", lifecycle.DESCRIBABLE_STATES)
def test_description_is_missing_once_car_pass_holds_the_reading(state):
    assert missing(state)
    # Sent (or failed: counted as such) is not missing.
    assert not missing(state, description_unsent=False)


@pytest.mark.parametrize("state", ["draft", "sending", "error", "rejected", "skipped"])
def test_description_is_not_due_without_a_reading_car_pass_describes(state):
    # Not there yet (the first send, its description follows the answer), failed,
    # refused by Car-Pass (it takes no description) or skipped.
    assert not missing(state)


def test_description_is_not_due_before_car_pass_gave_a_request_id():
    assert not missing("accepted", known_to_carpass=False)


def test_description_is_due_for_readings_from_2024_on():
    start = lifecycle.DESCRIPTION_REQUIRED_FROM
    assert start == date(2024, 1, 1)
    assert missing(reading_date=start)
    assert not missing(reading_date=start - timedelta(days=1))
    assert not missing(reading_date=False)


def test_description_missing_domain_names_the_same_conditions():
    domain = dict(
        (field, (operator, value))
        for field, operator, value in lifecycle.description_missing_domain()
    )
    assert domain == {
        "request_guid": ("!=", False),
        "state": ("in", list(lifecycle.DESCRIBABLE_STATES)),
        "description_state": ("=", "not_sent"),
        "reading_date": (">=", lifecycle.DESCRIPTION_REQUIRED_FROM),
    }


def test_missing_description_is_explained_with_its_action():
    explanation = explanations.DESCRIPTION_MISSING
    assert explanation.meaning and explanation.todo
    assert explanation.action == explanations.SEND_DESCRIPTION
    assert explanation.action in explanations.ACTIONS


def test_overdue_before_is_the_legal_delay():
    assert lifecycle.overdue_before(date(2026, 3, 10), 5) == date(2026, 3, 5)


def test_on_time_and_trusted_provider():
    assert compliance.is_on_time(date(2026, 3, 1), date(2026, 3, 1 + MAX_DAYS_LATE))
    assert not compliance.is_on_time(date(2026, 3, 1), date(2026, 3, 2 + MAX_DAYS_LATE))
    assert not compliance.is_on_time(date(2026, 3, 1), None)
    assert compliance.flagged_percent(1, 200) == 0.5
    assert compliance.is_trusted_provider(1, 200)
    assert not compliance.is_trusted_provider(2, 200)
    assert compliance.is_trusted_provider(0, 0)


def test_refused_fields_are_named_and_known_codes_explained():
    assert explanations.field_name("licensePlate") == "license plate"
    assert explanations.field_name("activities[2]") == "work description"
    assert explanations.field_name("somethingNew") is None
    assert "%(field)s" in explanations.explain_field_error("REQUIRED")
    assert explanations.explain_field_error("FIRST_USE_AFTER_READING")
    assert explanations.explain_field_error("NOT_A_CODE") is None
    assert explanations.explain_field_error(None) is None
