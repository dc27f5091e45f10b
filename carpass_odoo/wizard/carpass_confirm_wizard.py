# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.carpass_access import carpass_check_caller
from ..models.carpass_inputs import CarpassInputGuard


class CarpassConfirmWizard(CarpassInputGuard, models.TransientModel):
    _name = "carpass.confirm.wizard"
    _description = "Confirm Car-Pass Registrations as Correct"

    registration_ids = fields.Many2many("carpass.registration", string="Registrations")
    reason = fields.Text(
        required=True,
        help="Why the data is right, e.g. the reading really is a round number.",
    )

    def action_confirm(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(
                _("Say why the data is correct: Car-Pass cannot undo a confirmation.")
            )
        if not self.registration_ids:
            raise UserError(_("Select the registrations to confirm."))
        outcomes = self.registration_ids._carpass_confirm(self.reason)
        return self.registration_ids.with_context(
            carpass_close_after=True
        )._carpass_notify(outcomes, _("Car-Pass: confirm as correct"))
