# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CarpassRegistrationIssue(models.Model):
    _name = "carpass.registration.issue"
    _description = "Car-Pass Registration Issue"
    _order = "resolved, id"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade", index=True
    )
    # Precomputed: written by the INSERT, not by an UPDATE after it (one query less
    # per row on the send path, see docs/benchmarks.md).
    company_id = fields.Many2one(
        related="registration_id.company_id", store=True, precompute=True
    )
    source = fields.Selection(
        [("local", "Check before sending"), ("carpass", "Car-Pass")], required=True
    )
    code = fields.Char(required=True)
    message = fields.Text()
    severity = fields.Selection(
        [("blocking", "Blocking"), ("warning", "Warning"), ("info", "Info")],
        default="warning",
        required=True,
    )
    actions = fields.Char(
        help="What Car-Pass allows: correct, confirm, manual correction."
    )
    suggestion = fields.Integer(help="The reading the checks think was meant.")
    resolved = fields.Boolean()
