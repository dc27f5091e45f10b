# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Car-Pass registration: one odometer reading reported to Car-Pass.

The decisions (what an answer means, when to retry, what a user may do) are plain
functions in ``carpass/lifecycle.py``; the reading and VIN rules are in
``carpass/checks.py``. This file holds, in that order: fields, computes, CRUD,
user actions, the send pipeline, the calls of managers (confirm, manual
correction) and the crons. The work description extends it in
``carpass_registration_description.py``.
"""

import dataclasses
import logging
import time
import unicodedata
import uuid

from markupsafe import Markup, escape
from psycopg2 import DataError
from psycopg2.errors import SerializationFailure

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules import module as odoo_module
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.misc import get_lang
from odoo.tools.sql import create_index

from ..carpass import checks, lifecycle, units
from ..carpass.clock import belgian_today
from ..carpass.exceptions import CarpassError, CarpassProtocolError
from ..carpass.payloads import Correction, Observation, Status
from .carpass_access import carpass_check_caller, carpass_check_manager
from .carpass_company_rules import CarpassRegistrationCompanyRules
from .carpass_inputs import carpass_clean_vals
from .carpass_messages import (
    carpass_error_message,
    finding_message,
    format_day,
    format_number,
)

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Not Sent"),
    ("sending", "Sending"),
    ("ongoing", "Ongoing"),
    ("waiting", "Waiting for Registration"),
    ("accepted", "Accepted"),
    ("anomaly", "Anomaly"),
    ("error", "Error"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
    ("skipped", "Skipped"),
]
SKIP_REASONS = [
    ("foreign", "Foreign vehicle"),
    ("heavy", "Vehicle over 3.5 t"),
    ("not_applicable", "Not applicable"),
]
# The systray counts at most this many registrations needing attention and shows
# "999+" beyond: the exact number is in the overview, and the count, which runs on
# every page load, stays bounded however large a backlog grows.
ATTENTION_COUNT_CAP = 1000
# The data reported to Car-Pass: once sent, they change only through a correction
# (the pencil, while ``lifecycle.allowed_actions`` allows EDIT), a manual correction
# or a confirmation, which keep what was sent in ``sent_*`` / ``last_sent_*``.
REPORTED_FIELDS = ("vin", "odometer", "reading_date", "odometer_work")
# Fixed at creation: a registration reports one repair of one vehicle for one company.
FIXED_FIELDS = ("company_id", "vehicle_id", "repair_id")
# Set by the registration's own methods only (``_carpass_write_workflow``), never
# through create/write: the state machine, the idempotency key, what Car-Pass
# answered and the retry schedule.
WORKFLOW_FIELDS = (
    "state",
    "request_guid",
    "reference",
    "carpass_status",
    "error_message",
    "retryable",
    "outcome_unknown",
    "retry_count",
    "next_retry_at",
    "sending_since",
    "sent_date",
    "sent_odometer",
    "sent_reading_date",
    "last_sent_vin",
    "last_sent_odometer",
    "last_sent_reading_date",
    "last_sent_odometer_work",
    "failed_correction_count",
    "confirm_reason",
    "odometer_log_id",
    "needs_attention",
    "awaiting_carpass",
    "attempt_ids",
)
# The context key of ``_carpass_write_workflow``. Its value is an object no RPC
# call can send (a JSON context holds only plain values), so a caller outside the
# model's own methods cannot pass for the pipeline, with or without sudo().
_WORKFLOW_CONTEXT_KEY = "carpass_workflow_write"
_WORKFLOW_TOKEN = object()
# The context key of a batch's note author (``_carpass_batch_context``).
_NOTE_AUTHOR_KEY = "carpass_note_author"


@dataclasses.dataclass(frozen=True)
class NoteAuthor:
    """The author of a batch's outcome notes, looked up once for the batch.

    An object no RPC call can send (a JSON context holds only plain values): a
    caller cannot name another author through the context.
    """

    author_id: int
    email_from: str


# The mark before each line of a send or status notification, by tone.
NOTIFICATION_MARKS = {
    "success": "✔",
    "warning": "⚠",
    "danger": "✘",
    "info": "ℹ",
    "muted": "·",
}
# Registrations one run of a cron handles before it reports its progress to
# ir.cron, which runs it again at once while work remains.
CRON_BATCH_SIZE = 200


def in_test_mode():
    """True in tests, which run in one transaction that must not be committed."""
    return tools.config["test_enable"] or odoo_module.current_test


def has_control_characters(text):
    """True for text PostgreSQL cannot store (NUL) or no VIN contains (tab, ...)."""
    return any(unicodedata.category(character) in ("Cc", "Cs") for character in text)


class CarpassRegistration(CarpassRegistrationCompanyRules, models.Model):
    _name = "carpass.registration"
    _description = "Car-Pass Registration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "reading_date desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    repair_id = fields.Many2one(
        "repair.order", string="Repair Order", index=True, check_company=True
    )
    vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    license_plate = fields.Char(related="vehicle_id.license_plate")
    vin = fields.Char(string="VIN", tracking=True)
    odometer = fields.Integer(
        string="Odometer Reading",
        required=True,
        tracking=True,
        help="In kilometres, as sent to Car-Pass. For a vehicle whose odometer counts "
        "miles, the dashboard reading converted to km.",
    )
    odometer_unit = fields.Selection(related="vehicle_id.odometer_unit")
    dashboard_reading = fields.Integer(
        compute="_compute_dashboard_reading",
        help="The reading as the vehicle's dashboard shows it, in its odometer unit.",
    )
    reading_date = fields.Date(
        required=True,
        default=lambda self: belgian_today(),
        tracking=True,
    )
    odometer_work = fields.Boolean(
        string="Work on the Odometer",
        tracking=True,
        help="The odometer was replaced or repaired: explains a lower reading.",
    )
    state = fields.Selection(
        STATES, default="draft", required=True, index=True, tracking=True, copy=False
    )
    needs_attention = fields.Boolean(
        compute="_compute_needs_attention", store=True, index=True
    )
    awaiting_carpass = fields.Boolean(
        string="Pending at Car-Pass",
        compute="_compute_awaiting_carpass",
        store=True,
        help="Sent, and Car-Pass has not decided yet.",
    )
    reference = fields.Char(
        string="Idempotency Key",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: str(uuid.uuid4()),
        help="Sent with the report so that Car-Pass never registers it twice.",
    )
    request_guid = fields.Char(
        string="Car-Pass Request", readonly=True, copy=False, index=True, tracking=True
    )
    carpass_status = fields.Char(string="Car-Pass Status", readonly=True, copy=False)
    issue_ids = fields.One2many(
        "carpass.registration.issue", "registration_id", string="Issues", copy=False
    )
    open_issue_count = fields.Integer(compute="_compute_open_issue_count")
    issue_codes_text = fields.Text(
        string="Remark Codes",
        compute="_compute_issue_codes_text",
        help="Codes, remarks and allowed actions as Car-Pass sent them, for support.",
    )
    attempt_ids = fields.One2many(
        "carpass.registration.attempt", "registration_id", string="Attempts", copy=False
    )
    error_message = fields.Text(readonly=True, copy=False)
    retryable = fields.Boolean(
        readonly=True, copy=False, help="The last failure was a transport failure."
    )
    outcome_unknown = fields.Boolean(
        readonly=True,
        copy=False,
        help="The last attempt may have reached Car-Pass: ask before sending again.",
    )
    retry_count = fields.Integer(readonly=True, copy=False)
    next_retry_at = fields.Datetime(readonly=True, copy=False, index=True)
    sending_since = fields.Datetime(readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    sent_odometer = fields.Integer(
        string="Reading First Sent", readonly=True, copy=False
    )
    sent_reading_date = fields.Date(string="Date First Sent", readonly=True, copy=False)
    # What Car-Pass holds since the last create or correction it answered.
    last_sent_vin = fields.Char(string="VIN Last Sent", readonly=True, copy=False)
    last_sent_odometer = fields.Integer(
        string="Reading Last Sent", readonly=True, copy=False
    )
    last_sent_reading_date = fields.Date(
        string="Date Last Sent", readonly=True, copy=False
    )
    last_sent_odometer_work = fields.Boolean(
        string="Odometer Work Last Sent", readonly=True, copy=False
    )
    failed_correction_count = fields.Integer(readonly=True, copy=False)
    # What the user may do now (carpass/lifecycle.py decides; the views show these).
    can_edit = fields.Boolean(compute="_compute_allowed_actions")
    can_send = fields.Boolean(compute="_compute_allowed_actions")
    can_send_again = fields.Boolean(
        compute="_compute_allowed_actions",
        help="The outcome of the last send is unknown and Car-Pass cannot be asked: "
        "a person who checked at Car-Pass may send it again.",
    )
    can_confirm = fields.Boolean(
        compute="_compute_allowed_actions",
        help="Car-Pass allows confirming every open remark as correct.",
    )
    can_manual_correct = fields.Boolean(compute="_compute_allowed_actions")
    can_reset_to_draft = fields.Boolean(compute="_compute_allowed_actions")
    can_skip = fields.Boolean(
        compute="_compute_allowed_actions",
        help="Never sent to Car-Pass: it may be skipped (not reported) with a reason.",
    )
    can_refresh_status = fields.Boolean(compute="_compute_allowed_actions")
    can_print_correction_form = fields.Boolean(
        compute="_compute_allowed_actions",
        help="Car-Pass received the reading (it has a request id): the paper "
        "correction form can ask it to correct it.",
    )
    correction_form_suggested = fields.Boolean(
        compute="_compute_allowed_actions",
        help="Corrections failed repeatedly (or Car-Pass refused a manual correction): "
        "the signed paper correction form is the way left.",
    )
    state_tone = fields.Selection(
        [
            ("danger", "Danger"),
            ("warning", "Warning"),
            ("success", "Success"),
            ("info", "Info"),
            ("muted", "Muted"),
        ],
        compute="_compute_state_tone",
        help="How the overview colours the state.",
    )
    correction_reason = fields.Text(
        copy=False,
        tracking=True,
        help="Why the reading must be corrected; printed on the correction form.",
    )
    correction_odometer = fields.Integer(
        string="Stated Correct Reading",
        copy=False,
        tracking=True,
        help="In km: the reading the garage states as correct on the correction form.",
    )
    correction_reading_date = fields.Date(
        string="Stated Correct Date", copy=False, tracking=True
    )
    skip_reason = fields.Selection(SKIP_REASONS, copy=False, tracking=True)
    skip_note = fields.Char(copy=False)
    confirm_reason = fields.Text(readonly=True, copy=False)
    odometer_log_id = fields.Many2one(
        "fleet.vehicle.odometer", string="Odometer Log", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "reference_unique",
            "unique(reference)",
            "The idempotency key must be unique.",
        ),
        (
            "odometer_range",
            f"CHECK(odometer >= 0 AND odometer <= {checks.MAX_READING})",
            "The odometer reading is out of range.",
        ),
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends(
        "state", "outcome_unknown", "description_state", "request_guid", "reading_date"
    )
    def _compute_needs_attention(self):
        for registration in self:
            registration.needs_attention = lifecycle.needs_attention(
                registration.state,
                description_failed=registration.description_state == "error",
                description_missing=lifecycle.description_missing(
                    registration.state,
                    known_to_carpass=bool(registration.request_guid),
                    description_unsent=registration.description_state == "not_sent",
                    reading_date=registration.reading_date,
                ),
                outcome_unknown=registration.outcome_unknown,
            )

    @api.depends("state")
    def _compute_awaiting_carpass(self):
        for registration in self:
            registration.awaiting_carpass = lifecycle.awaiting_carpass(
                registration.state
            )

    @api.depends("state")
    def _compute_state_tone(self):
        for registration in self:
            registration.state_tone = lifecycle.tone(registration.state)

    @api.depends("odometer", "odometer_unit")
    def _compute_dashboard_reading(self):
        for registration in self:
            registration.dashboard_reading = units.from_km(
                registration.odometer, registration.odometer_unit
            )

    @api.depends("issue_ids.resolved")
    def _compute_open_issue_count(self):
        for registration in self:
            registration.open_issue_count = len(
                registration.issue_ids.filtered(lambda issue: not issue.resolved)
            )

    @api.depends("issue_ids.code", "issue_ids.message", "issue_ids.actions")
    def _compute_issue_codes_text(self):
        for registration in self:
            registration.issue_codes_text = "\n".join(
                f"{issue.code}: {issue.message or ''} [{issue.actions or ''}]"
                + (" ✔" if issue.resolved else "")
                for issue in registration.issue_ids
            )

    @api.depends(
        "state",
        "request_guid",
        "outcome_unknown",
        "retryable",
        "sent_date",
        "failed_correction_count",
        "company_id.carpass_correction_threshold",
        "issue_ids.source",
        "issue_ids.actions",
        "issue_ids.resolved",
    )
    def _compute_allowed_actions(self):
        for registration in self:
            actions = registration._carpass_allowed_actions()
            registration.can_edit = lifecycle.EDIT in actions
            registration.can_send = lifecycle.SEND in actions
            registration.can_send_again = lifecycle.SEND_AGAIN in actions
            registration.can_confirm = lifecycle.CONFIRM in actions
            registration.can_manual_correct = lifecycle.MANUAL_CORRECTION in actions
            registration.can_reset_to_draft = lifecycle.RESET_TO_DRAFT in actions
            registration.can_skip = lifecycle.SKIP in actions
            registration.can_refresh_status = lifecycle.REFRESH_STATUS in actions
            registration.can_print_correction_form = (
                lifecycle.PRINT_CORRECTION_FORM in actions
            )
            registration.correction_form_suggested = (
                lifecycle.CORRECTION_FORM in actions
            )

    def _carpass_allowed_actions(self):
        """The actions of ``lifecycle.allowed_actions`` for this registration."""
        self.ensure_one()
        open_remarks = self.issue_ids.filtered(
            lambda issue: issue.source == "carpass" and not issue.resolved
        )
        return lifecycle.allowed_actions(
            self.state,
            known_to_carpass=bool(self.request_guid),
            open_remark_actions=[
                set((issue.actions or "").split(",")) for issue in open_remarks
            ],
            failed_corrections=self.failed_correction_count,
            correction_threshold=self._carpass_correction_threshold(),
            outcome_unknown=self.outcome_unknown,
            answered=bool(self.sent_date),
            retrying=self.retryable,
        )

    def _carpass_reached(self):
        """True when Car-Pass holds this reading or may hold it
        (``lifecycle.reached_carpass``)."""
        self.ensure_one()
        return lifecycle.reached_carpass(
            self.state,
            known_to_carpass=bool(self.request_guid),
            outcome_unknown=self.outcome_unknown,
            answered=bool(self.sent_date),
        )

    def _carpass_correction_threshold(self):
        return self.company_id.carpass_correction_threshold or 2

    def _carpass_correction_form_suggested(self):
        """``correction_form_suggested`` without the other actions' Car-Pass
        remarks (a notification after a send needs this one only)."""
        self.ensure_one()
        # The threshold is at least 1 (the company's constraint): before a failed
        # correction it cannot be reached, and the company need not be read.
        threshold = (
            self._carpass_correction_threshold() if self.failed_correction_count else 1
        )
        return lifecycle.correction_form_suggested(
            self.state, self.failed_correction_count, threshold
        )

    @api.onchange("vehicle_id")
    def _onchange_vehicle_id_vin(self):
        # A registration typed by hand takes the chosen vehicle's VIN, so that it
        # is not sent without one.
        if self.vehicle_id.vin_sn and not self.request_guid:
            self.vin = self.vehicle_id.vin_sn

    # ------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------

    @api.constrains("odometer", "reading_date", "vin")
    def _check_reading(self):
        """The limits of ``carpass/checks.py``, once a registration leaves draft.

        A postponed (draft) or skipped report may wait for its reading: sending
        checks it in full (``checks.check_observation``).
        """
        today = belgian_today()
        for registration in self:
            if registration.state in ("draft", "skipped"):
                continue
            if not checks.MIN_READING <= registration.odometer <= checks.MAX_READING:
                raise ValidationError(
                    _("The odometer reading must be a positive whole number.")
                )
            if registration.reading_date > today:
                raise ValidationError(_("The reading date cannot be in the future."))
            if not (registration.vin or "").strip():
                raise ValidationError(_("The VIN is required to report to Car-Pass."))

    @api.model
    def _carpass_check_storable(self, vals):
        """Refuse, with a clear message, what the database or tracking cannot store.

        A reading beyond a 32-bit integer, a VIN with control characters, a date
        before ``checks.MIN_READING_DATE``. The end-of-repair wizard applies it to
        what is typed; the registration also refuses readings outside
        ``checks.MAX_READING`` (``_carpass_check_reading_range``).
        """
        vin = vals.get("vin")
        if isinstance(vin, str) and has_control_characters(vin.strip()):
            raise ValidationError(
                _(
                    "The VIN contains invisible control characters (%(vin)s): "
                    "type it again.",
                    vin=ascii(vin),
                )
            )
        reading = vals.get("odometer")
        if isinstance(reading, int) and not -(2**31) <= reading < 2**31:
            self._carpass_raise_impossible_reading(reading)
        if vals.get("reading_date"):
            try:
                reading_date = fields.Date.to_date(vals["reading_date"])
            except (TypeError, ValueError):
                reading_date = None
            if not reading_date or reading_date < checks.MIN_READING_DATE:
                raise ValidationError(
                    _(
                        "%(date)s is not a possible reading date.",
                        date=format_day(self.env, reading_date)
                        if reading_date
                        else vals["reading_date"],
                    )
                )

    @api.model
    def _carpass_check_reading_range(self, vals):
        for name in ("odometer", "correction_odometer"):
            reading = vals.get(name)
            if reading is not None and not checks.reading_in_bounds(reading):
                self._carpass_raise_impossible_reading(reading)

    @api.model
    def _carpass_raise_impossible_reading(self, reading):
        raise ValidationError(
            _(
                "%(reading)s is not a possible odometer reading (at most %(max)s km).",
                reading=format_number(self.env, reading),
                max=format_number(self.env, checks.MAX_READING),
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [carpass_clean_vals(self, vals) for vals in vals_list]
        for vals in vals_list:
            self._carpass_check_storable(vals)
            self._carpass_check_protected_write(vals, creating=True)
            self._carpass_check_reading_range(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("carpass.registration") or "/"
                )
            if vals.get("vin"):
                vals["vin"] = vals["vin"].strip().upper()
        registrations = super().create(vals_list)
        registrations._carpass_check_company_rules()
        return registrations

    def write(self, vals):
        vals = carpass_clean_vals(self, vals)
        self._carpass_check_storable(vals)
        self._carpass_check_protected_write(vals)
        self._carpass_check_reading_range(vals)
        if vals.get("vin"):
            vals = dict(vals, vin=vals["vin"].strip().upper())
        result = super().write(vals)
        self._carpass_check_company_rules(vals)
        if {"state", *REPORTED_FIELDS} & set(vals):
            self._carpass_sync_reading()
        return result

    # ------------------------------------------------------------
    # Protected fields: what only the registration's own methods may set
    # ------------------------------------------------------------

    @api.model
    def _carpass_workflow_field_names(self):
        """The fields only ``_carpass_write_workflow`` may set (a set of names)."""
        return set(WORKFLOW_FIELDS)

    def _carpass_write_workflow(self, vals):
        """Write workflow fields (``_carpass_workflow_field_names``): the pipeline's way.

        Private, so RPC cannot call it; every state change, answer, retry schedule
        and the odometer log link go through here. Reported fields written here
        (a manual correction Car-Pass accepted) skip the "not editable once sent"
        rule: they are what Car-Pass holds.
        """
        return self.with_context(**{_WORKFLOW_CONTEXT_KEY: _WORKFLOW_TOKEN}).write(vals)

    @api.model
    def _carpass_is_initial_value(self, name, value):
        """True when ``value`` is what field ``name`` holds on a new registration."""
        field = self._fields[name]
        if field.compute:
            # A computed flag given on create would be kept instead of computed.
            return False
        if field.type in ("one2many", "many2many"):
            return not value
        initial = field.default(self) if field.default else False
        return (value or False) == (initial or False)

    def _carpass_check_protected_write(self, vals, creating=False):
        """Refuse, with a UserError, what create/write may not change.

        - workflow fields (``_carpass_workflow_field_names``), also as context
          defaults on create: only ``_carpass_write_workflow`` sets them;
        - company, vehicle and repair after creation (``FIXED_FIELDS``);
        - the reported data (``REPORTED_FIELDS``) of a registration whose
          ``lifecycle.allowed_actions`` has no EDIT (sent and not flagged or
          failed): a correction, manual correction or confirmation changes them.
        """
        if self.env.context.get(_WORKFLOW_CONTEXT_KEY) is _WORKFLOW_TOKEN:
            return
        workflow = self._carpass_workflow_field_names()
        names = set(vals)
        if creating:
            # A form sends every field it shows: the value a new registration
            # starts with anyway (draft, nothing sent) is no attempt to skip a step.
            names -= {
                name
                for name in workflow & names
                if self._carpass_is_initial_value(name, vals[name])
            }
            names |= {
                name for name in workflow if f"default_{name}" in self.env.context
            }
        forbidden = sorted(workflow & names)
        if forbidden:
            raise UserError(
                _(
                    "%(fields)s cannot be set by hand: the registration sets them "
                    "itself when it is sent and when Car-Pass answers.",
                    fields=self._carpass_field_labels(forbidden),
                )
            )
        if creating:
            return
        for registration in self:
            fixed = [
                name
                for name in FIXED_FIELDS
                if name in vals and registration[name].id != (vals[name] or False)
            ]
            if fixed:
                raise UserError(
                    _(
                        "%(fields)s of %(name)s cannot change: create another "
                        "registration instead.",
                        fields=self._carpass_field_labels(fixed),
                        name=registration.display_name,
                    )
                )
            changed = registration._carpass_changed_reported_fields(vals)
            if (
                changed
                and lifecycle.EDIT not in registration._carpass_allowed_actions()
            ):
                raise UserError(
                    _(
                        "%(name)s was reported to Car-Pass (%(state)s): %(fields)s "
                        "can only change through a correction, once Car-Pass flags "
                        "or refuses it, or a manual correction.",
                        name=registration.display_name,
                        state=registration._state_label(),
                        fields=self._carpass_field_labels(changed),
                    )
                )

    def _carpass_changed_reported_fields(self, vals):
        """The names of ``REPORTED_FIELDS`` that ``vals`` really changes."""
        self.ensure_one()
        changed = []
        for name in REPORTED_FIELDS:
            if name not in vals:
                continue
            new = vals[name]
            if name == "vin":
                old, new = self.vin or "", (new or "").strip().upper()
            elif name == "reading_date":
                old, new = self.reading_date, fields.Date.to_date(new) if new else False
            elif name == "odometer_work":
                old, new = self.odometer_work, bool(new)
            else:
                old = self.odometer
            if old != new:
                changed.append(name)
        return changed

    @api.model
    def _carpass_field_labels(self, names):
        return ", ".join(
            f'"{self._fields[name]._description_string(self.env)}"' for name in names
        )

    def copy(self, default=None):
        """Refused: a report is never duplicated.

        A second report of the same reading would reach Car-Pass as a duplicate and
        take the repair's place; a new reading is a new repair or a new registration.
        """
        if not self:
            return super().copy(default)
        raise UserError(
            _(
                "A Car-Pass report cannot be duplicated: a new reading is reported "
                "from its repair or as a new registration."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reported(self):
        # Also what may have arrived (outcome unknown) or is on its way: its calls
        # to Car-Pass are the trace to look it up with.
        if any(registration._carpass_reached() for registration in self):
            raise UserError(
                _("A registration that reached Car-Pass cannot be deleted.")
            )

    def init(self):
        # The overview lists a company's registrations in _order, by default only
        # those needing attention, and the systray counts the latter: composite
        # indexes serve the first page from the index at any table size.
        create_index(
            self.env.cr,
            "carpass_registration_company_order_idx",
            self._table,
            ["company_id", "reading_date DESC", "id DESC"],
        )
        create_index(
            self.env.cr,
            "carpass_registration_attention_order_idx",
            self._table,
            ["company_id", "reading_date DESC", "id DESC"],
            where="needs_attention",
        )
        # The counter counts only the few rows needing attention.
        create_index(
            self.env.cr,
            "carpass_registration_attention_idx",
            self._table,
            ["company_id"],
            where="needs_attention",
        )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------

    def action_send(self):
        """Envelope: send, resend or correct each selected registration."""
        carpass_check_caller(self, "write")
        outcomes = self._carpass_send_each()
        return self._carpass_notify(outcomes, _("Car-Pass: send"))

    def action_send_again(self):
        """Send again a report whose outcome is unknown, on a person's word.

        For a registration Car-Pass may hold but could not be asked about (the
        look-up is unavailable or the automatic attempts ran out): the person
        checked at Car-Pass that the reading did not arrive. The same
        idempotency key is sent, so a Car-Pass that honours it still answers
        the first report instead of storing a second one.
        """
        carpass_check_caller(self, "write")
        for registration in self:
            if not registration.can_send_again:
                raise UserError(
                    _(
                        "%(name)s is not waiting for a check at Car-Pass: use 'Send'.",
                        name=registration.display_name,
                    )
                )
        self.check_access("write")
        self._carpass_write_workflow(
            {"outcome_unknown": False, "retry_count": 0, "retryable": False}
        )
        self._message_log(
            body=_("Checked at Car-Pass: not received. Sent again by hand.")
        )
        return self.action_send()

    def action_refresh_status(self):
        carpass_check_caller(self, "write")
        outcomes = []
        for registration in self:
            if not registration.request_guid:
                outcomes.append((registration, False, _("not sent yet")))
                continue
            outcomes.append(registration._carpass_refresh_one())
        return self._carpass_notify(outcomes, _("Car-Pass: status"))

    def action_reset_to_draft(self):
        carpass_check_caller(self, "write")
        for registration in self:
            if not registration.can_reset_to_draft:
                raise UserError(
                    _(
                        "Only skipped or failed registrations can be put back to 'Not Sent' "
                        "(%(name)s is %(state)s).",
                        name=registration.name,
                        state=registration._state_label(),
                    )
                )
        self._carpass_write_workflow(
            {"state": "draft", "skip_reason": False, "skip_note": False}
        )
        return True

    def _carpass_skip(self, reason, note=False):
        """Mark as not reported to Car-Pass, with ``reason`` (a ``SKIP_REASONS`` key).

        Only a report that never reached Car-Pass (``lifecycle.can_skip``): what
        Car-Pass holds stays in the figures and is settled there.
        """
        for registration in self:
            if not registration.can_skip:
                raise UserError(
                    _(
                        "%(name)s reached Car-Pass, or may have: it cannot be "
                        "skipped, only a report never sent can be. Correct it instead.",
                        name=registration.display_name,
                    )
                )
        self._carpass_write_workflow(
            {"state": "skipped", "skip_reason": reason, "skip_note": note}
        )
        reason_label = dict(
            self._fields["skip_reason"]._description_selection(self.env)
        )
        for registration in self:
            registration._message_log(
                body=_(
                    "Not reported to Car-Pass: %(reason)s %(note)s",
                    reason=reason_label[reason],
                    note=note or "",
                )
            )

    def action_edit_in_wizard(self):
        """Pencil: edit the data with the same checks as at the end of a repair."""
        carpass_check_caller(self, "write")
        return self._carpass_open_wizard()

    def _carpass_open_wizard(self):
        self.ensure_one()
        # The registration's row first: the window is prefilled from it, and the
        # check that registration_id names a record is then answered by the cache.
        self._fetch_field(self._fields["vin"])
        wizard = self.env["carpass.registration.wizard"].create(
            {"registration_id": self.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Report to Car-Pass"),
            "res_model": "carpass.registration.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_carpass_manager(self):
        carpass_check_manager(
            self.env,
            _("Only Car-Pass managers may confirm readings or ask manual corrections."),
        )

    def action_open_confirm_wizard(self):
        """Green check: confirm as correct, after a confirmation step with a reason."""
        carpass_check_caller(self, "write")
        self._check_carpass_manager()
        if not self.filtered("can_confirm"):
            raise UserError(
                _(
                    "Only registrations with an anomaly at Car-Pass can be confirmed "
                    "as correct; none of the selected ones has one."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm as Correct"),
            "res_model": "carpass.confirm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_registration_ids": [(6, 0, self.ids)]},
        }

    def action_open_manual_correction_wizard(self):
        carpass_check_caller(self, "write")
        self._check_carpass_manager()
        self.ensure_one()
        if not self.can_manual_correct:
            raise UserError(
                _("Only a registration known to Car-Pass can be corrected manually.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Manual Correction"),
            "res_model": "carpass.manual.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_registration_id": self.id,
                "default_odometer": self.odometer,
                "default_reading_date": self.reading_date,
                "default_reason": self.correction_reason,
            },
        }

    def action_print_correction_form(self):
        """Ask the correct reading, date and reason, then print the paper form.

        The form (each print kept as an attachment) shows what Car-Pass received
        next to what the garage states in this step.
        """
        carpass_check_caller(self)
        self.ensure_one()
        self._carpass_check_correction_form_printable()
        wizard = self.env["carpass.correction.form.wizard"].create(
            {"registration_id": self.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Correction Form"),
            "res_model": "carpass.correction.form.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _carpass_check_correction_form_printable(self):
        """Refuse the correction form for a reading Car-Pass never received.

        The form asks Car-Pass to correct a reading it holds, named by its request
        id; without one there is nothing to correct there: correct and send it.
        """
        for registration in self:
            if lifecycle.PRINT_CORRECTION_FORM not in (
                registration._carpass_allowed_actions()
            ):
                raise UserError(
                    _(
                        "%(name)s was never received by Car-Pass: there is nothing "
                        "for a correction form to correct. Correct the reading and "
                        "send it.",
                        name=registration.display_name,
                    )
                )

    def _carpass_sent_readings(self):
        """The readings (km) Car-Pass received for this registration, first first."""
        self.ensure_one()
        readings = []
        for reading in (self.sent_odometer, self.last_sent_odometer):
            if reading and reading not in readings:
                readings.append(reading)
        return readings

    def _carpass_dashboard(self, kilometres):
        """``kilometres`` as the vehicle's dashboard counts (miles or km)."""
        self.ensure_one()
        return units.from_km(kilometres, self.odometer_unit)

    def _carpass_trusted_reading(self):
        """(km, date) to prefill the correct reading with; (0, None) when none is known.

        Always from this registration: the reading stated before, else its own
        reading when it is trusted (``lifecycle.reading_is_trusted``) or was not
        sent as it is now; never a reading Car-Pass flagged, and never another
        registration's (a later repair of the vehicle corrects nothing here).
        Otherwise nothing: the garage states it.
        """
        self.ensure_one()
        if self.correction_odometer:
            return self.correction_odometer, self.correction_reading_date
        if lifecycle.reading_is_trusted(self.state, self.odometer_work) or (
            self.odometer and self.odometer not in self._carpass_sent_readings()
        ):
            return self.odometer, self.reading_date
        return 0, None

    def carpass_correction_form_filename(self):
        """Attachment name of the next print of the correction form.

        The report's ``attachment`` expression calls this. Odoo creates no attachment
        when one of that name already exists, so every print gets a name of its own.
        """
        carpass_check_caller(self)
        self.ensure_one()
        today = belgian_today()
        base = _(
            "Car-Pass correction form %(vin)s %(date)s",
            vin=self.vin or self.name,
            date=today.isoformat(),
        )
        taken = set(
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("name", "=like", f"{base}%"),
                ]
            )
            .mapped("name")
        )
        name = f"{base}.pdf"
        number = 1
        while name in taken:
            number += 1
            name = f"{base} ({number}).pdf"
        return name

    @api.model
    def _carpass_notify(self, outcomes, title):
        """One line per record, so a bulk action says what happened to each.

        Each line and the notification are coloured by the outcome
        (``lifecycle.outcome_tone``): accepted green, anomaly orange, refused or
        failed red, nothing to do blue. A notification asking for action stays.
        """
        lines = []
        tones = []
        for registration, success, text in outcomes:
            line_tone = lifecycle.outcome_tone(registration.state, success)
            tones.append(line_tone)
            line = (
                f"{NOTIFICATION_MARKS[line_tone]} {registration.display_name}: {text}"
            )
            if registration._carpass_correction_form_suggested():
                line += " " + _(
                    "(corrections keep failing: print the correction form, sign it "
                    "and send it to Car-Pass)"
                )
            lines.append(line)
        tone = lifecycle.notification_tone(tones)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join(lines),
                "type": tone,
                "sticky": tone in ("danger", "warning"),
                # Keeps the line breaks (see static/src/systray/carpass_counter.scss).
                "className": "o_carpass_notification",
                "next": {"type": "ir.actions.act_window_close"}
                if self.env.context.get("carpass_close_after")
                else {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def carpass_attention_count(self):
        """The systray counter: registrations needing attention in the active companies.

        Counts up to ATTENTION_COUNT_CAP (the systray then shows "999+").
        """
        return self.carpass_attention_summary()["count"]

    @api.model
    def carpass_attention_summary(self):
        """The systray's figures for the active companies, as a dict.

        ``count``: registrations with an open duty (``lifecycle.needs_attention``:
        not sent, failed, flagged, refused, failed work description, outcome
        unknown), up to ATTENTION_COUNT_CAP; ``overdue``: those among them whose
        reading is older than the legal delay (``checks.MAX_DAYS_LATE`` days) and
        that Car-Pass has not received, same cap.
        """
        if not self.env.user._is_internal():
            raise AccessError(_("Car-Pass is only used by the staff of a garage."))
        if not self.env.user.has_group("carpass_odoo.group_carpass_user"):
            return {"count": 0, "overdue": 0}
        domain = [
            ("needs_attention", "=", True),
            ("company_id", "in", self.env.companies.ids),
        ]
        return {
            "count": self.search_count(domain, limit=ATTENTION_COUNT_CAP),
            "overdue": self.search_count(
                domain + self._carpass_overdue_domain(), limit=ATTENTION_COUNT_CAP
            ),
        }

    @api.model
    def _carpass_overdue_domain(self):
        """Not received by Car-Pass and dated before the legal delay."""
        return [
            ("request_guid", "=", False),
            (
                "reading_date",
                "<",
                lifecycle.overdue_before(belgian_today(), checks.MAX_DAYS_LATE),
            ),
        ]

    # ------------------------------------------------------------
    # Odometer log and local checks
    # ------------------------------------------------------------

    def _carpass_sync_reading(self):
        """After the reading or the state changed: Fleet's log, then the repair order."""
        self._sync_odometer_log()
        for registration in self.filtered("repair_id"):
            registration.repair_id._carpass_take_reported_reading(registration)

    def _sync_odometer_log(self):
        """Keep Fleet's odometer log holding this reading exactly while it is trusted.

        The one rule of trust (``lifecycle.reading_is_trusted``): a reading enters
        Fleet's log, and so becomes the vehicle's last odometer and the "previous
        reading" of every check and prefill (``_carpass_history``), only once
        Car-Pass accepted it, it was confirmed as correct, or it was declared as
        odometer work; a refused, flagged, failed or unsent one is taken out
        again. The log line carries its registration (``carpass_registration_id``).
        It is in the vehicle's unit (Fleet shows it so), bypassing Fleet's "no
        lower value" rule: miles for a miles vehicle.
        """
        Odometer = self.env["fleet.vehicle.odometer"].sudo()
        for registration in self:
            log = registration.odometer_log_id.sudo()
            trusted = registration.odometer and lifecycle.reading_is_trusted(
                registration.state, registration.odometer_work
            )
            if not trusted:
                if log:
                    registration._carpass_write_workflow({"odometer_log_id": False})
                    log.unlink()
                continue
            values = {
                "value": registration.dashboard_reading,
                "date": registration.reading_date,
                "carpass_odometer_work": registration.odometer_work,
                "carpass_registration_id": registration.id,
            }
            if log:
                log.write(values)
            else:
                registration._carpass_write_workflow(
                    {
                        "odometer_log_id": Odometer.create(
                            dict(values, vehicle_id=registration.vehicle_id.id)
                        ).id
                    }
                )

    @api.model
    def _carpass_history(self, vehicle, exclude_log=None):
        """Earlier readings of the vehicle, newest first, as the checks expect them.

        Fleet logs them in the vehicle's unit; the checks compare kilometres.
        """
        return self._carpass_logged_readings(vehicle, exclude_log)[0]

    @api.model
    def _carpass_logged_readings(self, vehicle, exclude_log=None):
        """(history, reported_vin) of ``vehicle`` from its Fleet log, in one query.

        ``history``: the latest ``checks.HISTORY_WINDOW`` dated log lines
        (``exclude_log`` left out), newest first, as ``checks.PastReading`` in km.
        ``reported_vin``: the VIN Car-Pass accepted with the newest of these lines
        that a trusted registration (``lifecycle.TRUSTED_STATES``) wrote, or None.
        The registration of each line is joined to its line rather than searched
        apart: the checks run when the wizard opens and again under the send's row
        lock, and a query more on each would cost every submission two.
        """
        Odometer = self.env["fleet.vehicle.odometer"]
        Odometer.flush_model(
            ["vehicle_id", "date", "value", "carpass_odometer_work"]
            + ["carpass_registration_id"]
        )
        self.flush_model(["state", "last_sent_vin"])
        self.env.cr.execute(
            SQL(
                """
                SELECT log.date, log.value, log.carpass_odometer_work,
                       registration.state, registration.last_sent_vin
                  FROM fleet_vehicle_odometer log
             LEFT JOIN carpass_registration registration
                    ON registration.id = log.carpass_registration_id
                 WHERE log.vehicle_id = %(vehicle)s AND log.date IS NOT NULL
                   AND log.id != %(exclude)s
              ORDER BY log.date DESC, log.id DESC
                 LIMIT %(limit)s
                """,
                vehicle=vehicle.id,
                exclude=exclude_log.id if exclude_log else 0,
                limit=checks.HISTORY_WINDOW,
            )
        )
        history, reported_vin = [], None
        for day, value, odometer_work, state, last_sent_vin in self.env.cr.fetchall():
            history.append(
                checks.PastReading(
                    reading_date=day,
                    reading=int(units.to_km(value, vehicle.odometer_unit)),
                    odometer_work=bool(odometer_work),
                )
            )
            if reported_vin is None and state in lifecycle.TRUSTED_STATES:
                reported_vin = last_sent_vin or None
        return history, reported_vin

    @api.model
    def _carpass_check_context(self, vehicle, vin, exclude_log=None):
        """The vehicle's side of ``checks.check_observation`` for a typed ``vin``.

        ``history`` and ``reported_vin`` (``_carpass_logged_readings``),
        ``first_use_date``, ``vehicle_vin`` (Fleet's) and ``other_vehicle`` (the
        plate of another vehicle of the company with that VIN, looked for only when
        the VIN is not this vehicle's own): the checks' keyword arguments.
        """
        if not vehicle:
            return {"history": []}
        vehicle = vehicle.sudo()
        history, reported_vin = self._carpass_logged_readings(vehicle, exclude_log)
        own_vin = checks.normalize_vin(vehicle.vin_sn or "")
        other_vehicle = None
        if checks.normalize_vin(vin or "") not in ("", own_vin):
            other_vehicle = vehicle._carpass_vin_owner_name(vin)
        return {
            "history": history,
            "first_use_date": vehicle.carpass_first_use_date or None,
            "vehicle_vin": vehicle.vin_sn or None,
            "reported_vin": reported_vin,
            "other_vehicle": other_vehicle,
        }

    def _carpass_findings(self):
        self.ensure_one()
        return checks.check_observation(
            vin=self.vin or "",
            reading=self.odometer,
            reading_date=self.reading_date,
            today=belgian_today(),
            odometer_work=self.odometer_work,
            odometer_unit=self.odometer_unit,
            **self._carpass_check_context(
                self.vehicle_id, self.vin, self.odometer_log_id
            ),
        )

    def _set_local_issues(self, findings):
        self._carpass_replace_issues(
            "local",
            [
                {
                    "code": finding.code,
                    "severity": finding.severity.value,
                    "message": finding_message(self.env, finding, self.odometer_unit),
                    "params": finding.params,
                    "suggestion": finding.suggestion or 0,
                }
                for finding in findings
            ],
        )

    def _carpass_replace_issues(self, source, values_list):
        self.ensure_one()
        # Read as superuser: the registration is locked and writable by this user
        # already, and record rules would cost a join on every send.
        old = self.sudo().issue_ids.filtered(lambda issue: issue.source == source)
        if not old and not values_list:
            return  # the usual case on the send path: nothing to write
        # Car-Pass's remarks and the checks' findings are the addon's rows, read-only
        # for every user (see CarpassAddonRows): written as superuser.
        old.unlink()
        self.env["carpass.registration.issue"].sudo().create(
            [
                {**values, "registration_id": self.id, "source": source}
                for values in values_list
            ]
        )

    # ------------------------------------------------------------
    # Send pipeline: lock, send, record the answer
    # ------------------------------------------------------------

    def _carpass_one_by_one(self):
        """The registrations one at a time, each prefetching only itself.

        The loops that use this commit after each registration, and a commit empties
        the cache: prefetching the whole batch would read every remaining row again
        after each commit.
        """
        for registration in self:
            yield registration.with_prefetch()

    def _carpass_try_lock(self, domain=None):
        """Lock this row until the transaction ends; False when another worker has it.

        Rows are locked one at a time, right before they are processed: a commit
        releases every lock, and the send pipeline commits before each call. Odoo
        runs in REPEATABLE READ, where locking a row that another transaction changed
        since this one's snapshot fails: that row was just handled elsewhere, so it is
        skipped like a locked one. ``domain`` (e.g. ``lifecycle.retry_due_domain``)
        is checked again under the lock, in the same SQL statement. For the same
        reason the cache stays valid once the lock is taken: what this transaction
        read is what the row holds (a newer version would have failed the lock).
        """
        self.ensure_one()
        self.flush_recordset()
        query = self.sudo()._search([("id", "=", self.id), *(domain or [])])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("%s FOR UPDATE SKIP LOCKED", query.select()),
                    log_exceptions=False,
                )
                locked = bool(self.env.cr.fetchone())
        except SerializationFailure:
            locked = False
        return locked

    def _carpass_busy(self):
        """The outcome of a registration another worker holds."""
        return self, False, _("being sent by another process, try again")

    def _carpass_send_each(self, commit=False, locked=False):
        """Send each registration this worker locks: the envelope's and the wizard's way.

        The retry cron takes the same steps (lock, ``_carpass_send_one``, commit),
        with the due condition added to the lock. Returns one (record, success,
        text) per registration of ``self``; a registration another worker holds is
        reported as busy, not sent. ``commit`` commits after each registration;
        ``locked`` says this transaction holds the rows' locks already (the wizard
        locks before it saves what was typed).
        """
        return self._carpass_for_each_locked(
            lambda registration: registration._carpass_send_one(),
            commit=commit,
            locked=locked,
        )

    def _carpass_for_each_locked(self, process, commit=False, locked=False):
        """Run ``process`` on each registration this worker could lock, one at a time.

        Returns one (record, success, text) per registration of ``self``; with
        ``locked``, the caller's transaction holds the locks already.
        """
        outcomes = []
        self.check_access("write")
        batch_context = {}
        for registration in self._carpass_one_by_one():
            registration = registration.with_context(**batch_context)
            if not locked and not registration._carpass_try_lock():
                outcomes.append(registration._carpass_busy())
                continue
            outcomes.append(process(registration))
            batch_context = batch_context or registration._carpass_batch_context()
            if commit and not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return outcomes

    def _carpass_establishment_languages(self):
        """{company id: language code} for the registrations of a cron batch.

        A cron has no user to speak to: what it writes (error messages, notes) is
        in the establishment's language, its partner's when installed, else the
        one Odoo would use (``get_lang``). Read once per batch, in one query.
        """
        if self.env.context.get("lang"):
            return {}
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        default = get_lang(self.env).code
        companies = self.sudo().company_id
        return {
            company.id: company.partner_id.lang
            if company.partner_id.lang in installed
            else default
            for company in companies
        }

    def _carpass_in_language(self, languages, batch_context):
        """This registration in its establishment's language (see
        ``_carpass_establishment_languages``) and the batch's shared context."""
        self.ensure_one()
        language = languages.get(self.sudo().company_id.id)
        if language:
            return self.with_context(lang=language, **batch_context)
        return self.with_context(**batch_context)

    def _carpass_batch_context(self):
        """The context the next registrations of a batch are sent with.

        What every outcome note of the batch shares is otherwise looked up again
        after each registration's commit: its author (the user and their partner).
        Called once a send has written its note, while those records are still in
        the cache, this keeps it for the rest of the batch (``_carpass_log_notes``);
        the language comes with each registration (``_carpass_in_language``).
        """
        values = {}
        if not isinstance(self.env.context.get(_NOTE_AUTHOR_KEY), NoteAuthor):
            author_id, email_from = self._message_compute_author(raise_on_email=False)
            values[_NOTE_AUTHOR_KEY] = NoteAuthor(author_id, email_from)
        return values

    def _carpass_held_values(self, result):
        """The data Car-Pass holds according to its answer (ours when it omits them).

        The result's fields were validated by the protocol layer (payloads.py).
        """
        return {
            "last_sent_vin": result.vin or self.vin,
            "last_sent_odometer": self.odometer
            if result.odometer_reading is None
            else result.odometer_reading,
            "last_sent_reading_date": result.odometer_reading_date or self.reading_date,
            "last_sent_odometer_work": self.odometer_work
            if result.odometer_work is None
            else result.odometer_work,
        }

    def _carpass_sending_is_stale(self):
        return lifecycle.sending_is_stale(self.sending_since, fields.Datetime.now())

    def _carpass_unchanged_since_sent(self):
        """True when Car-Pass already holds exactly these data."""
        self.ensure_one()
        return bool(self.last_sent_reading_date) and (
            self.last_sent_odometer,
            self.last_sent_reading_date,
            self.last_sent_vin or "",
            self.last_sent_odometer_work,
        ) == (self.odometer, self.reading_date, self.vin or "", self.odometer_work)

    def _carpass_send_one(self):
        """Send one locked registration; returns (record, success, text). Never raises.

        The caller holds the row lock (``_carpass_send_each``, the retry cron). A
        send whose outcome is unknown (interrupted, answer lost) is first looked up
        at Car-Pass by its idempotency key, so nothing is reported twice.
        """
        self.ensure_one()
        if refused := self._carpass_company_refusal():
            return refused
        if self.state == "sending" and self._carpass_sending_is_stale():
            # Interrupted mid-send: Car-Pass may have it, so ask before sending again.
            self._carpass_write_workflow({"outcome_unknown": True})
        if self.state not in lifecycle.SENDABLE_STATES + ("sending",):
            return (
                self,
                False,
                _("nothing to send (%(state)s)", state=self._state_label()),
            )
        if self.state == "sending" and not self._carpass_sending_is_stale():
            return self._carpass_busy()
        if (
            self.state in lifecycle.FLAGGED_STATES
            and self.request_guid
            and self._carpass_unchanged_since_sent()
        ):
            return (
                self,
                False,
                _(
                    "nothing changed since Car-Pass flagged it: correct the data "
                    "(pencil) or confirm it as correct (green check)"
                ),
            )
        findings = self._carpass_findings()
        self._set_local_issues(findings)
        if checks.has_blocking(findings):
            blocking = [f for f in findings if f.severity == checks.Severity.BLOCKING]
            message = "; ".join(
                finding_message(self.env, f, self.odometer_unit) for f in blocking
            )
            self._carpass_write_workflow(
                {"state": "error", "error_message": message, "retryable": False}
            )
            return self, False, message
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            self._carpass_write_workflow(
                {"state": "error", "error_message": str(error), "retryable": False}
            )
            return self, False, str(error)
        if self.request_guid:
            if self.outcome_unknown and self._carpass_correction_arrived(client):
                return self, True, self._state_label()
            if self.outcome_unknown:
                # The status call failed: still unknown, try again later.
                return self, False, self.error_message or _("Car-Pass status unknown")
            return self._carpass_call(
                "correct",
                lambda: client.correct(self.request_guid, self._carpass_correction()),
                client=client,
            )
        if self.outcome_unknown or self.state == "sending":
            # The last send may have reached Car-Pass: ask before sending again.
            self._carpass_write_workflow({"outcome_unknown": True})
            lookup = self._carpass_call(
                "lookup", lambda: client.find_observation(self.reference), client=client
            )
            if self.request_guid or self.outcome_unknown:
                return lookup
        # Built before the commit below, which empties the cache: no second read of
        # the company and the vehicle.
        observation = self._carpass_observation()
        known = self._carpass_mark_sending()
        return self._carpass_call(
            "create",
            lambda: client.create_observation(observation),
            client=client,
            known=known,
        )

    def _carpass_correction_arrived(self, client):
        """After a correction with no answer, ask Car-Pass what it holds now.

        True when Car-Pass already holds these data (the correction arrived, or was
        not needed): its answer is applied and nothing is sent again. False when the
        correction must still be sent, or when the status call failed too (then
        ``outcome_unknown`` stays set).
        """
        self.ensure_one()
        started = time.monotonic()
        try:
            result = client.get_status(self.request_guid)
        except CarpassError as error:
            self._carpass_record_failure("status", error, started, client=client)
            return False
        self._carpass_log_attempt(
            "status", True, started, result.status_label, client=client
        )
        held = self._carpass_held_values(result)
        arrived = (
            held["last_sent_odometer"],
            held["last_sent_reading_date"],
            (held["last_sent_vin"] or "").upper(),
        ) == (self.odometer, self.reading_date, (self.vin or "").upper())
        if arrived or result.status != Status.ACTION_REQUIRED:
            self._carpass_apply_result(
                result, "correct" if arrived else "status", client=client
            )
            return True
        # Car-Pass still holds the old data: the correction never arrived.
        self._carpass_write_workflow({"outcome_unknown": False})
        return False

    def _carpass_mark_sending(self):
        """Record that a send starts, committed first so a crash leaves a trace.

        Returns what recording the answer needs that this transaction has read
        already and the commit would make it read again (``_carpass_apply_result``):
        whether Car-Pass's issues of an earlier answer are attached (the local
        checks just read the issues) and the reply-to address of the outcome notes
        (from the company, read for the client).
        """
        # "Sending" lasts one call: not worth a tracking message (two inserts per
        # send); the outcome's tracking message shows the change anyway. A tracked
        # write earlier in this transaction (the wizard saving the typed reading)
        # would report it all the same when the commit closes its tracking: that
        # tracking is closed first.
        self.env.cr.flush()
        known = {
            "carpass_issues": any(
                issue.source == "carpass" for issue in self.sudo().issue_ids
            ),
            "reply_to": self._carpass_catchall_reply_to(),
        }
        self.with_context(tracking_disable=True)._carpass_write_workflow(
            {"state": "sending", "sending_since": fields.Datetime.now()}
        )
        if not in_test_mode():
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return known

    def _carpass_observation(self):
        self.ensure_one()
        return Observation(
            vin=self.vin,
            odometer_reading=self.odometer,
            odometer_reading_date=self.reading_date,
            enterprise_number=self.company_id._carpass_enterprise(),
            establishment_number=self.company_id.carpass_establishment_number,
            license_plate=self.vehicle_id.license_plate or "",
            first_use_date=self.vehicle_id.carpass_first_use_date or None,
            odometer_work=self.odometer_work,
            reference=self.reference,
        )

    def _carpass_correction(self):
        self.ensure_one()
        return Correction(
            odometer_reading=self.odometer,
            odometer_reading_date=self.reading_date,
            vin=self.vin,
            odometer_work=self.odometer_work,
        )

    def _carpass_call(self, operation, call, client=None, known=None):
        """Run one API call, record the attempt and apply the answer; never raises.

        ``client`` serves the calls that follow from the answer (the work
        description), on the same connection; ``known`` is what
        ``_carpass_mark_sending`` read before its commit.
        """
        self.ensure_one()
        started = time.monotonic()
        try:
            result = call()
        except CarpassError as error:
            self._carpass_record_failure(operation, error, started, client=client)
            return self, False, self.error_message
        # The attempt rows of this call and of the calls its answer leads to (the
        # work description) are written together, in one INSERT.
        attempts = []
        self._carpass_log_attempt(
            operation,
            True,
            started,
            result.status_label if result else "",
            client=client,
            attempts=attempts,
        )
        if operation == "lookup" and result is None:
            # Car-Pass answered that it never received it: sending now cannot
            # create a second report.
            self._carpass_create_attempts(attempts)
            self._carpass_write_workflow({"outcome_unknown": False})
            return self, False, _("not received by Car-Pass yet")
        try:
            # Whatever the answer holds must not leave the row in "sending": the
            # protocol layer validated it, and anything the database still
            # refuses becomes an unusable answer, recorded as such.
            with self.env.cr.savepoint():
                self._carpass_apply_result(
                    result, operation, client=client, attempts=attempts, known=known
                )
                self._carpass_create_attempts(attempts)
        except (ValueError, TypeError, DataError, ValidationError) as exc:
            self.invalidate_recordset()
            # The savepoint undid the answer and what followed it: this call's
            # attempt is kept, with the failure below.
            self._carpass_create_attempts(attempts[:1])
            error = CarpassProtocolError(
                f"Car-Pass sent an answer that cannot be stored ({type(exc).__name__}).",
                request_guid=result.request_guid,
                answer=result.raw,
            )
            self._carpass_record_failure(operation, error, started, client=client)
            return self, False, self.error_message
        return self, True, self._state_label()

    def _carpass_apply_result(
        self, result, operation, client=None, attempts=None, known=None
    ):
        """Record Car-Pass's answer, then what follows from it (the description).

        ``attempts`` (a list) collects the attempt rows of those calls for the
        caller to write (``_carpass_log_attempt``); without it they are written
        at once. ``known``: see ``_carpass_mark_sending``.
        """
        known = known or {}
        state = lifecycle.state_for_answer(result.status, self.state)
        values = {
            "state": state,
            "request_guid": result.request_guid or self.request_guid,
            "carpass_status": result.status_label,
            "error_message": False,
            "retryable": False,
            "outcome_unknown": False,
            "next_retry_at": False,
            "retry_count": 0,
            "sending_since": False,
        }
        held = self._carpass_held_values(result)
        if (
            operation in ("create", "lookup", "correct")
            or not self.last_sent_reading_date
        ):
            values.update(held)
        if (
            operation == "status"
            and state == "accepted"
            and (held["last_sent_odometer"], held["last_sent_reading_date"])
            != (self.odometer, self.reading_date)
        ):
            # A manual correction was accepted: Car-Pass now holds its reading.
            values.update(
                held,
                odometer=held["last_sent_odometer"],
                reading_date=held["last_sent_reading_date"],
            )
        if not self.sent_date:
            values.update(
                sent_date=fields.Datetime.now(),
                sent_odometer=held["last_sent_odometer"],
                sent_reading_date=held["last_sent_reading_date"],
            )
        if operation == "correct" and state in ("anomaly", "rejected"):
            values["failed_correction_count"] = self.failed_correction_count + 1
        # No tracking message: the outcome note below states the new state and data,
        # one chatter entry per answer instead of two.
        self.with_context(tracking_disable=True)._carpass_write_workflow(values)
        if result.issues or known.get("carpass_issues", True):
            self._set_carpass_issues(result.issues)
        notes = self._carpass_after_result(client, attempts=attempts)
        self._carpass_post_outcome(operation, notes, reply_to=known.get("reply_to"))

    def _carpass_after_result(self, client=None, attempts=None):
        """Hook for what follows Car-Pass's answer (the work description).

        Returns notes (Markup) to add to the registration's outcome note;
        ``attempts`` as for ``_carpass_apply_result``.
        """
        return []

    def _set_carpass_issues(self, issues):
        self._carpass_replace_issues(
            "carpass",
            [
                {
                    "code": issue.code,
                    "message": issue.message,
                    "severity": "warning",
                    "actions": ",".join(issue.actions),
                    "resolved": issue.resolved,
                }
                for issue in issues
            ],
        )

    def _carpass_record_failure(self, operation, error, started, client=None):
        """Record a failed call; what follows is ``lifecycle.failure_plan``'s."""
        plan = lifecycle.failure_plan(
            error,
            outcome_was_unknown=self.outcome_unknown,
            attempts_before=self.retry_count,
        )
        message = carpass_error_message(self.env, error, self.company_id)
        self._carpass_log_attempt(
            operation,
            False,
            started,
            type(error).__name__,
            message,
            client=client,
            answer=getattr(error, "answer", None),
        )
        if plan.request_guid:
            message = _(
                "Car-Pass received the report (request %(guid)s) but its answer "
                "could not be used; it is kept in the attempt log for support. "
                "'Send' asks Car-Pass for its status; nothing is sent again by itself.",
                guid=plan.request_guid,
            )
        elif plan.check_at_carpass:
            message = _(
                "Outcome unknown: check at Car-Pass whether this reading arrived. "
                "If it did not, use 'Send Again'. (%(reason)s)",
                reason=message,
            )
        if plan.attempts_exhausted:
            message = _(
                "%(message)s Gave up after %(count)s automatic attempts.",
                message=message,
                count=lifecycle.MAX_AUTOMATIC_ATTEMPTS,
            )
        values = {
            "error_message": message,
            "sending_since": False,
            "outcome_unknown": plan.outcome_unknown,
            "retryable": plan.retry,
        }
        if plan.request_guid and not self.request_guid:
            values["request_guid"] = plan.request_guid
        if plan.retry:
            # Transport failures are sent again by the cron; an answer that may hide
            # a stored report (malformed, cut) is looked up by the cron first.
            values.update(
                retry_count=plan.attempts,
                next_retry_at=fields.Datetime.now() + plan.delay,
            )
            self._carpass_arm_retry_cron(values["next_retry_at"])
        else:
            values["next_retry_at"] = False
            if plan.attempts_exhausted:
                values["retry_count"] = plan.attempts
            if operation == "correct" and not plan.outcome_unknown:
                values["failed_correction_count"] = self.failed_correction_count + 1
        if operation in ("create", "lookup", "correct") or self.state == "sending":
            values["state"] = "error"
        self._carpass_write_workflow(values)
        if operation in ("create", "correct") and not plan.retry:
            if plan.outcome_unknown:
                self._message_log(body=message)
            else:
                self._message_log(
                    body=_("Car-Pass refused the report: %(error)s", error=message)
                )

    def _carpass_log_attempt(
        self,
        operation,
        success,
        started,
        outcome,
        error="",
        client=None,
        answer=None,
        attempts=None,
    ):
        """One attempt row, with the client's last HTTP exchange for support.

        ``answer`` is an unusable answer (safe text) to keep when no exchange
        was recorded. With ``attempts`` (a list), the row's values are added to
        it for ``_carpass_create_attempts`` instead of being written now.
        """
        values = {
            "registration_id": self.id,
            "operation": operation,
            "success": success,
            "outcome": outcome,
            "error_message": error,
            "duration_ms": int((time.monotonic() - started) * 1000),
        }
        exchanges = client.take_exchanges() if client is not None else []
        if exchanges:
            values.update(
                self.env["carpass.registration.attempt"]._exchange_values(exchanges)
            )
        elif answer:
            values["answer_body"] = answer
        if attempts is None:
            self._carpass_create_attempts([values])
        else:
            attempts.append(values)

    def _carpass_create_attempts(self, values_list):
        if not values_list:
            return
        self.env["carpass.registration.attempt"].sudo().create(values_list)
        # A list of attempts read earlier in this transaction would show the new
        # ones in creation order: read again, it follows the model's order.
        self.invalidate_recordset(["attempt_ids"])

    def _carpass_post_outcome(self, operation, notes=(), reply_to=None):
        """The outcome note on the registration, its repair and its vehicle.

        ``reply_to``: the company's catch-all address (``_carpass_catchall_reply_to``)
        when the caller knows it.
        """
        body = _(
            "Car-Pass registration %(name)s (%(vin)s, %(odometer)s km on %(date)s): %(state)s.",
            name=self.name,
            vin=self.vin,
            odometer=format_number(self.env, self.odometer),
            date=format_day(self.env, self.reading_date),
            state=self._state_label(),
        )
        self._carpass_log_notes(
            [(self, Markup("<br/>").join([body, *notes]))]
            + [
                (record, body) for record in (self.repair_id, self.vehicle_id) if record
            ],
            reply_to=reply_to,
        )

    def _carpass_catchall_reply_to(self):
        """The company's catch-all address as Odoo's log notes take it for their
        reply-to (``_notify_get_reply_to``), or False when it has none."""
        return self.env["mail.thread"]._notify_get_reply_to(default=False)[False]

    def _carpass_log_notes(self, notes, reply_to=None):
        """Log notes (nobody notified) on documents of several models in one INSERT.

        ``notes`` is a list of (record, body). The values are those of Odoo's
        ``_message_log_batch``, which logs on records of one model: the outcome of
        a send goes to the registration, its repair and its vehicle, and a log note
        costs a fraction of ``message_post`` (see docs/benchmarks.md). ``reply_to``
        as ``_carpass_catchall_reply_to`` returns it, when the caller has it.
        """
        author = self.env.context.get(_NOTE_AUTHOR_KEY)
        if isinstance(author, NoteAuthor):
            author_id, email_from = author.author_id, author.email_from
        else:
            author_id, email_from = self._message_compute_author(raise_on_email=False)
        if reply_to is None:
            reply_to = self._carpass_catchall_reply_to()
        base_values = {
            "author_id": author_id,
            "email_from": email_from,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "record_name": False,
            "message_type": "notification",
            "is_internal": True,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "email_add_signature": False,
            "message_id": generate_tracking_message_id("message-notify"),
            # Odoo's _notify_get_reply_to(default=email_from): the catch-all, else
            # the author.
            "reply_to": reply_to or email_from,
        }
        self.sudo()._message_create(
            [
                dict(
                    base_values, model=record._name, res_id=record.id, body=escape(body)
                )
                for record, body in notes
            ]
        )

    def _carpass_refresh_one(self):
        self.ensure_one()
        if refused := self._carpass_company_refusal():
            return refused
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            return self, False, str(error)
        return self._carpass_call(
            "status", lambda: client.get_status(self.request_guid), client=client
        )

    # ------------------------------------------------------------
    # Managers: confirm as correct, manual correction
    # ------------------------------------------------------------

    def _carpass_confirm(self, reason):
        """Green check: tell Car-Pass the data was right. It cannot be undone there.

        Returns one (record, success, text) per registration of ``self``.
        """
        self._check_carpass_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                _("Say why the data is correct: Car-Pass cannot undo a confirmation.")
            )
        outcomes = []
        confirmable = self.filtered("can_confirm")
        for registration in self:
            if registration not in confirmable:
                if registration.state == "anomaly":
                    text = _(
                        "Car-Pass does not allow confirming this remark: correct the "
                        "reading (pencil) or ask a manual correction"
                    )
                else:
                    text = _(
                        "nothing to confirm (%(state)s)",
                        state=registration._state_label(),
                    )
                outcomes.append((registration, False, text))
                continue
            if not registration._carpass_try_lock():
                outcomes.append(registration._carpass_busy())
                continue
            if registration.state != "anomaly":
                # Another user handled it meanwhile.
                outcomes.append(
                    (
                        registration,
                        False,
                        _(
                            "nothing to confirm (%(state)s)",
                            state=registration._state_label(),
                        ),
                    )
                )
                continue
            try:
                client = registration.company_id._carpass_client()
            except UserError as error:
                outcomes.append((registration, False, str(error)))
                continue
            record, success, text = registration._carpass_call(
                "confirm",
                lambda r=registration, c=client: c.confirm(r.request_guid, reason),
                client=client,
            )
            if success and record.state == "accepted":
                record._carpass_write_workflow(
                    {"state": "confirmed", "confirm_reason": reason}
                )
                # Car-Pass's remarks are the addon's rows (read-only for users).
                record.sudo().issue_ids.write({"resolved": True})
                record._message_log(
                    body=_(
                        "Confirmed as correct at Car-Pass: %(reason)s", reason=reason
                    )
                )
                text = record._state_label()
            elif success and record.state == "anomaly":
                success = False
            outcomes.append((record, success, text))
        return outcomes

    def _carpass_request_manual_correction(self, manual_correction):
        """Ask Car-Pass to correct the reading by hand; returns (record, success, text)."""
        self._check_carpass_manager()
        self.ensure_one()
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            return self, False, str(error)
        self.correction_reason = manual_correction.reason
        outcome = self._carpass_call(
            "manual_correction",
            lambda: client.request_manual_correction(
                self.request_guid, manual_correction
            ),
            client=client,
        )
        if outcome[1]:
            self._message_log(
                body=_(
                    "Manual correction asked to Car-Pass: %(reading)s km on %(date)s. "
                    "Reason: %(reason)s",
                    reading=format_number(self.env, manual_correction.odometer_reading),
                    date=format_day(self.env, manual_correction.odometer_reading_date),
                    reason=manual_correction.reason,
                )
            )
        return outcome

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _carpass_arm_retry_cron(self, at):
        """Have the retry cron run at ``at`` (a datetime), not only at its interval."""
        cron = self.env.ref("carpass_odoo.ir_cron_carpass_retry", False)
        if cron:
            cron._trigger(at)

    @api.model
    def _cron_carpass_refresh_status(self, batch_size=CRON_BATCH_SIZE):
        """Ask Car-Pass the status of the readings it has not decided on yet."""
        pending = [("state", "in", lifecycle.PENDING_STATES)]
        domain = [*pending, ("request_guid", "!=", False)]
        registrations = self.search(domain, limit=batch_size, order="write_date asc")
        done = 0
        batch_context = {}
        languages = registrations._carpass_establishment_languages()
        for registration in registrations._carpass_one_by_one():
            registration = registration._carpass_in_language(languages, batch_context)
            if not registration._carpass_try_lock(pending):
                continue
            registration._carpass_refresh_one()
            done += 1
            batch_context = batch_context or registration._carpass_batch_context()
            if not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        # What is left waits for the next interval: Car-Pass decides in its own time.
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)

    @api.model
    def _cron_carpass_retry(self, batch_size=CRON_BATCH_SIZE):
        """The scheduled retry: resend what failed for transport reasons, finish
        interrupted sends. Returns (record, success, text) per registration sent.

        One batch per run, oldest due first (``_carpass_drain`` with
        ``lifecycle.retry_due_domain``). Several servers and users pressing Send
        share the queue without sending anything twice.
        """
        return self._carpass_drain(
            lifecycle.retry_due_domain,
            "next_retry_at asc, id asc",
            lambda registration: registration._carpass_send_one(),
            "carpass_odoo.ir_cron_carpass_retry",
            batch_size,
        )

    @api.model
    def _carpass_drain(self, due_domain, order, send, cron_xmlid, batch_size):
        """One cron batch: what ``due_domain(now)`` finds, ``send`` one by one.

        Each registration is locked (SKIP LOCKED, the due domain checked again under
        the lock), handed to ``send`` (returns (record, success, text)) and
        committed. While due registrations remain, the run reports them to
        ``ir.cron._notify_progress`` and triggers the cron ``cron_xmlid`` again at
        once. Returns the outcomes of the batch.
        """
        due = due_domain(fields.Datetime.now())
        registrations = self.search(due, limit=batch_size, order=order)
        outcomes = []
        batch_context = {}
        languages = registrations._carpass_establishment_languages()
        for registration in registrations._carpass_one_by_one():
            registration = registration._carpass_in_language(languages, batch_context)
            if not registration._carpass_try_lock(due):
                continue
            outcomes.append(send(registration))
            batch_context = batch_context or registration._carpass_batch_context()
            if not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = self.search_count(due_domain(fields.Datetime.now()))
        self.env["ir.cron"]._notify_progress(done=len(outcomes), remaining=remaining)
        if remaining:
            cron = self.env.ref(cron_xmlid, False)
            if cron:
                cron._trigger()
        return outcomes
