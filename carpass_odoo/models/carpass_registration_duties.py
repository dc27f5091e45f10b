# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A work description Car-Pass never received: shown, explained and searchable.

The duty itself is decided by ``lifecycle.description_missing`` and counted in the
stored ``needs_attention``; this part shows it to the garage in plain language with
its one action, sending the description.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..carpass import explanations, lifecycle


class CarpassRegistration(models.Model):
    _inherit = "carpass.registration"

    description_missing = fields.Boolean(
        string="Work Description Missing",
        compute="_compute_description_missing",
        search="_search_description_missing",
        help="Car-Pass holds the reading but never received its work description, "
        "which the law asks since 1 January 2024.",
    )
    description_missing_explanation = fields.Text(
        compute="_compute_description_missing"
    )

    @api.depends("state", "request_guid", "description_state", "reading_date")
    @api.depends_context("lang")
    def _compute_description_missing(self):
        explanation = explanations.DESCRIPTION_MISSING
        text = "\n".join(
            (self.env._(explanation.meaning), self.env._(explanation.todo))
        )
        for registration in self:
            missing = lifecycle.description_missing(
                registration.state,
                known_to_carpass=bool(registration.request_guid),
                description_unsent=registration.description_state == "not_sent",
                reading_date=registration.reading_date,
            )
            registration.description_missing = missing
            registration.description_missing_explanation = text if missing else False

    def _search_description_missing(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("This filter only tells whether a description is missing.")
            )
        domain = expression.normalize_domain(lifecycle.description_missing_domain())
        return domain if (operator == "=") == bool(value) else ["!", *domain]
