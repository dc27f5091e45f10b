# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Typed input for the wizards: loaded after them, so these checks run first."""

from odoo import models

from ..models.carpass_inputs import CarpassInputGuard


class CarpassRegistrationWizardActivityGuard(CarpassInputGuard, models.TransientModel):
    _inherit = "carpass.registration.wizard.activity"


class CarpassConfirmWizardGuard(CarpassInputGuard, models.TransientModel):
    _inherit = "carpass.confirm.wizard"


class CarpassManualCorrectionWizardGuard(CarpassInputGuard, models.TransientModel):
    _inherit = "carpass.manual.correction.wizard"


class CarpassHistoryWizardGuard(CarpassInputGuard, models.TransientModel):
    _inherit = "carpass.history.wizard"


class CarpassProbeWizardGuard(CarpassInputGuard, models.TransientModel):
    _inherit = "carpass.probe.wizard"


class CarpassActivityImportWizardGuard(CarpassInputGuard, models.TransientModel):
    _inherit = "carpass.activity.import.wizard"
