# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


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
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_carpass_repair_ids(self):
        # The sale orders' repairs are a stock field (sale.order.repair_order_ids):
        # found as superuser for whoever prints or opens the invoice (an accountant
        # has no stock rights), only in the companies this user works in.
        companies = self.env.companies
        for move in self:
            orders = move.sudo().invoice_line_ids.sale_line_ids.order_id
            repairs = orders.repair_order_ids.filtered(
                lambda repair: repair.carpass_vehicle_id
                and repair.company_id in companies
            )
            move.carpass_repair_ids = repairs.with_env(self.env)

    def _carpass_printed_vehicles(self):
        """What the invoice prints about each repaired vehicle, one dict per repair.

        Read as superuser, and only these values: the accountant who prints the
        invoice has no rights on repairs, vehicles or Car-Pass registrations.
        Numbers and dates in the environment's language (the report's).
        """
        self.ensure_one()
        return [
            repair.sudo()._carpass_printed_vehicle()
            for repair in self.carpass_repair_ids
        ]

    # Not stored, read fresh each time: no deeper dependency to track.
    @api.depends("carpass_repair_ids")
    @api.depends_context("lang", "uid", "allowed_company_ids")
    def _compute_carpass_vehicle_lines(self):
        for move in self:
            lines = move._carpass_printed_vehicles()
            move.carpass_vehicle_names = "\n".join(line["vehicle"] for line in lines)
            move.carpass_vins = "\n".join(line["vin"] for line in lines)
            move.carpass_readings = "\n".join(
                move._carpass_reading_line(line) for line in lines
            )
            move.carpass_reading_dates = "\n".join(
                line["date"] or "-" for line in lines
            )

    def _carpass_reading_line(self, line):
        """The reading as the form shows it: "58,421 km", marked while not reported yet."""
        if line["odometer"] == "-":
            return "-"
        unit = _("mi") if line["miles"] else _("km")
        reading = f"{line['odometer']} {unit}"
        if line["not_reported"]:
            reading = _("%(reading)s (not yet reported to Car-Pass)", reading=reading)
        return reading

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
            for repair in move.carpass_repair_ids.sudo():
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
