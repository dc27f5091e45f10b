# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The first step of every create and write of the addon's models: typed input and
company boundaries.

Loaded after the models it extends, so these ``create``/``write`` run before theirs:
a value of the wrong type is refused (``carpass_inputs.carpass_clean_vals``) before
any guard of the addon reads it, and a registration whose company differs from its
repair's or its vehicle's is refused before it can be sent with a company's
credentials (``_carpass_check_company_consistency``).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .carpass_inputs import ADDON, carpass_clean_vals


class CarpassInputGuard:
    """Python mixin: checks the values of ``create`` and ``write`` of an Odoo model.

    ``_carpass_extra_input_fields`` names fields of other modules the addon relies
    on (e.g. Fleet's ``vin_sn``); the addon's own fields are always checked.
    """

    # Odoo rebuilds the bases of its model classes: a mixin adds no instance layout.
    __slots__ = ()
    _carpass_extra_input_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        return super().create([self._carpass_clean_values(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._carpass_clean_values(vals))

    @api.model
    def _carpass_clean_values(self, vals):
        """``vals`` with every value checked for type and range (ValidationError)."""
        return carpass_clean_vals(
            self, vals, extra_fields=self._carpass_extra_input_fields
        )


def carpass_check_companies_allowed(env, company_ids):
    """AccessError when a user (not sudo) puts a record in a company not theirs."""
    if env.su or env.user._is_superuser():
        return
    outside = env["res.company"].browse(company_ids) - env.user.company_ids
    if outside:
        raise AccessError(
            env._("You cannot put a Car-Pass record in a company you do not work for.")
        )


class CarpassRegistrationGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.registration"

    @api.model_create_multi
    def create(self, vals_list):
        registrations = super().create(vals_list)
        carpass_check_companies_allowed(
            self.env,
            registrations.sudo().with_context(prefetch_fields=False).company_id.ids,
        )
        registrations._carpass_check_company_consistency()
        return registrations

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            carpass_check_companies_allowed(self.env, [vals["company_id"]])
        if {"company_id", "vehicle_id", "repair_id"} & set(vals):
            self._carpass_check_company_consistency()
        return result

    def _carpass_company_problem(self):
        """Why this registration may not be reported by its company, or False.

        Its repair must be of the same company; its vehicle of the same company or of
        none (a vehicle shared between companies is reported by the repair's); the
        user who created it must work for that company.
        """
        self.ensure_one()
        # Only the fields named here: a prefetch would put the company's secrets
        # in the cache the caller shares.
        registration = self.sudo().with_context(prefetch_fields=False)
        company = registration.company_id
        if registration.repair_id and registration.repair_id.company_id != company:
            return self.env._(
                "The registration %(name)s and its repair belong to different companies.",
                name=registration.name,
            )
        vehicle_company = registration.vehicle_id.company_id
        if vehicle_company and vehicle_company != company:
            return self.env._(
                "The registration %(name)s and its vehicle belong to different "
                "companies: a vehicle of another company is not reported here.",
                name=registration.name,
            )
        creator = registration.create_uid
        if (
            creator
            and not creator._is_superuser()
            and company not in creator.company_ids
        ):
            return self.env._(
                "The registration %(name)s was created by a user who does not work "
                "for %(company)s: it is not sent with that company's account.",
                name=registration.name,
                company=company.name,
            )
        return False

    def _carpass_check_company_consistency(self):
        """ValidationError when a registration's company differs from its repair's or
        its vehicle's (see ``_carpass_company_problem``)."""
        for registration in self:
            problem = registration._carpass_company_problem()
            if problem:
                raise ValidationError(problem)

    def _carpass_send_one(self):
        # Checked again under the row lock, right before a company's credentials
        # are used: whatever path changed the row since it was saved.
        problem = self._carpass_company_problem()
        if problem:
            self.write({"state": "error", "error_message": problem, "retryable": False})
            return self, False, problem
        return super()._carpass_send_one()

    def _carpass_refresh_one(self):
        problem = self._carpass_company_problem()
        if problem:
            return self, False, problem
        return super()._carpass_refresh_one()


class CarpassRegistrationIssueGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.registration.issue"


class CarpassRegistrationAttemptGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.registration.attempt"


class CarpassActivityGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.activity"


class CarpassActivityMappingGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.activity.mapping"


class FleetVehicleGuard(CarpassInputGuard, models.Model):
    _inherit = "fleet.vehicle"
    _carpass_extra_input_fields = ("vin_sn", "license_plate", "company_id")

    def write(self, vals):
        if "company_id" in vals:
            carpass_check_companies_allowed(
                self.env,
                self.sudo().with_context(prefetch_fields=False).company_id.ids
                + [vals["company_id"]],
            )
        result = super().write(vals)
        if "company_id" in vals:
            self._carpass_check_registration_companies()
        return result

    def _carpass_check_registration_companies(self):
        """A vehicle of a company is only reported by that company: refuse giving one
        with registrations of another company to a company (leave it shared)."""
        for vehicle in self.sudo().filtered("company_id"):
            if vehicle.carpass_registration_ids.company_id - vehicle.company_id:
                raise ValidationError(
                    self.env._(
                        "%(vehicle)s has Car-Pass registrations of another company: "
                        "leave its company empty to share it between companies.",
                        vehicle=vehicle.display_name,
                    )
                )


class RepairOrderGuard(CarpassInputGuard, models.Model):
    _inherit = "repair.order"
    _carpass_extra_input_fields = ("company_id",)

    @api.model_create_multi
    def create(self, vals_list):
        repairs = super().create(vals_list)
        repairs._carpass_check_vehicle_company()
        return repairs

    def write(self, vals):
        result = super().write(vals)
        if {"company_id", "carpass_vehicle_id"} & set(vals):
            self._carpass_check_vehicle_company()
            self.sudo().carpass_registration_ids._carpass_check_company_consistency()
        return result

    def _carpass_check_vehicle_company(self):
        """The repaired vehicle is of the repair's company or of none (shared)."""
        for repair in self.sudo():
            vehicle_company = repair.carpass_vehicle_id.company_id
            if vehicle_company and vehicle_company != repair.company_id:
                raise ValidationError(
                    self.env._(
                        "The vehicle %(vehicle)s belongs to another company than the "
                        "repair %(repair)s.",
                        vehicle=repair.carpass_vehicle_id.display_name,
                        repair=repair.display_name,
                    )
                )


class ResCompanyCarpassFieldsGuard(models.Model):
    _inherit = "res.company"

    # Every sudo read of a company (env.user.company_ids, a record rule) would
    # otherwise prefetch the secrets into the cache the caller's environment
    # shares: they are read on their own, by res.company._carpass_secret.
    carpass_password = fields.Char(prefetch=False)
    carpass_url_override = fields.Char(prefetch=False)

    def check_field_access_rights(self, operation, field_names):
        """The Car-Pass settings are for the staff: portal and public users may read
        their company's name, not its Car-Pass account (AccessError when only those
        are asked for, left out of a read of more fields, e.g. a prefetch)."""
        asked = field_names
        field_names = super().check_field_access_rights(operation, field_names)
        if self.env.su or self.env.user._is_internal():
            return field_names
        carpass_fields = [
            name
            for name in field_names
            if name in self._fields and ADDON in (self._fields[name]._modules or ())
        ]
        if carpass_fields and asked and len(carpass_fields) == len(field_names):
            raise AccessError(
                self.env._("The Car-Pass settings of a company are for its staff.")
            )
        return [name for name in field_names if name not in carpass_fields]
