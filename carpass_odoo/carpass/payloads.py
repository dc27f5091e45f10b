# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Car-Pass wire format: every path, field name, code and shape lives here.

Only part of the official specification could be read (see
docs/carpass-api.md). Whatever the reference does not confirm is marked
``# ASSUMED:`` so that adapting to the official Swagger page is a change in
this one file. The client (client.py) only moves bytes; the Odoo layer only
sees the dataclasses below.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from urllib.parse import quote

from .exceptions import CarpassProtocolError, FieldError

# ---------------------------------------------------------------------------
# Environments and URLs
# ---------------------------------------------------------------------------

ENVIRONMENT_URLS = {
    # Confirmed by the public PHP client (reference §2.1).
    "production": "https://ws-professionals.car-pass.be/api",
    # ASSUMED: the spec's "Base api urls" section (5.1) was not retrieved; this host
    # follows the production naming. Ask supportIT@car-pass.be for the real one.
    "test": "https://ws-professionals-test.car-pass.be/api",
}

# Confirmed by the public client, which builds this link itself (reference §3.5).
PUBLIC_VHR_URL = "https://public.car-pass.be/vhr/{request_guid}"

# ---------------------------------------------------------------------------
# Paths, relative to the base URL (spec TOC, reference §3)
# ---------------------------------------------------------------------------

OBSERVATION_PATH = "observation"
ACTIVITIES_PATH = "activities"
# ASSUMED: /activities requires authentication like every operation with a
# "Header Input" section, so it doubles as the cheap connection check.
CONNECTION_CHECK_PATH = ACTIVITIES_PATH


def _observation_path(request_guid, suffix):
    if not request_guid:
        raise ValueError("request_guid is required")
    return f"{OBSERVATION_PATH}/{quote(str(request_guid), safe='')}/{suffix}"


def status_path(request_guid):
    return _observation_path(request_guid, "status")


def correction_path(request_guid):
    return _observation_path(request_guid, "correction")


def confirm_path(request_guid):
    return _observation_path(request_guid, "confirm")


def manual_correction_path(request_guid):
    return _observation_path(request_guid, "manual-correction")


def vehicle_history_path(request_guid):
    return _observation_path(request_guid, "status/vhr")


def description_path(request_guid):
    return _observation_path(request_guid, "description")


# ASSUMED: no lookup by the client's own key is documented; this query on the
# observation collection answers the observation or 404 when it never arrived.
FIND_OBSERVATION_PARAM = "reference"

# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------

# Confirmed by the public client (reference §2.4); whether they are mandatory
# and whether Car-Pass whitelists the values is not known.
SOFTWARE_BUILDER_HEADER = "client-software-builder"
SOFTWARE_NAME_HEADER = "client-software-name"
SOFTWARE_VERSION_HEADER = "client-software-version"

# ASSUMED: no idempotency mechanism is documented; the IETF draft header name is
# used, and the server is assumed to answer the original observation on replay.
IDEMPOTENCY_HEADER = "Idempotency-Key"

# ASSUMED: a JSON document; the VHR may come as JSON (with the PDF in base64)
# or as the PDF itself, so both are accepted.
JSON_MEDIA_TYPE = "application/json"
PDF_MEDIA_TYPE = "application/pdf"
VEHICLE_HISTORY_ACCEPT = f"{JSON_MEDIA_TYPE}, {PDF_MEDIA_TYPE}"

# ---------------------------------------------------------------------------
# Languages, observation types, statuses, actions
# ---------------------------------------------------------------------------

# ASSUMED: the spec's "Languages" section (5.3) was not retrieved. The public
# client sends FR; Belgium's languages plus English are assumed, upper-case.
LANGUAGES = ("nl", "fr", "en", "de")
DEFAULT_LANGUAGE = "nl"


def wire_language(language):
    """Return the Car-Pass spelling of a lower-case language code."""
    code = (language or DEFAULT_LANGUAGE).lower()
    if code not in LANGUAGES:
        raise ValueError(f"unsupported Car-Pass language: {language!r}")
    return code.upper()


