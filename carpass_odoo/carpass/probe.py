# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contract probe: what a real Car-Pass answers, against what payloads.py expects.

An integrator runs it once against a Car-Pass test account. It makes only
harmless calls: authentication and the activities list, the status of a
request GUID the integrator gives, a look-up by a reference nobody used, and,
only when a VIN is given, one vehicle history request (which registers that
reading at Car-Pass, as any history request does). For each operation it
reports field by field what came back: confirmed, missing, of another type,
or unknown to this addon, and ends with a verdict.

Command line (from the repository): ``python scripts/carpass_probe.py --help``.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from . import payloads
from .exceptions import CarpassError

OK = "ok"
MISSING = "missing"
DIFFERENT = "different"
EXTRA = "extra"
FAILED = "failed"

# Verdicts, worst last.
VERDICT_COMPATIBLE = "compatible"
VERDICT_FALLBACKS = "compatible, with fallbacks"
VERDICT_INCOMPATIBLE = "incompatible"


@dataclass
class FieldCheck:
    """One field of one answer: what payloads.py expects and what came back."""

    name: str
    expected: str
    found: str
    result: str
    # True when the addon cannot work without it (its absence is incompatible).
    required: bool = False


@dataclass
class OperationCheck:
    operation: str
    request: str
    status_code: int | None = None
    error: str = ""
    fields: list[FieldCheck] = field(default_factory=list)

    @property
    def verdict(self):
        if self.error or any(
            check.required and check.result != OK for check in self.fields
        ):
            return VERDICT_INCOMPATIBLE
        if any(check.result in (MISSING, DIFFERENT) for check in self.fields):
            return VERDICT_FALLBACKS
        return VERDICT_COMPATIBLE


@dataclass
class ProbeReport:
    operations: list[OperationCheck] = field(default_factory=list)

    @property
    def verdict(self):
        order = (VERDICT_COMPATIBLE, VERDICT_FALLBACKS, VERDICT_INCOMPATIBLE)
        worst = 0
        for operation in self.operations:
            worst = max(worst, order.index(operation.verdict))
        return order[worst]


# What payloads.py reads from each answer: (name, expected type, required).
_OBSERVATION_FIELDS = (
    ("requestGuid", "text", True),
    ("status", "one of " + ", ".join(sorted(payloads.KNOWN_STATUS_WORDS)), False),
    ("issues", "list of {code, message, actions, resolved}", False),
    ("vin", "text", False),
    ("odometerReading", "whole number", False),
    ("odometerReadingDate", "date YYYY-MM-DD", False),
    ("odometerWork", "true/false", False),
)
_VHR_FIELDS = (
    ("pdf", "base64 PDF", False),
    ("publicUrl", "URL", False),
    ("validUntil", "date YYYY-MM-DD", False),
)


def _describe(value):
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _matches(name, value):
    if name == "status":
        return isinstance(value, str) and value.upper() in payloads.KNOWN_STATUS_WORDS
    if name == "issues":
        return isinstance(value, list) and all(
            isinstance(item, dict) and isinstance(item.get("code"), str)
            for item in value
        )
    if name == "odometerReading":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "odometerWork":
        return isinstance(value, bool)
    if name == "descriptions":
        return isinstance(value, dict) and all(
            isinstance(label, str) for label in value.values()
        )
    if name in ("odometerReadingDate", "validUntil"):
        try:
            date.fromisoformat(str(value)[:10])
        except ValueError:
            return False
        return True
    return isinstance(value, str) and bool(value)


def _field_checks(body, expected_fields):
    if not isinstance(body, dict):
        return [
            FieldCheck("(answer)", "a JSON object", _describe(body), DIFFERENT, True)
        ]
    checks = []
    for name, expected, required in expected_fields:
        if name not in body:
            checks.append(FieldCheck(name, expected, "(absent)", MISSING, required))
        elif _matches(name, body[name]):
            checks.append(
                FieldCheck(name, expected, _describe(body[name]), OK, required)
            )
        else:
            checks.append(
                FieldCheck(name, expected, _describe(body[name]), DIFFERENT, required)
            )
    known = {name for name, _expected, _required in expected_fields}
    checks.extend(
        FieldCheck(name, "(not read)", _describe(value), EXTRA)
        for name, value in body.items()
        if name not in known
    )
    return checks


def _call(client, check, method, path, **kwargs):
    """Run one call for ``check``; returns the response or None (error noted)."""
    try:
        response = client.call_raw(method, path, **kwargs)
    except CarpassError as error:
        check.status_code = error.status_code
        check.error = f"{type(error).__name__}: {error.message}"
        return None
    check.status_code = response.status_code
    return response


def _json(check, response):
    try:
        return json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        check.error = "the answer is not JSON"
        return None


