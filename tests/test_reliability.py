# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reliability: no report lost or doubled under faults, nor by concurrent drains.

The concurrent drain sends from threads with database cursors of their own, which
only see committed data: these tests commit their registrations (in the database's
main company, pointed at the simulator for the test) and remove them afterwards.
"""

import threading
import time
from collections import Counter
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import GARAGE_A, CarpassCase, random_vin

POST_OBSERVATION = "POST /api/observation"
COMPANY_FIELDS = (
    "carpass_environment",
    "carpass_simulator_url",
    "carpass_enterprise_number",
    "carpass_establishment_number",
    "carpass_password",
)


class CommittedQueueCase(CarpassCase):
    """Registrations committed for the drain's threads, removed by a cleanup."""

    def committed_env(self):
        """A superuser env on a cursor of its own; commits when the block ends."""
        cursor = db_connect(self.env.cr.dbname).cursor()
        cursor.execute("SET LOCAL lock_timeout = '20s'")
        return cursor, api.Environment(cursor, SUPERUSER_ID, {})

    def make_committed_registrations(self, count, prefix, **values):
        cursor, env = self.committed_env()
        with cursor:
            company = env.ref("base.main_company").sudo()
            saved = {name: company[name] for name in COMPANY_FIELDS}
            company.write(
                {
                    "carpass_environment": "simulator",
                    "carpass_simulator_url": self.simulator.base_url,
                    "carpass_enterprise_number": GARAGE_A["enterprise"],
                    "carpass_establishment_number": GARAGE_A["establishment"],
                    "carpass_password": GARAGE_A["password"],
                }
            )
            brand = env["fleet.vehicle.model.brand"].create({"name": "Reliability"})
            model = env["fleet.vehicle.model"].create(
                {"name": "Queue", "brand_id": brand.id, "vehicle_type": "car"}
            )
            vehicles = env["fleet.vehicle"].create(
                [
                    {
                        "model_id": model.id,
                        "vin_sn": random_vin(prefix),
                        "company_id": company.id,
                    }
                    for _index in range(count)
                ]
            )
            registrations = env["carpass.registration"].create(
                [
                    {
                        "company_id": company.id,
                        "vehicle_id": vehicle.id,
                        "vin": vehicle.vin_sn,
                        "odometer": 30001 + index,
                        "reading_date": self.today(),
                        **values,
                    }
                    for index, vehicle in enumerate(vehicles)
                ]
            )
            created = {
                "company": company.id,
                "saved": saved,
                "brand": brand.id,
                "model": model.id,
                "vehicles": vehicles.ids,
                "registrations": registrations.ids,
                "vins": vehicles.mapped("vin_sn"),
            }
        self.addCleanup(self._remove_committed, created)
        return created

    def _remove_committed(self, created):
        cursor, env = self.committed_env()
        with cursor:
            registration_ids = tuple(created["registrations"])
            vehicle_ids = tuple(created["vehicles"])
            for model, ids in (
                ("carpass.registration", registration_ids),
                ("fleet.vehicle", vehicle_ids),
            ):
                cursor.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                    [model, ids],
                )
                cursor.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                    [model, ids],
                )
            # Reported registrations refuse unlink(): remove the test rows directly.
            cursor.execute(
                "DELETE FROM carpass_registration WHERE id IN %s", [registration_ids]
            )
            env["fleet.vehicle.odometer"].search(
                [("vehicle_id", "in", list(vehicle_ids))]
            ).unlink()
            env["fleet.vehicle"].browse(vehicle_ids).unlink()
            env["fleet.vehicle.model"].browse(created["model"]).unlink()
            env["fleet.vehicle.model.brand"].browse(created["brand"]).unlink()
            env["res.company"].browse(created["company"]).sudo().write(created["saved"])

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

    def drain(self, registration_ids=None, workers=8):
        """Run the drain as a cron worker would, on a cursor of its own."""
        cursor, env = self.committed_env()
        with cursor:
            Registration = env["carpass.registration"]
            if registration_ids is None:
                return Registration._cron_carpass_drain(workers=workers)
            return Registration.browse(registration_ids)._carpass_drain(workers)

    def observations_by_vin(self, vins):
        wanted = set(vins)
        observations = {}
        for observation in self.simulator.admin.observations():
            if observation["vin"] in wanted:
                observations.setdefault(observation["vin"], []).append(observation)
        return observations


