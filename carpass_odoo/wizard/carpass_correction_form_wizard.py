# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..carpass import checks
from ..carpass.clock import belgian_today
from ..models.carpass_messages import format_number


class CarpassCorrectionFormWizard(models.TransientModel):
    """The step before the paper correction form: the garage states the right data.

    The form prints what was sent to Car-Pass (the wrong readings) next to what
    the garage states here, with its reason, for a signature.
    """

    _name = "carpass.correction.form.wizard"
    _description = "State the Correct Reading for the Correction Form"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade"
    )
    sent_readings = fields.Char(
        string="Sent to Car-Pass",
        compute="_compute_sent_readings",
        help="The readings Car-Pass received, which the form corrects.",
    )
    odometer = fields.Integer(
        string="Correct Reading (km)",
        compute="_compute_prefill",
        store=True,
        readonly=False,
        help="Prefilled with the reading stated before or this registration's own "
        "reading, never with one Car-Pass flagged or refused: check it against "
        "the dashboard.",
    )
    reading_date = fields.Date(
        string="Correct Date", compute="_compute_prefill", store=True, readonly=False
    )
    reason = fields.Text(compute="_compute_prefill", store=True, readonly=False)

    @api.depends("registration_id")
    def _compute_sent_readings(self):
        for wizard in self:
            wizard.sent_readings = ", ".join(
                f"{format_number(self.env, reading)} km"
                for reading in wizard.registration_id._carpass_sent_readings()
            )

    @api.depends("registration_id")
    def _compute_prefill(self):
        for wizard in self:
            reading, reading_date = wizard.registration_id._carpass_trusted_reading()
            wizard.odometer = reading
            wizard.reading_date = reading_date
            wizard.reason = wizard.registration_id.correction_reason

    def action_print(self):
        """Keep the stated reading, date and reason on the registration; print the form."""
        self.ensure_one()
        self.registration_id._carpass_check_correction_form_printable()
        if not self.odometer or not checks.reading_in_bounds(self.odometer):
            raise UserError(
                _(
                    "State the correct reading: a whole number of km, at most %(max)s.",
                    max=checks.MAX_READING,
                )
            )
        if not self.reading_date or self.reading_date > belgian_today():
            raise UserError(
                _("State the date of the correct reading (not in the future).")
            )
        if not (self.reason or "").strip():
            raise UserError(_("Say why the reading must be corrected."))
        registration = self.registration_id
        registration.write(
            {
                "correction_odometer": self.odometer,
                "correction_reading_date": self.reading_date,
                "correction_reason": self.reason.strip(),
            }
        )
        return self.env.ref(
            "carpass_odoo.action_report_carpass_correction_form"
        ).report_action(registration)
