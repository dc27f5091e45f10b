# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import queue
import threading
import time
import unicodedata
import uuid
from datetime import date, timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules import module as odoo_module
from odoo.modules.registry import Registry

from ..carpass import checks
from ..carpass.exceptions import (
    CarpassError,
    CarpassTransientError,
    CarpassUnavailableError,
)
from ..carpass.payloads import Correction, Observation, Status
from .carpass_messages import carpass_error_message, finding_message

_logger = logging.getLogger(__name__)

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


class CarpassRegistration(models.Model):
    _name = "carpass.registration"
    _description = "Car-Pass Registration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "reading_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    repair_id = fields.Many2one(
        "repair.order", string="Repair Order", index=True, check_company=True
    )
    vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    license_plate = fields.Char(related="vehicle_id.license_plate")
    vin = fields.Char(string="VIN", tracking=True)
    odometer = fields.Integer(string="Odometer Reading", required=True, tracking=True)
    reading_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    odometer_work = fields.Boolean(
        string="Work on the Odometer",
        tracking=True,
        help="The odometer was replaced or repaired: explains a lower reading.",
    )
    state = fields.Selection(
        STATES, default="draft", required=True, index=True, tracking=True, copy=False
    )
    needs_attention = fields.Boolean(
        compute="_compute_needs_attention", store=True, index=True
    )
    reference = fields.Char(
        string="Idempotency Key",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: str(uuid.uuid4()),
        help="Sent with the report so that Car-Pass never registers it twice.",
    )
    request_guid = fields.Char(
        string="Car-Pass Request", readonly=True, copy=False, index=True, tracking=True
    )
    carpass_status = fields.Char(string="Car-Pass Status", readonly=True, copy=False)
    issue_ids = fields.One2many(
        "carpass.registration.issue", "registration_id", string="Issues", copy=False
    )
    open_issue_count = fields.Integer(compute="_compute_open_issue_count")
    attempt_ids = fields.One2many(
        "carpass.registration.attempt", "registration_id", string="Attempts", copy=False
    )
    error_message = fields.Text(readonly=True, copy=False)
    retryable = fields.Boolean(
        readonly=True, copy=False, help="The last failure was a transport failure."
    )
    outcome_unknown = fields.Boolean(
        readonly=True,
        copy=False,
        help="The last attempt may have reached Car-Pass: ask before sending again.",
    )
    retry_count = fields.Integer(readonly=True, copy=False)
    next_retry_at = fields.Datetime(readonly=True, copy=False, index=True)
    sending_since = fields.Datetime(readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    sent_odometer = fields.Integer(
        string="Reading First Sent", readonly=True, copy=False
    )
    sent_reading_date = fields.Date(string="Date First Sent", readonly=True, copy=False)
    # What Car-Pass holds since the last create or correction it answered.
    last_sent_vin = fields.Char(string="VIN Last Sent", readonly=True, copy=False)
    last_sent_odometer = fields.Integer(
        string="Reading Last Sent", readonly=True, copy=False
    )
    last_sent_reading_date = fields.Date(
        string="Date Last Sent", readonly=True, copy=False
    )
    last_sent_odometer_work = fields.Boolean(
        string="Odometer Work Last Sent", readonly=True, copy=False
    )
    failed_correction_count = fields.Integer(readonly=True, copy=False)
    can_confirm = fields.Boolean(
        compute="_compute_can_confirm",
        help="Car-Pass allows confirming every open remark as correct.",
    )
    correction_form_suggested = fields.Boolean(
        compute="_compute_correction_form_suggested",
        help="Corrections failed repeatedly (or Car-Pass refused a manual correction): "
        "the signed paper correction form is the way left.",
    )
    correction_reason = fields.Text(
        copy=False,
        tracking=True,
        help="Why the reading must be corrected; printed on the correction form.",
    )
    skip_reason = fields.Selection(SKIP_REASONS, copy=False, tracking=True)
    skip_note = fields.Char(copy=False)
    confirm_reason = fields.Text(readonly=True, copy=False)
    odometer_log_id = fields.Many2one(
        "fleet.vehicle.odometer", string="Odometer Log", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "reference_unique",
            "unique(reference)",
            "The idempotency key must be unique.",
        ),
        (
            "odometer_range",
            f"CHECK(odometer >= 0 AND odometer <= {MAX_READING})",
            "The odometer reading is out of range.",
        ),
    ]

    @api.depends("state")
    def _compute_needs_attention(self):
        for registration in self:
            registration.needs_attention = registration.state in ATTENTION_STATES

    @api.depends("issue_ids.resolved")
    def _compute_open_issue_count(self):
        for registration in self:
            registration.open_issue_count = len(
                registration.issue_ids.filtered(lambda issue: not issue.resolved)
            )

    @api.depends(
        "state",
        "failed_correction_count",
        "company_id.carpass_correction_threshold",
    )
    def _compute_correction_form_suggested(self):
        for registration in self:
            threshold = registration.company_id.carpass_correction_threshold or 2
            registration.correction_form_suggested = (
                registration.state == "rejected"
                or (
                    registration.state in ATTENTION_STATES
                    and registration.failed_correction_count >= threshold
                )
            )

    @api.constrains("odometer", "reading_date", "vin")
    def _check_reading(self):
        today = fields.Date.context_today(self)
        for registration in self:
            if registration.state in ("draft", "skipped"):
                # A postponed report may wait for its reading; sending checks it.
                continue
            if registration.odometer <= 0:
                raise ValidationError(
                    _("The odometer reading must be a positive whole number.")
                )
            if registration.reading_date > today:
                raise ValidationError(_("The reading date cannot be in the future."))
            if not (registration.vin or "").strip():
                raise ValidationError(_("The VIN is required to report to Car-Pass."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_reading_value(vals)
            self._carpass_check_input_values(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("carpass.registration") or "/"
                )
            if vals.get("vin"):
                vals["vin"] = vals["vin"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        self._check_reading_value(vals)
        self._carpass_check_input_values(vals)
        if vals.get("vin"):
            vals = dict(vals, vin=vals["vin"].strip().upper())
        result = super().write(vals)
        if {"odometer", "reading_date", "odometer_work"} & set(vals):
            self._sync_odometer_log()
        return result

    @api.model
    def _check_reading_value(self, vals):
        reading = vals.get("odometer")
        if reading is not None and not (0 <= reading <= MAX_READING):
            raise ValidationError(
                _(
                    "%(reading)s is not a possible odometer reading (at most %(max)s km).",
                    reading=reading,
                    max=MAX_READING,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reported(self):
        if any(registration.request_guid for registration in self):
            raise UserError(
                _("A registration that reached Car-Pass cannot be deleted.")
            )

    # ------------------------------------------------------------
    # Odometer log and local checks
    # ------------------------------------------------------------

    def _sync_odometer_log(self):
        """Mirror the reading in Fleet's odometer log, bypassing its 'no lower value' rule."""
        Odometer = self.env["fleet.vehicle.odometer"].sudo()
        for registration in self.filtered(lambda r: r.state != "skipped"):
            values = {
                "value": registration.odometer,
                "date": registration.reading_date,
                "carpass_odometer_work": registration.odometer_work,
            }
            if registration.odometer_log_id:
                registration.odometer_log_id.sudo().write(values)
            else:
                registration.odometer_log_id = Odometer.create(
                    dict(values, vehicle_id=registration.vehicle_id.id)
                )

    @api.model
    def _carpass_history(self, vehicle, exclude_log=None):
        """Earlier readings of the vehicle, newest first, as the checks expect them."""
        domain = [("vehicle_id", "=", vehicle.id)]
        if exclude_log:
            domain.append(("id", "!=", exclude_log.id))
        logs = (
            self.env["fleet.vehicle.odometer"]
            .sudo()
            .search_fetch(
                domain,
                ["date", "value", "carpass_odometer_work"],
                order="date desc, id desc",
                limit=checks.HISTORY_WINDOW,
            )
        )
        return [
            checks.PastReading(
                reading_date=log.date,
                reading=int(log.value),
                odometer_work=log.carpass_odometer_work,
            )
            for log in logs
            if log.date
        ]

    def _carpass_findings(self):
        self.ensure_one()
        return checks.check_observation(
            vin=self.vin or "",
            reading=self.odometer,
            reading_date=self.reading_date,
            today=fields.Date.context_today(self),
            history=self._carpass_history(self.vehicle_id, self.odometer_log_id),
            odometer_work=self.odometer_work,
        )

    def _set_local_issues(self, findings):
        self._carpass_replace_issues(
            "local",
            [
                {
                    "code": finding.code,
                    "severity": finding.severity.value,
                    "message": finding_message(self.env, finding),
                    "suggestion": finding.suggestion or 0,
                }
                for finding in findings
            ],
        )

    def _carpass_replace_issues(self, source, values_list):
        self.ensure_one()
        # Read as superuser: the registration is locked and writable by this user
        # already, and record rules would cost a join on every send.
        old = self.sudo().issue_ids.filtered(lambda issue: issue.source == source)
        if not old and not values_list:
            return  # the usual case on the send path: nothing to write
        old.with_env(self.env).unlink()
        self.env["carpass.registration.issue"].create(
            [
                {**values, "registration_id": self.id, "source": source}
                for values in values_list
            ]
        )

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def action_send(self):
        """Envelope: send, resend or correct each selected registration."""
        outcomes = self._carpass_send_each()
        return self._carpass_notify(outcomes, _("Car-Pass: send"))

    def action_refresh_status(self):
        outcomes = []
        for registration in self:
            if not registration.request_guid:
                outcomes.append((registration, False, _("not sent yet")))
                continue
            outcomes.append(registration._carpass_refresh_one())
        return self._carpass_notify(outcomes, _("Car-Pass: status"))

    def action_reset_to_draft(self):
        for registration in self:
            if registration.state not in ("skipped", "error"):
                raise UserError(
                    _(
                        "Only skipped or failed registrations can be put back to 'Not Sent' "
                        "(%(name)s is %(state)s).",
                        name=registration.name,
                        state=registration._state_label(),
                    )
                )
        self.write({"state": "draft", "skip_reason": False, "skip_note": False})
        return True

    def action_print_correction_form(self):
        """Print the paper correction form; each print is kept as an attachment."""
        return self.env.ref(
            "carpass_odoo.action_report_carpass_correction_form"
        ).report_action(self)

    def carpass_correction_form_filename(self):
        """Attachment name of the next print of the correction form.

        The report's ``attachment`` expression calls this. Odoo creates no attachment
        when one of that name already exists, so every print gets a name of its own.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        base = _(
            "Car-Pass correction form %(vin)s %(date)s",
            vin=self.vin or self.name,
            date=today.isoformat(),
        )
        taken = set(
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("name", "=like", f"{base}%"),
                ]
            )
            .mapped("name")
        )
        name = f"{base}.pdf"
        number = 1
        while name in taken:
            number += 1
            name = f"{base} ({number}).pdf"
        return name

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.model
    def _carpass_notify(self, outcomes, title):
        """One line per record, so a bulk action says what happened to each."""
        lines = []
        for registration, success, text in outcomes:
            line = f"{'✔' if success else '✘'} {registration.display_name}: {text}"
            if registration.correction_form_suggested:
                line += " " + _(
                    "(corrections keep failing: print the correction form, sign it "
                    "and send it to Car-Pass)"
                )
            lines.append(line)
        failed = any(not success for _registration, success, _text in outcomes)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join(lines),
                "type": "warning" if failed else "success",
                "sticky": failed,
                # Keeps the line breaks (see static/src/systray/carpass_counter.scss).
                "className": "o_carpass_notification",
                "next": {"type": "ir.actions.act_window_close"}
                if self.env.context.get("carpass_close_after")
                else {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _carpass_try_lock(self, condition=None, params=()):
        """Lock this row until the transaction ends; False when another worker has it.

        Rows are locked one at a time, right before they are processed: a commit
        releases every lock, and the send pipeline commits before each call. Odoo
        runs in REPEATABLE READ, where locking a row that another transaction changed
        since this one's snapshot fails: that row was just handled elsewhere, so it is
        skipped like a locked one. ``condition`` (SQL) is checked again under the lock.
        """
        self.ensure_one()
        self.flush_recordset()
        query = "SELECT id FROM carpass_registration WHERE id = %s"
        if condition:
            query += f" AND ({condition})"
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    query + " FOR UPDATE SKIP LOCKED",
                    [self.id, *params],
                    log_exceptions=False,
                )
                locked = bool(self.env.cr.fetchone())
        except SerializationFailure:
            locked = False
        if locked:
            # Read what the other worker may have committed, not the cache.
            self.invalidate_recordset()
        return locked

    def _carpass_send_each(self, commit=False):
        return self._carpass_for_each_locked(
            lambda registration: registration._carpass_send_one(), commit=commit
        )

    def _carpass_for_each_locked(self, process, commit=False):
        """Run ``process`` on each registration this worker could lock, one at a time.

        Returns one (record, success, text) per registration of ``self``.
        """
        outcomes = []
        self.check_access("write")
        for registration in self:
            if not registration._carpass_try_lock():
                outcomes.append(
                    (registration, False, _("being sent by another process, try again"))
                )
                continue
            outcomes.append(process(registration))
            if commit and not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return outcomes

    def _carpass_held_values(self, result):
        """The data Car-Pass holds according to its answer (ours when it omits them)."""
        raw = result.raw or {}
        reading_date = raw.get("odometerReadingDate")
        try:
            reading_date = fields.Date.to_date(reading_date) or self.reading_date
        except ValueError:
            reading_date = self.reading_date
        reading = raw.get("odometerReading")
        return {
            "last_sent_vin": raw.get("vin") or self.vin,
            "last_sent_odometer": reading
            if isinstance(reading, int)
            else self.odometer,
            "last_sent_reading_date": reading_date,
            "last_sent_odometer_work": bool(
                raw.get("odometerWork", self.odometer_work)
            ),
        }

    def _carpass_sending_is_stale(self):
        stale = fields.Datetime.now() - timedelta(minutes=STALE_SENDING_MINUTES)
        return not self.sending_since or self.sending_since <= stale

    def _carpass_unchanged_since_sent(self):
        """True when Car-Pass already holds exactly these data."""
        self.ensure_one()
        return bool(self.last_sent_reading_date) and (
            self.last_sent_odometer,
            self.last_sent_reading_date,
            self.last_sent_vin or "",
            self.last_sent_odometer_work,
        ) == (self.odometer, self.reading_date, self.vin or "", self.odometer_work)

    def _carpass_send_one(self):
        """Report this registration; returns (record, success, text). Never raises."""
        self.ensure_one()
        if self.state not in SENDABLE_STATES + ("sending",):
            return (
                self,
                False,
                _("nothing to send (%(state)s)", state=self._state_label()),
            )
        if self.state == "sending" and not self._carpass_sending_is_stale():
            return self, False, _("being sent by another process, try again")
        if (
            self.state in FLAGGED_STATES
            and self.request_guid
            and self._carpass_unchanged_since_sent()
        ):
            return (
                self,
                False,
                _(
                    "nothing changed since Car-Pass flagged it: correct the data "
                    "(pencil) or confirm it as correct (green check)"
                ),
            )
        findings = self._carpass_findings()
        self._set_local_issues(findings)
        if checks.has_blocking(findings):
            blocking = [f for f in findings if f.severity == checks.Severity.BLOCKING]
            message = "; ".join(finding_message(self.env, f) for f in blocking)
            self.write({"state": "error", "error_message": message, "retryable": False})
            return self, False, message
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            self.write(
                {"state": "error", "error_message": str(error), "retryable": False}
            )
            return self, False, str(error)
        if self.request_guid:
            if self.outcome_unknown and self._carpass_correction_arrived(client):
                return self, True, self._state_label()
            if self.outcome_unknown:
                # The status call failed: still unknown, try again later.
                return self, False, self.error_message or _("Car-Pass status unknown")
            return self._carpass_call(
                "correct",
                lambda: client.correct(self.request_guid, self._carpass_correction()),
                client=client,
            )
        if self.outcome_unknown or self.state == "sending":
            # The last send may have reached Car-Pass: ask before sending again.
            self.outcome_unknown = True
            lookup = self._carpass_call(
                "lookup", lambda: client.find_observation(self.reference), client=client
            )
            if self.request_guid or self.outcome_unknown:
                return lookup
        # Built before the commit below, which empties the cache: no second read of
        # the company and the vehicle.
        observation = self._carpass_observation()
        self._carpass_mark_sending()
        return self._carpass_call(
            "create", lambda: client.create_observation(observation), client=client
        )

    def _carpass_correction_arrived(self, client):
        """After a correction with no answer, ask Car-Pass what it holds now.

        True when Car-Pass already holds these data (the correction arrived, or was
        not needed): its answer is applied and nothing is sent again. False when the
        correction must still be sent, or when the status call failed too (then
        ``outcome_unknown`` stays set).
        """
        self.ensure_one()
        started = time.monotonic()
        try:
            result = client.get_status(self.request_guid)
        except CarpassError as error:
            self._carpass_record_failure("status", error, started)
            return False
        self._carpass_log_attempt("status", True, started, result.status.value)
        held = self._carpass_held_values(result)
        arrived = (
            held["last_sent_odometer"],
            held["last_sent_reading_date"],
            (held["last_sent_vin"] or "").upper(),
        ) == (self.odometer, self.reading_date, (self.vin or "").upper())
        if arrived or result.status != Status.ACTION_REQUIRED:
            self._carpass_apply_result(
                result, "correct" if arrived else "status", client=client
            )
            return True
        # Car-Pass still holds the old data: the correction never arrived.
        self.write({"outcome_unknown": False})
        return False

    def _carpass_mark_sending(self):
        """Record that a send starts, committed first so a crash leaves a trace."""
        # "Sending" lasts one call: not worth a tracking message (two inserts per
        # send); the outcome's tracking message shows the change anyway.
        self.with_context(tracking_disable=True).write(
            {"state": "sending", "sending_since": fields.Datetime.now()}
        )
        if not in_test_mode():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _carpass_observation(self):
        self.ensure_one()
        return Observation(
            vin=self.vin,
            odometer_reading=self.odometer,
            odometer_reading_date=self.reading_date,
            enterprise_number=self.company_id._carpass_enterprise(),
            establishment_number=self.company_id.carpass_establishment_number,
            license_plate=self.vehicle_id.license_plate or "",
            first_use_date=self.vehicle_id.carpass_first_use_date or None,
            odometer_work=self.odometer_work,
            reference=self.reference,
        )

    def _carpass_correction(self):
        self.ensure_one()
        return Correction(
            odometer_reading=self.odometer,
            odometer_reading_date=self.reading_date,
            vin=self.vin,
            odometer_work=self.odometer_work,
        )

    def _carpass_call(self, operation, call, client=None):
        """Run one API call, record the attempt and apply the answer; never raises.

        ``client`` serves the calls that follow from the answer (the work
        description), on the same connection.
        """
        self.ensure_one()
        started = time.monotonic()
        try:
            result = call()
        except CarpassError as error:
            self._carpass_record_failure(operation, error, started)
            return self, False, carpass_error_message(self.env, error)
        self._carpass_log_attempt(
            operation, True, started, result.status.value if result else ""
        )
        if operation == "lookup" and result is None:
            # Car-Pass never received it: sending now cannot create a second report.
            self.write({"outcome_unknown": False})
            return self, False, _("not received by Car-Pass yet")
        self._carpass_apply_result(result, operation, client=client)
        return self, True, self._state_label()

    def _carpass_apply_result(self, result, operation, client=None):
        state = STATUS_TO_STATE[result.status]
        if state == "accepted" and self.state == "confirmed":
            state = "confirmed"
        values = {
            "state": state,
            "request_guid": result.request_guid or self.request_guid,
            "carpass_status": result.status.value,
            "error_message": False,
            "retryable": False,
            "outcome_unknown": False,
            "next_retry_at": False,
            "retry_count": 0,
            "sending_since": False,
        }
        held = self._carpass_held_values(result)
        if (
            operation in ("create", "lookup", "correct")
            or not self.last_sent_reading_date
        ):
            values.update(held)
        if (
            operation == "status"
            and state == "accepted"
            and (held["last_sent_odometer"], held["last_sent_reading_date"])
            != (self.odometer, self.reading_date)
        ):
            # A manual correction was accepted: Car-Pass now holds its reading.
            values.update(
                held,
                odometer=held["last_sent_odometer"],
                reading_date=held["last_sent_reading_date"],
            )
        if not self.sent_date:
            values.update(
                sent_date=fields.Datetime.now(),
                sent_odometer=held["last_sent_odometer"],
                sent_reading_date=held["last_sent_reading_date"],
            )
        if operation == "correct" and state in ("anomaly", "rejected"):
            values["failed_correction_count"] = self.failed_correction_count + 1
        # No tracking message: the outcome note below states the new state and data,
        # one chatter entry per answer instead of two.
        self.with_context(tracking_disable=True).write(values)
        self._set_carpass_issues(result.issues)
        notes = self._carpass_after_result(client)
        self._carpass_post_outcome(operation, notes)

    def _carpass_after_result(self, client=None):
        """Hook for what follows Car-Pass's answer (the work description).

        Returns notes (Markup) to add to the registration's outcome note.
        """
        return []

    def _set_carpass_issues(self, issues):
        self._carpass_replace_issues(
            "carpass",
            [
                {
                    "code": issue.code,
                    "message": issue.message,
                    "severity": "warning",
                    "actions": ",".join(issue.actions),
                    "resolved": issue.resolved,
                }
                for issue in issues
            ],
        )

    def _carpass_record_failure(self, operation, error, started):
        message = carpass_error_message(self.env, error)
        self._carpass_log_attempt(
            operation, False, started, type(error).__name__, message
        )
        values = {
            "error_message": message,
            "sending_since": False,
            "outcome_unknown": self.outcome_unknown or error.outcome_unknown,
        }
        if isinstance(error, CarpassTransientError) or values["outcome_unknown"]:
            # Transport failures are sent again by the cron; an answer that may hide
            # a stored report (malformed, cut) is looked up by the cron first, also
            # when the look-up itself got a malformed answer.
            delay = timedelta(
                minutes=min(RETRY_BASE_MINUTES * 2**self.retry_count, RETRY_MAX_MINUTES)
            )
            if isinstance(error, CarpassUnavailableError) and error.retry_after:
                # Maintenance window or rate limit: Car-Pass says when to come back.
                delay = max(delay, timedelta(seconds=error.retry_after))
            values.update(
                retryable=True,
                retry_count=self.retry_count + 1,
                next_retry_at=fields.Datetime.now() + delay,
            )
        else:
            values["retryable"] = False
            if operation == "correct":
                values["failed_correction_count"] = self.failed_correction_count + 1
        if operation in ("create", "lookup", "correct") or self.state == "sending":
            values["state"] = "error"
        self.write(values)
        if operation in ("create", "correct") and not values.get("retryable"):
            self.message_post(
                body=_("Car-Pass refused the report: %(error)s", error=message)
            )

    def _carpass_log_attempt(self, operation, success, started, outcome, error=""):
        self.env["carpass.registration.attempt"].create(
            {
                "registration_id": self.id,
                "operation": operation,
                "success": success,
                "outcome": outcome,
                "error_message": error,
                "duration_ms": int((time.monotonic() - started) * 1000),
            }
        )

    def _carpass_post_outcome(self, operation, notes=()):
        body = _(
            "Car-Pass registration %(name)s (%(vin)s, %(odometer)s km on %(date)s): %(state)s.",
            name=self.name,
            vin=self.vin,
            odometer=self.odometer,
            date=self.reading_date,
            state=self._state_label(),
        )
        # A log note: nobody is notified, and _message_log costs a fraction of
        # message_post on the send path (see docs/benchmarks.md).
        self._message_log(body=Markup("<br/>").join([body, *notes]))
        for record in (self.repair_id, self.vehicle_id):
            if record:
                record.sudo()._message_log(body=body)

    def _carpass_refresh_one(self):
        self.ensure_one()
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            return self, False, str(error)
        return self._carpass_call(
            "status", lambda: client.get_status(self.request_guid)
        )

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _cron_carpass_refresh_status(self, limit=200):
        registrations = self.search(
            [("state", "in", PENDING_STATES), ("request_guid", "!=", False)],
            limit=limit,
            order="write_date asc",
        )
        pending = ", ".join(f"'{state}'" for state in PENDING_STATES)
        for registration in registrations:
            if not registration._carpass_try_lock(f"state IN ({pending})"):
                continue
            registration._carpass_refresh_one()
            if not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_carpass_retry(self, limit=200):
        """Resend what failed for transport reasons, and finish interrupted sends.

        Safe with several workers: each row is locked (SKIP LOCKED) and checked again
        right before it is processed, and committed right after. A registration whose
        outcome is unknown is looked up at Car-Pass before anything is sent again.
        Returns the outcomes of the registrations this worker processed.
        """
        now = fields.Datetime.now()
        stale = now - timedelta(minutes=STALE_SENDING_MINUTES)
        registrations = self.search(
            self._carpass_retry_due_domain(now, stale),
            limit=limit,
            order="next_retry_at asc, id asc",
        )
        outcomes = []
        for registration in registrations:
            if not registration._carpass_try_lock(RETRY_DUE_SQL, [now, stale]):
                continue
            if registration.state == "sending":
                # Interrupted mid-send: Car-Pass may have it, so ask before sending again.
                registration.outcome_unknown = True
            outcomes.append(registration._carpass_send_one())
            if not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return outcomes

    # ------------------------------------------------------------
    # Wizard
    # ------------------------------------------------------------

    def _carpass_open_wizard(self):
        self.ensure_one()
        wizard = self.env["carpass.registration.wizard"].create(
            {"registration_id": self.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Report to Car-Pass"),
            "res_model": "carpass.registration.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_edit_in_wizard(self):
        """Pencil: edit the data with the same checks as at the end of a repair."""
        return self._carpass_open_wizard()

    # ------------------------------------------------------------
    # Confirm as correct and manual correction (managers)
    # ------------------------------------------------------------

    def _check_carpass_manager(self):
        if not self.env.user.has_group("carpass_odoo.group_carpass_manager"):
            raise AccessError(
                _(
                    "Only Car-Pass managers may confirm readings or ask manual corrections."
                )
            )

    @api.depends("state", "request_guid", "issue_ids.actions", "issue_ids.resolved")
    def _compute_can_confirm(self):
        for registration in self:
            open_issues = registration.issue_ids.filtered(
                lambda issue: issue.source == "carpass" and not issue.resolved
            )
            # Car-Pass only accepts a confirmation when every open remark allows one
            # (a lower reading, for instance, can only be corrected).
            registration.can_confirm = bool(
                registration.state == "anomaly"
                and registration.request_guid
                and open_issues
                and all(
                    "confirm" in (issue.actions or "").split(",")
                    for issue in open_issues
                )
            )

    def _carpass_confirmable(self):
        """Registrations Car-Pass flagged and that the green check may confirm."""
        return self.filtered("can_confirm")

    def action_open_confirm_wizard(self):
        """Green check: confirm as correct, after a confirmation step with a reason."""
        self._check_carpass_manager()
        if not self._carpass_confirmable():
            raise UserError(
                _(
                    "Only registrations with an anomaly at Car-Pass can be confirmed "
                    "as correct; none of the selected ones has one."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm as Correct"),
            "res_model": "carpass.confirm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_registration_ids": [(6, 0, self.ids)]},
        }

    def action_open_manual_correction_wizard(self):
        self._check_carpass_manager()
        self.ensure_one()
        if not self.request_guid:
            raise UserError(
                _("Only a registration known to Car-Pass can be corrected manually.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Manual Correction"),
            "res_model": "carpass.manual.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_registration_id": self.id,
                "default_odometer": self.odometer,
                "default_reading_date": self.reading_date,
                "default_reason": self.correction_reason,
            },
        }

    def _carpass_confirm(self, reason):
        """Green check: tell Car-Pass the data was right. It cannot be undone there.

        Returns one (record, success, text) per registration of ``self``.
        """
        self._check_carpass_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                _("Say why the data is correct: Car-Pass cannot undo a confirmation.")
            )
        outcomes = []
        confirmable = self._carpass_confirmable()
        for registration in self:
            if registration not in confirmable:
                if registration.state == "anomaly":
                    text = _(
                        "Car-Pass does not allow confirming this remark: correct the "
                        "reading (pencil) or ask a manual correction"
                    )
                else:
                    text = _(
                        "nothing to confirm (%(state)s)",
                        state=registration._state_label(),
                    )
                outcomes.append((registration, False, text))
                continue
            if not registration._carpass_try_lock():
                outcomes.append(
                    (
                        registration,
                        False,
                        _("being sent by another process, try again"),
                    )
                )
                continue
            if registration.state != "anomaly":
                # Another user handled it meanwhile.
                outcomes.append(
                    (
                        registration,
                        False,
                        _(
                            "nothing to confirm (%(state)s)",
                            state=registration._state_label(),
                        ),
                    )
                )
                continue
            try:
                client = registration.company_id._carpass_client()
            except UserError as error:
                outcomes.append((registration, False, str(error)))
                continue
            record, success, text = registration._carpass_call(
                "confirm",
                lambda r=registration, c=client: c.confirm(r.request_guid, reason),
            )
            if success and record.state == "accepted":
                record.write({"state": "confirmed", "confirm_reason": reason})
                record.issue_ids.write({"resolved": True})
                record.message_post(
                    body=_(
                        "Confirmed as correct at Car-Pass: %(reason)s", reason=reason
                    )
                )
                text = record._state_label()
            elif success and record.state == "anomaly":
                success = False
            outcomes.append((record, success, text))
        return outcomes

    def _carpass_request_manual_correction(self, manual_correction):
        """Ask Car-Pass to correct the reading by hand; returns (record, success, text)."""
        self._check_carpass_manager()
        self.ensure_one()
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            return self, False, str(error)
        self.correction_reason = manual_correction.reason
        outcome = self._carpass_call(
            "manual_correction",
            lambda: client.request_manual_correction(
                self.request_guid, manual_correction
            ),
        )
        if outcome[1]:
            self.message_post(
                body=_(
                    "Manual correction asked to Car-Pass: %(reading)s km on %(date)s. "
                    "Reason: %(reason)s",
                    reading=manual_correction.odometer_reading,
                    date=manual_correction.odometer_reading_date,
                    reason=manual_correction.reason,
                )
            )
        return outcome

    @api.model
    def carpass_attention_count(self):
        """The systray counter: registrations needing attention in the active companies."""
        if not self.env.user.has_group("carpass_odoo.group_carpass_user"):
            return 0
        return self.search_count(
            [
                ("needs_attention", "=", True),
                ("company_id", "in", self.env.companies.ids),
            ]
        )

    # ------------------------------------------------------------
    # Concurrent drain of the retry queue, and the attention index
    # ------------------------------------------------------------

    def init(self):
        # The systray counts the few rows needing attention among all registrations:
        # a partial index keeps that count proportional to those few.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS carpass_registration_attention_idx "
            "ON carpass_registration (company_id) WHERE needs_attention"
        )

    @api.model
    def _carpass_retry_due_domain(self, now, stale):
        return [
            "|",
            "&",
            ("state", "=", "error"),
            "&",
            ("retryable", "=", True),
            ("next_retry_at", "<=", now),
            "&",
            ("state", "=", "sending"),
            ("sending_since", "<=", stale),
        ]

    @api.model
    def _cron_carpass_drain(self, limit=DRAIN_BATCH_SIZE, workers=DRAIN_WORKERS):
        """The retry cron for a backlog: the due registrations sent concurrently.

        After an outage hundreds of registrations wait, and sending them one by one
        mostly waits for Car-Pass's answers. See ``_carpass_drain``. Returns
        (registration id, success, text) per registration processed.
        """
        now = fields.Datetime.now()
        stale = now - timedelta(minutes=STALE_SENDING_MINUTES)
        registrations = self.search(
            self._carpass_retry_due_domain(now, stale),
            limit=limit,
            order="next_retry_at asc, id asc",
        )
        return registrations._carpass_drain(workers, RETRY_DUE_SQL, [now, stale])

    def _carpass_drain(self, workers=DRAIN_WORKERS, condition=None, params=()):
        """Send these registrations with ``workers`` threads, each on its own cursor.

        A thread takes the next registration, locks its row (SKIP LOCKED, with
        ``condition`` checked again under the lock), sends it through the normal
        pipeline (``_carpass_send_one``) and commits. Several Odoo workers draining
        at once therefore never process the same row, and a send whose answer was
        lost is looked up by its idempotency key before it is sent again. The
        threads see committed data only, and commit what they do; the caller's
        transaction does not see their work until it starts a new one.
        Returns (registration id, success, text) per registration processed.
        """
        if not self:
            return []
        self.check_access("write")
        pending = queue.SimpleQueue()
        for registration_id in self.ids:
            pending.put(registration_id)
        results = {}
        threads = [
            threading.Thread(
                target=self._carpass_drain_worker,
                args=(pending, results, condition, list(params)),
                name=f"carpass-drain-{number}",
                daemon=True,
            )
            for number in range(max(1, min(workers, len(self))))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [
            (registration_id, *results[registration_id])
            for registration_id in self.ids
            if registration_id in results
        ]

    def _carpass_drain_worker(self, pending, results, condition, params):
        thread = threading.current_thread()
        thread.dbname = self.env.cr.dbname
        thread.uid = self.env.uid
        with Registry(self.env.cr.dbname).cursor() as cr:
            Registration = self.with_env(self.env(cr=cr))
            while True:
                try:
                    registration_id = pending.get_nowait()
                except queue.Empty:
                    return
                registration = Registration.browse(registration_id)
                results[registration_id] = registration._carpass_drain_one(
                    condition, params
                )

    def _carpass_drain_one(self, condition, params):
        """Lock, send and commit one registration; returns (success, text)."""
        self.ensure_one()
        cr = self.env.cr
        try:
            if not self._carpass_try_lock(condition, params):
                # Also starts a new snapshot for the next row (REPEATABLE READ).
                cr.rollback()
                return False, _("being sent by another process, try again")
            if self.state == "sending":
                # Interrupted mid-send: Car-Pass may have it, so ask before sending again.
                self.outcome_unknown = True
            _record, success, text = self._carpass_send_one()
            cr.commit()  # pylint: disable=invalid-commit
            return success, text
        except Exception as error:  # noqa: BLE001 - one row must not stop the drain
            # E.g. a serialization failure on a row shared with another worker: what
            # was committed stands (a "sending" row is looked up once stale).
            cr.rollback()
            _logger.warning(
                "Car-Pass drain: registration %s left for the next run: %s",
                self.id,
                error,
            )
            return False, str(error)

    @api.model
    def _carpass_check_input_values(self, vals):
        """Refuse what the database or the chatter's tracking cannot store."""
        vin = vals.get("vin")
        if isinstance(vin, str) and has_control_characters(vin.strip()):
            raise ValidationError(
                _(
                    "The VIN contains invisible control characters (%(vin)s): "
                    "type it again.",
                    vin=ascii(vin),
                )
            )
        reading = vals.get("odometer")
        if isinstance(reading, int) and not -(2**31) <= reading < 2**31:
            raise ValidationError(
                _(
                    "%(reading)s is not a possible odometer reading (at most %(max)s km).",
                    reading=reading,
                    max=MAX_READING,
                )
            )
        if vals.get("reading_date"):
            try:
                reading_date = fields.Date.to_date(vals["reading_date"])
            except (TypeError, ValueError):
                reading_date = None
            if not reading_date or reading_date < MIN_READING_DATE:
                raise ValidationError(
                    _(
                        "%(date)s is not a possible reading date.",
                        date=vals["reading_date"],
                    )
                )


def has_control_characters(text):
    """True for text PostgreSQL cannot store (NUL) or no VIN contains (tab, ...)."""
    return any(unicodedata.category(character) in ("Cc", "Cs") for character in text)
