# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class FleetVehicle(models.Model):
    _inherit = "fleet.vehicle"

    carpass_required = fields.Boolean(
        string="Report to Car-Pass",
        default=True,
        help="Untick for vehicles Car-Pass does not cover: foreign vehicles, "
        "vehicles over 3.5 t.",
    )
    carpass_first_use_date = fields.Date(
        string="First Registration",
        help="Date of first use on the road, as on the registration certificate.",
    )
    carpass_registration_ids = fields.One2many(
        "carpass.registration", "vehicle_id", string="Car-Pass Registrations"
    )
    carpass_registration_count = fields.Integer(
        compute="_compute_carpass_registration_count"
    )

    @api.depends("carpass_registration_ids")
    def _compute_carpass_registration_count(self):
        counts = dict(
            self.env["carpass.registration"]._read_group(
                [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]
            )
        )
        for vehicle in self:
            vehicle.carpass_registration_count = counts.get(vehicle, 0)

    def action_open_carpass_registrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "carpass_odoo.action_carpass_registration"
        )
        action.update(
            domain=[("vehicle_id", "=", self.id)],
            context={"default_vehicle_id": self.id},
            name=_("Car-Pass: %(vehicle)s", vehicle=self.display_name),
        )
        return action
