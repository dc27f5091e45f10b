# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    carpass_default_activity_id = fields.Many2one(
        "carpass.activity",
        string="Default Car-Pass Activity",
        ondelete="set null",
        help="Sent for repair lines whose product and product category have no "
        "Car-Pass activity mapping.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    carpass_default_activity_id = fields.Many2one(
        related="company_id.carpass_default_activity_id", readonly=False
    )
