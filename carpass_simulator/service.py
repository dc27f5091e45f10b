# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Car-Pass operations: state machine of an observation, independent of HTTP.

Each public method runs in one storage transaction and returns
``(http_status, json_payload)`` or raises ``ApiError``.
"""

import base64
import hmac
import json
import uuid
from datetime import date, timedelta

from . import checks
from . import protocol as p
from .activities import activities_payload
from .clock import simulator_today
from .report import HistoryReport, render_report_html, render_report_pdf
from .settings import DEFAULT_SETTINGS
from .storage import now_iso

# A history request only fails on readings that cannot be right; remarks about
# how a reading was reported (rounded, late, duplicate) do not block the report.
HISTORY_REQUEST_ISSUES = (p.READING_LOWER_THAN_PREVIOUS, p.READING_TOO_HIGH)
# ASSUMED: how long a vehicle history report stays valid is not documented;
# the paper Car-Pass is valid two months.
HISTORY_VALIDITY = timedelta(days=60)
MAX_IDEMPOTENCY_KEY_LENGTH = 200


class ApiError(Exception):
    def __init__(self, status, code, message, errors=(), headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = list(errors)
        self.headers = headers or {}

    def body(self):
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "errors": [
                error if isinstance(error, dict) else error.as_dict()
                for error in self.errors
            ],
        }


class CarpassService:
    def __init__(self, storage):
        self.storage = storage

    # ------------------------------------------------------------------
    # Context
    # ------------------------------------------------------------------

    def settings(self):
        with self.storage.transaction():
            return {**DEFAULT_SETTINGS, **self.storage.get_value("settings", {})}

    def today(self):
        """The Belgian date every check decides by (clock.py)."""
        return simulator_today(self.settings())

    def authenticate(self, username, password):
        with self.storage.transaction():
            establishment = self.storage.get_establishment(username or "")
        if establishment is None:
            return None
        if not hmac.compare_digest(
            establishment["password"].encode(), (password or "").encode()
        ):
            return None
        return establishment

    # ------------------------------------------------------------------
    # Observations
    # ------------------------------------------------------------------

    def create_observation(self, establishment, body, key):
        with self.storage.transaction():
            outcome, result = self._create(establishment, body, key)
            guid = result[1]["requestGuid"] if outcome != "refused" else None
            self.storage.add_receipt(establishment["number"], body, key, outcome, guid)
        if outcome == "refused":
            raise result
        return result

    def _create(self, establishment, body, key):
        if key is not None:
            if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
                return "refused", _invalid(
                    p.IDEMPOTENCY_HEADER, p.INVALID_TYPE, "Invalid idempotency key."
                )
            existing = self.storage.observation_by_key(establishment["number"], key)
            if existing is not None:
                return "replayed", (200, self._payload(existing))
        today = self.today()
        values, problems = checks.validate_observation(body, today)
        if problems:
            return "refused", ApiError(
                400, p.VALIDATION_FAILED, "The observation is not valid.", problems
            )
        mismatches = [
            checks.FieldProblem(
                field,
                p.FORBIDDEN_ORGANISATION,
                "Does not match the authenticated user.",
            )
            for field, given, expected in (
                (
                    "enteredOrganisation",
                    values["establishment"],
                    establishment["number"],
                ),
                (
                    "enterpriseOrganisation",
                    values["enterprise"],
                    establishment["enterprise"],
                ),
            )
            if given != expected
        ]
        if mismatches:
            return "refused", ApiError(
                403,
                p.FORBIDDEN_ORGANISATION,
                "The authenticated establishment may not report for this organisation.",
                mismatches,
            )
        first_use = values["first_use_date"]
        vehicle = self.storage.ensure_vehicle(
            values["vin"], first_use.isoformat() if first_use else None
        )
        created = now_iso()
        polls = self.settings()["processing_polls"]
        observation = self.storage.insert_observation(
            {
                "guid": str(uuid.uuid4()),
                "establishment": establishment["number"],
                "enterprise": establishment["enterprise"],
                "idempotency_key": key,
                "observation_type": values["observation_type"],
                "vin": values["vin"],
                "license_plate": values["license_plate"],
                "first_use_date": first_use.isoformat() if first_use else None,
                "unifier": values["unifier"],
                "reading_date": values["reading_date"].isoformat(),
                "odometer": values["odometer"],
                "odometer_work": int(values["odometer_work"]),
                "status": p.WAITING_FOR_DIV if vehicle["pending_div"] else p.ONGOING,
                "polls_left": polls,
                "received_on": today.isoformat(),
                "request": json.dumps(body),
                "created_at": created,
                "updated_at": created,
            }
        )
        if observation["status"] == p.ONGOING and polls == 0:
            observation = self._evaluate(observation)
        return "created", (201, self._payload(observation))

    def find_observation(self, establishment, key):
        with self.storage.transaction():
            observation = (
                self.storage.observation_by_key(establishment["number"], key)
                if key
                else None
            )
            # ASSUMED shape (the look-up is not in the spec): a list, empty when
            # nothing was received with this reference.
            found = [] if observation is None else [self._payload(observation)]
            return 200, {"observations": found}

    def get_status(self, establishment, guid):
        with self.storage.transaction():
            observation = self._advance(self._owned(establishment, guid))
            return 200, self._payload(observation)

    def correct(self, establishment, guid, body):
        with self.storage.transaction():
            observation = self._owned(establishment, guid)
            self._require_status(observation, p.ACTION_REQUIRED)
            self._require_action(observation, p.CORRECTION, every_issue=False)
            values, problems = checks.validate_correction(body, self.today())
            if problems:
                raise ApiError(
                    400, p.VALIDATION_FAILED, "The correction is not valid.", problems
                )
            vin = values["vin"] or observation["vin"]
            self.storage.ensure_vehicle(vin)
            self.storage.resolve_open_issues(guid, "corrected")
            observation = self.storage.update_observation(
                guid,
                vin=vin,
                odometer=values["odometer"],
                reading_date=values["reading_date"].isoformat(),
                odometer_work=int(values["odometer_work"]),
            )
            return 200, self._payload(self._evaluate(observation))

    def confirm(self, establishment, guid, body):
        with self.storage.transaction():
            observation = self._owned(establishment, guid)
            if observation["status"] == p.DONE:
                # Confirming twice changes nothing; a lost answer is then harmless.
                return 200, self._payload(observation)
            self._require_status(observation, p.ACTION_REQUIRED)
            self._require_action(observation, p.CONFIRM, every_issue=True)
            _values, problems = checks.validate_confirmation(body)
            if problems:
                raise ApiError(
                    400, p.VALIDATION_FAILED, "The confirmation is not valid.", problems
                )
            self.storage.resolve_open_issues(guid, "confirmed")
            observation = self.storage.update_observation(guid, status=p.DONE)
            return 200, self._payload(observation)

    def request_manual_correction(self, establishment, guid, body):
        with self.storage.transaction():
            observation = self._owned(establishment, guid)
            self._require_status(observation, p.ACTION_REQUIRED)
            self._require_action(observation, p.MANUAL_CORRECTION, every_issue=False)
            values, problems = checks.validate_manual_correction(body, self.today())
            if problems:
                raise ApiError(
                    400,
                    p.VALIDATION_FAILED,
                    "The manual correction request is not valid.",
                    problems,
                )
            values["reading_date"] = values["reading_date"].isoformat()
            observation = self.storage.update_observation(
                guid,
                status=p.REVIEWING,
                polls_left=self.settings()["review_polls"],
                manual_correction=json.dumps(values),
            )
            return 200, self._payload(observation)

    def send_description(self, establishment, guid, body):
        with self.storage.transaction():
            observation = self._owned(establishment, guid)
            if observation["observation_type"] != p.OBSERVATION_TYPE_REPAIR:
                raise ApiError(
                    409,
                    p.INVALID_STATE,
                    "Work descriptions belong to repair and maintenance observations.",
                )
            self._require_status(
                observation,
                p.ONGOING,
                p.WAITING_FOR_DIV,
                p.ACTION_REQUIRED,
                p.REVIEWING,
                p.DONE,
            )
            values, problems = checks.validate_description(body)
            if problems:
                raise ApiError(
                    400, p.VALIDATION_FAILED, "The description is not valid.", problems
                )
            issues = checks.description_issues(values)
            if not issues:
                # A second description replaces the first, so resending is harmless.
                self.storage.update_observation(guid, description=json.dumps(values))
            return 200, {
                "requestGuid": guid,
                "accepted": not issues,
                "issues": [
                    {
                        "code": issue.code,
                        "message": issue.message,
                        "actions": list(issue.actions),
                        "resolved": False,
                    }
                    for issue in issues
                ],
            }

    # ------------------------------------------------------------------
    # Vehicle history report and reference data
    # ------------------------------------------------------------------

    def vehicle_history(self, establishment, guid, language, root_url):
        language = _language(language or p.DEFAULT_LANGUAGE)
        with self.storage.transaction():
            observation = self._owned(establishment, guid)
            if observation["observation_type"] != p.OBSERVATION_TYPE_VEHICLE_HISTORY:
                raise ApiError(
                    409,
                    p.HISTORY_NOT_AVAILABLE,
                    "A vehicle history report needs an observation of type "
                    f"{p.OBSERVATION_TYPE_VEHICLE_HISTORY}.",
                )
            if observation["status"] != p.DONE:
                raise ApiError(
                    409,
                    p.HISTORY_NOT_AVAILABLE,
                    f"The request is {observation['status']}; the report is only "
                    "issued once the reading is accepted.",
                )
            valid_until = self.today() + HISTORY_VALIDITY
            observation = self.storage.update_observation(
                guid, vhr_language=language, vhr_valid_until=valid_until.isoformat()
            )
            report = self._history_report(observation, root_url)
        pdf = render_report_pdf(report, language)
        return 200, {
            "requestGuid": guid,
            "language": language,
            "publicUrl": report.public_url,
            "validUntil": valid_until.isoformat(),
            "pdf": base64.b64encode(pdf).decode("ascii"),
        }

    def public_history_page(self, guid, language, root_url):
        """HTML of the public page, or None when no valid report exists."""
        with self.storage.transaction():
            observation = self.storage.get_observation(guid)
            if observation is None or not observation["vhr_valid_until"]:
                return None
            if date.fromisoformat(observation["vhr_valid_until"]) < self.today():
                return None
            report = self._history_report(observation, root_url)
        try:
            language = _language(language or observation["vhr_language"])
        except ApiError:
            language = observation["vhr_language"]
        return render_report_html(report, language)

    def activities(self, language):
        return 200, activities_payload(_language(language) if language else None)

    # ------------------------------------------------------------------
    # Internals
    # ------------------------------------------------------------------

    def _owned(self, establishment, guid):
        observation = self.storage.get_observation(guid)
        # Another garage's request is reported as unknown, not as forbidden.
        if (
            observation is None
            or observation["establishment"] != establishment["number"]
        ):
            raise ApiError(404, p.NOT_FOUND, "Unknown request GUID.")
        return observation

    def _advance(self, observation):
        """What one status poll does to a request still being processed."""
        guid, status = observation["guid"], observation["status"]
        if status in (p.ONGOING, p.REVIEWING) and observation["polls_left"] > 0:
            return self.storage.update_observation(
                guid, polls_left=observation["polls_left"] - 1
            )
        if status == p.ONGOING:
            return self._evaluate(observation)
        if status == p.WAITING_FOR_DIV:
            vehicle = self.storage.get_vehicle(observation["vin"])
            return (
                observation if vehicle["pending_div"] else self._evaluate(observation)
            )
        if status == p.REVIEWING:
            return self._finish_review(observation)
        return observation

    def _evaluate(self, observation):
        guid, vin = observation["guid"], observation["vin"]
        vehicle = self.storage.get_vehicle(vin)
        if vehicle["pending_div"]:
            return self.storage.update_observation(guid, status=p.WAITING_FOR_DIV)
        known = self.storage.history_readings(vin) + self.storage.accepted_readings(
            vin, guid
        )
        issues = checks.observation_issues(
            checks.Reading(
                date.fromisoformat(observation["reading_date"]), observation["odometer"]
            ),
            odometer_work=bool(observation["odometer_work"]),
            earlier=[
                checks.Reading(date.fromisoformat(r["reading_date"]), r["odometer"])
                for r in known
            ],
            duplicate=self.storage.earlier_same_reading_exists(observation),
            # Lateness is judged on the day Car-Pass received the reading.
            today=date.fromisoformat(observation["received_on"]),
        )
        if observation["observation_type"] == p.OBSERVATION_TYPE_VEHICLE_HISTORY:
            issues = [issue for issue in issues if issue.code in HISTORY_REQUEST_ISSUES]
        self.storage.add_issues(guid, issues)
        return self.storage.update_observation(
            guid, status=p.ACTION_REQUIRED if issues else p.DONE, polls_left=0
        )

    def _finish_review(self, observation):
        guid = observation["guid"]
        if self.settings()["review_outcome"] == "rejected":
            return self.storage.update_observation(guid, status=p.REJECTED)
        corrected = json.loads(observation["manual_correction"])
        self.storage.resolve_open_issues(guid, "manual_correction")
        return self.storage.update_observation(
            guid,
            status=p.DONE,
            odometer=corrected["odometer"],
            reading_date=corrected["reading_date"],
        )

    def _require_status(self, observation, *allowed):
        if observation["status"] not in allowed:
            raise ApiError(
                409,
                p.INVALID_STATE,
                f"The request is {observation['status']}; this action needs "
                f"{' or '.join(allowed)}.",
            )

    def _require_action(self, observation, action, *, every_issue):
        open_issues = [
            issue
            for issue in self.storage.issues_of(observation["guid"])
            if not issue["resolved"]
        ]
        allowing = [issue for issue in open_issues if action in issue["actions"]]
        if allowing and (not every_issue or len(allowing) == len(open_issues)):
            return
        refusing = [issue for issue in open_issues if action not in issue["actions"]]
        raise ApiError(
            409,
            p.ACTION_NOT_ALLOWED,
            f"{action} is not allowed for the open issues of this request.",
            [
                {
                    "field": "issues",
                    "code": issue["code"],
                    "message": f"{issue['message']} ({action} not allowed)",
                }
                for issue in refusing
            ],
        )

    def _payload(self, observation):
        processed = observation["status"] not in (p.ONGOING, p.WAITING_FOR_DIV)
        issues = self.storage.issues_of(observation["guid"]) if processed else []
        return {
            "requestGuid": observation["guid"],
            "status": observation["status"],
            "observationType": observation["observation_type"],
            "vin": observation["vin"],
            "odometerReading": observation["odometer"],
            "odometerReadingDate": observation["reading_date"],
            "odometerWork": bool(observation["odometer_work"]),
            "issues": [
                {
                    "code": issue["code"],
                    "message": issue["message"],
                    "actions": issue["actions"],
                    "resolved": issue["resolved"],
                }
                for issue in issues
            ],
            "createdAt": observation["created_at"],
            "updatedAt": observation["updated_at"],
        }

    def _history_report(self, observation, root_url):
        vin = observation["vin"]
        vehicle = self.storage.get_vehicle(vin)
        readings = {
            (row["reading_date"], row["odometer"])
            for row in self.storage.history_readings(vin)
            + self.storage.accepted_readings(vin, exclude_guid="")
        }
        works = []
        for row in self.storage.descriptions_for(vin):
            description = json.loads(row["description"])
            works.append(
                (
                    row["reading_date"],
                    description["activities"],
                    description["jobLines"],
                )
            )
        return HistoryReport(
            request_guid=observation["guid"],
            vin=vin,
            first_use_date=vehicle["first_use_date"],
            issued=self.today(),
            valid_until=date.fromisoformat(observation["vhr_valid_until"]),
            public_url=f"{root_url}{p.PUBLIC_VHR_PREFIX}{observation['guid']}",
            readings=sorted(readings),
            works=works,
        )


def _language(value):
    language = str(value).upper()
    if language not in p.LANGUAGES:
        raise ApiError(
            400,
            p.VALIDATION_FAILED,
            "Unsupported language.",
            [
                {
                    "field": "language",
                    "code": p.LANGUAGE_INVALID,
                    "message": f"Expected one of {', '.join(p.LANGUAGES)}.",
                }
            ],
        )
    return language


def _invalid(field, code, message):
    return ApiError(
        400,
        p.VALIDATION_FAILED,
        message,
        [{"field": field, "code": code, "message": message}],
    )
