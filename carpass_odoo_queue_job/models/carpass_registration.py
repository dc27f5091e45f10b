# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.carpass_odoo.carpass import lifecycle
from odoo.addons.queue_job.job import identity_exact

# The parent of the per-establishment channels (data/queue_job_data.xml). The job
# runner's configuration sets the capacities: ``root.carpass:N`` for all establishments
# together, ``root.carpass.<establishment number>:M`` for one of them.
CARPASS_CHANNEL = "root.carpass"
# Registrations enqueued per run of the retry cron.
ENQUEUE_BATCH_SIZE = 1000


class CarpassRegistration(models.Model):
    """Retries of Car-Pass sends as queue jobs instead of the retry cron's sends."""

    _inherit = "carpass.registration"

    @api.model
    def _cron_carpass_retry(self, batch_size=ENQUEUE_BATCH_SIZE):
        """The retry cron: enqueue one job per due registration instead of sending.

        Due is ``lifecycle.retry_due_domain``, as for the cron pipeline; the job
        runner's channel capacities decide how many sends run at once. Returns the
        jobs enqueued (``odoo.addons.queue_job`` Job).
        """
        due = lifecycle.retry_due_domain(fields.Datetime.now())
        registrations = self.search(
            due, limit=batch_size, order="next_retry_at asc, id asc"
        )
        return registrations._carpass_enqueue_send()

    def _carpass_enqueue_send(self):
        """One send job per registration, on its establishment's channel.

        A registration whose job is still waiting or running gets no second one
        (identity key), and the job itself sends under the registration's row lock.
        """
        jobs = []
        for registration in self:
            delayable = registration.with_delay(
                channel=registration._carpass_job_channel(),
                identity_key=identity_exact,
                description=self.env._(
                    "Car-Pass: send %(reference)s", reference=registration.display_name
                ),
            )
            jobs.append(delayable._carpass_job_send())
        return jobs

    def _carpass_job_channel(self):
        """``root.carpass.<establishment number>`` (the company id when unset)."""
        self.ensure_one()
        company = self.company_id
        return f"{CARPASS_CHANNEL}.{company.carpass_establishment_number or company.id}"

    def _carpass_job_send(self):
        """The job: send this registration through the add-on's locked send pipeline.

        Returns Car-Pass's outcome as text (shown on the job). A registration another
        process is sending, or one no longer due, is left as it is.
        """
        self.ensure_one()
        if not self._carpass_try_lock(
            lifecycle.retry_due_domain(fields.Datetime.now())
        ):
            return self.env._("Not due any more, or being sent by another process.")
        _registration, _success, text = self._carpass_send_one()
        return text
