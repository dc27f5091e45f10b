# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company boundaries of a registration, its vehicle and its repair.

A registration's company is its repair's, and its vehicle's when the vehicle has a
company (a vehicle of no company is shared: the repair's company reports it). A
user puts records only in the companies they work for. The mixins are Python
classes inherited by the models (``__slots__ = ()``: Odoo rebuilds the bases of
its model classes, which must keep their layout).
"""

from odoo import api
from odoo.exceptions import AccessError, ValidationError

from .carpass_inputs import CarpassInputGuard


def carpass_check_companies_allowed(env, company_ids):
    """AccessError when a user (not sudo) puts a record in a company not theirs."""
    if env.su or env.user._is_superuser():
        return
    outside = env["res.company"].browse(company_ids) - env.user.company_ids
    if outside:
        raise AccessError(
            env._("You cannot put a Car-Pass record in a company you do not work for.")
        )


class CarpassRegistrationCompanyRules:
    """Python mixin of carpass.registration: its company is its repair's and its
    vehicle's. ``create``/``write`` call ``_carpass_check_company_consistency``; the
    send pipeline calls ``_carpass_company_refusal`` before using the credentials.
    """

    __slots__ = ()

    def _carpass_company_problem(self):
        """Why this registration may not be reported by its company, or False.

        Its repair must be of the same company; its vehicle of the same company or of
        none (a vehicle shared between companies is reported by the repair's); the
        user who created it must work for that company.
        """
        self.ensure_one()
        # The registration and its vehicle are read whole (the send pipeline needs
        # their other fields next: one query each); the company and the repair are
        # only compared, never prefetched: a prefetch of the company would put its
        # secrets in the cache the caller shares.
        registration = self.sudo()
        unprefetched = {"prefetch_fields": False}
        company = registration.company_id.with_context(**unprefetched)
        repair = registration.repair_id.with_context(**unprefetched)
        if repair and repair.company_id != company:
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
        creator = registration.create_uid.with_context(**unprefetched)
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

    def _carpass_check_company_rules(self, vals=None):
        """After a create (``vals`` None) or a write of ``vals``: the company is one
        the user works for, and the company of the repair and of the vehicle."""
        if vals is None:
            companies = self.sudo().with_context(prefetch_fields=False).company_id
            carpass_check_companies_allowed(self.env, companies.ids)
        elif "company_id" in vals:
            carpass_check_companies_allowed(self.env, [vals["company_id"]])
        if vals is None or {"company_id", "vehicle_id", "repair_id"} & set(vals):
            self._carpass_check_company_consistency()

    def _carpass_company_refusal(self):
        """The outcome (record, False, text) of a registration its company may not
        report, after marking it in error; None when it may be sent.

        Checked under the row lock, right before a company's credentials are used,
        whatever path changed the row since it was saved.
        """
        problem = self._carpass_company_problem()
        if not problem:
            return None
        self._carpass_write_workflow(
            {"state": "error", "error_message": problem, "retryable": False}
        )
        return self, False, problem


class FleetVehicleCompanyRules(CarpassInputGuard):
    """Python mixin of fleet.vehicle: typed input, and a vehicle with registrations of
    one company is not given to another."""

    __slots__ = ()
    _carpass_extra_input_fields = ("vin_sn", "license_plate", "company_id")

    def write(self, vals):
        vals = self._carpass_clean_values(vals)
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


class RepairOrderCompanyRules(CarpassInputGuard):
    """Python mixin of repair.order: typed input, and the repaired vehicle is of the
    repair's company or of none."""

    __slots__ = ()
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
