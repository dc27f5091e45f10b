# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..carpass import units
from ..carpass.clock import belgian_today
from .carpass_access import carpass_check_caller
from .carpass_company_rules import RepairOrderCompanyRules
from .carpass_registration import STATES


class RepairOrder(RepairOrderCompanyRules, models.Model):
    _inherit = "repair.order"

    carpass_vehicle_id = fields.Many2one(
        "fleet.vehicle", string="Vehicle", tracking=True, index="btree_not_null"
    )
    carpass_license_plate = fields.Char(
        related="carpass_vehicle_id.license_plate", string="License Plate"
    )
    carpass_vin = fields.Char(
        related="carpass_vehicle_id.vin_sn",
        string="VIN",
        readonly=False,
        help="Chassis number of the vehicle; filled in on the vehicle.",
    )
    carpass_odometer = fields.Integer(
        string="Odometer Reading",
        tracking=True,
        copy=False,
        help="As the dashboard shows it, in the vehicle's odometer unit (km or miles). "
        "Car-Pass receives it in km.",
    )
    carpass_odometer_unit = fields.Selection(
        related="carpass_vehicle_id.odometer_unit", string="Odometer Unit"
    )
    carpass_odometer_km = fields.Integer(
        compute="_compute_carpass_odometer_km",
        string="Sent to Car-Pass",
        help="The reading converted to km, as Car-Pass records it.",
    )
    carpass_odometer_date = fields.Date(
        string="Reading Date", copy=False, help="Defaults to the day the repair ends."
    )
    carpass_odometer_work = fields.Boolean(
        string="Work on the Odometer",
        copy=False,
        help="The odometer was replaced or repaired during this repair.",
    )
    carpass_registration_ids = fields.One2many(
        "carpass.registration", "repair_id", string="Car-Pass Registrations"
    )
    carpass_registration_id = fields.Many2one(
        "carpass.registration",
        compute="_compute_carpass_registration_id",
        string="Car-Pass Registration",
    )
    carpass_state = fields.Selection(
        STATES, compute="_compute_carpass_registration_id", string="Car-Pass Status"
    )
    carpass_state_tone = fields.Selection(
        related="carpass_registration_ids.state_tone", string="Car-Pass Status Tone"
    )
    carpass_can_report = fields.Boolean(
        compute="_compute_carpass_registration_id",
        help="The repair is done and its reading still has to reach Car-Pass.",
    )

    @api.depends("carpass_odometer", "carpass_odometer_unit")
    def _compute_carpass_odometer_km(self):
        for repair in self:
            repair.carpass_odometer_km = units.to_km(
                repair.carpass_odometer, repair.carpass_odometer_unit
            )

    @api.depends("state", "carpass_vehicle_id", "carpass_registration_ids.state")
    def _compute_carpass_registration_id(self):
        for repair in self:
            registration = repair.carpass_registration_ids[:1]
            repair.carpass_registration_id = registration
            repair.carpass_state = registration.state
            repair.carpass_can_report = bool(
                repair.state == "done"
                and repair.carpass_vehicle_id
                and (not registration or registration.can_edit)
            )

    def _carpass_must_report(self):
        self.ensure_one()
        return bool(
            self.carpass_vehicle_id and self.carpass_vehicle_id.carpass_required
        )

    # ------------------------------------------------------------
    # End of repair
    # ------------------------------------------------------------

    def action_repair_done(self):
        result = super().action_repair_done()
        self._carpass_create_registrations()
        return result

    def action_repair_end(self):
        result = super().action_repair_end()
        if isinstance(result, dict) or self.env.context.get("carpass_no_wizard"):
            return result
        registrations = self.carpass_registration_ids.filtered(
            lambda registration: registration.state == "draft"
        )
        if len(registrations) == 1:
            return registrations._carpass_open_wizard()
        if registrations:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "carpass_odoo.action_carpass_registration"
            )
            action["domain"] = [("id", "in", registrations.ids)]
            return action
        return result

    def _carpass_create_registrations(self):
        """Every way a repair reaches 'done' leaves a report waiting, so none is forgotten."""
        to_create = []
        for repair in self:
            if not repair._carpass_must_report() or repair.carpass_registration_ids:
                continue
            to_create.append(
                {
                    "company_id": repair.company_id.id,
                    "repair_id": repair.id,
                    "vehicle_id": repair.carpass_vehicle_id.id,
                    "vin": repair.carpass_vin or "",
                    "odometer": repair.carpass_odometer_km,
                    "reading_date": repair.carpass_odometer_date or belgian_today(),
                    "odometer_work": repair.carpass_odometer_work,
                }
            )
        registrations = self.env["carpass.registration"].sudo().create(to_create)
        registrations.filtered("odometer")._sync_odometer_log()
        return registrations

    def action_carpass_open_wizard(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        registration = self.carpass_registration_ids.filtered("can_edit")[:1]
        if not registration:
            registration = self._carpass_create_registrations()
        return registration._carpass_open_wizard()
