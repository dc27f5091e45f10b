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
import csv
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from urllib.parse import quote

from .exceptions import CarpassProtocolError, FieldError, answer_excerpt

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
    # A word this client does not know: read as "still pending at Car-Pass",
    # the word itself kept in ObservationResult.wire_status.
    UNKNOWN = "unknown"


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

# The status words this addon knows (the probe compares answers with them).
KNOWN_STATUS_WORDS = tuple(_STATUS_BY_WIRE)

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
# maintenance window (Thursday 19:00-24:00 CET, confirmed by the spec). A 503
# is also read as maintenance when its message says so or the Brussels clock is
# inside the window (see maintenance.py), since the code may not exist.
MAINTENANCE_ERROR_CODE = "MAINTENANCE"
_MAINTENANCE_WORDS = ("maintenance", "onderhoud", "wartung")

# ASSUMED: a 403 with this code (the simulator's, the real code was not
# retrieved) means the organisation numbers sent do not match the authenticated
# establishment; its errors name the field, ``enterpriseOrganisation`` (the
# enterprise number is not that establishment's) or ``enteredOrganisation``.
FORBIDDEN_ORGANISATION_CODE = "FORBIDDEN_ORGANISATION"
ENTERPRISE_FIELD = "enterpriseOrganisation"
ESTABLISHMENT_FIELD = "enteredOrganisation"
# ASSUMED: only POST /observation carries the enterprise number (the public
# client's payload); no operation is known that checks it without reporting a
# reading. The connection check (CONNECTION_CHECK_PATH) authenticates the
# establishment only, so a wrong enterprise number shows at the first report.

# ---------------------------------------------------------------------------
# Limits on what an answer may carry (anything outside is a protocol error)
# ---------------------------------------------------------------------------

# No source gives these limits: they are what the database and the screens
# can hold, chosen wide enough for any plausible real value.
MAX_GUID_LENGTH = 128
MAX_CODE_LENGTH = 64
MAX_VIN_LENGTH = 32
MAX_MESSAGE_LENGTH = 2000
# The largest reading a dashboard shows (7 digits); the database column of the
# registration refuses more.
MAX_READING = 9_999_999
MIN_ANSWER_DATE = date(1900, 1, 1)
MAX_ANSWER_DATE = date(2199, 12, 31)

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
    """One observation as Car-Pass describes it; every field already validated.

    ``wire_status`` is Car-Pass's own word (None when the answer has none);
    ``vin``, ``odometer_reading`` (km), ``odometer_reading_date`` and
    ``odometer_work`` are None when the answer does not carry them.
    """

    request_guid: str
    status: Status
    issues: list[Issue] = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    wire_status: str | None = None
    vin: str | None = None
    odometer_reading: int | None = None
    odometer_reading_date: date | None = None
    odometer_work: bool | None = None

    @property
    def open_issues(self):
        return [issue for issue in self.issues if not issue.resolved]

    @property
    def status_label(self):
        """What to show as Car-Pass's status: our name, or its unknown word."""
        if self.status == Status.UNKNOWN:
            return self.wire_status or self.status.value
        return self.status.value


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
    """A vehicle history request; ``pdf`` is None when Car-Pass offered none."""

    request_guid: str
    pdf: bytes | None
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
    """A standard activity; ``labels`` and ``category_labels`` keyed by lower-case
    language ("nl", "fr", "de", "en"); the category is empty when the source
    has none (the API shape is not known)."""

    code: str
    labels: dict[str, str]
    category_code: str = ""
    category_labels: dict[str, str] = field(default_factory=dict)


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
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CarpassProtocolError(
            "Car-Pass sent an answer that is not valid JSON.",
            outcome_unknown=outcome_unknown,
            answer=content,
        ) from None


