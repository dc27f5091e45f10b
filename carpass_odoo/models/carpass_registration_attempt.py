# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CarpassRegistrationAttempt(models.Model):
    _name = "carpass.registration.attempt"
    _description = "Car-Pass Call"
    _order = "id desc"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="registration_id.company_id", store=True)
    operation = fields.Selection(
        [
            ("create", "Send"),
            ("lookup", "Look up"),
            ("status", "Status"),
            ("correct", "Correction"),
            ("confirm", "Confirmation"),
            ("manual_correction", "Manual correction"),
            ("description", "Work description"),
        ],
        required=True,
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    success = fields.Boolean()
    outcome = fields.Char()
    error_message = fields.Text()
    duration_ms = fields.Integer(string="Duration (ms)")
