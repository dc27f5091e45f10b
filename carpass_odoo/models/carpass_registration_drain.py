# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import queue
import threading

from odoo import _, api, models
from odoo.modules.registry import Registry

from .carpass_registration_constants import (
    DRAIN_BATCH_SIZE,
    DRAIN_WORKERS,
    RETRY_DUE_SQL,
)

_logger = logging.getLogger(__name__)


class CarpassRegistrationDrain(models.AbstractModel):
    """The retry queue sent by several threads at once after an outage.

    Mixed into ``carpass.registration``.
    """

    _name = "carpass.registration.drain"
    _description = "Car-Pass Registration Drain"

    @api.model
    def _cron_carpass_drain(self, limit=DRAIN_BATCH_SIZE, workers=DRAIN_WORKERS):
        """The retry cron for a backlog: the due registrations sent concurrently.

        After an outage hundreds of registrations wait, and sending them one by one
        mostly waits for Car-Pass's answers. See ``_carpass_drain``. Returns
        (registration id, success, text) per registration processed.
        """
        registrations, due_params = self._carpass_retry_queue(limit)
        return registrations._carpass_drain(workers, RETRY_DUE_SQL, due_params)

    def _carpass_drain(self, workers=DRAIN_WORKERS, condition=None, params=()):
        """Send these registrations with ``workers`` threads, each on its own cursor.

        A thread takes the next registration, locks its row (SKIP LOCKED, with
        ``condition`` checked again under the lock), sends it through the normal
        pipeline (``_carpass_send_one``) and commits. Several Odoo workers draining
        at once therefore never process the same row, and a send whose answer was
        lost is looked up by its idempotency key before it is sent again. The
        threads see committed data only, and commit what they do; the caller's
        transaction does not see their work until it starts a new one.
        Returns (registration id, success, text) per registration processed.
        """
        if not self:
            return []
        self.check_access("write")
        pending = queue.SimpleQueue()
        for registration_id in self.ids:
            pending.put(registration_id)
        results = {}
        threads = [
            threading.Thread(
                target=self._carpass_drain_worker,
                args=(pending, results, condition, list(params)),
                name=f"carpass-drain-{number}",
                daemon=True,
            )
            for number in range(max(1, min(workers, len(self))))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [
            (registration_id, *results[registration_id])
            for registration_id in self.ids
            if registration_id in results
        ]

    def _carpass_drain_worker(self, pending, results, condition, params):
        thread = threading.current_thread()
        thread.dbname = self.env.cr.dbname
        thread.uid = self.env.uid
        with Registry(self.env.cr.dbname).cursor() as cr:
            Registration = self.with_env(self.env(cr=cr))
            while True:
                try:
                    registration_id = pending.get_nowait()
                except queue.Empty:
                    return
                registration = Registration.browse(registration_id)
                results[registration_id] = registration._carpass_drain_one(
                    condition, params
                )

    def _carpass_drain_one(self, condition, params):
        """Lock, send and commit one registration; returns (success, text)."""
        self.ensure_one()
        cr = self.env.cr
        try:
            if not self._carpass_try_lock(condition, params):
                # Also starts a new snapshot for the next row (REPEATABLE READ).
                cr.rollback()
                return False, _("being sent by another process, try again")
            if self.state == "sending":
                # Interrupted mid-send: Car-Pass may have it, so ask before sending again.
                self.outcome_unknown = True
            _record, success, text = self._carpass_send_one()
            cr.commit()  # pylint: disable=invalid-commit
            return success, text
        except Exception as error:  # noqa: BLE001 - one row must not stop the drain
            # E.g. a serialization failure on a row shared with another worker: what
            # was committed stands (a "sending" row is looked up once stale).
            cr.rollback()
            _logger.warning(
                "Car-Pass drain: registration %s left for the next run: %s",
                self.id,
                error,
            )
            return False, str(error)
