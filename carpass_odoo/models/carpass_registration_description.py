# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The work description of a registration (mandatory since 1 January 2024).

Car-Pass takes a description for an observation it holds as soon as it exists
(the simulator accepts one while the reading is ongoing, waiting for DIV, has an
anomaly, is reviewed or accepted; not once rejected), and a new one replaces the
previous one. So the description leaves right after the reading reaches Car-Pass,
whatever its status, and is not held back until the anomaly is solved: the legal
duty is met even if the garage never solves it.
"""

import time

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..carpass import explanations, lifecycle
from ..carpass.exceptions import CarpassError, CarpassTransientError
from ..carpass.lifecycle import (
    DESCRIBABLE_STATES,
    description_due_domain,
    retry_plan,
)
from ..carpass.payloads import WorkDescription
from .carpass_access import carpass_check_caller
from .carpass_messages import carpass_error_message, remarks_text
from .carpass_registration import CRON_BATCH_SIZE

DESCRIPTION_STATES = [
    ("not_sent", "Not Sent"),
    ("sent", "Sent"),
    ("error", "Error"),
]
DESCRIPTION_CONTENT_FIELDS = (
    "description_activity_ids",
    "description_lines",
    "description_free_text",
)


class CarpassRegistration(models.Model):
    _inherit = "carpass.registration"

    description_state = fields.Selection(
        DESCRIPTION_STATES,
        string="Work Description",
        default="not_sent",
        required=True,
        copy=False,
        tracking=True,
    )
    description_activity_ids = fields.Many2many(
        "carpass.activity",
        "carpass_registration_activity_rel",
        "registration_id",
        "activity_id",
        string="Car-Pass Activities",
        copy=False,
        help="Car-Pass's standard descriptions of the work done, from the activity "
        "mappings of the repair's products. Filled when the description is sent, "
        "if left empty.",
    )
    description_lines = fields.Text(
        string="Job Lines",
        copy=False,
        help="The jobs as on the invoice, one per line.",
    )
    description_free_text = fields.Text(
        string="Additional Text", copy=False, help="Optional text sent with the jobs."
    )
    description_message = fields.Text(
        string="Car-Pass Answer on the Description", readonly=True, copy=False
    )
    description_sent_date = fields.Datetime(readonly=True, copy=False)
    description_retryable = fields.Boolean(
        readonly=True,
        copy=False,
        help="The last description failed for a transport reason: the cron resends it.",
    )
    description_retry_count = fields.Integer(readonly=True, copy=False)
    description_next_retry_at = fields.Datetime(readonly=True, copy=False, index=True)
    description_sendable = fields.Boolean(compute="_compute_description_sendable")

    @api.depends("request_guid", "state")
    def _compute_description_sendable(self):
        for registration in self:
            registration.description_sendable = bool(
                registration.request_guid and registration.state in DESCRIBABLE_STATES
            )

    @api.model
    def _carpass_workflow_field_names(self):
        return super()._carpass_workflow_field_names() | {
            "description_state",
            "description_message",
            "description_sent_date",
            "description_retryable",
            "description_retry_count",
            "description_next_retry_at",
        }

    def write(self, vals):
        if (
            set(DESCRIPTION_CONTENT_FIELDS) & set(vals)
            and "description_state" not in vals
        ):
            # Changing a description Car-Pass already has means it must go again.
            sent = self.filtered(lambda r: r.description_state == "sent")
            if sent:
                sent._carpass_write_workflow({"description_state": "not_sent"})
        return super().write(vals)

    # A description Car-Pass never received although the law asks for it: decided
    # by lifecycle.description_missing, counted in the stored needs_attention.
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

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def action_carpass_fill_description(self):
        """Build the description again from the repair and the activity mappings."""
        carpass_check_caller(self, "write")
        for registration in self:
            registration.write(registration._carpass_prepare_description())
        return True

    def action_carpass_send_description(self):
        carpass_check_caller(self, "write")
        outcomes = self._carpass_for_each_locked(
            lambda registration: registration._carpass_send_description()
        )
        return self._carpass_notify(outcomes, _("Car-Pass: work description"))

    # ------------------------------------------------------------
    # Content
    # ------------------------------------------------------------

    def _carpass_repair_products(self):
        """Products worked with: the repair's parts and its sale order's lines."""
        self.ensure_one()
        # The registration is readable; the repair's sale order may not be for a
        # mechanic, and the description must still be complete.
        repair = self.repair_id.sudo()
        order_lines = repair.sale_order_id.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        products = repair.move_ids.product_id | order_lines.product_id
        return products.sudo(False)

    def _carpass_job_lines(self):
        """The jobs as the invoice shows them: sale order lines, else the parts."""
        self.ensure_one()
        repair = self.repair_id.sudo()
        texts = []
        for line in repair.sale_order_id.order_line:
            # Sections are the invoice's main headings; notes and down payments
            # are not jobs.
            if line.display_type == "line_note" or line.is_downpayment:
                continue
            texts.append(line.name)
        for move in repair.move_ids:
            # Parts already invoiced through the sale order are listed above.
            if move.repair_line_type == "add" and not move.sale_line_id:
                texts.append(move.product_id.display_name)
        lines = []
        for text in texts:
            # A line of the description is one line of text.
            line = " - ".join(
                part.strip() for part in (text or "").splitlines() if part.strip()
            )
            if line and line not in lines:
                lines.append(line)
        return lines

    def _carpass_prepare_description(self, chosen=None):
        """Values of the description fields from the repair.

        ``chosen`` maps products to the activity the user picked for them in the
        end-of-repair wizard, over the mappings.
        """
        self.ensure_one()
        chosen = chosen or {}
        products = self._carpass_repair_products()
        resolved = self.env["carpass.activity.mapping"]._carpass_resolve(
            products, self.company_id
        )
        activities = self.env["carpass.activity"]
        for product in products:
            activities |= chosen.get(product) or resolved[product][0]
        if not products:
            # Nothing on the repair to map (or no repair): the company default says
            # what this garage usually does.
            activities = self.company_id.carpass_default_activity_id.filtered("active")
        return {
            "description_activity_ids": [fields.Command.set(activities.ids)],
            "description_lines": "\n".join(self._carpass_job_lines()),
        }

    def _carpass_work_description(self):
        self.ensure_one()
        lines = [
            line.strip()
            for line in (self.description_lines or "").splitlines()
            if line.strip()
        ]
        return WorkDescription(
            activities=self.description_activity_ids.mapped("code"),
            lines=lines,
            free_text=(self.description_free_text or "").strip(),
        )

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _carpass_after_result(self, client=None, attempts=None):
        notes = super()._carpass_after_result(client, attempts=attempts)
        # Car-Pass takes the description of an accepted reading and also of one it
        # still checks or flagged.
        if self._carpass_description_due():
            self._carpass_send_description(
                client=client, notes=notes, attempts=attempts
            )
        return notes

    def _carpass_description_due(self):
        self.ensure_one()
        return self.description_sendable and self.description_state == "not_sent"

    def _carpass_send_description(self, client=None, notes=None, attempts=None):
        """Send the work description; returns (record, success, text). Never raises.

        With ``notes`` (a list), the chatter note of a sent description is added
        to it instead of being logged on its own (it joins the reading's note);
        with ``attempts`` (a list), the attempt row too (``_carpass_log_attempt``).
        """
        self.ensure_one()
        if not self.description_sendable:
            return (
                self,
                False,
                _(
                    "Car-Pass takes the work description once it holds the reading "
                    "(now %(state)s).",
                    state=self._state_label(),
                ),
            )
        if not self.description_activity_ids and not self.description_lines:
            self.write(self._carpass_prepare_description())
        description = self._carpass_work_description()
        if not description.activities and not description.lines:
            message = _(
                "Nothing describes the work done: map the repair's products to Car-Pass "
                "activities, set a default activity for the company, or type the job "
                "lines."
            )
            self._carpass_description_failed(message, retryable=False)
            return self, False, message
        try:
            client = client or self.company_id._carpass_client()
        except UserError as error:
            self._carpass_description_failed(str(error), retryable=False)
            return self, False, str(error)
        started = time.monotonic()
        try:
            result = client.send_description(self.request_guid, description)
        except CarpassError as error:
            message = carpass_error_message(self.env, error, self.company_id)
            self._carpass_log_attempt(
                "description",
                False,
                started,
                type(error).__name__,
                message,
                client=client,
                answer=getattr(error, "answer", None),
                attempts=attempts,
            )
            self._carpass_description_failed(
                message, retryable=isinstance(error, CarpassTransientError)
            )
            return self, False, message
        if not result.accepted:
            message = _("Car-Pass refused the work description.")
            if result.issues:
                message = _(
                    "Car-Pass refused the work description: %(details)s",
                    details=remarks_text(self.env, result.issues),
                )
            self._carpass_log_attempt(
                "description",
                False,
                started,
                "refused",
                message,
                client=client,
                attempts=attempts,
            )
            self._carpass_description_failed(message, retryable=False)
            return self, False, message
        self._carpass_log_attempt(
            "description", True, started, "accepted", client=client, attempts=attempts
        )
        # No tracking message: the note below says it was sent, and what.
        self.with_context(tracking_disable=True)._carpass_write_workflow(
            {
                "description_state": "sent",
                "description_message": False,
                "description_sent_date": fields.Datetime.now(),
                "description_retryable": False,
                "description_retry_count": 0,
                "description_next_retry_at": False,
            }
        )
        note = self._carpass_description_note(description)
        if notes is None:
            # A log note, like the reading's outcome: nobody to notify, a fraction
            # of message_post's cost (docs/benchmarks.md).
            self._message_log(body=note)
        else:
            notes.append(note)
        return self, True, _("work description sent")

    def _carpass_description_failed(self, message, retryable):
        values = {
            "description_state": "error",
            "description_message": message,
            "description_retryable": retryable,
            "description_next_retry_at": False,
        }
        plan = retry_plan(self.description_retry_count)
        if retryable and plan.retry:
            values.update(
                description_retry_count=plan.attempts,
                description_next_retry_at=fields.Datetime.now() + plan.delay,
            )
        else:
            values["description_retryable"] = False
            self._message_log(
                body=_(
                    "The work description was not sent to Car-Pass: %(error)s",
                    error=message,
                )
            )
        self._carpass_write_workflow(values)

    def _carpass_description_note(self, description):
        activities = ", ".join(self.description_activity_ids.mapped("display_name"))
        items = Markup("").join(
            Markup("<li>%s</li>") % line for line in description.lines
        )
        return Markup("%s<ul>%s</ul>") % (
            _(
                "Work description sent to Car-Pass. Activities: %(activities)s.",
                activities=activities or "-",
            ),
            items,
        )

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_carpass_retry_descriptions(self, batch_size=CRON_BATCH_SIZE):
        """Resend descriptions after transport failures; send the ones still due.

        The retry cron's steps (``_carpass_drain``) with
        ``lifecycle.description_due_domain``. Returns (record, success, text) per
        description sent.
        """
        return self._carpass_drain(
            description_due_domain,
            "description_next_retry_at asc, id asc",
            lambda registration: registration._carpass_send_description(),
            "carpass_odoo.ir_cron_carpass_retry_descriptions",
            batch_size,
        )
