# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from .carpass_messages import format_day, format_number


class CarpassRegistrationConfirmation(models.AbstractModel):
    """Managers' answers to a flagged reading: confirm as correct, manual correction.

    Mixed into ``carpass.registration``.
    """

    _name = "carpass.registration.confirmation"
    _description = "Car-Pass Registration Confirmation"

    def _check_carpass_manager(self):
        if not self.env.user.has_group("carpass_odoo.group_carpass_manager"):
            raise AccessError(
                _(
                    "Only Car-Pass managers may confirm readings or ask manual corrections."
                )
            )

    @api.depends("state", "request_guid", "issue_ids.actions", "issue_ids.resolved")
    def _compute_can_confirm(self):
        for registration in self:
            open_issues = registration.issue_ids.filtered(
                lambda issue: issue.source == "carpass" and not issue.resolved
            )
            # Car-Pass only accepts a confirmation when every open remark allows one
            # (a lower reading, for instance, can only be corrected).
            registration.can_confirm = bool(
                registration.state == "anomaly"
                and registration.request_guid
                and open_issues
                and all(
                    "confirm" in (issue.actions or "").split(",")
                    for issue in open_issues
                )
            )

    def _carpass_confirmable(self):
        """Registrations Car-Pass flagged and that the green check may confirm."""
        return self.filtered("can_confirm")

    def action_open_confirm_wizard(self):
        """Green check: confirm as correct, after a confirmation step with a reason."""
        self._check_carpass_manager()
        if not self._carpass_confirmable():
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
        self._check_carpass_manager()
        self.ensure_one()
        if not self.request_guid:
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
        confirmable = self._carpass_confirmable()
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
                outcomes.append(
                    (
                        registration,
                        False,
                        _("being sent by another process, try again"),
                    )
                )
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
                record.write({"state": "confirmed", "confirm_reason": reason})
                record.issue_ids.write({"resolved": True})
                record.message_post(
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
            self.message_post(
                body=_(
                    "Manual correction asked to Car-Pass: %(reading)s km on %(date)s. "
                    "Reason: %(reason)s",
                    reading=format_number(self.env, manual_correction.odometer_reading),
                    date=format_day(self.env, manual_correction.odometer_reading_date),
                    reason=manual_correction.reason,
                )
            )
        return outcome
