# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..carpass import explanations
from .carpass_access import CarpassAddonRows
from .carpass_inputs import CarpassInputGuard
from .carpass_messages import finding_text, issue_explanation


class CarpassRegistrationIssue(CarpassAddonRows, CarpassInputGuard, models.Model):
    _name = "carpass.registration.issue"
    _description = "Car-Pass Registration Issue"
    _order = "resolved, id"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade", index=True
    )
    # Precomputed: written by the INSERT, not by an UPDATE after it (one query less
    # per row on the send path, see docs/benchmarks.md).
    company_id = fields.Many2one(
        related="registration_id.company_id", store=True, precompute=True
    )
    source = fields.Selection(
        [("local", "Check before sending"), ("carpass", "Car-Pass")], required=True
    )
    code = fields.Char(required=True)
    # A local finding's text is written from its code and params when read, in the
    # reader's language (the retry cron checks in English); ``message`` keeps the
    # text as first written, shown when the params do not make one.
    message = fields.Text()
    params = fields.Json(
        help="The values of a local check's finding (readings, dates), for its text."
    )
    severity = fields.Selection(
        [("blocking", "Blocking"), ("warning", "Warning"), ("info", "Info")],
        default="warning",
        required=True,
    )
    actions = fields.Char(
        help="What Car-Pass allows: correct, confirm, manual correction."
    )
    suggestion = fields.Integer(help="The reading the checks think was meant.")
    resolved = fields.Boolean()
    # What garage staff read instead of codes and Car-Pass's English remarks.
    explanation = fields.Text(
        compute="_compute_explanation",
        help="What the remark means for this car, in the user's language.",
    )
    todo = fields.Text(
        string="What to Do", compute="_compute_explanation", help="How to settle it."
    )
    suggested_action = fields.Selection(
        [
            (explanations.EDIT, "Correct and send again"),
            (explanations.CONFIRM, "Confirm as correct"),
            (explanations.CORRECTION_FORM, "Correction form"),
            (explanations.CHECK_AT_CARPASS, "Check at Car-Pass"),
            (explanations.SEND, "Send again"),
        ],
        compute="_compute_explanation",
    )

    @api.depends(
        "code",
        "source",
        "message",
        "params",
        "registration_id.odometer_unit",
        "registration_id.can_confirm",
        "registration_id.can_edit",
        "registration_id.correction_form_suggested",
    )
    @api.depends_context("lang", "uid")
    def _compute_explanation(self):
        is_manager = self.env.user.has_group("carpass_odoo.group_carpass_manager")
        for issue in self:
            registration = issue.registration_id
            meaning, todo, action = issue_explanation(
                self.env, issue.code, issue.source
            )
            if issue.source == "local":
                meaning = finding_text(
                    self.env,
                    issue.code,
                    issue.params,
                    issue.message,
                    registration.odometer_unit,
                )
            issue.explanation = meaning or issue.message
            issue.todo = todo
            if registration.correction_form_suggested:
                action = explanations.CORRECTION_FORM
            issue.suggested_action = explanations.usable_action(
                action,
                can_confirm=registration.can_confirm,
                can_edit=registration.can_edit,
                is_manager=is_manager,
            )

    def action_carpass_settle(self):
        """The remark's one-click action, run on its registration (checked there)."""
        self.ensure_one()
        registration = self.registration_id
        action = self.suggested_action
        if action == explanations.CONFIRM:
            return registration.action_open_confirm_wizard()
        if action == explanations.CORRECTION_FORM:
            return registration.action_print_correction_form()
        if action == explanations.CHECK_AT_CARPASS:
            return registration.action_refresh_status()
        if action == explanations.SEND:
            return registration.action_send()
        return registration.action_edit_in_wizard()
