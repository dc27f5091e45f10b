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

    carpass_report_status = fields.Char(
        string="Car-Pass Status",
        compute="_compute_carpass_report_status",
        help="Where the reading of each repair invoiced here stands at Car-Pass.",
    )
    carpass_report_missing = fields.Boolean(
        string="Car-Pass Report Missing",
        compute="_compute_carpass_report_status",
        help="A repair invoiced here has no reading Car-Pass received.",
    )

    @api.depends("carpass_repair_ids")
    @api.depends_context("lang")
    def _compute_carpass_report_status(self):
        # The accountant reads the status without Car-Pass rights: only the state.
        Registration = self.env["carpass.registration"].sudo()
        labels = dict(Registration._fields["state"]._description_selection(self.env))
        for move in self:
            parts = []
            missing = False
            for repair in move.sudo().carpass_repair_ids:
                registration = repair.carpass_registration_ids[:1]
                missing = missing or not registration.request_guid
                state = (
                    labels[registration.state]
                    if registration
                    else self.env._("no report")
                )
                parts.append(f"{repair.name}: {state}")
            move.carpass_report_status = ", ".join(parts)
            move.carpass_report_missing = missing
