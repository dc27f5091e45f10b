# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..carpass import checks, lifecycle, trend, units
from ..carpass.clock import belgian_today
from .carpass_access import carpass_check_caller
from .carpass_company_rules import RepairOrderCompanyRules
from .carpass_messages import format_day, format_distance, format_number
from .carpass_registration import STATES

# The repair's reading, date and odometer work: once the repair has a registration,
# that registration holds them (the one source of truth) and the repair mirrors it.
READING_FIELDS = ("carpass_odometer", "carpass_odometer_date", "carpass_odometer_work")
# What a repair reported to Car-Pass keeps: a change goes through a correction of the
# report (its registration), never through the repair.
REPORTED_REPAIR_FIELDS = ("carpass_vehicle_id", "carpass_vin", *READING_FIELDS)
# Context key of the mirroring write; an object no RPC call can send.
_MIRROR_CONTEXT_KEY = "carpass_mirror_registration"
_MIRROR_TOKEN = object()


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
    # Computed as superuser (the four fields of the compute): the accountant reads a
    # repair's Car-Pass status without rights on registrations.
    carpass_registration_id = fields.Many2one(
        "carpass.registration",
        compute="_compute_carpass_registration_id",
        compute_sudo=True,
        string="Car-Pass Registration",
    )
    carpass_state = fields.Selection(
        STATES,
        compute="_compute_carpass_registration_id",
        compute_sudo=True,
        string="Car-Pass Status",
    )
    carpass_state_tone = fields.Selection(
        related="carpass_registration_ids.state_tone", string="Car-Pass Status Tone"
    )
    carpass_can_report = fields.Boolean(
        compute="_compute_carpass_registration_id",
        compute_sudo=True,
        help="The repair is done and its reading still has to reach Car-Pass.",
    )
    carpass_reading_reported = fields.Boolean(
        compute="_compute_carpass_registration_id",
        compute_sudo=True,
        string="Reading Reported",
        help="Car-Pass accepted the reading (or it was confirmed as correct). Until "
        "then the reading shown is the one waiting to be reported.",
    )

    # The accountant's read-only list of repairs without a Car-Pass report shows these
    # without rights on vehicles, sale orders' invoices being read as superuser too.
    carpass_vehicle_name = fields.Char(
        string="Vehicle Name",
        compute="_compute_carpass_accounting_view",
        compute_sudo=True,
    )
    carpass_invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_carpass_accounting_view",
        compute_sudo=True,
        help="The invoices of the repair's sale order.",
    )

    @api.depends("carpass_vehicle_id", "sale_order_id.invoice_ids")
    @api.depends_context("allowed_company_ids")
    def _compute_carpass_accounting_view(self):
        companies = self.env.companies
        for repair in self:
            repair.carpass_vehicle_name = repair.carpass_vehicle_id.display_name
            repair.carpass_invoice_ids = repair.sale_order_id.invoice_ids.filtered(
                lambda move: move.company_id in companies
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
            repair.carpass_reading_reported = registration.state in (
                lifecycle.TRUSTED_STATES
            )
            repair.carpass_can_report = bool(
                repair.state == "done"
                and repair.carpass_vehicle_id
                and (not registration or registration.can_edit)
            )

    @api.model_create_multi
    def create(self, vals_list):
        # Typed first (the input guard), then the bounds of a reading.
        vals_list = [self._carpass_clean_values(vals) for vals in vals_list]
        for vals in vals_list:
            self._carpass_check_reading_bounds(vals)
        return super().create(vals_list)

    def write(self, vals):
        vals = self._carpass_clean_values(vals)
        self._carpass_check_reading_bounds(vals)
        mirroring = self.env.context.get(_MIRROR_CONTEXT_KEY) is _MIRROR_TOKEN
        if not mirroring:
            self._carpass_check_reported_fields(vals)
            if set(READING_FIELDS) & set(vals):
                self._carpass_forward_reading(vals)
        result = super().write(vals)
        if not mirroring and {"carpass_vehicle_id", "carpass_vin"} & set(vals):
            self._carpass_unsent_follow_vehicle()
        return result

    def _carpass_changed_reported_fields(self, vals):
        """The names of ``REPORTED_REPAIR_FIELDS`` that ``vals`` really changes."""
        self.ensure_one()
        changed = []
        for name in REPORTED_REPAIR_FIELDS:
            if name not in vals:
                continue
            old, new = self[name], vals[name]
            if name == "carpass_vehicle_id":
                old, new = old.id, new or False
            elif name == "carpass_vin":
                old, new = (old or "").strip().upper(), (new or "").strip().upper()
            elif name == "carpass_odometer_date":
                new = fields.Date.to_date(new) if new else False
            elif name == "carpass_odometer_work":
                old, new = bool(old), bool(new)
            else:
                new = new or 0
            if old != new:
                changed.append(name)
        return changed

    def _carpass_check_reported_fields(self, vals):
        """UserError when ``vals`` changes the vehicle, VIN or reading of a repair
        whose reading reached Car-Pass (``lifecycle.reached_carpass``): Car-Pass
        holds them, so they change through a correction of the report. The reading
        of a report the garage may still edit goes to that report instead."""
        if not set(REPORTED_REPAIR_FIELDS) & set(vals):
            return
        for repair in self:
            reported = repair.sudo().carpass_registration_ids.filtered(
                lambda registration: registration._carpass_reached()
            )[:1]
            if not reported:
                continue
            changed = repair._carpass_changed_reported_fields(vals)
            if reported.can_edit:
                # A report the garage may still edit (flagged, refused, failed) takes
                # a reading typed on the repair: ``_carpass_forward_reading`` sends it
                # there, and the next send corrects it at Car-Pass.
                changed = [name for name in changed if name not in READING_FIELDS]
            if changed:
                raise UserError(
                    _(
                        "The reading of %(repair)s was reported to Car-Pass "
                        "(%(registration)s, %(state)s): %(fields)s cannot change on "
                        "the repair. Correct the Car-Pass report instead (Edit and "
                        "Send on the registration, or a manual correction).",
                        repair=repair.display_name,
                        registration=reported.display_name,
                        state=reported._state_label(),
                        fields=", ".join(
                            f'"{self._fields[name]._description_string(self.env)}"'
                            for name in changed
                        ),
                    )
                )

    def _carpass_unsent_follow_vehicle(self):
        """A report not sent yet follows its repair's new vehicle and VIN.

        What was reported (``_carpass_check_reported_fields``) and what was skipped
        stay as they are; so does a report whose repair lost its vehicle (it waits
        in the overview for the user to decide).
        """
        for repair in self:
            vehicle = repair.carpass_vehicle_id
            if not vehicle:
                continue
            for registration in repair.carpass_registration_ids:
                if registration.state == "skipped" or registration._carpass_reached():
                    continue
                values = {}
                if registration.vehicle_id != vehicle:
                    values["vehicle_id"] = vehicle.id
                if (registration.vin or "") != (vehicle.vin_sn or "").strip().upper():
                    values["vin"] = vehicle.vin_sn or ""
                if values:
                    # The vehicle is fixed for users; the repair moves its own report.
                    registration._carpass_write_workflow(values)

    def _carpass_check_reading_bounds(self, vals):
        """The reading's bounds of ``carpass/checks.py``, as a ValidationError.

        The dashboard reading is converted to km with the vehicle's unit (the
        vehicle in ``vals``, else the repair's).
        """
        if not vals.get("carpass_odometer"):
            return
        reading = vals["carpass_odometer"]
        vehicle = self.env["fleet.vehicle"].browse(vals.get("carpass_vehicle_id"))
        units_of = {
            (vehicle or repair.carpass_vehicle_id).odometer_unit
            for repair in self or [self.browse()]
        }
        for unit in units_of:
            km = units.to_km(reading, unit) if isinstance(reading, int) else reading
            if not checks.reading_in_bounds(km):
                self.env["carpass.registration"]._carpass_raise_impossible_reading(
                    reading
                )

    def _carpass_forward_reading(self, vals):
        """A reading typed on a repair that has a registration goes to that registration.

        The registration refuses it once it was reported (see
        ``_carpass_check_protected_write``); the change then comes back through
        ``_carpass_take_reported_reading``.
        """
        for repair in self:
            registration = repair.carpass_registration_ids[:1]
            if not registration or registration.state == "skipped":
                continue  # nothing reported, nothing to keep in step
            values = {}
            if "carpass_odometer" in vals:
                values["odometer"] = units.to_km(
                    vals["carpass_odometer"] or 0, repair.carpass_odometer_unit
                )
            if vals.get("carpass_odometer_date"):
                values["reading_date"] = vals["carpass_odometer_date"]
            if "carpass_odometer_work" in vals:
                values["odometer_work"] = vals["carpass_odometer_work"]
            if registration._carpass_changed_reported_fields(values):
                if not registration.can_edit:
                    raise UserError(
                        _(
                            "The reading of %(repair)s was reported to Car-Pass "
                            "(%(registration)s): correct it on the registration.",
                            repair=repair.display_name,
                            registration=registration.display_name,
                        )
                    )
                registration.write(values)

    def _carpass_take_reported_reading(self, registration):
        """Mirror the registration's reading, date and odometer work, with a chatter note.

        Called by the registration after its reading or state changed: the repair
        order and its printouts show what was (or is about to be) reported.
        """
        self.ensure_one()
        values = {
            "carpass_odometer": registration.dashboard_reading,
            "carpass_odometer_date": registration.reading_date,
            "carpass_odometer_work": registration.odometer_work,
        }
        changed = {name: value for name, value in values.items() if self[name] != value}
        if not changed:
            return
        self.sudo().with_context(
            **{_MIRROR_CONTEXT_KEY: _MIRROR_TOKEN}, tracking_disable=True
        ).write(changed)
        self.sudo()._message_log(
            body=_(
                "Reading taken from Car-Pass registration %(name)s: %(reading)s on "
                "%(date)s.",
                name=registration.name,
                reading=format_number(self.env, registration.dashboard_reading),
                date=format_day(self.env, registration.reading_date),
            )
        )

    def _carpass_printed_vehicle(self):
        """The vehicle lines of a printed repair order or invoice, as display text.

        ``vehicle``, ``vin``, ``odometer`` (dashboard unit), ``miles``,
        ``odometer_km``, ``date`` (``""`` when none) and ``not_reported`` (the
        registration's reading Car-Pass has not accepted yet). Numbers and dates as
        the environment's language writes them (the report's language).
        """
        self.ensure_one()

        def number(value):
            return format_number(self.env, value) if value else "-"

        return {
            "vehicle": self.carpass_vehicle_id.display_name or "",
            "vin": self.carpass_vin or "-",
            "odometer": number(self.carpass_odometer),
            "miles": self.carpass_odometer_unit == units.MILES,
            "odometer_km": number(self.carpass_odometer_km),
            "date": format_day(self.env, self.carpass_odometer_date)
            if self.carpass_odometer_date
            else "",
            "not_reported": bool(
                self.carpass_registration_id and not self.carpass_reading_reported
            ),
        }

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
        registrations._carpass_sync_reading()
        return registrations

    def action_carpass_open_wizard(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        registration = self.carpass_registration_ids.filtered("can_edit")[:1]
        if not registration:
            registration = self._carpass_create_registrations()
        return registration._carpass_open_wizard()

    # ------------------------------------------------------------
    # Help while typing the reading
    # ------------------------------------------------------------

    carpass_reported = fields.Boolean(
        string="Reported to Car-Pass",
        compute="_compute_carpass_reported",
        search="_search_carpass_reported",
        help="Car-Pass received the reading of this repair.",
    )
    carpass_skipped = fields.Boolean(
        string="Not Reported on Purpose",
        compute="_compute_carpass_reported",
        search="_search_carpass_skipped",
        help="The report was skipped with a reason (foreign vehicle, over 3.5 t, ...): "
        "Car-Pass is owed nothing.",
    )
    carpass_reading_hint = fields.Char(
        string="Last Known Reading",
        compute="_compute_carpass_reading_help",
        help="The vehicle's latest reading in its odometer log and the readings "
        "plausible on the repair's day, from how much it is usually driven.",
    )
    carpass_reading_warning = fields.Char(
        string="Reading Warning",
        compute="_compute_carpass_reading_help",
        help="The reading typed is outside the plausible range: check it before "
        "ending the repair.",
    )

    @api.depends(
        "carpass_registration_ids.request_guid", "carpass_registration_ids.state"
    )
    def _compute_carpass_reported(self):
        for repair in self:
            registrations = repair.sudo().carpass_registration_ids
            repair.carpass_reported = bool(registrations.filtered("request_guid"))
            repair.carpass_skipped = bool(registrations) and all(
                registration.state == "skipped" for registration in registrations
            )

    def _search_carpass_reported(self, operator, value):
        return self._carpass_search_registrations(
            operator, value, [("request_guid", "!=", False)]
        )

    def _search_carpass_skipped(self, operator, value):
        return self._carpass_search_registrations(
            operator, value, [("state", "=", "skipped")]
        )

    def _carpass_search_registrations(self, operator, value, domain):
        """Repairs with (or without) a registration matching ``domain``.

        The accountant's filter: searched without Car-Pass rights, only the fact.
        """
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Unsupported search on the Car-Pass report of repairs.")
            )
        matching = (
            self.env["carpass.registration"]
            .sudo()
            ._search(domain + [("repair_id", "!=", False)])
        )
        inside = (operator == "=") == value
        return [("id", "in" if inside else "not in", matching.subselect("repair_id"))]

    @api.depends(
        "carpass_vehicle_id",
        "carpass_odometer",
        "carpass_odometer_date",
        "carpass_odometer_unit",
    )
    @api.depends_context("lang")
    def _compute_carpass_reading_help(self):
        Registration = self.env["carpass.registration"]
        for repair in self:
            repair.carpass_reading_hint = False
            repair.carpass_reading_warning = False
            vehicle = repair.carpass_vehicle_id
            if not vehicle:
                continue
            day = repair.carpass_odometer_date or belgian_today()
            # The repair's own reading, once logged, is not its own history.
            own_log = repair._origin.carpass_registration_ids.odometer_log_id[:1]
            history = [
                past
                for past in Registration._carpass_history(vehicle, exclude_log=own_log)
                if past.reading_date < day
            ]
            if not history:
                continue
            unit = vehicle.odometer_unit or units.KILOMETERS
            expectation = trend.expect(history, day)
            repair.carpass_reading_hint = self.env._(
                "%(reading)s on %(date)s; plausible on %(day)s: %(lowest)s to "
                "%(highest)s",
                reading=format_distance(self.env, expectation.previous_reading, unit),
                date=format_day(self.env, expectation.previous_date),
                day=format_day(self.env, day),
                lowest=format_distance(self.env, expectation.lowest, unit),
                highest=format_distance(self.env, expectation.highest, unit),
            )
            typed = repair.carpass_odometer_km
            if typed and typed < expectation.previous_reading:
                repair.carpass_reading_warning = self.env._(
                    "Lower than the last known reading: check the odometer before "
                    "ending the repair (tick 'Work on the Odometer' if it was replaced)."
                )
            elif typed and not expectation.is_plausible(typed):
                repair.carpass_reading_warning = self.env._(
                    "Outside the plausible range: check the odometer before ending "
                    "the repair."
                )
