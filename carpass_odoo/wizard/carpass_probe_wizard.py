# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..carpass.checks import normalize_vin
from ..carpass.clock import belgian_today
from ..carpass.payloads import Observation
from ..carpass.probe import format_report, run_probe
from ..models.carpass_access import carpass_check_caller, carpass_check_manager
from ..models.carpass_inputs import CarpassInputGuard
from .dialog import wizard_dialog


class CarpassProbeWizard(CarpassInputGuard, models.TransientModel):
    """The contract probe (carpass/probe.py) from the settings, for managers.

    Only harmless calls: authentication, activities, the status of a request
    GUID given here, a look-up by an unused reference and, when a VIN is given,
    one vehicle history request (which registers that reading at Car-Pass).
    """

    _name = "carpass.probe.wizard"
    _description = "Car-Pass Contract Probe"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    request_guid = fields.Char(
        string="Car-Pass Request",
        help="A request GUID of this establishment whose status is read.",
    )
    vin = fields.Char(
        string="VIN",
        help="Only when given: one vehicle history request for this VIN.",
    )
    odometer = fields.Integer(string="Odometer Reading (km)")
    report = fields.Text(readonly=True)
    verdict = fields.Char(readonly=True)

    @api.model
    def _check_manager(self):
        # Creating the wizard is refused by its access rights (managers only); the
        # buttons that open or run it check first, for a message that says why.
        carpass_check_manager(
            self.env, _("Only Car-Pass managers can run the contract probe.")
        )

    def action_run(self):
        """Run the probe and show its report in the dialog."""
        carpass_check_caller(self, "write")
        self.ensure_one()
        self._check_manager()
        company = self.company_id
        if company not in self.env.companies:
            raise AccessError(_("The probe runs for one of your active companies."))
        history = None
        if self.vin:
            vin = normalize_vin(self.vin)
            if len(vin) != 17 or not 0 < self.odometer <= 9_999_999:
                raise UserError(
                    _("A history request needs a 17-character VIN and its reading.")
                )
            history = Observation(
                vin=vin,
                odometer_reading=self.odometer,
                odometer_reading_date=belgian_today(),
                enterprise_number=company._carpass_enterprise(),
                establishment_number=company.carpass_establishment_number,
                reference=f"probe-{self.id}-{fields.Datetime.now().isoformat()}",
            )
        request_guid = (self.request_guid or "").strip() or None
        with company._carpass_client() as client:
            result = run_probe(
                client,
                request_guid=request_guid,
                history_observation=history,
                language=company.carpass_document_language or "nl",
            )
        self.write(
            {"report": "\n".join(format_report(result)), "verdict": result.verdict}
        )
        return wizard_dialog(self, _("Car-Pass contract probe"))
