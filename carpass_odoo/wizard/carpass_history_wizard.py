# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..carpass import checks, units
from ..carpass.clock import belgian_today
from ..carpass.exceptions import (
    CarpassError,
)
from ..models.carpass_access import carpass_check_caller
from ..models.carpass_inputs import CarpassInputGuard
from ..models.carpass_messages import (
    finding_message,
    format_day,
    format_number,
    history_error_message,
)
from ..models.res_company import CARPASS_LANGUAGES

# Findings the end-of-repair wizard only warns about, but that make Car-Pass refuse
# a history document: it needs the full VIN and a reading that does not go back.
# A VIN that is not the vehicle's in Fleet, or that is another vehicle's, would
# put another car's history on this vehicle: refused too (correct the VIN in Fleet
# first, on the vehicle it belongs to).
HISTORY_BLOCKING_CODES = frozenset(
    {
        checks.VIN_LENGTH,
        checks.READING_LOWER,
        checks.VIN_DIFFERS_FROM_VEHICLE,
        checks.VIN_OF_OTHER_VEHICLE,
    }
)


def _lt(message):
    """Mark an English text for Odoo's translation export (see checks._lt)."""
    return message


# What the history wizard says instead of the end-of-repair wizard's words, where a
# finding means something else for a history (a request, not a report); the
# values are formatted in the user's language first (``_finding_text``).
HISTORY_FINDING_TEXTS = {
    checks.VIN_LENGTH: _lt(
        "A Car-Pass history needs the full VIN of %(expected)s characters; "
        "%(vin)s has %(length)s."
    ),
    checks.READING_LOWER: _lt(
        "The reading %(reading)s km is lower than the last known reading "
        "(%(previous)s km on %(previous_date)s): Car-Pass issues no history "
        "for it. Check the odometer and type the reading again."
    ),
    checks.VIN_DIFFERS_FROM_VEHICLE: _lt(
        "The VIN %(vin)s is not this vehicle's VIN in Fleet (%(vehicle_vin)s): "
        "Car-Pass would issue another car's history. Type the VIN read on "
        "the car; if the VIN in Fleet is wrong, correct it on the vehicle "
        "first."
    ),
    checks.VIN_OF_OTHER_VEHICLE: _lt(
        "The VIN %(vin)s belongs to another vehicle in Fleet "
        "(%(other_vehicle)s): request the history from that vehicle, or "
        "correct the VIN."
    ),
}


