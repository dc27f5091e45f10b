# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    carpass_repair_ids = fields.Many2many(
        "repair.order",
        compute="_compute_carpass_repair_ids",
        string="Repairs",
        help="Repairs invoiced here: Belgian law wants their VIN and reading on the invoice.",
    )

    @api.depends("invoice_line_ids.sale_line_ids")
    def _compute_carpass_repair_ids(self):
        for move in self:
            orders = move.invoice_line_ids.sale_line_ids.order_id
            move.carpass_repair_ids = orders.repair_order_ids.filtered(
                "carpass_vehicle_id"
            )