# Confirmed by the public client (reference §7).
OBSERVATION_TYPE_VEHICLE_HISTORY = "VEHICLE_HISTORY_DOCUMENT"
# ASSUMED: the value for an ordinary repair/maintenance reading was not retrieved.
OBSERVATION_TYPE_REPAIR = "REPAIR_MAINTENANCE"

# ASSUMED: the meaning of "unifier" is unknown; the public client, which works
# against production, always sends 2, so the same value is sent here.
UNIFIER = 2


class Status(str, Enum):
    """Processing state of an observation (values are ours, not the wire's)."""

    ONGOING = "ongoing"
    REVIEWING = "reviewing"
    REJECTED = "rejected"
    WAITING_FOR_DIV = "waiting_for_div"
    ACTION_REQUIRED = "action_required"
    DONE = "done"


# ASSUMED: only the headings "Ongoing", "Reviewing & Rejected" and "Waiting For
# DIV" are confirmed; the strings, ACTION_REQUIRED and DONE are not.
_STATUS_BY_WIRE = {
    "ONGOING": Status.ONGOING,
    "REVIEWING": Status.REVIEWING,
    "REJECTED": Status.REJECTED,
    "WAITING_FOR_DIV": Status.WAITING_FOR_DIV,
    "ACTION_REQUIRED": Status.ACTION_REQUIRED,
    "DONE": Status.DONE,
}

ACTION_CORRECT = "correct"
ACTION_CONFIRM = "confirm"
ACTION_MANUAL_CORRECTION = "manual_correction"

# ASSUMED: which action each issue allows is not documented; the server is
# assumed to list them per issue under these names.
_ACTION_BY_WIRE = {
    "CORRECTION": ACTION_CORRECT,
    "CONFIRM": ACTION_CONFIRM,
    "MANUAL_CORRECTION": ACTION_MANUAL_CORRECTION,
}

# ASSUMED: the error body carries a machine code; this one marks the weekly
# maintenance window (Thursday 19:00-24:00 CET, confirmed by the spec).
MAINTENANCE_ERROR_CODE = "MAINTENANCE"

# ---------------------------------------------------------------------------
# Data exchanged with the Odoo layer
# ---------------------------------------------------------------------------


@dataclass
class SoftwareId:
    builder: str
    name: str
    version: str


@dataclass
class Observation:
    vin: str
    odometer_reading: int
    odometer_reading_date: date
    enterprise_number: str
    establishment_number: str
    license_plate: str = ""
    first_use_date: date | None = None
    odometer_work: bool = False
    # Our idempotency key (the registration's UUID), never shown to users.
    reference: str | None = None


@dataclass
class Issue:
    code: str
    message: str
    actions: tuple[str, ...] = ()
    resolved: bool = False


@dataclass
class ObservationResult:
    request_guid: str
    status: Status
    issues: list[Issue] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def open_issues(self):
        return [issue for issue in self.issues if not issue.resolved]


@dataclass
class Correction:
    odometer_reading: int
    odometer_reading_date: date
    vin: str | None = None
    odometer_work: bool = False
    reason: str = ""


@dataclass
class ManualCorrection:
    reason: str
    odometer_reading: int
    odometer_reading_date: date
    contact: str = ""


@dataclass
class VehicleHistory:
    request_guid: str
    pdf: bytes
    public_url: str
    valid_until: date | None = None


@dataclass
class WorkDescription:
    activities: list[str]
    lines: list[str]
    free_text: str = ""


@dataclass
class DescriptionResult:
    accepted: bool
    issues: list[Issue] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


@dataclass
class Activity:
    code: str
    labels: dict[str, str]


# ---------------------------------------------------------------------------
# Building requests
# ---------------------------------------------------------------------------


def software_headers(software):
    return {
        SOFTWARE_BUILDER_HEADER: software.builder,
        SOFTWARE_NAME_HEADER: software.name,
        SOFTWARE_VERSION_HEADER: software.version,
    }


def observation_headers(observation):
    if not observation.reference:
        return {}
    return {IDEMPOTENCY_HEADER: str(observation.reference)}