class CarpassHistoryWizard(CarpassInputGuard, models.TransientModel):
    _name = "carpass.history.wizard"
    _description = "Request a Car-Pass Vehicle History"

    vehicle_id = fields.Many2one(
        "fleet.vehicle", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        precompute=True,
        store=True,
        help="Establishment that asks Car-Pass: the vehicle's company, else the "
        "current one.",
    )
    license_plate = fields.Char(related="vehicle_id.license_plate")
    vin = fields.Char(
        string="VIN",
        compute="_compute_from_vehicle",
        precompute=True,
        store=True,
        readonly=False,
        help="The 17-character VIN, as read on the car.",
    )
    odometer = fields.Integer(
        string="Current Reading",
        compute="_compute_from_vehicle",
        precompute=True,
        store=True,
        readonly=False,
        help="Odometer reading in km, read on the car today.",
    )
    reading_date = fields.Date(required=True, default=lambda self: belgian_today())
    last_reading = fields.Integer(
        string="Last Known Reading",
        compute="_compute_from_vehicle",
        precompute=True,
        store=True,
    )
    last_reading_date = fields.Date(
        compute="_compute_from_vehicle", precompute=True, store=True
    )
    language = fields.Selection(
        CARPASS_LANGUAGES,
        string="Document Language",
        compute="_compute_language",
        precompute=True,
        store=True,
        readonly=False,
        required=True,
        help="Language of the history document: the company's Car-Pass document "
        "language, else yours when Car-Pass offers it.",
    )
    findings_html = fields.Html(compute="_compute_findings", sanitize=False)
    has_blocking = fields.Boolean(compute="_compute_findings")

    @api.depends("vehicle_id")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.vehicle_id._carpass_history_company()

    @api.depends("vehicle_id")
    def _compute_from_vehicle(self):
        for wizard in self:
            vehicle = wizard.vehicle_id
            history = wizard._past_readings()
            wizard.vin = checks.normalize_vin(vehicle.vin_sn)
            wizard.last_reading = history[0].reading if history else 0
            wizard.last_reading_date = history[0].reading_date if history else False
            # Fleet's "Last Odometer" is its highest reading, also without a date,
            # in the vehicle's unit; Car-Pass takes km.
            wizard.odometer = wizard.last_reading or units.to_km(
                int(vehicle.odometer), vehicle.odometer_unit
            )

    @api.depends("company_id")
    def _compute_language(self):
        offered = {code for code, _label in CARPASS_LANGUAGES}
        user_language = (self.env.lang or self.env.user.lang or "").split("_")[0]
        for wizard in self:
            company_language = wizard.company_id.carpass_document_language
            if company_language in offered:
                wizard.language = company_language
            elif user_language in offered:
                wizard.language = user_language
            else:
                wizard.language = "nl"

    @api.depends("vin", "odometer", "reading_date", "vehicle_id")
    def _compute_findings(self):
        for wizard in self:
            findings = wizard._findings()
            blocking = [f for f in findings if wizard._is_blocking(f)]
            wizard.has_blocking = bool(blocking)
            wizard.findings_html = wizard._findings_html(findings)

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def action_request(self):
        """Ask Car-Pass for the history, keep it on the vehicle, open its public page."""
        carpass_check_caller(self, "write")
        self.ensure_one()
        refusals = [
            self._finding_text(finding)
            for finding in self._findings()
            if self._is_blocking(finding)
        ]
        if refusals:
            raise UserError("\n".join(refusals))
        vehicle = self.vehicle_id
        company = self.company_id
        vin = checks.normalize_vin(self.vin)
        try:
            with company._carpass_client() as client:
                history = client.get_vehicle_history(
                    vin=vin,
                    odometer_reading=self.odometer,
                    odometer_reading_date=self.reading_date,
                    enterprise_number=company._carpass_enterprise(),
                    establishment_number=company.carpass_establishment_number,
                    language=self.language,
                )
        except CarpassError as error:
            raise UserError(
                history_error_message(self.env, error, vin, self.odometer, company)
            ) from None
        attachment = vehicle._carpass_store_history(
            history, vin, self.odometer, self.reading_date
        )
        open_page = {
            "type": "ir.actions.act_url",
            "url": history.public_url,
            "target": "new",
            "close": True,
        }
        if attachment:
            return open_page
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "title": _("Car-Pass history"),
                "message": _(
                    "Car-Pass offered no PDF for this history; its public page "
                    "is kept on the vehicle and opens now."
                ),
                "sticky": False,
                "next": open_page,
            },
        }

    # ------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------

    def _past_readings(self):
        self.ensure_one()
        if not self.vehicle_id:
            return []
        return self.env["carpass.registration"]._carpass_history(self.vehicle_id)

    def _findings(self):
        self.ensure_one()
        if not self.vehicle_id:
            return []
        today = belgian_today()
        return checks.check_observation(
            vin=self.vin or "",
            reading=self.odometer,
            reading_date=self.reading_date or today,
            today=today,
            **self.env["carpass.registration"]._carpass_check_context(
                self.vehicle_id, self.vin
            ),
        )

    @staticmethod
    def _is_blocking(finding):
        return (
            finding.severity == checks.Severity.BLOCKING
            or finding.code in HISTORY_BLOCKING_CODES
        )

    def _finding_text(self, finding):
        template = HISTORY_FINDING_TEXTS.get(finding.code)
        if template is None:
            return finding_message(self.env, finding)
        params = dict(finding.params, expected=checks.VIN_EXPECTED_LENGTH)
        for key in ("reading", "previous"):
            if key in params:
                params[key] = format_number(self.env, params[key])
        if "previous_date" in params:
            params["previous_date"] = format_day(
                self.env, fields.Date.to_date(params["previous_date"])
            )
        return self.env._(template, **params)

    def _findings_html(self, findings):
        if not findings:
            return Markup('<div class="alert alert-success mb-0">%s</div>') % _(
                "VIN and reading can be sent to Car-Pass."
            )
        items = Markup("").join(
            Markup('<li class="mb-1"><span class="badge %s me-2">%s</span>%s</li>')
            % (
                "text-bg-danger" if self._is_blocking(finding) else "text-bg-warning",
                _("Refused") if self._is_blocking(finding) else _("Warning"),
                self._finding_text(finding),
            )
            for finding in findings
        )
        return Markup('<ul class="list-unstyled mb-0">%s</ul>') % items
