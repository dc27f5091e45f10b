# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reliability: no report lost or doubled under faults, nor by concurrent cron runs.

The scheduled retry cron runs on database cursors of its own (one per cron worker or
server), which only see committed data: these tests commit their registrations (in
the database's main company, pointed at the simulator for the test) and remove them
afterwards. The cron commits after each registration, as in production.
"""

import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from odoo.addons.carpass_odoo.models import carpass_registration as registration_module

from .common import CommittedQueueCase

POST_OBSERVATION = "POST /api/observation"


class DrainCase(CommittedQueueCase):
    """Runs the retry cron on a committed queue as cron workers do, reads the outcome."""

    def setUp(self):
        super().setUp()
        # Production commits after each registration; the test run would not.
        patcher = patch.object(registration_module, "in_test_mode", return_value=False)
        patcher.start()
        self.addCleanup(patcher.stop)

    def committed_rows(self, ids):
        cursor, _env = self.committed_env()
        with cursor:
            cursor.execute(
                "SELECT id, vin, state, request_guid, retryable, outcome_unknown, "
                "error_message FROM carpass_registration WHERE id IN %s",
                [tuple(ids)],
            )
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def make_all_due(self, ids):
        """Let every backoff delay pass, as if the cron came back much later."""
        cursor, _env = self.committed_env()
        with cursor:
            cursor.execute(
                "UPDATE carpass_registration SET next_retry_at = %s "
                "WHERE id IN %s AND retryable",
                [fields.Datetime.now() - timedelta(seconds=1), tuple(ids)],
            )
            return cursor.rowcount

    def send(self, registration_ids):
        """Press Send on these registrations, on a cursor of its own."""
        cursor, env = self.committed_env()
        with cursor:
            registrations = env["carpass.registration"].browse(registration_ids)
            outcomes = registrations._carpass_send_each(commit=True)
            return [(record.id, success, text) for record, success, text in outcomes]

    def run_retry_cron(self, batch_size=5000):
        """One run of the scheduled retry cron, on a cursor of its own."""
        cursor, env = self.committed_env()
        with cursor:
            outcomes = env["carpass.registration"]._cron_carpass_retry(
                batch_size=batch_size
            )
            return [(record.id, success, text) for record, success, text in outcomes]

    def observations_by_vin(self, vins):
        wanted = set(vins)
        observations = {}
        for observation in self.simulator.admin.observations():
            if observation["vin"] in wanted:
                observations.setdefault(observation["vin"], []).append(observation)
        return observations


@tagged("post_install", "-at_install")
class TestReliabilityUnderFaults(DrainCase):
    # Sent one after the other, as Car-Pass expects of one establishment.
    REGISTRATIONS = 400
    # Random faults for about one request in five; only a few slow timeouts.
    FAULTS = {
        "seed": 20261127,
        "drop_rate": 0.05,
        "malformed_rate": 0.05,
        "server_error_rate": 0.04,
        "unavailable_rate": 0.04,
        "timeout_rate": 0.005,
    }
    MAX_ROUNDS = 25

    def test_sends_under_faults_none_lost_none_doubled(self):
        started = time.monotonic()
        queue = self.make_committed_registrations(self.REGISTRATIONS, "WRL")
        ids = queue["registrations"]
        # A "timeout" holds the connection this long, then drops it.
        self.simulator.admin.settings(timeout_seconds=0.5)
        self.addCleanup(self.simulator.admin.settings, timeout_seconds=5.0)
        self.simulator.admin.set_faults(**self.FAULTS)
        self.addCleanup(self.simulator.admin.clear_faults)

        first = self.send(ids)
        self.assertEqual(len(first), self.REGISTRATIONS, "every registration tried")
        failed_first = sum(not success for _id, success, _text in first)
        self.assertGreater(
            failed_first,
            0.1 * self.REGISTRATIONS,
            "the faults hit a good share of sends",
        )

        rounds = 0
        while self.make_all_due(ids) and rounds < self.MAX_ROUNDS:
            rounds += 1
            # Two servers' cron workers share the queue.
            self.run_concurrently(self.run_retry_cron, 2)
        faults_seen = self.simulator.admin.stats()["faults"]
        self.simulator.admin.clear_faults()

        rows = self.committed_rows(ids)
        self.assertEqual(len(rows), self.REGISTRATIONS)
        self.assertFalse(
            [row for row in rows if row["retryable"]],
            f"nothing retryable is left after {rounds} rounds",
        )
        observations = self.observations_by_vin(queue["vins"])
        duplicated = {vin: len(seen) for vin, seen in observations.items() if seen[1:]}
        self.assertFalse(duplicated, "no reading reported twice")
        for row in rows:
            stored = observations.get(row["vin"], [])
            self.assertFalse(row["outcome_unknown"], row)
            if row["request_guid"]:
                self.assertEqual(len(stored), 1, row)
                self.assertEqual(stored[0]["guid"], row["request_guid"], row)
                self.assertIn(row["state"], ("accepted", "ongoing", "anomaly"), row)
            else:
                # Unsent: it waits with its error, and Car-Pass has nothing for it.
                self.assertEqual(stored, [], f"lost: Car-Pass has it, Odoo not: {row}")
                self.assertEqual(row["state"], "error", row)
                self.assertTrue(row["error_message"], row)
        states = Counter(row["state"] for row in rows)
        self.assertGreater(states["accepted"], 0.95 * self.REGISTRATIONS, states)
        for kind in ("drop", "malformed", "500", "503", "timeout"):
            self.assertIn(kind, faults_seen, f"{kind} faults were injected")
        self.assertLess(time.monotonic() - started, 300, "the test stays quick")


@tagged("post_install", "-at_install")
class TestConcurrentCronRuns(DrainCase):
    REGISTRATIONS = 40
    WORKERS = 2

    def test_two_servers_running_the_retry_cron_at_once_send_nothing_twice(self):
        queue = self.make_committed_retry_queue(self.REGISTRATIONS, "WCD")
        posts_before = self.simulator.admin.stats()["requests"].get(POST_OBSERVATION, 0)
        # Slow answers keep both cron runs busy at the same time.
        self.simulator.admin.set_faults(latency_ms=100)
        self.addCleanup(self.simulator.admin.clear_faults)
        outcomes = self.run_concurrently(self.run_retry_cron, self.WORKERS)
        self.simulator.admin.clear_faults()

        sent = Counter(
            registration_id
            for worker_outcomes in outcomes
            for registration_id, success, _text in worker_outcomes
            if success
        )
        self.assertEqual(set(sent), set(queue["registrations"]), "all were sent")
        self.assertEqual(max(sent.values()), 1, "none was sent by both workers")
        self.assertTrue(all(outcomes), "both servers took part")
        stats = self.simulator.admin.stats()
        self.assertEqual(
            stats["requests"].get(POST_OBSERVATION, 0) - posts_before,
            self.REGISTRATIONS,
            "one POST per registration",
        )
        observations = self.observations_by_vin(queue["vins"])
        self.assertEqual(
            sorted(len(seen) for seen in observations.values()),
            [1] * self.REGISTRATIONS,
        )
        rows = self.committed_rows(queue["registrations"])
        self.assertEqual(
            Counter(row["state"] for row in rows), {"accepted": self.REGISTRATIONS}
        )

    def test_retry_cron_skips_rows_locked_by_another_worker(self):
        queue = self.make_committed_retry_queue(3, "WLK")
        locked_id, *free_ids = queue["registrations"]
        cursor, _env = self.committed_env()
        with cursor:
            # Another worker is sending this one right now.
            cursor.execute(
                "SELECT id FROM carpass_registration WHERE id = %s FOR UPDATE",
                [locked_id],
            )
            outcomes = self.run_retry_cron()
        by_id = {registration_id: success for registration_id, success, _t in outcomes}
        self.assertNotIn(locked_id, by_id, "the locked row is left to its holder")
        self.assertTrue(all(by_id[registration_id] for registration_id in free_ids))
        observations = self.observations_by_vin(queue["vins"])
        self.assertEqual(len(observations), 2, "the locked one was not sent")
        rows = {row["id"]: row for row in self.committed_rows(queue["registrations"])}
        self.assertEqual(rows[locked_id]["state"], "error")
        self.assertTrue(rows[locked_id]["retryable"], "left for the next run")
