# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .carpass_access import carpass_check_caller


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    carpass_environment = fields.Selection(
        related="company_id.carpass_environment", readonly=False
    )
    carpass_simulator_url = fields.Char(
        related="company_id.carpass_simulator_url", readonly=False
    )
    carpass_url_override = fields.Char(
        related="company_id.carpass_url_override",
        readonly=False,
        groups="carpass_odoo.group_carpass_manager",
    )
    carpass_enterprise_number = fields.Char(
        related="company_id.carpass_enterprise_number", readonly=False
    )
    carpass_root_enterprise_number = fields.Char(
        related="company_id.carpass_root_enterprise_number"
    )
    carpass_is_branch = fields.Boolean(compute="_compute_carpass_is_branch")
    carpass_establishment_number = fields.Char(
        related="company_id.carpass_establishment_number", readonly=False
    )
    # Write-only: the saved password is never read into the settings page.
    carpass_new_password = fields.Char(
        related="company_id.carpass_new_password",
        readonly=False,
        groups="base.group_system",
    )
    carpass_password_set = fields.Boolean(related="company_id.carpass_password_set")
    carpass_organisation_name = fields.Char(
        related="company_id.carpass_organisation_name", readonly=False
    )
    carpass_document_language = fields.Selection(
        related="company_id.carpass_document_language", readonly=False
    )
    carpass_correction_threshold = fields.Integer(
        related="company_id.carpass_correction_threshold", readonly=False
    )
    carpass_digest = fields.Boolean(related="company_id.carpass_digest", readonly=False)
    carpass_default_activity_id = fields.Many2one(
        related="company_id.carpass_default_activity_id", readonly=False
    )

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # Related values are computed without access checks: refuse restricted fields.
        self.check_field_access_rights(
            "read", [path[0] for path in fields if path and path[0] in self._fields]
        )
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    def _compute_carpass_is_branch(self):
        for settings in self:
            settings.carpass_is_branch = bool(settings.company_id.parent_id)

    def action_carpass_probe(self):
        """Open the contract probe (managers only, checked again when it runs).

        It probes the company's saved settings: save changes first.
        """
        carpass_check_caller(self.company_id)
        self.env["carpass.probe.wizard"]._check_manager()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "carpass.probe.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Car-Pass contract probe"),
            "context": {"default_company_id": self.company_id.id},
        }

    def action_carpass_test_connection(self):
        carpass_check_caller(self, "write")
        self.ensure_one()
        self.execute()
        return self.company_id.action_carpass_test_connection()
