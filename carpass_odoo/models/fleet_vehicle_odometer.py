# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class FleetVehicleOdometer(models.Model):
    _inherit = "fleet.vehicle.odometer"

    # Fleet's name ("vehicle / date"), computed before the INSERT rather than by an
    # UPDATE after it: one query less per reading the addon logs.
    name = fields.Char(compute="_compute_vehicle_log_name", store=True, precompute=True)

    carpass_odometer_work = fields.Boolean(
        string="Work on the Odometer",
        help="The odometer was replaced or repaired at this reading.",
    )
    carpass_registration_id = fields.Many2one(
        "carpass.registration",
        string="Car-Pass Registration",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="The registration this reading was reported with. The addon logs a "
        "reported reading only once Car-Pass accepted it (or it was confirmed, or "
        "declared as odometer work): see lifecycle.reading_is_trusted.",
    )

    def init(self):
        # The checks read a vehicle's latest readings: keep that an index scan at any size.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS fleet_vehicle_odometer_carpass_history_idx "
            "ON fleet_vehicle_odometer (vehicle_id, date DESC, id DESC)"
        )
