# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.carpass_access import carpass_check_caller
from ..models.carpass_activity_mapping import MAPPING_SOURCES
from ..models.carpass_inputs import CarpassInputGuard

# Lines that rely on no mapping of their own: the user should pick an activity.
UNMAPPED_SOURCES = ("default", "none")


class CarpassRegistrationWizard(models.TransientModel):
    _inherit = "carpass.registration.wizard"

    description_line_ids = fields.One2many(
        "carpass.registration.wizard.activity",
        "wizard_id",
        string="Work Description",
    )
    description_job_lines = fields.Text(
        string="Job Lines", compute="_compute_description_job_lines"
    )
    description_unmapped_count = fields.Integer(
        compute="_compute_description_unmapped_count"
    )
    description_missing = fields.Boolean(
        compute="_compute_description_unmapped_count",
        help="Nothing would describe the work: no repair line, no default activity.",
    )

    @api.depends("registration_id")
    def _compute_description_job_lines(self):
        for wizard in self:
            registration = wizard.registration_id
            wizard.description_job_lines = (
                "\n".join(registration._carpass_job_lines()) if registration else ""
            )

    @api.depends(
        "description_line_ids.activity_id", "description_line_ids.mapping_source"
    )
    def _compute_description_unmapped_count(self):
        for wizard in self:
            wizard.description_unmapped_count = len(
                wizard.description_line_ids.filtered(lambda line: line.needs_choice)
            )
            wizard.description_missing = not (
                wizard.description_line_ids
                or wizard.registration_id.company_id.carpass_default_activity_id
            )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards.filtered(lambda w: not w.description_line_ids):
            wizard._carpass_fill_description_lines()
        return wizards

    def _carpass_fill_description_lines(self):
        self.ensure_one()
        registration = self.registration_id
        if not registration.repair_id:
            return
        products = registration._carpass_repair_products()
        resolved = self.env["carpass.activity.mapping"]._carpass_resolve(
            products, registration.company_id
        )
        self.description_line_ids = [
            fields.Command.create(
                {
                    "product_id": product.id,
                    "resolved_activity_id": resolved[product][0].id,
                    "activity_id": resolved[product][0].id,
                    "mapping_source": resolved[product][1],
                    "save_mapping": resolved[product][1] in UNMAPPED_SOURCES,
                }
            )
            for product in products
        ]

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def action_send(self):
        carpass_check_caller(self, "write")
        self._carpass_save_description()
        return super().action_send()

    def action_postpone(self):
        carpass_check_caller(self, "write")
        self._carpass_save_description()
        return super().action_postpone()

    def _carpass_save_description(self):
        """Keep what the user picked: on the registration, and as mappings if asked."""
        self.ensure_one()
        registration = self.registration_id
        if not registration.repair_id:
            return
        Mapping = self.env["carpass.activity.mapping"]
        chosen = {}
        for line in self.description_line_ids:
            if not line.activity_id:
                continue
            chosen[line.product_id] = line.activity_id
            if line.save_mapping and line.activity_id != line.resolved_activity_id:
                Mapping._carpass_save_product_mapping(
                    line.product_id, line.activity_id, registration.company_id
                )
        values = registration._carpass_prepare_description(chosen)
        activity_ids = values["description_activity_ids"][0][2]
        unchanged = set(activity_ids) == set(
            registration.description_activity_ids.ids
        ) and values["description_lines"] == (registration.description_lines or "")
        if registration.description_state == "sent" and unchanged:
            # Writing would mark a description Car-Pass has as to be sent again.
            return
        registration.write(values)


class CarpassRegistrationWizardActivity(CarpassInputGuard, models.TransientModel):
    _name = "carpass.registration.wizard.activity"
    _description = "Car-Pass Activity of a Repair Line"

    wizard_id = fields.Many2one(
        "carpass.registration.wizard", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="wizard_id.company_id")
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    mapping_source = fields.Selection(
        MAPPING_SOURCES, string="Found By", required=True, readonly=True
    )
    resolved_activity_id = fields.Many2one("carpass.activity", readonly=True)
    activity_id = fields.Many2one("carpass.activity", string="Car-Pass Activity")
    save_mapping = fields.Boolean(
        string="Remember",
        help="Map this product to the chosen activity for the next repairs.",
    )
    needs_choice = fields.Boolean(compute="_compute_needs_choice")

    @api.depends("mapping_source", "activity_id", "resolved_activity_id")
    def _compute_needs_choice(self):
        for line in self:
            line.needs_choice = (
                line.mapping_source in UNMAPPED_SOURCES
                and line.activity_id == line.resolved_activity_id
            )
