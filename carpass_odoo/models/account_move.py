# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from .carpass_messages import format_day, format_number


class AccountMove(models.Model):
    _inherit = "account.move"

    carpass_repair_ids = fields.Many2many(
        "repair.order",
        compute="_compute_carpass_repair_ids",
        string="Repairs",
        help="Repairs invoiced here: Belgian law wants their VIN and reading on the invoice.",
    )
    # What the invoice prints about the repaired vehicles, one line per repair, shown
    # read-only on its form: an accountant sees them without access to repairs.
    carpass_vehicle_names = fields.Text(
        string="Vehicles", compute="_compute_carpass_vehicle_lines"
    )
    carpass_vins = fields.Text(string="VINs", compute="_compute_carpass_vehicle_lines")
    carpass_readings = fields.Text(
        string="Odometer Readings",
        compute="_compute_carpass_vehicle_lines",
        help="The reading each repair reported to Car-Pass (from its registration).",
    )
    carpass_reading_dates = fields.Text(
        string="Reading Dates", compute="_compute_carpass_vehicle_lines"
    )

    @api.depends("invoice_line_ids.sale_line_ids")
    def _compute_carpass_repair_ids(self):
        for move in self:
            orders = move.invoice_line_ids.sale_line_ids.order_id
            move.carpass_repair_ids = orders.repair_order_ids.filtered(
                "carpass_vehicle_id"
            )

    # Not stored, read fresh each time: no deeper dependency to track.
    @api.depends("carpass_repair_ids")
    def _compute_carpass_vehicle_lines(self):
        for move in self:
            repairs = move.sudo().carpass_repair_ids
            move.carpass_vehicle_names = "\n".join(
                repairs.carpass_vehicle_id.mapped("display_name")
            )
            move.carpass_vins = "\n".join(
                repair.carpass_vin or "-" for repair in repairs
            )
            move.carpass_readings = "\n".join(
                move._carpass_reading_line(repair) for repair in repairs
            )
            move.carpass_reading_dates = "\n".join(
                format_day(self.env, repair.carpass_odometer_date)
                if repair.carpass_odometer_date
                else "-"
                for repair in repairs
            )

    def _carpass_reading_line(self, repair):
        """The reading as printed: "58,421 km", marked while not reported yet."""
        if not repair.carpass_odometer:
            return "-"
        unit = _("mi") if repair.carpass_odometer_unit == "miles" else _("km")
        line = f"{format_number(self.env, repair.carpass_odometer)} {unit}"
        if repair.carpass_registration_id and not repair.carpass_reading_reported:
            line = _("%(reading)s (not yet reported to Car-Pass)", reading=line)
        return line

    carpass_report_status = fields.Char(
        string="Car-Pass Status",
        compute="_compute_carpass_report_status",
        help="Where the reading of each repair invoiced here stands at Car-Pass.",
    )
    carpass_report_missing = fields.Boolean(
        string="Car-Pass Report Missing",
        compute="_compute_carpass_report_status",
        help="A repair invoiced here has no reading Car-Pass received, and its report "
        "was not skipped on purpose.",
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
                missing = missing or not (
                    registration.request_guid or repair.carpass_skipped
                )
                state = (
                    labels[registration.state]
                    if registration
                    else self.env._("no report")
                )
                parts.append(f"{repair.name}: {state}")
            move.carpass_report_status = ", ".join(parts)
            move.carpass_report_missing = missing
