# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from .carpass_access import CarpassAddonRows
from .carpass_inputs import CarpassInputGuard


def _lt(message):
    """Mark an English text for Odoo's translation export; translated when shown."""
    return message


# What a call's raw outcome (Car-Pass's status, or the protocol error's class) means
# for garage staff; the raw value stays for managers and support.
OUTCOME_LABELS = {
    "done": _lt("Accepted"),
    "accepted": _lt("Accepted"),
    "action_required": _lt("Remarks to settle"),
    "ongoing": _lt("Being processed by Car-Pass"),
    "reviewing": _lt("Under review at Car-Pass"),
    "rejected": _lt("Rejected"),
    "waiting_for_div": _lt("Waiting for the vehicle's registration (DIV)"),
    "unknown": _lt("Status not known"),
    "refused": _lt("Refused"),
    "CarpassAuthenticationError": _lt("Credentials refused"),
    "CarpassValidationError": _lt("Data refused"),
    "CarpassNotFoundError": _lt("Unknown to Car-Pass"),
    "CarpassUnavailableError": _lt("Car-Pass unavailable"),
    "CarpassTimeoutError": _lt("No answer in time"),
    "CarpassTransientError": _lt("Temporary failure"),
    "CarpassProtocolError": _lt("Unexpected answer"),
    "CarpassLookupUnsupportedError": _lt("Look-up not available"),
    "CarpassError": _lt("Failed"),
}

# How long the exchange bodies are kept when the setting is missing or unusable.
DEFAULT_EXCHANGE_LOG_DAYS = 30
EXCHANGE_LOG_DAYS_PARAM = "carpass_odoo.exchange_log_days"


class CarpassRegistrationAttempt(CarpassAddonRows, CarpassInputGuard, models.Model):
    """One call to Car-Pass and, for managers, the HTTP exchange behind it.

    The exchange (method, path, status code, request and answer bodies) is what
    support needs when Car-Pass answers something unexpected; the bodies are
    masked (secrets, personal data) and capped by the protocol layer, and
    emptied after ``carpass_odoo.exchange_log_days`` days (system parameter).
    """

    _name = "carpass.registration.attempt"
    _description = "Car-Pass Call"
    _order = "id desc"

    registration_id = fields.Many2one(
        "carpass.registration", required=True, ondelete="cascade", index=True
    )
    # Precomputed: written by the INSERT, not by an UPDATE after it (one query less
    # per row on the send path, see docs/benchmarks.md).
    company_id = fields.Many2one(
        related="registration_id.company_id", store=True, precompute=True
    )
    operation = fields.Selection(
        [
            ("create", "Send"),
            ("lookup", "Look up"),
            ("status", "Status"),
            ("correct", "Correction"),
            ("confirm", "Confirmation"),
            ("manual_correction", "Manual correction"),
            ("description", "Work description"),
        ],
        required=True,
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    success = fields.Boolean()
    outcome = fields.Char(
        string="Raw Outcome",
        help="Car-Pass's status or the error's class, as recorded (for support).",
    )
    outcome_label = fields.Char(
        string="Result", compute="_compute_outcome_label", help="The call's outcome."
    )
    error_message = fields.Text()
    duration_ms = fields.Integer(string="Duration (ms)")
    http_method = fields.Char(
        string="HTTP Method", groups="carpass_odoo.group_carpass_manager"
    )
    http_path = fields.Char(
        string="HTTP Path", groups="carpass_odoo.group_carpass_manager"
    )
    http_status = fields.Integer(
        string="HTTP Status",
        groups="carpass_odoo.group_carpass_manager",
        help="0 when no answer came (timeout, broken connection).",
    )
    request_body = fields.Text(groups="carpass_odoo.group_carpass_manager")
    answer_body = fields.Text(groups="carpass_odoo.group_carpass_manager")

    @api.depends("outcome", "success")
    @api.depends_context("lang")
    def _compute_outcome_label(self):
        for attempt in self:
            raw = attempt.outcome or ""
            label = OUTCOME_LABELS.get(raw)
            if label:
                attempt.outcome_label = self.env._(label)
            elif raw:
                # A status word this version does not know: Car-Pass's own word.
                attempt.outcome_label = self.env._(
                    "Car-Pass status: “%(status)s”", status=raw
                )
            else:
                attempt.outcome_label = (
                    self.env._("Succeeded") if attempt.success else self.env._("Failed")
                )

    @api.model
    def _exchange_values(self, exchanges):
        """Field values for the last of the client's exchanges (carpass.client.Exchange)."""
        exchange = exchanges[-1]
        return {
            "http_method": exchange.method,
            "http_path": exchange.path,
            "http_status": exchange.status_code or 0,
            "request_body": exchange.request_body or False,
            "answer_body": exchange.answer_body or False,
        }

    @api.model
    def _cron_purge_exchange_log(self, limit=10000):
        """Empty the request and answer bodies older than the configured days."""
        value = (
            self.env["ir.config_parameter"].sudo().get_param(EXCHANGE_LOG_DAYS_PARAM)
        )
        try:
            days = max(1, int(value))
        except (TypeError, ValueError):
            days = DEFAULT_EXCHANGE_LOG_DAYS
        cutoff = fields.Datetime.now() - timedelta(days=days)
        old = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("create_date", "<", cutoff),
                    "|",
                    ("request_body", "!=", False),
                    ("answer_body", "!=", False),
                ],
                limit=limit,
            )
        )
        old.write({"request_body": False, "answer_body": False})
        return len(old)
