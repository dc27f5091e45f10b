# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Typed input (``carpass_inputs.CarpassInputGuard``) for the addon's models that
have no ``create``/``write`` of their own: loaded after them."""

from odoo import models

from .carpass_inputs import CarpassInputGuard


class CarpassRegistrationIssueGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.registration.issue"


class CarpassRegistrationAttemptGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.registration.attempt"


class CarpassActivityGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.activity"


class CarpassActivityMappingGuard(CarpassInputGuard, models.Model):
    _inherit = "carpass.activity.mapping"