def parse_observation_result(body, *, outcome_unknown=False):
    """Answer of create / status / correction / confirm / manual correction.

    Tolerant of what is not known: only ``requestGuid`` is required (confirmed
    by the public client); a missing status means "still processing", an
    unknown status word means "pending at Car-Pass" (Status.UNKNOWN), unknown
    fields are ignored. Intolerant of what is unusable: every field read is
    checked for type, range, characters and length, and a bad one raises
    CarpassProtocolError carrying the request GUID when that one was usable.
    """
    # ASSUMED: every field but requestGuid (status, issues, the echoed data).
    if not isinstance(body, dict):
        raise _protocol_error("an observation object", outcome_unknown, body)
    request_guid = _request_guid(body.get("requestGuid"))
    if request_guid is None:
        raise _protocol_error("a requestGuid", outcome_unknown, body)
    try:
        wire_status = _optional_text(body.get("status"), "status", MAX_CODE_LENGTH)
        if wire_status is None:
            # ASSUMED: a create answer holding only the GUID means "still processing".
            status = Status.ONGOING
        else:
            status = _STATUS_BY_WIRE.get(wire_status.upper(), Status.UNKNOWN)
        return ObservationResult(
            request_guid=request_guid,
            status=status,
            issues=_parse_issues(body.get("issues")),
            raw=body,
            wire_status=wire_status,
            vin=_optional_text(body.get("vin"), "vin", MAX_VIN_LENGTH),
            odometer_reading=_optional_reading(body.get("odometerReading")),
            odometer_reading_date=_parse_optional_date(body.get("odometerReadingDate")),
            odometer_work=_optional_bool(body.get("odometerWork"), "odometerWork"),
        )
    except _UnusableField as problem:
        # The GUID is usable: Car-Pass has the observation, whatever else it says.
        raise CarpassProtocolError(
            f"Car-Pass sent an unusable {problem}.",
            request_guid=request_guid,
            answer=body,
        ) from None


def parse_lookup(body):
    """Answer of the look-up by our reference: an ObservationResult or None.

    ASSUMED (the operation itself is not in the spec): either the observation
    itself, or {"observations": [...]} / a list, empty when nothing arrived.
    """
    items = body.get("observations") if isinstance(body, dict) else body
    if isinstance(body, dict) and "requestGuid" in body:
        items = [body]
    if not isinstance(items, list):
        raise _protocol_error("an observation or a list of them", True, body)
    if not items:
        return None
    return parse_observation_result(items[0], outcome_unknown=True)


def parse_vehicle_history(content_type, content, request_guid):
    """Answer of GET observation/{guid}/status/vhr: JSON or the PDF itself.

    Returns a VehicleHistory whose ``pdf`` is None when the answer holds no
    PDF (the public client reads nothing from this answer); the public link is
    always built from the request GUID unless the answer gives a usable one.
    """
    media_type = (content_type or "").split(";")[0].strip().lower()
    public_url, valid_until = None, None
    if media_type == PDF_MEDIA_TYPE:
        pdf = content
    else:
        # ASSUMED: {"pdf": base64, "publicUrl": ..., "validUntil": "YYYY-MM-DD"},
        # every key optional.
        body = decode_json(content)
        if not isinstance(body, dict):
            raise _protocol_error("a vehicle history report", False, body)
        pdf = None
        try:
            encoded = _optional_text(body.get("pdf"), "pdf", 50_000_000)
            public_url = _optional_text(body.get("publicUrl"), "publicUrl", 500)
            valid_until = _parse_optional_date(body.get("validUntil"))
        except _UnusableField as problem:
            raise _protocol_error(str(problem), False, body) from None
        if encoded:
            try:
                pdf = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise _protocol_error("a base64 PDF", False, body) from None
        if public_url and not public_url.startswith(("https://", "http://")):
            public_url = None
    if pdf is not None and not pdf.startswith(b"%PDF"):
        raise _protocol_error("a PDF document", False, content[:200])
    return VehicleHistory(
        request_guid=request_guid,
        pdf=pdf,
        public_url=public_url or public_vhr_url(request_guid),
        valid_until=valid_until,
    )


def public_vhr_url(request_guid):
    """The public history page of a request (built as the public client does)."""
    return PUBLIC_VHR_URL.format(request_guid=quote(str(request_guid), safe=""))