def probe_activities(client):
    check = OperationCheck(
        "authentication and activities", f"GET {payloads.ACTIVITIES_PATH}"
    )
    response = _call(client, check, "GET", payloads.ACTIVITIES_PATH)
    if response is None:
        return check
    body = _json(check, response)
    if body is None:
        return check
    items = body.get("activities") if isinstance(body, dict) else body
    if not isinstance(items, list):
        check.fields.append(
            FieldCheck(
                "(answer)", "a list of activities", _describe(body), DIFFERENT, True
            )
        )
        return check
    check.fields.append(
        FieldCheck("(answer)", "a list of activities", f"{len(items)} items", OK)
    )
    if items:
        check.fields.extend(
            _field_checks(
                items[0],
                (
                    ("code", "text", True),
                    ("descriptions", "labels by language", False),
                ),
            )
        )
    return check


def probe_status(client, request_guid):
    path = payloads.status_path(request_guid)
    check = OperationCheck("status of a request", f"GET {path}")
    response = _call(client, check, "GET", path)
    if response is not None:
        body = _json(check, response)
        if body is not None:
            check.fields = _field_checks(body, _OBSERVATION_FIELDS)
    return check


def probe_lookup(client):
    """The look-up by our own reference (not in the spec): offered or not."""
    reference = f"probe-{uuid.uuid4()}"
    check = OperationCheck(
        "look-up by reference (assumed; optional)",
        f"GET {payloads.OBSERVATION_PATH}?{payloads.FIND_OBSERVATION_PARAM}=...",
    )
    try:
        found = client.find_observation(reference)
    except CarpassError as error:
        check.status_code = error.status_code
        check.fields.append(
            FieldCheck(
                "(operation)",
                "an empty list for an unused reference",
                f"not offered ({type(error).__name__}): the addon asks a person "
                "instead of sending again",
                MISSING,
            )
        )
        return check
    check.status_code = 200
    check.fields.append(
        FieldCheck(
            "(operation)",
            "an empty list for an unused reference",
            "empty" if found is None else "an observation (unexpected)",
            OK if found is None else DIFFERENT,
        )
    )
    return check


def probe_vehicle_history(client, observation, language="nl"):
    """One history request: the create answer, then the report answer."""
    body = payloads.build_observation(
        observation, payloads.OBSERVATION_TYPE_VEHICLE_HISTORY
    )
    create = OperationCheck(
        "vehicle history: create", f"POST {payloads.OBSERVATION_PATH}"
    )
    response = _call(
        client,
        create,
        "POST",
        payloads.OBSERVATION_PATH,
        body=body,
        headers=payloads.observation_headers(observation),
    )
    checks = [create]
    answer = _json(create, response) if response is not None else None
    if answer is None:
        return checks
    create.fields = _field_checks(answer, _OBSERVATION_FIELDS)
    guid = answer.get("requestGuid") if isinstance(answer, dict) else None
    if not isinstance(guid, str | int) or isinstance(guid, bool):
        return checks
    path = payloads.vehicle_history_path(guid)
    report = OperationCheck("vehicle history: report", f"GET {path}")
    checks.append(report)
    response = _call(
        client,
        report,
        "GET",
        path,
        params=payloads.vehicle_history_params(language),
        accept=payloads.VEHICLE_HISTORY_ACCEPT,
    )
    if response is None:
        return checks
    media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    if media_type == payloads.PDF_MEDIA_TYPE:
        report.fields.append(FieldCheck("(answer)", "PDF or JSON", "a PDF", OK))
    else:
        body = _json(report, response)
        if body is not None:
            report.fields = _field_checks(body, _VHR_FIELDS)
    report.fields.append(
        FieldCheck(
            "(public page)",
            "built from the request GUID",
            payloads.public_vhr_url(guid),
            OK,
        )
    )
    return checks


def run_probe(client, *, request_guid=None, history_observation=None, language="nl"):
    """Probe ``client``'s Car-Pass; returns a ProbeReport.

    ``request_guid``: a request of this account whose status is read.
    ``history_observation``: a payloads.Observation for one history request
    (only when given: it registers that reading at Car-Pass).
    """
    report = ProbeReport()
    report.operations.append(probe_activities(client))
    if report.operations[0].error:
        return report  # no authentication: nothing else can be probed
    if request_guid:
        report.operations.append(probe_status(client, request_guid))
    report.operations.append(probe_lookup(client))
    if history_observation is not None:
        report.operations.extend(
            probe_vehicle_history(client, history_observation, language)
        )
    return report


def format_report(report):
    """The report as plain text lines, one per operation and per field."""
    lines = []
    for operation in report.operations:
        status = operation.status_code if operation.status_code is not None else "-"
        lines.append(f"== {operation.operation}: {operation.request} -> HTTP {status}")
        if operation.error:
            lines.append(f"   FAILED: {operation.error}")
        for check in operation.fields:
            lines.append(
                f"   [{check.result:>9}] {check.name}: expected {check.expected}; "
                f"found {check.found}"
            )
        lines.append(f"   => {operation.verdict}")
    lines.append(f"VERDICT: {report.verdict}")
    return lines