@tagged("post_install", "-at_install")
class TestReliabilityUnderFaults(CommittedQueueCase):
    REGISTRATIONS = 1000
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

    def test_thousand_sends_under_faults_none_lost_none_doubled(self):
        started = time.monotonic()
        queue = self.make_committed_registrations(self.REGISTRATIONS, "WRL")
        ids = queue["registrations"]
        # A "timeout" holds the connection this long, then drops it.
        self.simulator.admin.settings(timeout_seconds=0.5)
        self.addCleanup(self.simulator.admin.settings, timeout_seconds=5.0)
        self.simulator.admin.set_faults(**self.FAULTS)
        self.addCleanup(self.simulator.admin.clear_faults)

        first = self.drain(ids, workers=16)
        self.assertEqual(len(first), self.REGISTRATIONS, "every registration tried")
        failed_first = sum(not success for _id, success, _text in first)
        self.assertGreater(failed_first, 50, "the faults hit a good share of sends")

        rounds = 0
        while self.make_all_due(ids) and rounds < self.MAX_ROUNDS:
            rounds += 1
            self.drain(workers=16)
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
class TestConcurrentDrains(CommittedQueueCase):
    REGISTRATIONS = 40
    WORKERS = 2

    def test_two_odoo_workers_draining_at_once_send_nothing_twice(self):
        queue = self.make_committed_registrations(
            self.REGISTRATIONS,
            "WCD",
            state="error",
            retryable=True,
            next_retry_at=fields.Datetime.now() - timedelta(minutes=1),
        )
        posts_before = self.simulator.admin.stats()["requests"].get(POST_OBSERVATION, 0)
        # Slow answers keep both drains busy at the same time.
        self.simulator.admin.set_faults(latency_ms=100)
        self.addCleanup(self.simulator.admin.clear_faults)
        barrier = threading.Barrier(self.WORKERS)
        outcomes, errors = {}, []

        def odoo_worker(number):
            try:
                barrier.wait(timeout=30)
                outcomes[number] = self.drain(workers=4)
            except Exception as error:  # reported by the main thread
                errors.append(error)

        threads = [
            threading.Thread(target=odoo_worker, args=(number,))
            for number in range(self.WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.simulator.admin.clear_faults()
        self.assertFalse(errors, errors)
        self.assertEqual(len(outcomes), self.WORKERS)

        sent = Counter(
            registration_id
            for worker_outcomes in outcomes.values()
            for registration_id, success, _text in worker_outcomes
            if success
        )
        self.assertEqual(set(sent), set(queue["registrations"]), "all were sent")
        self.assertEqual(max(sent.values()), 1, "none was sent by both workers")
        self.assertTrue(all(outcomes.values()), "both workers took part in the drain")
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

    def test_drain_skips_rows_locked_by_another_worker(self):
        queue = self.make_committed_registrations(
            3,
            "WLK",
            state="error",
            retryable=True,
            next_retry_at=fields.Datetime.now() - timedelta(minutes=1),
        )
        locked_id, *free_ids = queue["registrations"]
        cursor, _env = self.committed_env()
        with cursor:
            # Another worker is sending this one right now.
            cursor.execute(
                "SELECT id FROM carpass_registration WHERE id = %s FOR UPDATE",
                [locked_id],
            )
            outcomes = self.drain(queue["registrations"], workers=2)
        by_id = {registration_id: success for registration_id, success, _t in outcomes}
        self.assertFalse(by_id[locked_id])
        self.assertTrue(all(by_id[registration_id] for registration_id in free_ids))
        observations = self.observations_by_vin(queue["vins"])
        self.assertEqual(len(observations), 2, "the locked one was not sent")
        rows = {row["id"]: row for row in self.committed_rows(queue["registrations"])}
        self.assertEqual(rows[locked_id]["state"], "error")
        self.assertTrue(rows[locked_id]["retryable"], "left for the next run")