def parse_description_result(body, *, outcome_unknown=False):
    # ASSUMED: {"accepted": bool, "issues": [...]}; a body without "accepted"
    # but with a 2xx status counts as accepted.
    if not isinstance(body, dict):
        body = {}
    try:
        accepted = _optional_bool(body.get("accepted"), "accepted")
        issues = _parse_issues(body.get("issues"))
    except _UnusableField as problem:
        raise _protocol_error(str(problem), outcome_unknown, body) from None
    return DescriptionResult(
        accepted=True if accepted is None else accepted, issues=issues, raw=body
    )


def parse_activities(body, language=None):
    """Answer of GET /activities, as Activity objects with lower-case languages."""
    # ASSUMED: a list (or {"activities": [...]}) of {"code", "descriptions":
    # {"NL": ...}}; when a language is asked, {"code", "description"} is accepted.
    items = body.get("activities") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise _protocol_error("a list of activities", False, body)
    activities = []
    try:
        for item in items:
            if not isinstance(item, dict):
                raise _UnusableField("activity")
            code = _required_text(item.get("code"), "activity code", MAX_CODE_LENGTH)
            descriptions = item.get("descriptions")
            if isinstance(descriptions, dict):
                labels = {
                    _required_text(lang, "language", 8).lower(): _required_text(
                        label, "activity label", MAX_MESSAGE_LENGTH
                    )
                    for lang, label in descriptions.items()
                }
            else:
                label = _required_text(
                    item.get("description"), "activity label", MAX_MESSAGE_LENGTH
                )
                labels = {(language or DEFAULT_LANGUAGE).lower(): label}
            activities.append(Activity(code=code, labels=labels))
    except _UnusableField as problem:
        raise _protocol_error(str(problem), False, body) from None
    return activities


ACTIVITY_FILE_LANGUAGES = ("nl", "fr", "de", "en")
ACTIVITY_CSV_COLUMNS = (
    "category_code",
    "category_nl",
    "category_fr",
    "category_de",
    "category_en",
    "code",
    "nl",
    "fr",
    "de",
    "en",
)


class ActivityFileError(ValueError):
    """An activities file this addon cannot read; the text says where."""


