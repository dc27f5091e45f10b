# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass's remarks in plain language: what each means for the car, what to do.

Car-Pass answers with issue codes (``ROUNDED_READING``) and English remarks; garage
staff see these explanations instead, translated by the Odoo layer
(``models/carpass_messages.py``), with the one action that settles the remark.
The codes are those of docs/carpass-api.md §5 (ASSUMED: the official Issue List
was not retrieved); an unknown code gets a general explanation.
"""

from dataclasses import dataclass

from .checks import MAX_DAYS_LATE

# The actions an explanation points to (the views show one button per action).
EDIT = "edit"  # correct the data and send again
CONFIRM = "confirm"  # a manager confirms the data as correct
CORRECTION_FORM = "correction_form"  # the signed paper correction form
CHECK_AT_CARPASS = "check_at_carpass"  # ask Car-Pass for its status, look there
SEND = "send"  # send (again) as it is
SEND_DESCRIPTION = "send_description"  # send the work description
ACTIONS = (EDIT, CONFIRM, CORRECTION_FORM, CHECK_AT_CARPASS, SEND, SEND_DESCRIPTION)


def _lt(message):
    """Mark an English text for Odoo's translation export (see checks._lt)."""
    return message


@dataclass(frozen=True)
class Explanation:
    """``meaning``: what the remark says about this car; ``todo``: what to do;
    ``action``: one of ``ACTIONS``. Texts are English templates that may use
    ``%(code)s`` and ``%(max_days)s``."""

    meaning: str
    todo: str
    action: str


ISSUE_EXPLANATIONS = {
    "READING_LOWER_THAN_PREVIOUS": Explanation(
        _lt(
            "Car-Pass already holds a higher reading for this car: the reading sent "
            "is lower, which points to a misread or a tampered odometer."
        ),
        _lt(
            "Look at the odometer again. If the reading was mistyped, correct it and "
            "send again. If the odometer was replaced or repaired, tick 'Work on the "
            "odometer' and send again. If the earlier reading at Car-Pass is wrong, "
            "use the correction form."
        ),
        EDIT,
    ),
    "READING_TOO_HIGH": Explanation(
        _lt(
            "The reading means more than 1,000 km a day since the last reading "
            "Car-Pass holds for this car."
        ),
        _lt(
            "Check the reading: if a digit is wrong, correct it and send again. If "
            "the odometer really shows it, a manager confirms it as correct."
        ),
        EDIT,
    ),
    "DUPLICATE_READING": Explanation(
        _lt("Car-Pass already received this same reading for this car on this date."),
        _lt(
            "If the same reading was simply reported twice, a manager confirms it as "
            "correct. If the reading or its date is wrong, correct it and send again."
        ),
        CONFIRM,
    ),
    "READING_DATE_TOO_OLD": Explanation(
        _lt(
            "The reading is dated more than %(max_days)s days before Car-Pass "
            "received it: the report is late."
        ),
        _lt(
            "If the date is right, a manager confirms it as correct; if it was "
            "mistyped, correct it and send again. Report readings on the day of the "
            "repair."
        ),
        CONFIRM,
    ),
    "ROUNDED_READING": Explanation(
        _lt(
            "The reading is a round number (a multiple of 1,000 km): Car-Pass asks "
            "whether it was read off the odometer or estimated."
        ),
        _lt(
            "Look at the odometer: if it shows exactly this reading, a manager "
            "confirms it as correct; otherwise type the exact reading and send again."
        ),
        CONFIRM,
    ),
    "OTHER_ACTIVITY_WITHOUT_DETAIL": Explanation(
        _lt("The work description names 'other work' without saying what was done."),
        _lt("Add the job lines or a text to the work description and send it again."),
        EDIT,
    ),
}

UNKNOWN_ISSUE = Explanation(
    _lt(
        "Car-Pass flagged this reading with a remark this version does not explain "
        "yet (code %(code)s, in the technical tab)."
    ),
    _lt(
        "Look the registration up at Car-Pass, then correct the data and send again, "
        "or have a manager confirm it as correct."
    ),
    CHECK_AT_CARPASS,
)

LOCAL_FINDING = Explanation(
    "",
    _lt(
        "Correct the reading, the date or the VIN and send again; if the data is "
        "right, send it as it is."
    ),
    EDIT,
)