def build_observation(observation, observation_type=OBSERVATION_TYPE_REPAIR):
    """Body of POST /observation, in the shape the public PHP client sends."""
    body = {
        "vin": observation.vin,
        "licensePlate": observation.license_plate or "",
        "unifier": UNIFIER,
        "odometerReadingDate": _format_date(observation.odometer_reading_date),
        "odometerReading": observation.odometer_reading,
        "observationType": observation_type,
        "enterpriseOrganisation": observation.enterprise_number,
        "enteredOrganisation": observation.establishment_number,
        # ASSUMED: the help page says odometer work "can be declared"; the field
        # name and its place in this body are not documented.
        "odometerWork": bool(observation.odometer_work),
    }
    if observation.first_use_date:
        body["firstUseDate"] = _format_date(observation.first_use_date)
    return body


def build_correction(correction):
    # ASSUMED: the "Fields" table of /correction was not retrieved; the corrected
    # values reuse the names of POST /observation.
    body = {
        "odometerReading": correction.odometer_reading,
        "odometerReadingDate": _format_date(correction.odometer_reading_date),
        "odometerWork": bool(correction.odometer_work),
        "reason": correction.reason or "",
    }
    if correction.vin:
        body["vin"] = correction.vin
    return body


def build_confirmation(reason=""):
    # ASSUMED: whether /confirm takes a body is unknown; an optional reason is sent.
    return {"reason": reason or ""}


def build_manual_correction(manual_correction):
    # ASSUMED: field names modelled on Car-Pass's web correction form.
    return {
        "reason": manual_correction.reason,
        "odometerReading": manual_correction.odometer_reading,
        "odometerReadingDate": _format_date(manual_correction.odometer_reading_date),
        "contact": manual_correction.contact or "",
    }


def build_description(description):
    # ASSUMED: the body of /description was not retrieved; it carries the
    # standard activity codes, the invoice job lines and optional free text
    # (the three parts the Car-Pass FAQ names).
    return {
        "activities": list(description.activities),
        "jobLines": list(description.lines),
        "freeText": description.free_text or "",
    }


def find_observation_params(reference):
    return {FIND_OBSERVATION_PARAM: reference}


def activities_params(language):
    return {"language": wire_language(language)} if language else {}


def vehicle_history_params(language):
    # Confirmed: the public client passes ?language=FR.
    return {"language": wire_language(language)}


# ---------------------------------------------------------------------------
# Parsing answers
# ---------------------------------------------------------------------------


def decode_json(content, *, outcome_unknown=False):
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CarpassProtocolError(
            "Car-Pass sent an answer that is not valid JSON.",
            outcome_unknown=outcome_unknown,
        ) from None


def parse_observation_result(body, *, outcome_unknown=False):
    """Answer of create / status / correction / confirm / manual correction."""
    # Confirmed: the create answer carries "requestGuid". ASSUMED: every other
    # field of this shape (status, issues) and that status answers share it.
    if not isinstance(body, dict):
        raise _protocol_error("an observation object", outcome_unknown)
    request_guid = body.get("requestGuid")
    if not isinstance(request_guid, str) or not request_guid:
        raise _protocol_error("a requestGuid", outcome_unknown)
    wire_status = body.get("status")
    if wire_status is None:
        # ASSUMED: a create answer holding only the GUID means "still processing".
        status = Status.ONGOING
    elif wire_status in _STATUS_BY_WIRE:
        status = _STATUS_BY_WIRE[wire_status]
    else:
        raise _protocol_error("a known status", outcome_unknown)
    issues = _parse_issues(body.get("issues"), outcome_unknown)
    return ObservationResult(
        request_guid=request_guid, status=status, issues=issues, raw=body
    )


