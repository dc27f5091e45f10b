# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..carpass.clock import belgian_today
from ..carpass.payloads import ManualCorrection
from ..models.carpass_access import carpass_check_caller
from ..models.carpass_inputs import CarpassInputGuard


class CarpassManualCorrectionWizard(CarpassInputGuard, models.TransientModel):
    _name = "carpass.manual.correction.wizard"
    _description = "Ask Car-Pass for a Manual Correction"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade"
    )
    odometer = fields.Integer(string="Correct Reading", required=True)
    reading_date = fields.Date(string="Correct Date", required=True)
    reason = fields.Text(required=True)
    contact = fields.Char(
        default=lambda self: self.env.user.email or self.env.user.name
    )

    def action_request(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        if self.odometer <= 0:
            raise UserError(_("The odometer reading must be a positive whole number."))
        self.registration_id._carpass_check_reading_range({"odometer": self.odometer})
        if self.reading_date > belgian_today():
            raise UserError(_("The reading date cannot be in the future."))
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason for the manual correction."))
        registration = self.registration_id
        if not registration.can_manual_correct:
            raise UserError(
                _("Only a registration known to Car-Pass can be corrected manually.")
            )
        outcome = registration._carpass_request_manual_correction(
            ManualCorrection(
                reason=self.reason.strip(),
                odometer_reading=self.odometer,
                odometer_reading_date=self.reading_date,
                contact=self.contact or "",
            )
        )
        return registration.with_context(carpass_close_after=True)._carpass_notify(
            [outcome], _("Car-Pass: manual correction")
        )