# Car-Pass holds the reading but never received its work description
# (``lifecycle.description_missing``): a duty of its own, without a remark.
DESCRIPTION_MISSING = Explanation(
    _lt(
        "Car-Pass received this car's reading but not the description of the work "
        "done, which the law asks with every report since 1 January 2024."
    ),
    _lt(
        "Check the activities and job lines on the Work Description tab, then send "
        "the work description."
    ),
    SEND_DESCRIPTION,
)


# Car-Pass's names of the fields it checks (docs/carpass-api.md), as garage staff
# call them; used when Car-Pass refuses a request field by field.
FIELD_LABELS = {
    "vin": _lt("VIN"),
    "odometerReading": _lt("odometer reading"),
    "odometerReadingDate": _lt("reading date"),
    "odometerWork": _lt("work on the odometer"),
    "licensePlate": _lt("license plate"),
    "firstUseDate": _lt("date of first use"),
    "enterpriseOrganisation": _lt("enterprise number"),
    "enteredOrganisation": _lt("enterprise number"),
    "observationType": _lt("type of report"),
    "activities": _lt("work description"),
    "jobLines": _lt("job lines of the work description"),
    "freeText": _lt("text of the work description"),
    "reason": _lt("reason"),
    "language": _lt("document language"),
    "unifier": _lt("report reference"),
}

# Car-Pass's error codes for a refused request (docs/carpass-api.md, ASSUMED as the
# issue codes are): what each means, in a sentence that may name ``%(field)s``.
FIELD_ERRORS = {
    "REQUIRED": _lt("The %(field)s is missing."),
    "INVALID_TYPE": _lt("The %(field)s is not written in a form Car-Pass accepts."),
    "VIN_INVALID_CHARACTERS": _lt(
        "The VIN holds characters a VIN never has (only letters and digits, never "
        "I, O or Q)."
    ),
    "VIN_TOO_LONG": _lt("The VIN is longer than 17 characters."),
    "READING_NOT_POSITIVE_INTEGER": _lt(
        "The odometer reading must be a whole number of kilometres above zero."
    ),
    "DATE_INVALID": _lt("The %(field)s is not a valid date."),
    "DATE_IN_FUTURE": _lt("The %(field)s is in the future."),
    "FIRST_USE_AFTER_READING": _lt(
        "The vehicle's date of first use is after the reading date."
    ),
    "ORGANISATION_INVALID": _lt(
        "The %(field)s is not a valid 10-digit enterprise number."
    ),
    "OBSERVATION_TYPE_INVALID": _lt("Car-Pass does not know this type of report."),
    "LANGUAGE_INVALID": _lt("Car-Pass does not offer documents in this language."),
    "UNKNOWN_ACTIVITY": _lt(
        "The work description names an activity Car-Pass does not know: "
        "synchronise the activities (Settings > Car-Pass) and check the mappings."
    ),
    "DESCRIPTION_EMPTY": _lt("The work description names no activity."),
    "TEXT_TOO_LONG": _lt("The %(field)s is longer than Car-Pass accepts."),
    "INVALID_STATE": _lt(
        "Car-Pass does not allow this in the report's current state: check its "
        "status at Car-Pass."
    ),
    "ACTION_NOT_ALLOWED": _lt(
        "Car-Pass does not allow this action for this report: check its status at "
        "Car-Pass."
    ),
}


def field_name(field):
    """The label of a field Car-Pass names (``activities[2]`` is ``activities``);
    None for a field this version does not know."""
    return FIELD_LABELS.get((field or "").split("[", 1)[0].split(".", 1)[0])


def explain_field_error(code):
    """The English template explaining Car-Pass's error ``code``, or None."""
    return FIELD_ERRORS.get(code or "")


def explain_issue(code, source="carpass"):
    """The ``Explanation`` of an issue: Car-Pass's ``code``, or a local check's.

    A local check's finding already explains itself (its message): only what to
    do and the action are added (``LOCAL_FINDING``, empty meaning).
    """
    if source != "carpass":
        return LOCAL_FINDING
    return ISSUE_EXPLANATIONS.get(code, UNKNOWN_ISSUE)


def explanation_params(code):
    """The values the templates may use."""
    return {"code": code or "?", "max_days": MAX_DAYS_LATE}


def usable_action(action, *, can_confirm, can_edit, is_manager):
    """The action a user can take now for a remark pointing to ``action``.

    A garage user cannot confirm: correcting is then the way; a registration that
    cannot be edited any more is checked at Car-Pass.
    """
    if action == CONFIRM and not (can_confirm and is_manager):
        action = EDIT
    if action == EDIT and not can_edit:
        action = CHECK_AT_CARPASS
    return action
