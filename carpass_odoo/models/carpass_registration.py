# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unicodedata
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..carpass import checks, units
from ..carpass.clock import belgian_today
from .carpass_messages import finding_message, format_number
from .carpass_registration_constants import (
    ATTENTION_COUNT_CAP,
    ATTENTION_STATES,
    MAX_READING,
    MIN_READING_DATE,
    SKIP_REASONS,
    STATES,
)


class CarpassRegistration(models.Model):
    _name = "carpass.registration"
    _description = "Car-Pass Registration"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "carpass.registration.sending",
        "carpass.registration.drain",
        "carpass.registration.confirmation",
    ]
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
    odometer = fields.Integer(
        string="Odometer Reading",
        required=True,
        tracking=True,
        help="In kilometres, as sent to Car-Pass. For a vehicle whose odometer counts "
        "miles, the dashboard reading converted to km.",
    )
    odometer_unit = fields.Selection(related="vehicle_id.odometer_unit")
    dashboard_reading = fields.Integer(
        compute="_compute_dashboard_reading",
        help="The reading as the vehicle's dashboard shows it, in its odometer unit.",
    )
    reading_date = fields.Date(
        required=True,
        default=lambda self: belgian_today(),
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

    @api.depends("odometer", "odometer_unit")
    def _compute_dashboard_reading(self):
        for registration in self:
            registration.dashboard_reading = units.from_km(
                registration.odometer, registration.odometer_unit
            )

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
        today = belgian_today()
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
                    reading=format_number(self.env, reading),
                    max=format_number(self.env, MAX_READING),
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
        """Mirror the reading in Fleet's odometer log, bypassing its 'no lower value' rule.

        The log is in the vehicle's unit (Fleet shows it so): miles for a miles vehicle.
        """
        Odometer = self.env["fleet.vehicle.odometer"].sudo()
        for registration in self.filtered(lambda r: r.state != "skipped"):
            values = {
                "value": registration.dashboard_reading,
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
        """Earlier readings of the vehicle, newest first, as the checks expect them.

        Fleet logs them in the vehicle's unit; the checks compare kilometres.
        """
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
                reading=int(units.to_km(log.value, vehicle.odometer_unit)),
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
            today=belgian_today(),
            history=self._carpass_history(self.vehicle_id, self.odometer_log_id),
            odometer_work=self.odometer_work,
            odometer_unit=self.odometer_unit,
        )

    def _set_local_issues(self, findings):
        self._carpass_replace_issues(
            "local",
            [
                {
                    "code": finding.code,
                    "severity": finding.severity.value,
                    "message": finding_message(self.env, finding, self.odometer_unit),
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

    def action_send_again(self):
        """Send again a report whose outcome is unknown, on a person's word.

        For a registration Car-Pass may hold but could not be asked about (the
        look-up is unavailable or the automatic attempts ran out): the person
        checked at Car-Pass that the reading did not arrive. The same
        idempotency key is sent, so a Car-Pass that honours it still answers
        the first report instead of storing a second one.
        """
        for registration in self:
            if not (
                registration.state == "error"
                and registration.outcome_unknown
                and not registration.request_guid
            ):
                raise UserError(
                    _(
                        "%(name)s is not waiting for a check at Car-Pass: use 'Send'.",
                        name=registration.display_name,
                    )
                )
        self.check_access("write")
        self.write({"outcome_unknown": False, "retry_count": 0, "retryable": False})
        self.message_post(
            body=_("Checked at Car-Pass: not received. Sent again by hand.")
        )
        return self.action_send()

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
        today = belgian_today()
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

    @api.model
    def carpass_attention_count(self):
        """The systray counter: registrations needing attention in the active companies.

        Counts up to ATTENTION_COUNT_CAP (the systray then shows "999+").
        """
        if not self.env.user.has_group("carpass_odoo.group_carpass_user"):
            return 0
        return self.search_count(
            [
                ("needs_attention", "=", True),
                ("company_id", "in", self.env.companies.ids),
            ],
            limit=ATTENTION_COUNT_CAP,
        )

    # ------------------------------------------------------------
    # The attention index and input checks
    # ------------------------------------------------------------

    def init(self):
        # The systray counts the few rows needing attention among all registrations:
        # a partial index keeps that count proportional to those few.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS carpass_registration_attention_idx "
            "ON carpass_registration (company_id) WHERE needs_attention"
        )

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
                    reading=format_number(self.env, reading),
                    max=format_number(self.env, MAX_READING),
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
