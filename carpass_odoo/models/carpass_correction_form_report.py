# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class CarpassCorrectionFormReport(models.AbstractModel):
    """The correction form's rendering values: only for readings Car-Pass received.

    The Print menu and the report's URL reach the report without the registration's
    button; the refusal is here so that no way prints a form for a reading that
    never reached Car-Pass.
    """

    _name = "report.carpass_odoo.report_carpass_correction_form"
    _description = "Car-Pass Correction Form"

    @api.model
    def _get_report_values(self, docids, data=None):
        registrations = self.env["carpass.registration"].browse(docids)
        registrations._carpass_check_correction_form_printable()
        return {
            "doc_ids": docids,
            "doc_model": "carpass.registration",
            "docs": registrations,
        }
