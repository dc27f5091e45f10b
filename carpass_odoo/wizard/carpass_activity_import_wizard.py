# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from ..carpass.payloads import ActivityFileError, parse_activity_file
from ..models.carpass_access import carpass_check_caller, carpass_check_manager
from ..models.carpass_inputs import CarpassInputGuard

SAMPLE_FILE = "carpass_odoo/data/carpass_activities_sample.json"
# A real list is a few kilobytes; this leaves room for any plausible one.
MAX_FILE_BYTES = 2_000_000


class CarpassActivityImportWizard(CarpassInputGuard, models.TransientModel):
    """Import Car-Pass's categories and activities from a file (docs/carpass-api.md §9).

    Activities are matched by code: a re-import updates labels and categories,
    archives what the file no longer lists and keeps every garage mapping.
    """

    _name = "carpass.activity.import.wizard"
    _description = "Import Car-Pass Activities"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    file = fields.Binary(help="CSV or JSON, as documented.")
    filename = fields.Char()
    use_sample = fields.Boolean(
        string="Load the Sample List",
        help="A made-up list for the demo, not Car-Pass's official one.",
    )

    @api.model
    def _check_manager(self):
        # Creating the wizard is refused by its access rights (managers only); the
        # buttons that open or run it check first, for a message that says why.
        carpass_check_manager(
            self.env, _("Only Car-Pass managers may import the activities.")
        )

    def _content(self):
        self.ensure_one()
        if self.use_sample:
            with file_open(SAMPLE_FILE, "rb") as handle:
                return handle.read(), SAMPLE_FILE
        if not self.file:
            raise UserError(_("Choose a file, or the sample list."))
        try:
            content = base64.b64decode(self.file, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(_("The file could not be read.")) from None
        if len(content) > MAX_FILE_BYTES:
            raise UserError(_("The file is too large for an activities list."))
        return content, self.filename or ""

    def action_import(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        self._check_manager()
        content, filename = self._content()
        try:
            activities = parse_activity_file(content, filename)
        except ActivityFileError as error:
            raise UserError(
                _("The activities file cannot be imported: %(reason)s", reason=error)
            ) from None
        Activity = self.env["carpass.activity"]
        counts = Activity.sudo()._carpass_sync(activities)
        return Activity._carpass_sync_notification(counts)
