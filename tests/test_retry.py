# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The retry cron: transport failures, unknown outcomes and concurrent workers."""

from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.carpass_odoo.models import carpass_registration as registration_module

from .common import (
    GARAGE_A,
    CarpassCase,
    CommittedQueueCase,
    load_migration,
    set_workflow,
)

POST_OBSERVATION = "POST /api/observation"


@tagged("post_install", "-at_install")
class TestRetry(CarpassCase):
    def setUp(self):
        super().setUp()
        # "timeout" faults hold the connection this long: keep the tests quick.
        self.simulator.admin.settings(timeout_seconds=0.3, maintenance_retry_after=3600)
        self.addCleanup(self.simulator.admin.settings, timeout_seconds=5.0)
        self.Registration = self.env["carpass.registration"]

    def requests(self, route=POST_OBSERVATION):
        return self.simulator.admin.stats()["requests"].get(route, 0)

    def reading_stats(self, registration):
        stats = self.simulator.admin.stats()["by_reading"]
        rows = [row for row in stats if row["vin"] == registration.vin]
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def make_due(self, registration):
        """Let the backoff delay pass."""
        set_workflow(
            registration, next_retry_at=fields.Datetime.now() - timedelta(seconds=1)
        )

    # ------------------------------------------------------------------

    def test_transport_failure_is_retried_after_next_retry_at(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["503"])
        before = fields.Datetime.now()
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.retryable)
        self.assertFalse(registration.outcome_unknown, "a 503 stores nothing")
        self.assertGreaterEqual(
            registration.next_retry_at, before + timedelta(minutes=1)
        )
        self.assertEqual(self.simulator_count(registration.vin), 0)

        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "error", "not due yet: left alone")
        self.assertEqual(self.simulator_count(registration.vin), 0)

        self.make_due(registration)
        outcomes = self.Registration._cron_carpass_retry()
        self.assertIn(registration, [record for record, _ok, _text in outcomes])
        self.assertEqual(registration.state, "accepted")
        self.assertFalse(registration.retryable)
        self.assertEqual(registration.retry_count, 0, "a success resets the backoff")
        self.assertEqual(self.simulator_count(registration.vin), 1)
        self.assertEqual(
            registration.attempt_ids.sorted("id").mapped("operation"),
            ["create", "create"],
        )

    def test_backoff_doubles_and_respects_maintenance(self):
        registration = self.make_registration()
        delays = []
        for _attempt in range(3):
            self.simulator.admin.queue_faults(["503"])
            start = fields.Datetime.now()
            if registration.state == "error":
                self.make_due(registration)
                self.Registration._cron_carpass_retry()
            else:
                registration.action_send()
            delays.append((registration.next_retry_at - start).total_seconds() / 60)
        self.assertEqual(registration.retry_count, 3)
        for delay, expected in zip(delays, (1, 2, 4), strict=True):
            self.assertAlmostEqual(delay, expected, delta=0.2)

        # During Car-Pass maintenance the retry waits as long as Car-Pass asks.
        self.simulator.admin.settings(maintenance=True)
        self.make_due(registration)
        start = fields.Datetime.now()
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "error")
        self.assertIn("maintenance", registration.error_message)
        self.assertGreaterEqual(
            registration.next_retry_at, start + timedelta(seconds=3600 - 5)
        )
        self.simulator.admin.settings(maintenance=False)
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(self.simulator_count(registration.vin), 1)

    def test_refused_data_is_not_retried(self):
        registration = self.make_registration()
        # Car-Pass refuses the credentials (401): waiting will not help.
        self.company_a.carpass_password = "wrong-password"
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable)
        self.company_a.carpass_password = GARAGE_A["password"]
        set_workflow(registration, next_retry_at=fields.Datetime.now())
        self.assertFalse(self.Registration._cron_carpass_retry())
        self.assertEqual(registration.state, "error", "the user must fix it first")

    def _assert_unknown_outcome_is_looked_up(self, fault):
        registration = self.make_registration()
        posts = self.requests()
        self.simulator.admin.queue_faults([fault])
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.outcome_unknown, fault)
        self.assertTrue(registration.retryable, fault)
        self.assertFalse(registration.request_guid)
        self.assertEqual(
            self.simulator_count(registration.vin), 1, "Car-Pass stored it anyway"
        )

        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertTrue(registration.request_guid)
        self.assertFalse(registration.outcome_unknown)
        stored = self.simulator.admin.observations(vin=registration.vin)
        self.assertEqual(len(stored), 1)
        self.assertEqual(registration.request_guid, stored[0]["guid"])
        counts = self.reading_stats(registration)
        self.assertEqual((counts["created"], counts["replayed"]), (1, 0))
        self.assertEqual(self.requests() - posts, 1, "no second POST /observation")
        self.assertEqual(
            registration.attempt_ids.sorted("id").mapped("operation"),
            ["create", "lookup"],
        )

    def test_timeout_after_storing_is_looked_up_not_resent(self):
        self._assert_unknown_outcome_is_looked_up("timeout")

    def test_dropped_answer_is_looked_up_not_resent(self):
        self._assert_unknown_outcome_is_looked_up("drop")

    def test_malformed_answer_is_looked_up_not_resent(self):
        self._assert_unknown_outcome_is_looked_up("malformed")

    def test_server_error_lookup_finds_nothing_then_sends(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["500"])
        registration.action_send()
        self.assertTrue(registration.outcome_unknown, "a 500 to a POST: unknown")
        self.assertEqual(self.simulator_count(registration.vin), 0)
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(
            registration.attempt_ids.sorted("id").mapped("operation"),
            ["create", "lookup", "create"],
        )
        self.assertEqual(self.reading_stats(registration)["created"], 1)

    def test_failed_lookup_sends_nothing(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["drop"])
        registration.action_send()
        posts = self.requests()
        # The look-up (a GET, retried by the client) fails every time.
        self.simulator.admin.queue_faults(["503", "503", "503"])
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.outcome_unknown)
        self.assertEqual(self.requests() - posts, 0, "nothing sent while unknown")
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(self.reading_stats(registration)["created"], 1)
        self.assertEqual(self.requests() - posts, 0)

    def test_lost_correction_answer_is_checked_not_resent(self):
        registration = self.make_registration(odometer=45000)
        registration.action_send()
        self.assertEqual(registration.state, "anomaly", "a rounded reading")
        registration.odometer = 45321
        route = "POST /api/observation/{guid}/correction"
        corrections = self.requests(route)
        self.simulator.admin.queue_faults(["drop"])
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.outcome_unknown)
        self.assertEqual(self.requests(route) - corrections, 1)

        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(
            self.requests(route) - corrections, 1, "the correction had arrived"
        )
        stored = self.simulator.admin.observations(vin=registration.vin)
        self.assertEqual([row["odometer"] for row in stored], [45321])
        self.assertEqual(registration.failed_correction_count, 0)

    def test_interrupted_send_is_looked_up(self):
        """A worker died between 'sending' and the answer: Car-Pass had it."""
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["drop"])
        registration.action_send()
        set_workflow(
            registration,
            state="sending",
            outcome_unknown=False,
            retryable=False,
            sending_since=fields.Datetime.now() - timedelta(minutes=30),
        )
        posts = self.requests()
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(self.requests() - posts, 0)
        self.assertEqual(self.reading_stats(registration)["created"], 1)

    def test_recent_sending_is_left_to_its_worker(self):
        registration = self.make_registration()
        set_workflow(registration, state="sending", sending_since=fields.Datetime.now())
        self.assertFalse(self.Registration._cron_carpass_retry())
        ((record, success, text),) = registration._carpass_send_each()
        self.assertFalse(success)
        self.assertIn("another process", text)
        self.assertEqual(self.simulator_count(registration.vin), 0)


