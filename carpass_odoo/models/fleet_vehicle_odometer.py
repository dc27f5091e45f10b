# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

# What a user may not give a reading of Car-Pass, nor take from it.
_LINK_FIELD = "carpass_registration_id"


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

    carpass_reported = fields.Boolean(
        string="Reported to Car-Pass",
        compute="_compute_carpass_reported",
        help="The reading of a Car-Pass registration: only that registration "
        "changes it.",
    )

    @api.depends(_LINK_FIELD)
    def _compute_carpass_reported(self):
        for line in self:
            line.carpass_reported = bool(line.sudo()[_LINK_FIELD].id)

    def init(self):
        # The checks read a vehicle's latest readings: keep that an index scan at any size.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS fleet_vehicle_odometer_carpass_history_idx "
            "ON fleet_vehicle_odometer (vehicle_id, date DESC, id DESC)"
        )

    # ------------------------------------------------------------
    # The readings of Car-Pass registrations: written by the addon alone
    # ------------------------------------------------------------
    # A line of a registration is the reading Car-Pass accepted (or that was
    # confirmed or declared as odometer work): the vehicle's last odometer and the
    # "previous reading" of the next checks. Only the registration's reading sync
    # (``carpass.registration._sync_odometer_log``, as superuser) creates, changes
    # and deletes it; a reading is corrected on its registration. Lines typed in
    # Fleet without a registration stay Fleet's, as before.

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(_LINK_FIELD) for vals in vals_list):
            self._carpass_refuse_reported()
        return super().create(vals_list)

    def write(self, vals):
        if _LINK_FIELD in vals or self._carpass_reported_lines():
            self._carpass_refuse_reported()
        return super().write(vals)

    def unlink(self):
        if self._carpass_reported_lines():
            self._carpass_refuse_reported()
        return super().unlink()

    def _carpass_reported_lines(self):
        """The lines of ``self`` that hold a registration's reading (read as superuser)."""
        if self.env.su:
            return self.browse()
        return self.sudo().filtered(_LINK_FIELD)

    @api.model
    def _carpass_refuse_reported(self):
        if self.env.su:
            return
        raise AccessError(
            self.env._(
                "This odometer reading was reported to Car-Pass: only its Car-Pass "
                "registration changes it. Correct the reading on the registration."
            )
        )