def parse_vehicle_history(content_type, content, request_guid):
    """Answer of GET observation/{guid}/status/vhr: JSON or the PDF itself."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == PDF_MEDIA_TYPE:
        pdf, public_url, valid_until = content, None, None
    else:
        # ASSUMED: {"pdf": base64, "publicUrl": ..., "validUntil": "YYYY-MM-DD"}.
        body = decode_json(content)
        if not isinstance(body, dict) or not isinstance(body.get("pdf"), str):
            raise _protocol_error("a vehicle history report", False)
        try:
            pdf = base64.b64decode(body["pdf"], validate=True)
        except (binascii.Error, ValueError):
            raise _protocol_error("a base64 PDF", False) from None
        public_url = body.get("publicUrl")
        valid_until = _parse_optional_date(body.get("validUntil"))
    if not pdf.startswith(b"%PDF"):
        raise _protocol_error("a PDF document", False)
    return VehicleHistory(
        request_guid=request_guid,
        pdf=pdf,
        public_url=public_url or PUBLIC_VHR_URL.format(request_guid=request_guid),
        valid_until=valid_until,
    )


def parse_description_result(body, *, outcome_unknown=False):
    # ASSUMED: {"accepted": bool, "issues": [...]}; a body without "accepted"
    # but with a 2xx status counts as accepted.
    if not isinstance(body, dict):
        raise _protocol_error("a description answer", outcome_unknown)
    accepted = body.get("accepted", True)
    if not isinstance(accepted, bool):
        raise _protocol_error("a boolean 'accepted'", outcome_unknown)
    issues = _parse_issues(body.get("issues"), outcome_unknown)
    return DescriptionResult(accepted=accepted, issues=issues, raw=body)


def parse_activities(body, language=None):
    """Answer of GET /activities, as Activity objects with lower-case languages."""
    # ASSUMED: a list (or {"activities": [...]}) of {"code", "descriptions":
    # {"NL": ...}}; when a language is asked, {"code", "description"} is accepted.
    items = body.get("activities") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise _protocol_error("a list of activities", False)
    activities = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise _protocol_error("activities with a code", False)
        descriptions = item.get("descriptions")
        if isinstance(descriptions, dict):
            labels = {
                str(lang).lower(): str(label) for lang, label in descriptions.items()
            }
        elif isinstance(item.get("description"), str):
            labels = {(language or DEFAULT_LANGUAGE).lower(): item["description"]}
        else:
            raise _protocol_error("activities with a description", False)
        activities.append(Activity(code=item["code"], labels=labels))
    return activities


def parse_error(content):
    """Read an error answer; never fails. Returns (message, code, field errors)."""
    # Confirmed by the public client: the error JSON has "status" and "message".
    # ASSUMED: a machine "code" and a list "errors" of {field, code, message}.
    try:
        body = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        return "", None, []
    message = body.get("message")
    code = body.get("code")
    errors = []
    for item in body.get("errors") or ():
        if isinstance(item, dict):
            errors.append(
                FieldError(
                    field=str(item.get("field") or ""),
                    code=str(item.get("code") or ""),
                    message=str(item.get("message") or ""),
                )
            )
    return (
        message if isinstance(message, str) else "",
        code if isinstance(code, str) else None,
        errors,
    )


def is_maintenance(code):
    return code == MAINTENANCE_ERROR_CODE


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _format_date(value):
    # Confirmed by the public client: dates as YYYY-MM-DD.
    return value.isoformat()


def _parse_optional_date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _protocol_error("an ISO date", False) from None


def _parse_issues(items, outcome_unknown):
    if items is None:
        return []
    if not isinstance(items, list):
        raise _protocol_error("a list of issues", outcome_unknown)
    issues = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise _protocol_error("issues with a code", outcome_unknown)
        actions = tuple(
            _ACTION_BY_WIRE[action]
            for action in item.get("actions") or ()
            if action in _ACTION_BY_WIRE
        )
        issues.append(
            Issue(
                code=item["code"],
                message=str(item.get("message") or ""),
                actions=actions,
                resolved=bool(item.get("resolved", False)),
            )
        )
    return issues


def _protocol_error(expected, outcome_unknown):
    return CarpassProtocolError(
        f"Car-Pass sent an unexpected answer (expected {expected}).",
        outcome_unknown=outcome_unknown,
    )