def parse_activity_file(content, filename=""):
    """Activities from a file the integrator receives (docs/carpass-api.md §9).

    JSON: {"categories": [{"code", "labels": {"nl", "fr", "de", "en"},
    "activities": [{"code", "labels": {...}}]}]}. CSV (UTF-8, comma or
    semicolon): a header naming ACTIVITY_CSV_COLUMNS, one row per activity.
    Returns Activity objects in file order; raises ActivityFileError.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActivityFileError("the file is not UTF-8 text") from None
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        return _activities_from_json(text)
    return _activities_from_csv(text)


def _labels(value, where):
    if not isinstance(value, dict):
        raise ActivityFileError(f"{where}: labels by language are missing")
    labels = {}
    for language, label in value.items():
        language = str(language).lower()[:2]
        if language not in ACTIVITY_FILE_LANGUAGES or label in (None, ""):
            continue
        if not isinstance(label, str) or len(label) > 500 or not is_clean_text(label):
            raise ActivityFileError(f"{where}: the {language} label is not usable")
        labels[language] = label.strip()
    if not labels:
        raise ActivityFileError(f"{where}: no label in nl, fr, de or en")
    return labels


def _activity_code(value, where):
    code = value.strip() if isinstance(value, str) else ""
    if not code or len(code) > MAX_CODE_LENGTH or not is_clean_text(code):
        raise ActivityFileError(f"{where}: the code is missing or not usable")
    return code


def _activities_from_json(text):
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise ActivityFileError("the file is not valid JSON") from None
    categories = body.get("categories") if isinstance(body, dict) else None
    if not isinstance(categories, list):
        raise ActivityFileError('the JSON has no "categories" list')
    activities = []
    for number, category in enumerate(categories, start=1):
        where = f"category {number}"
        if not isinstance(category, dict):
            raise ActivityFileError(f"{where}: not an object")
        category_code = _activity_code(category.get("code"), where)
        category_labels = _labels(category.get("labels"), where)
        items = category.get("activities")
        if not isinstance(items, list):
            raise ActivityFileError(f'{where}: no "activities" list')
        for index, item in enumerate(items, start=1):
            item_where = f"{where}, activity {index}"
            if not isinstance(item, dict):
                raise ActivityFileError(f"{item_where}: not an object")
            activities.append(
                Activity(
                    code=_activity_code(item.get("code"), item_where),
                    labels=_labels(item.get("labels"), item_where),
                    category_code=category_code,
                    category_labels=category_labels,
                )
            )
    return _unique(activities)


def _activities_from_csv(text):
    lines = text.splitlines()
    if not lines:
        raise ActivityFileError("the file is empty")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    missing = {"category_code", "code"} - set(reader.fieldnames or ())
    if missing:
        raise ActivityFileError("the CSV header lacks " + ", ".join(sorted(missing)))
    activities = []
    for number, row in enumerate(reader, start=2):
        where = f"line {number}"
        activities.append(
            Activity(
                code=_activity_code(row.get("code"), where),
                labels=_labels(
                    {lang: row.get(lang) for lang in ACTIVITY_FILE_LANGUAGES}, where
                ),
                category_code=_activity_code(row.get("category_code"), where),
                category_labels=_labels(
                    {
                        lang: row.get(f"category_{lang}")
                        for lang in ACTIVITY_FILE_LANGUAGES
                    },
                    where,
                ),
            )
        )
    return _unique(activities)


def _unique(activities):
    seen = set()
    for activity in activities:
        if activity.code in seen:
            raise ActivityFileError(f"the code {activity.code} appears twice")
        seen.add(activity.code)
    if not activities:
        raise ActivityFileError("the file holds no activity")
    return activities


def parse_error(content):
    """Read an error answer; never fails. Returns (message, code, field errors).

    Confirmed by the public client: the error JSON has "status" and "message",
    read first. ASSUMED: a machine "code" and a list "errors" of {field, code,
    message}, used when present. The texts come back cleaned (no control
    characters) and capped, ready to show and to store.
    """
    try:
        body = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        return "", None, []
    message = _clean_text(body.get("message"), MAX_MESSAGE_LENGTH)
    code = _clean_text(body.get("code"), MAX_CODE_LENGTH) or None
    if code is None:
        # The "status" of the public client may be a word ("MAINTENANCE") or
        # the HTTP status repeated (a number, useless as a code).
        code = _clean_text(body.get("status"), MAX_CODE_LENGTH) or None
    errors = []
    items = body.get("errors")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            errors.append(
                FieldError(
                    field=_clean_text(item.get("field"), MAX_CODE_LENGTH),
                    code=_clean_text(item.get("code"), MAX_CODE_LENGTH),
                    message=_clean_text(item.get("message"), MAX_MESSAGE_LENGTH),
                )
            )
    return message, code, errors


def is_maintenance(code, message="", status_code=503, in_window=False):
    """True when a failed answer means the weekly maintenance window.

    ``in_window`` says whether the Brussels clock is inside the window (see
    maintenance.py): a 503 then is maintenance, whatever its body says.
    """
    if code == MAINTENANCE_ERROR_CODE or (code or "").upper() == "MAINTENANCE":
        return True
    if status_code != 503:
        return False
    lowered = (message or "").lower()
    return in_window or any(word in lowered for word in _MAINTENANCE_WORDS)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


class _UnusableField(ValueError):
    """A field of an answer this client cannot use (its text names the field)."""


def _format_date(value):
    # Confirmed by the public client: dates as YYYY-MM-DD.
    return value.isoformat()


def is_clean_text(text):
    """True for text a database and a screen can take: no control characters
    (NUL, escape, ...; tab and line breaks allowed) and no lone surrogates."""
    return not any(
        (unicodedata.category(character) == "Cc" and character not in "\t\r\n")
        or unicodedata.category(character) == "Cs"
        for character in text
    )


def _clean_text(value, max_length):
    """Text from an error answer, made safe: never fails (errors are shown anyway)."""
    if value is None or isinstance(value, bool | dict | list):
        return ""
    text = str(value)
    if not is_clean_text(text):
        text = "".join(
            character if is_clean_text(character) else "\ufffd" for character in text
        )
    return text[:max_length]


def _optional_text(value, name, max_length):
    if value is None:
        return None
    return _required_text(value, name, max_length)


def _required_text(value, name, max_length):
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise _UnusableField(name)
    if not is_clean_text(value):
        raise _UnusableField(name)
    return value


def _request_guid(value):
    """The GUID as a string, or None when it cannot be used (in a path, a column)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_GUID_LENGTH:
        return None
    if not all(character.isascii() and character.isprintable() for character in value):
        return None
    if value.strip() != value or "/" in value:
        return None
    return value


