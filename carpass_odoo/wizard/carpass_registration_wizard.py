# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..carpass import checks, units
from ..carpass.clock import belgian_today
from ..models.carpass_access import carpass_check_caller
from ..models.carpass_inputs import carpass_clean_vals
from ..models.carpass_messages import finding_message
from ..models.carpass_registration import SKIP_REASONS
from .dialog import wizard_dialog

SEVERITY_CLASSES = {
    checks.Severity.BLOCKING: "text-bg-danger",
    checks.Severity.WARNING: "text-bg-warning",
    checks.Severity.INFO: "text-bg-info",
}


class CarpassRegistrationWizard(models.TransientModel):
    _name = "carpass.registration.wizard"
    _description = "Report a Reading to Car-Pass"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="registration_id.company_id")
    repair_id = fields.Many2one(related="registration_id.repair_id")
    vehicle_id = fields.Many2one(related="registration_id.vehicle_id")
    license_plate = fields.Char(related="registration_id.vehicle_id.license_plate")
    # The prefilled values are computed before the INSERT (precompute), not by an
    # UPDATE after it: one query less each time the window opens.
    vin = fields.Char(
        string="VIN",
        compute="_compute_from_registration",
        store=True,
        readonly=False,
        precompute=True,
    )
    odometer_unit = fields.Selection(related="registration_id.odometer_unit")
    odometer = fields.Integer(
        string="Odometer Reading",
        compute="_compute_from_registration",
        store=True,
        readonly=False,
        precompute=True,
        help="As the dashboard shows it, in the vehicle's odometer unit (km or miles).",
    )
    odometer_km = fields.Integer(
        string="Sent to Car-Pass",
        compute="_compute_odometer_km",
        help="Car-Pass records kilometres: the reading converted to km.",
    )
    reading_date = fields.Date(
        compute="_compute_from_registration",
        store=True,
        readonly=False,
        precompute=True,
    )
    odometer_work = fields.Boolean(
        string="Work on the Odometer",
        compute="_compute_from_registration",
        store=True,
        readonly=False,
        precompute=True,
        help="Tick when the odometer was replaced or repaired: it explains a lower reading.",
    )
    findings_html = fields.Html(compute="_compute_findings", sanitize=False)
    has_blocking = fields.Boolean(compute="_compute_findings")
    is_late = fields.Boolean(compute="_compute_findings")
    vin_short = fields.Boolean(compute="_compute_findings")
    suggestion = fields.Integer(compute="_compute_findings")
    can_skip = fields.Boolean(related="registration_id.can_skip")
    skip_reason = fields.Selection(SKIP_REASONS)
    skip_note = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [carpass_clean_vals(self, vals) for vals in vals_list]
        for vals in vals_list:
            # Typed text the database cannot store must fail as a readable error.
            self.env["carpass.registration"]._carpass_check_storable(vals)
        return super().create(vals_list)

    def write(self, vals):
        vals = carpass_clean_vals(self, vals)
        self.env["carpass.registration"]._carpass_check_storable(vals)
        return super().write(vals)

    @api.depends("registration_id")
    def _compute_from_registration(self):
        for wizard in self:
            registration = wizard.registration_id
            wizard.vin = registration.vin or registration.vehicle_id.vin_sn or ""
            # The registration holds the km sent to Car-Pass; the mechanic sees the
            # dashboard (whole miles survive the round trip, see carpass/units.py).
            wizard.odometer = registration.dashboard_reading
            wizard.reading_date = registration.reading_date or belgian_today()
            wizard.odometer_work = registration.odometer_work

    @api.depends("odometer", "odometer_unit")
    def _compute_odometer_km(self):
        for wizard in self:
            wizard.odometer_km = units.to_km(wizard.odometer, wizard.odometer_unit)

    @api.depends("vin", "odometer", "odometer_unit", "reading_date", "odometer_work")
    def _compute_findings(self):
        for wizard in self:
            findings = wizard._findings()
            wizard.has_blocking = checks.has_blocking(findings)
            codes = {finding.code for finding in findings}
            wizard.is_late = checks.DATE_LATE in codes
            wizard.vin_short = checks.VIN_LENGTH in codes
            suggestion = next(
                (finding.suggestion for finding in findings if finding.suggestion), 0
            )
            # Checks work in km; the suggestion replaces what the mechanic typed.
            wizard.suggestion = units.from_km(suggestion, wizard.odometer_unit)
            wizard.findings_html = wizard._findings_html(findings)

    def _findings(self):
        self.ensure_one()
        registration = self.registration_id
        if not registration:
            return []
        return checks.check_observation(
            vin=self.vin or "",
            reading=self.odometer_km,
            reading_date=self.reading_date or belgian_today(),
            today=belgian_today(),
            odometer_work=self.odometer_work,
            odometer_unit=self.odometer_unit,
            **registration._carpass_check_context(
                registration.vehicle_id, self.vin, registration.odometer_log_id
            ),
        )

    def _findings_html(self, findings):
        if not findings:
            return Markup('<div class="alert alert-success mb-0">%s</div>') % _(
                "All checks passed."
            )
        items = Markup("").join(
            Markup('<li class="mb-1"><span class="badge %s me-2">%s</span>%s</li>')
            % (
                SEVERITY_CLASSES[finding.severity],
                escape(self._severity_label(finding.severity)),
                finding_message(self.env, finding, self.odometer_unit),
            )
            for finding in findings
        )
        return Markup('<ul class="list-unstyled mb-0">%s</ul>') % items

    def _severity_label(self, severity):
        return {
            checks.Severity.BLOCKING: _("Blocking"),
            checks.Severity.WARNING: _("Warning"),
            checks.Severity.INFO: _("Info"),
        }[severity]

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def action_use_suggestion(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        if self.suggestion:
            self.odometer = self.suggestion
        return self._reopen()

    def action_send(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        if self.has_blocking:
            findings = self._findings()
            raise UserError(
                "\n".join(
                    finding_message(self.env, finding, self.odometer_unit)
                    for finding in findings
                    if finding.severity == checks.Severity.BLOCKING
                )
            )
        registration = self.registration_id
        # Lock before saving what was typed: a Send pressed elsewhere at the same
        # moment then waits its turn instead of losing its answer to a write
        # conflict on a row this transaction changed.
        if registration.id and not registration._carpass_try_lock():
            outcomes = [registration._carpass_busy()]
        else:
            self._save_to_registration()
            registration = self.registration_id
            outcomes = registration._carpass_send_each(locked=bool(registration.id))
        return registration.with_context(carpass_close_after=True)._carpass_notify(
            outcomes, _("Car-Pass")
        )

    def action_postpone(self):
        """Don't send now: the registration waits, with what was typed, in the overview."""
        carpass_check_caller(self, "write")
        self.ensure_one()
        self._save_to_registration(check=False)
        return {"type": "ir.actions.act_window_close"}

    def action_skip(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        if not self.skip_reason:
            raise UserError(_("Choose why this repair is not reported to Car-Pass."))
        # The registration decides (lifecycle.can_skip): only a report never sent.
        self.registration_id._carpass_skip(self.skip_reason, self.skip_note)
        return {"type": "ir.actions.act_window_close"}

    def _save_to_registration(self, check=True):
        if not self.reading_date:
            raise UserError(_("Fill in the date of the reading."))
        vin = (self.vin or "").strip().upper()
        vehicle = self.registration_id.vehicle_id
        if vin and not vehicle.vin_sn:
            vehicle.vin_sn = vin
        registration = self.registration_id
        values = {
            "vin": vin,
            "odometer": self.odometer_km,
            "reading_date": self.reading_date,
            "odometer_work": self.odometer_work,
        }
        # Only what was changed: a Send of the prefilled values writes nothing here.
        changed = registration._carpass_changed_reported_fields(values)
        if changed:
            registration.write({name: values[name] for name in changed})
        if registration.state == "error" and not check:
            registration._carpass_write_workflow({"state": "draft"})

    def _reopen(self):
        return wizard_dialog(self, _("Report to Car-Pass"))