@tagged("post_install", "-at_install")
class TestRetryConcurrentWorkers(CommittedQueueCase):
    """Two cron workers, each in its own database transaction, drain one queue."""

    WORKERS = 2
    REGISTRATIONS = 8

    def test_two_workers_send_each_registration_once(self):
        queue = self.make_committed_retry_queue(self.REGISTRATIONS, "WCP")
        posts_before = self.simulator.admin.stats()["requests"].get(POST_OBSERVATION, 0)
        # Slow answers make the workers overlap.
        self.simulator.admin.set_faults(latency_ms=150)
        self.addCleanup(self.simulator.admin.clear_faults)
        test_cursor_connection = self.env.cr._cnx

        def retry_cron_worker():
            with db_connect(self.env.cr.dbname).cursor() as cr:
                assert cr._cnx is not test_cursor_connection
                env = api.Environment(cr, SUPERUSER_ID, {})
                outcomes = env["carpass.registration"]._cron_carpass_retry()
                return [
                    (record.id, success, text) for record, success, text in outcomes
                ]

        # Production commits after each registration; the test run would not.
        with patch.object(registration_module, "in_test_mode", return_value=False):
            processed = self.run_concurrently(retry_cron_worker, self.WORKERS)
        self.simulator.admin.clear_faults()

        handled = [
            record_id
            for outcomes in processed
            for record_id, _ok, _text in outcomes
            if record_id in queue["registrations"]
        ]
        self.assertEqual(
            sorted(handled),
            sorted(queue["registrations"]),
            "each registration processed by exactly one worker",
        )
        self.assertTrue(
            all(ok for outcomes in processed for _id, ok, _text in outcomes),
            processed,
        )

        stats = self.simulator.admin.stats()
        self.assertEqual(
            stats["requests"].get(POST_OBSERVATION, 0) - posts_before,
            self.REGISTRATIONS,
            "one POST per registration",
        )
        for vin in queue["vins"]:
            rows = [row for row in stats["by_reading"] if row["vin"] == vin]
            self.assertEqual(len(rows), 1, vin)
            self.assertEqual((rows[0]["created"], rows[0]["replayed"]), (1, 0), vin)
            self.assertEqual(len(self.simulator.admin.observations(vin=vin)), 1, vin)

        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM carpass_registration WHERE id IN %s "
                "GROUP BY state",
                [tuple(queue["registrations"])],
            )
            self.assertEqual(dict(cr.fetchall()), {"accepted": self.REGISTRATIONS})


@tagged("post_install", "-at_install")
class TestRetryCronMigration(CarpassCase):
    def test_upgrade_points_an_old_retry_cron_at_the_scheduled_method(self):
        """data/ir_cron.xml is noupdate: the 18.0.1.1.0 migration rewrites old code."""
        cron = self.env.ref("carpass_odoo.ir_cron_carpass_retry")
        self.assertEqual(cron.code, "model._cron_carpass_retry()")
        cron.code = "model._cron_carpass_drain()"
        self.env.flush_all()
        load_migration("18.0.1.1.0").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(cron.code, "model._cron_carpass_retry()")
