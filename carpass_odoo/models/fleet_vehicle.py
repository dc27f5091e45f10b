# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.sql import escape_psql

from ..carpass import checks, units
from ..carpass.clock import belgian_today
from .carpass_access import carpass_check_caller
from .carpass_company_rules import FleetVehicleCompanyRules
from .carpass_messages import format_day, format_number

# Car-Pass documents are valid two months (the paper Car-Pass; carpass-api.md §7)
# when Car-Pass does not say otherwise.
HISTORY_DEFAULT_VALIDITY = relativedelta(months=2)
# A document "expires soon" this many days ahead: time enough to renew it before the
# ad goes stale.
HISTORY_EXPIRING_DAYS = 7
HISTORY_STATES = [
    ("none", "No Document"),
    ("valid", "Valid"),
    ("expiring", "Expires Soon"),
    ("expired", "Expired"),
]


class FleetVehicle(FleetVehicleCompanyRules, models.Model):
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

    # Car-Pass history document (second-hand sale) -----------------------------
    carpass_history_date = fields.Date(
        string="Car-Pass History Date",
        readonly=True,
        copy=False,
        help="Day the latest Car-Pass history document was issued.",
    )
    carpass_history_reading = fields.Integer(
        string="Car-Pass History Reading",
        readonly=True,
        copy=False,
        help="Odometer reading (km) given to Car-Pass for the latest history document.",
    )
    carpass_history_carpass_valid_until = fields.Date(
        string="Validity Given by Car-Pass",
        readonly=True,
        copy=False,
        help="End of validity as Car-Pass stated it, when it did.",
    )
    carpass_history_valid_until = fields.Date(
        string="Car-Pass History Valid Until",
        compute="_compute_carpass_history_valid_until",
        store=True,
        help="Car-Pass's own end of validity, or two months after the document date.",
    )
    carpass_history_state = fields.Selection(
        HISTORY_STATES,
        string="Car-Pass History",
        compute="_compute_carpass_history_state",
        search="_search_carpass_history_state",
        help="Whether the latest Car-Pass history document can still be shown to "
        "buyers. Not stored: it changes with the date.",
    )
    carpass_history_url = fields.Char(
        string="Car-Pass Public Link",
        readonly=True,
        copy=False,
        help="Public Car-Pass page of the vehicle, to put in online advertisements.",
    )
    carpass_history_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Car-Pass History Document",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    carpass_history_request_guid = fields.Char(
        string="Car-Pass History Request",
        readonly=True,
        copy=False,
        help="Car-Pass reference of the request that issued the latest document.",
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

    @api.depends("carpass_history_date", "carpass_history_carpass_valid_until")
    def _compute_carpass_history_valid_until(self):
        for vehicle in self:
            if vehicle.carpass_history_carpass_valid_until:
                valid_until = vehicle.carpass_history_carpass_valid_until
            elif vehicle.carpass_history_date:
                valid_until = vehicle.carpass_history_date + HISTORY_DEFAULT_VALIDITY
            else:
                valid_until = False
            vehicle.carpass_history_valid_until = valid_until

    @api.depends("carpass_history_valid_until")
    @api.depends_context("tz")
    def _compute_carpass_history_state(self):
        today = belgian_today()
        soon = today + timedelta(days=HISTORY_EXPIRING_DAYS)
        for vehicle in self:
            valid_until = vehicle.carpass_history_valid_until
            if not valid_until:
                state = "none"
            elif valid_until < today:
                state = "expired"
            elif valid_until <= soon:
                state = "expiring"
            else:
                state = "valid"
            vehicle.carpass_history_state = state

    def _search_carpass_history_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                _(
                    "The Car-Pass history state cannot be searched with '%(operator)s'.",
                    operator=operator,
                )
            )
        states = {value} if operator in ("=", "!=") else set(value or ())
        if operator in ("!=", "not in"):
            states = {state for state, _label in HISTORY_STATES} - states
        today = belgian_today()
        soon = today + timedelta(days=HISTORY_EXPIRING_DAYS)
        domains = {
            "none": [("carpass_history_valid_until", "=", False)],
            "expired": [("carpass_history_valid_until", "<", today)],
            "expiring": [
                ("carpass_history_valid_until", ">=", today),
                ("carpass_history_valid_until", "<=", soon),
            ],
            "valid": [("carpass_history_valid_until", ">", soon)],
        }
        # No state at all gives OR([]), a domain that matches nothing.
        return expression.OR([domains[state] for state in states if state in domains])

    def action_open_carpass_registrations(self):
        carpass_check_caller(self)
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

    def action_carpass_history(self):
        """Open the wizard that requests the vehicle's Car-Pass history (or renews it)."""
        carpass_check_caller(self)
        if len(self) != 1:
            raise UserError(
                _(
                    "A Car-Pass history is requested for one vehicle at a time: "
                    "select a single vehicle."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Car-Pass History"),
            "res_model": "carpass.history.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_vehicle_id": self.id},
        }

    def action_open_carpass_history_url(self):
        carpass_check_caller(self)
        self.ensure_one()
        if not self.carpass_history_url:
            raise UserError(
                _("%(vehicle)s has no Car-Pass history yet.", vehicle=self.display_name)
            )
        return {
            "type": "ir.actions.act_url",
            "url": self.carpass_history_url,
            "target": "new",
        }

    # ------------------------------------------------------------
    # Car-Pass history
    # ------------------------------------------------------------

    def _carpass_history_company(self):
        """The establishment that asks Car-Pass: the vehicle's, else the current one."""
        self.ensure_one()
        return self.company_id or self.env.company

    def _carpass_vin_owner(self, vin):
        """Another vehicle of this vehicle's company (or of none) whose VIN in Fleet
        is ``vin`` (case aside), or an empty recordset."""
        self.ensure_one()
        vin = checks.normalize_vin(vin)
        if not vin:
            return self.browse()
        # =ilike compares without case; its wildcards are escaped.
        return (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("id", "!=", self.id),
                    ("company_id", "in", [self.company_id.id, False]),
                    ("vin_sn", "=ilike", escape_psql(vin)),
                ],
                limit=1,
            )
        )

    def _carpass_vin_owner_name(self, vin):
        """How the checks name the other vehicle with ``vin``: its plate, else its
        name; None when no other vehicle has it."""
        owner = self._carpass_vin_owner(vin)
        if not owner:
            return None
        return owner.license_plate or owner.display_name

    def _carpass_store_history(self, history, vin, reading, reading_date):
        """Keep a history document Car-Pass issued: attachment, chatter, link, reading.

        ``history`` is the protocol's VehicleHistory; returns the attachment.
        """
        self.ensure_one()
        today = belgian_today()
        attachment = self.env["ir.attachment"]
        if history.pdf:
            attachment = attachment.create(
                {
                    "name": f"carpass-history-{vin}-{today.isoformat()}.pdf",
                    "raw": history.pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "description": _(
                        "Car-Pass history at %(reading)s km (request %(guid)s)",
                        reading=format_number(self.env, reading),
                        guid=history.request_guid,
                    ),
                }
            )
        values = {
            "carpass_history_date": today,
            "carpass_history_reading": reading,
            "carpass_history_carpass_valid_until": history.valid_until or False,
            "carpass_history_url": history.public_url,
            "carpass_history_attachment_id": attachment.id,
            "carpass_history_request_guid": history.request_guid,
        }
        if not self.vin_sn:
            # The VIN as read on the car is what Car-Pass answered for. A VIN
            # already in Fleet is never replaced here: the wizard refuses a VIN
            # that differs from it (carpass.history.wizard).
            values["vin_sn"] = vin
        self.write(values)
        self._carpass_log_history_reading(reading, reading_date)
        if attachment:
            note = _(
                "Car-Pass history issued at %(reading)s km, valid until "
                "%(valid_until)s.",
                reading=format_number(self.env, reading),
                valid_until=format_day(self.env, self.carpass_history_valid_until),
            )
        else:
            note = _(
                "Car-Pass history requested at %(reading)s km. Car-Pass offered no "
                "PDF: the public page below shows the history.",
                reading=format_number(self.env, reading),
            )
        self._message_log(
            body=Markup(
                "%s<br/><a href='%s' target='_blank' rel='noopener noreferrer'>%s</a>"
            )
            % (note, history.public_url, history.public_url),
            attachment_ids=attachment.ids,
        )
        return attachment

    def _carpass_log_history_reading(self, reading, reading_date):
        """Add the reading (km) to Fleet's odometer log unless an as recent one is there.

        Fleet's log is in the vehicle's unit: miles for a miles vehicle.
        """
        self.ensure_one()
        value = units.from_km(reading, self.odometer_unit)
        latest = self.env["fleet.vehicle.odometer"].search(
            [("vehicle_id", "=", self.id)], order="date desc, id desc", limit=1
        )
        if latest and (
            latest.date and latest.date > reading_date or latest.value >= value
        ):
            return latest.browse()
        return self.env["fleet.vehicle.odometer"].create(
            {"vehicle_id": self.id, "date": reading_date, "value": value}
        )
