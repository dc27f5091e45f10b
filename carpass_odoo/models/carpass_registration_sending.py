# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import DataError
from psycopg2.errors import SerializationFailure

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..carpass import checks
from ..carpass.exceptions import (
    CarpassError,
    CarpassProtocolError,
    CarpassUnavailableError,
)
from ..carpass.outcomes import MAX_AUTOMATIC_ATTEMPTS, plan_after_failure
from ..carpass.payloads import Correction, Observation, Status
from .carpass_messages import (
    carpass_error_message,
    finding_message,
    format_day,
    format_number,
)
from .carpass_registration_constants import (
    FLAGGED_STATES,
    PENDING_STATES,
    RETRY_BASE_MINUTES,
    RETRY_DUE_SQL,
    RETRY_MAX_MINUTES,
    SENDABLE_STATES,
    STALE_SENDING_MINUTES,
    STATUS_TO_STATE,
    in_test_mode,
)


class CarpassRegistrationSending(models.AbstractModel):
    """How a registration reaches Car-Pass: locking, the calls, their answers, retries.

    Mixed into ``carpass.registration``; a send never raises, it records what
    happened (state, error, attempt log, chatter note).
    """

    _name = "carpass.registration.sending"
    _description = "Car-Pass Registration Sending"

    def _carpass_one_by_one(self):
        """The registrations one at a time, each prefetching only itself.

        The loops that use this commit after each registration, and a commit empties
        the cache: prefetching the whole batch would read every remaining row again
        after each commit.
        """
        for registration in self:
            yield registration.with_prefetch()

    def _carpass_try_lock(self, condition=None, params=()):
        """Lock this row until the transaction ends; False when another worker has it.

        Rows are locked one at a time, right before they are processed: a commit
        releases every lock, and the send pipeline commits before each call. Odoo
        runs in REPEATABLE READ, where locking a row that another transaction changed
        since this one's snapshot fails: that row was just handled elsewhere, so it is
        skipped like a locked one. ``condition`` (SQL) is checked again under the lock.
        """
        self.ensure_one()
        self.flush_recordset()
        query = "SELECT id FROM carpass_registration WHERE id = %s"
        if condition:
            query += f" AND ({condition})"
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    query + " FOR UPDATE SKIP LOCKED",
                    [self.id, *params],
                    log_exceptions=False,
                )
                locked = bool(self.env.cr.fetchone())
        except SerializationFailure:
            locked = False
        if locked:
            # Read what the other worker may have committed, not the cache.
            self.invalidate_recordset()
        return locked

    def _carpass_send_each(self, commit=False):
        return self._carpass_for_each_locked(
            lambda registration: registration._carpass_send_one(), commit=commit
        )

    def _carpass_for_each_locked(self, process, commit=False):
        """Run ``process`` on each registration this worker could lock, one at a time.

        Returns one (record, success, text) per registration of ``self``.
        """
        outcomes = []
        self.check_access("write")
        for registration in self._carpass_one_by_one():
            if not registration._carpass_try_lock():
                outcomes.append(
                    (registration, False, _("being sent by another process, try again"))
                )
                continue
            outcomes.append(process(registration))
            if commit and not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return outcomes

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
        stale = fields.Datetime.now() - timedelta(minutes=STALE_SENDING_MINUTES)
        return not self.sending_since or self.sending_since <= stale

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
        """Report this registration; returns (record, success, text). Never raises."""
        self.ensure_one()
        if self.state not in SENDABLE_STATES + ("sending",):
            return (
                self,
                False,
                _("nothing to send (%(state)s)", state=self._state_label()),
            )
        if self.state == "sending" and not self._carpass_sending_is_stale():
            return self, False, _("being sent by another process, try again")
        if (
            self.state in FLAGGED_STATES
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
            self.write({"state": "error", "error_message": message, "retryable": False})
            return self, False, message
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            self.write(
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
            self.outcome_unknown = True
            lookup = self._carpass_call(
                "lookup", lambda: client.find_observation(self.reference), client=client
            )
            if self.request_guid or self.outcome_unknown:
                return lookup
        # Built before the commit below, which empties the cache: no second read of
        # the company and the vehicle.
        observation = self._carpass_observation()
        self._carpass_mark_sending()
        return self._carpass_call(
            "create", lambda: client.create_observation(observation), client=client
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
        self.write({"outcome_unknown": False})
        return False

    def _carpass_mark_sending(self):
        """Record that a send starts, committed first so a crash leaves a trace."""
        # "Sending" lasts one call: not worth a tracking message (two inserts per
        # send); the outcome's tracking message shows the change anyway.
        self.with_context(tracking_disable=True).write(
            {"state": "sending", "sending_since": fields.Datetime.now()}
        )
        if not in_test_mode():
            self.env.cr.commit()  # pylint: disable=invalid-commit

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

    def _carpass_call(self, operation, call, client=None):
        """Run one API call, record the attempt and apply the answer; never raises.

        ``client`` serves the calls that follow from the answer (the work
        description), on the same connection.
        """
        self.ensure_one()
        started = time.monotonic()
        try:
            result = call()
        except CarpassError as error:
            self._carpass_record_failure(operation, error, started, client=client)
            return self, False, self.error_message
        self._carpass_log_attempt(
            operation,
            True,
            started,
            result.status_label if result else "",
            client=client,
        )
        if operation == "lookup" and result is None:
            # Car-Pass answered that it never received it: sending now cannot
            # create a second report.
            self.write({"outcome_unknown": False})
            return self, False, _("not received by Car-Pass yet")
        try:
            # Whatever the answer holds must not leave the row in "sending": the
            # protocol layer validated it, and anything the database still
            # refuses becomes an unusable answer, recorded as such.
            with self.env.cr.savepoint():
                self._carpass_apply_result(result, operation, client=client)
        except (ValueError, TypeError, DataError, ValidationError) as exc:
            self.invalidate_recordset()
            error = CarpassProtocolError(
                f"Car-Pass sent an answer that cannot be stored ({type(exc).__name__}).",
                request_guid=result.request_guid,
                answer=result.raw,
            )
            self._carpass_record_failure(operation, error, started, client=client)
            return self, False, self.error_message
        return self, True, self._state_label()

    def _carpass_apply_result(self, result, operation, client=None):
        state = STATUS_TO_STATE[result.status]
        if state == "accepted" and self.state == "confirmed":
            state = "confirmed"
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
        self.with_context(tracking_disable=True).write(values)
        self._set_carpass_issues(result.issues)
        notes = self._carpass_after_result(client)
        self._carpass_post_outcome(operation, notes)

    def _carpass_after_result(self, client=None):
        """Hook for what follows Car-Pass's answer (the work description).

        Returns notes (Markup) to add to the registration's outcome note.
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
        """Record a failed call; what follows is decided by outcomes.plan_after_failure."""
        plan = plan_after_failure(
            error,
            outcome_was_unknown=self.outcome_unknown,
            attempts=self.retry_count + 1,
        )
        message = carpass_error_message(self.env, error)
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
                count=MAX_AUTOMATIC_ATTEMPTS,
            )
        values = {
            "error_message": message,
            "sending_since": False,
            "outcome_unknown": plan.outcome_unknown,
        }
        if plan.request_guid and not self.request_guid:
            values["request_guid"] = plan.request_guid
        if plan.retry:
            # Transport failures are sent again by the cron; an answer that may hide
            # a stored report (malformed, cut) is looked up by the cron first, also
            # when the look-up itself got a malformed answer.
            delay = timedelta(
                minutes=min(RETRY_BASE_MINUTES * 2**self.retry_count, RETRY_MAX_MINUTES)
            )
            if isinstance(error, CarpassUnavailableError) and error.retry_after:
                # Maintenance window or rate limit: Car-Pass says when to come back.
                delay = max(delay, timedelta(seconds=error.retry_after))
            values.update(
                retryable=True,
                retry_count=self.retry_count + 1,
                next_retry_at=fields.Datetime.now() + delay,
            )
        else:
            values.update(retryable=False, next_retry_at=False)
            if operation == "correct" and not plan.outcome_unknown:
                values["failed_correction_count"] = self.failed_correction_count + 1
        if operation in ("create", "lookup", "correct") or self.state == "sending":
            values["state"] = "error"
        self.write(values)
        if operation in ("create", "correct") and not plan.retry:
            if plan.outcome_unknown:
                self.message_post(body=message)
            else:
                self.message_post(
                    body=_("Car-Pass refused the report: %(error)s", error=message)
                )

    def _carpass_log_attempt(
        self, operation, success, started, outcome, error="", client=None, answer=None
    ):
        """One attempt row, with the client's last HTTP exchange for support.

        ``answer`` is an unusable answer (safe text) to keep when no exchange
        was recorded.
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
        self.env["carpass.registration.attempt"].sudo().create(values)

    def _carpass_post_outcome(self, operation, notes=()):
        body = _(
            "Car-Pass registration %(name)s (%(vin)s, %(odometer)s km on %(date)s): %(state)s.",
            name=self.name,
            vin=self.vin,
            odometer=format_number(self.env, self.odometer),
            date=format_day(self.env, self.reading_date),
            state=self._state_label(),
        )
        # A log note: nobody is notified, and _message_log costs a fraction of
        # message_post on the send path (see docs/benchmarks.md).
        self._message_log(body=Markup("<br/>").join([body, *notes]))
        for record in (self.repair_id, self.vehicle_id):
            if record:
                record.sudo()._message_log(body=body)

    def _carpass_refresh_one(self):
        self.ensure_one()
        try:
            client = self.company_id._carpass_client()
        except UserError as error:
            return self, False, str(error)
        return self._carpass_call(
            "status", lambda: client.get_status(self.request_guid), client=client
        )

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _cron_carpass_refresh_status(self, limit=200):
        registrations = self.search(
            [("state", "in", PENDING_STATES), ("request_guid", "!=", False)],
            limit=limit,
            order="write_date asc",
        )
        pending = ", ".join(f"'{state}'" for state in PENDING_STATES)
        for registration in registrations._carpass_one_by_one():
            if not registration._carpass_try_lock(f"state IN ({pending})"):
                continue
            registration._carpass_refresh_one()
            if not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_carpass_retry(self, limit=200):
        """Resend what failed for transport reasons, and finish interrupted sends.

        Safe with several workers: each row is locked (SKIP LOCKED) and checked again
        right before it is processed, and committed right after. A registration whose
        outcome is unknown is looked up at Car-Pass before anything is sent again.
        Returns the outcomes of the registrations this worker processed.
        """
        registrations, due_params = self._carpass_retry_queue(limit)
        outcomes = []
        for registration in registrations._carpass_one_by_one():
            if not registration._carpass_try_lock(RETRY_DUE_SQL, due_params):
                continue
            if registration.state == "sending":
                # Interrupted mid-send: Car-Pass may have it, so ask before sending again.
                registration.outcome_unknown = True
            outcomes.append(registration._carpass_send_one())
            if not in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return outcomes

    @api.model
    def _carpass_retry_queue(self, limit):
        """The due registrations, oldest first, and the parameters of RETRY_DUE_SQL.

        The rows are checked again with RETRY_DUE_SQL once locked.
        """
        now = fields.Datetime.now()
        stale = now - timedelta(minutes=STALE_SENDING_MINUTES)
        registrations = self.search(
            self._carpass_retry_due_domain(now, stale),
            limit=limit,
            order="next_retry_at asc, id asc",
        )
        return registrations, [now, stale]

    @api.model
    def _carpass_retry_due_domain(self, now, stale):
        return [
            "|",
            "&",
            ("state", "=", "error"),
            "&",
            ("retryable", "=", True),
            ("next_retry_at", "<=", now),
            "&",
            ("state", "=", "sending"),
            ("sending_since", "<=", stale),
        ]