def _optional_reading(value):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _UnusableField("odometerReading")
    if not 0 <= value <= MAX_READING:
        raise _UnusableField("odometerReading")
    return value


def _optional_bool(value, name):
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _UnusableField(name)
    return value


def _parse_optional_date(value):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 32:
        raise _UnusableField("date")
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError:
        raise _UnusableField("date") from None
    if not MIN_ANSWER_DATE <= parsed <= MAX_ANSWER_DATE:
        raise _UnusableField("date")
    return parsed


def _parse_issues(items):
    if items is None:
        return []
    if not isinstance(items, list):
        raise _UnusableField("issues")
    issues = []
    for item in items:
        if not isinstance(item, dict):
            raise _UnusableField("issue")
        actions = item.get("actions")
        if actions is not None and not isinstance(actions, list):
            raise _UnusableField("issue actions")
        resolved = _optional_bool(item.get("resolved"), "issue resolved")
        issues.append(
            Issue(
                code=_required_text(item.get("code"), "issue code", MAX_CODE_LENGTH),
                message=_optional_text(
                    item.get("message"), "issue message", MAX_MESSAGE_LENGTH
                )
                or "",
                # Unknown action words are ignored.
                actions=tuple(
                    _ACTION_BY_WIRE[action]
                    for action in actions or ()
                    if isinstance(action, str) and action in _ACTION_BY_WIRE
                ),
                resolved=bool(resolved),
            )
        )
    return issues


def _protocol_error(expected, outcome_unknown, answer=None):
    return CarpassProtocolError(
        f"Car-Pass sent an unexpected answer (expected {expected}).",
        outcome_unknown=outcome_unknown,
        answer=answer,
    )


# ---------------------------------------------------------------------------
# The support log
# ---------------------------------------------------------------------------

# Fields holding personal data or free text about a customer: never logged.
_PERSONAL_KEYS = frozenset(
    {"licensePlate", "contact", "reason", "freeText", "jobLines", "password"}
)
# A PDF in base64 is useless in a log and large.
_BULKY_KEYS = frozenset({"pdf"})
_VIN_KEYS = frozenset({"vin"})


def mask_vin(vin):
    """A VIN with its middle hidden: the maker code and the last 4 characters stay."""
    text = str(vin)
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def _masked(value):
    if isinstance(value, dict):
        return {
            key: "***"
            if key in _PERSONAL_KEYS
            else "(omitted)"
            if key in _BULKY_KEYS
            else mask_vin(item)
            if key in _VIN_KEYS and isinstance(item, str)
            else _masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def mask_for_log(body):
    """A request or answer body as safe, capped text for the support log.

    ``body`` is a JSON-able value, raw bytes or None. JSON has its personal
    fields replaced by "***", its VINs shortened (mask_vin) and PDFs left out;
    bytes that are not JSON (a PDF, an HTML error page) are summarised or kept
    as escaped text. Returns "" for None.
    """
    if body is None or body == b"":
        return ""
    if isinstance(body, bytes):
        if body.startswith(b"%PDF"):
            return f"(PDF, {len(body)} bytes)"
        try:
            body = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return answer_excerpt(body)
    try:
        return answer_excerpt(_masked(body))
    except RecursionError:
        return answer_excerpt("(too deeply nested)")
