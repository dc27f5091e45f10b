# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ready for the real Car-Pass: hostile answers, no look-up, the "minimal" profile.

Each test drives the simulator over HTTP: its fault queue, its injected answers
(/_admin/answers) and its "minimal" profile, which answers exactly as little as
the one public client relies on (docs/carpass-api.md).
"""

import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.carpass_odoo.carpass.client import CarpassClient
from odoo.addons.carpass_odoo.carpass.exceptions import CarpassUnavailableError
from odoo.addons.carpass_odoo.carpass.lifecycle import MAX_AUTOMATIC_ATTEMPTS
from odoo.addons.carpass_odoo.carpass.maintenance import maintenance_window_end
from odoo.addons.carpass_odoo.carpass.payloads import SoftwareId

from .common import CarpassCase, set_workflow

POST_OBSERVATION = "POST /api/observation"
LOOKUP = "GET /api/observation"


class ReadinessCase(CarpassCase):
    profile = "full"

    def setUp(self):
        super().setUp()
        self.simulator.admin.settings(profile=self.profile, timeout_seconds=0.3)
        self.addCleanup(
            self.simulator.admin.settings, profile="full", timeout_seconds=5.0
        )
        self.Registration = self.env["carpass.registration"]

    def requests(self, route=POST_OBSERVATION):
        return self.simulator.admin.stats()["requests"].get(route, 0)

    def make_due(self, registration):
        set_workflow(
            registration, next_retry_at=fields.Datetime.now() - timedelta(seconds=1)
        )

    def stored(self, registration):
        return self.simulator.admin.observations(vin=registration.vin)


@tagged("post_install", "-at_install")
class TestHostileAnswers(ReadinessCase):
    """A 2xx answer whose fields cannot be used never leaves a row in "sending"."""

    def send_with_answer(self, **answer):
        registration = self.make_registration()
        self.simulator.admin.queue_answers([{"status": 201, **answer}])
        registration.action_send()
        return registration

    def assert_kept_for_support(self, registration, marker):
        stored = self.stored(registration)
        self.assertEqual(len(stored), 1, "Car-Pass stored it")
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable, "not looked up in a loop")
        self.assertEqual(registration.request_guid, stored[0]["guid"])
        self.assertTrue(registration.needs_attention)
        self.assertIn(stored[0]["guid"], registration.error_message)
        attempt = registration.attempt_ids.sorted("id")[-1]
        self.assertEqual(attempt.outcome, "CarpassProtocolError")
        self.assertEqual(attempt.http_status, 201)
        self.assertIn(marker, attempt.answer_body, "the answer is kept for support")
        self.assertNotIn(registration.vin, attempt.answer_body, "the VIN is masked")

        # The retry cron leaves it alone; a person's "send" asks for the status.
        posts = self.requests()
        self.make_due(registration)
        self.assertFalse(self.Registration._cron_carpass_retry())
        self.assertEqual(registration.state, "error")
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(self.requests() - posts, 0, "never created again")
        self.assertEqual(len(self.stored(registration)), 1)

    def test_reading_beyond_any_dashboard(self):
        registration = self.send_with_answer(
            body={
                "requestGuid": "{requestGuid}",
                "status": "DONE",
                "odometerReading": 99999999999,
            }
        )
        self.assert_kept_for_support(registration, "99999999999")

    def test_reading_beyond_a_database_integer(self):
        registration = self.send_with_answer(
            body={
                "requestGuid": "{requestGuid}",
                "status": "DONE",
                "odometerReading": 3000000000,
            }
        )
        self.assert_kept_for_support(registration, "3000000000")

    def test_nul_byte_in_the_vin(self):
        registration = self.send_with_answer(
            body={
                "requestGuid": "{requestGuid}",
                "status": "DONE",
                "vin": "WVWZZZ1KZ\u0000W000001",
            }
        )
        # The VIN itself is masked in the log, NUL included.
        self.assert_kept_for_support(registration, '"vin": "WVW')

    def test_nul_byte_in_an_issue_code(self):
        registration = self.send_with_answer(
            body={
                "requestGuid": "{requestGuid}",
                "status": "ACTION_REQUIRED",
                "issues": [{"code": "READING\u0000TOO_HIGH", "actions": ["CONFIRM"]}],
            }
        )
        self.assert_kept_for_support(registration, "READING\\u0000TOO_HIGH")

    def test_lone_surrogate(self):
        registration = self.send_with_answer(
            raw='{"requestGuid": "{requestGuid}", "status": "DONE", '
            '"issues": [{"code": "X", "message": "\\ud800"}]}'
        )
        self.assert_kept_for_support(registration, "\\ud800")

    def test_unusable_guid_is_looked_up_and_found(self):
        registration = self.send_with_answer(
            body={"requestGuid": "bad/guid\u0000", "status": "DONE"}
        )
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.outcome_unknown)
        self.assertTrue(registration.retryable, "the look-up is harmless")
        self.assertFalse(registration.request_guid)
        posts = self.requests()
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(
            registration.request_guid, self.stored(registration)[0]["guid"]
        )
        self.assertEqual(self.requests() - posts, 0)

    def test_status_answer_with_a_huge_reading_does_not_stick(self):
        registration = self.make_registration()
        self.simulator.admin.settings(processing_polls=1)
        registration.action_send()
        self.assertEqual(registration.state, "ongoing")
        self.simulator.admin.queue_answers(
            [
                {
                    "status": 200,
                    "body": {
                        "requestGuid": "{requestGuid}",
                        "status": "DONE",
                        "odometerReading": 99999999999,
                    },
                }
            ]
        )
        self.Registration._cron_carpass_refresh_status()
        self.assertEqual(registration.state, "ongoing", "the status call failed")
        self.assertIn("could not be used", registration.error_message)
        self.assertNotEqual(registration.state, "sending")


@tagged("post_install", "-at_install")
class TestNoLookup(ReadinessCase):
    """A look-up Car-Pass does not answer never leads to a second report."""

    def assert_waits_for_a_person(self, registration):
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.outcome_unknown)
        self.assertFalse(registration.retryable)
        self.assertTrue(registration.needs_attention)
        self.assertIn("check at Car-Pass", registration.error_message)

    def test_lookup_404_is_not_never_arrived(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["drop"])
        registration.action_send()
        self.assertTrue(registration.outcome_unknown)
        posts = self.requests()
        self.simulator.admin.queue_answers(
            [{"status": 404, "body": {"status": 404, "message": "Not found"}}]
        )
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assert_waits_for_a_person(registration)
        self.assertEqual(self.requests() - posts, 0)
        self.assertEqual(len(self.stored(registration)), 1)

    def test_lookup_501(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["timeout"])
        registration.action_send()
        self.simulator.admin.queue_answers(
            [{"status": 501, "raw": "Not Implemented", "content_type": "text/plain"}]
        )
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assert_waits_for_a_person(registration)

    def test_automatic_attempts_are_capped(self):
        registration = self.make_registration()
        set_workflow(registration, retry_count=MAX_AUTOMATIC_ATTEMPTS)
        self.simulator.admin.queue_faults(["503"])
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable)
        self.assertTrue(registration.needs_attention)
        self.assertIn(str(MAX_AUTOMATIC_ATTEMPTS), registration.error_message)
        self.make_due(registration)
        self.assertFalse(self.Registration._cron_carpass_retry())
        self.assertEqual(self.simulator_count(registration.vin), 0)


@tagged("post_install", "-at_install")
class TestMinimalProfile(ReadinessCase):
    """End of service, retries and history against the least a Car-Pass may say."""

    profile = "minimal"

    def test_end_of_service(self):
        # A configured garage: the work description goes with the reading.
        self.give_default_activity(self.company_a)
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=45321)
        self.end_repair(repair).action_send()
        registration = repair.carpass_registration_id
        stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
        self.assertEqual(len(stored), 1)
        self.assertEqual(registration.request_guid, stored[0]["guid"])
        self.assertEqual(registration.state, "ongoing", "pending at Car-Pass")
        self.assertFalse(registration.error_message)

        self.Registration._cron_carpass_refresh_status()
        self.assertEqual(registration.state, "ongoing")
        self.assertEqual(registration.carpass_status, "PROCESSED", "its own word")
        self.assertFalse(registration.needs_attention)
        self.assertEqual(len(self.simulator.admin.observations(vin=vehicle.vin_sn)), 1)

    def test_error_bodies_with_status_and_message_only(self):
        registration = self.make_registration()
        self.company_a.carpass_password = "wrong"
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable)
        self.assertIn("credentials", registration.error_message)

    def test_maintenance_recognised_by_its_message(self):
        registration = self.make_registration()
        self.simulator.admin.settings(maintenance=True, maintenance_retry_after=3600)
        self.addCleanup(self.simulator.admin.settings, maintenance=False)
        start = fields.Datetime.now()
        registration.action_send()
        self.assertIn("maintenance", registration.error_message)
        self.assertTrue(registration.retryable)
        self.assertGreaterEqual(
            registration.next_retry_at, start + timedelta(seconds=3600 - 5)
        )

    def test_retry_after_a_transport_failure(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["503"])
        registration.action_send()
        self.assertTrue(registration.retryable)
        self.assertFalse(registration.outcome_unknown)
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(registration.state, "ongoing")
        self.assertEqual(len(self.stored(registration)), 1)

    def test_lost_answer_waits_for_a_person_then_sends_again_once(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["drop"])
        registration.action_send()
        self.assertTrue(registration.outcome_unknown)
        self.assertEqual(len(self.stored(registration)), 1, "Car-Pass stored it")
        # The cron looks it up first: nobody has to send it again by hand yet.
        self.assertTrue(registration.retryable)
        self.assertFalse(registration.can_send_again)

        posts, lookups = self.requests(), self.requests(LOOKUP)
        self.make_due(registration)
        self.Registration._cron_carpass_retry()
        self.assertEqual(self.requests(LOOKUP) - lookups, 1, "answered 405")
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable)
        self.assertIn("check at Car-Pass", registration.error_message)
        self.assertEqual(self.requests() - posts, 0, "no second POST")
        # The cron never sends it again, however long it waits.
        self.make_due(registration)
        self.assertFalse(self.Registration._cron_carpass_retry())
        # "Send" only asks again; "Send again" is a person's decision.
        registration.action_send()
        self.assertEqual(self.requests() - posts, 0)

        self.assertTrue(registration.can_send_again)
        registration.action_send_again()
        self.assertEqual(registration.state, "ongoing")
        stored = self.stored(registration)
        self.assertEqual(len(stored), 1, "the idempotency key was honoured")
        self.assertEqual(registration.request_guid, stored[0]["guid"])
        self.assertEqual(self.requests() - posts, 1)

    def test_history_without_a_pdf(self):
        vehicle = self.make_vehicle()
        action = vehicle.action_carpass_history()
        wizard = self.env[action["res_model"]].with_context(**action["context"])
        wizard = wizard.create({"vehicle_id": vehicle.id, "odometer": 45123})
        result = wizard.action_request()
        vehicle.invalidate_recordset()
        guid = vehicle.carpass_history_request_guid
        self.assertTrue(guid)
        self.assertEqual(
            vehicle.carpass_history_url, f"https://public.car-pass.be/vhr/{guid}"
        )
        self.assertFalse(vehicle.carpass_history_attachment_id)
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("no PDF", result["params"]["message"])
        self.assertEqual(result["params"]["next"]["url"], vehicle.carpass_history_url)
        self.assertIn("no PDF", vehicle.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestEnvironments(ReadinessCase):
    def test_fresh_company_sends_nothing_before_an_environment_is_chosen(self):
        company = self.env["res.company"].create(
            {
                "name": "Fresh Garage",
                "country_id": self.env.ref("base.be").id,
                "carpass_enterprise_number": "0412345614",
                "carpass_establishment_number": "2123456791",
                "carpass_password": "demo-garage-a",
            }
        )
        self.assertEqual(company.carpass_environment, "none")
        registration = self.make_registration(company=company)
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable)
        self.assertIn("No Car-Pass environment", registration.error_message)
        self.assertEqual(self.simulator_count(registration.vin), 0)

    def test_url_override_is_https_only(self):
        for url in ("http://example.com/api", "https://127.0.0.1/api", "ftp://x"):
            with self.assertRaises(ValidationError):
                self.company_b.carpass_url_override = url
        self.company_b.write(
            {
                "carpass_environment": "test",
                "carpass_url_override": "https://ws-test.example.be/api",
            }
        )
        self.assertEqual(
            self.company_b._carpass_base_url(), "https://ws-test.example.be/api"
        )
        self.company_b.carpass_url_override = False
        self.assertIn("car-pass.be", self.company_b._carpass_base_url())

    def test_maintenance_window_by_the_brussels_clock_makes_no_call(self):
        client = CarpassClient(
            self.simulator.base_url,
            "2123456791",
            "demo-garage-a",
            software=SoftwareId("b", "n", "1"),
            maintenance_clock=True,
        )
        calls = self.simulator.admin.stats()["requests"].get("GET /api/activities", 0)
        # Thursday 3 December 2026, 18:30 UTC is 19:30 in Brussels.
        with freeze_time("2026-12-03 18:30:00"):
            with self.assertRaises(CarpassUnavailableError) as caught:
                client.check_connection()
        self.assertTrue(caught.exception.maintenance)
        self.assertEqual(caught.exception.retry_after, 4 * 3600 + 30 * 60)
        after = self.simulator.admin.stats()["requests"].get("GET /api/activities", 0)
        self.assertEqual(after, calls, "no call inside the window")
        with freeze_time("2026-12-03 17:59:00"):
            self.assertIsNone(maintenance_window_end())
        # Outside the window (the test machine's own clock, in a test run that
        # is not on a Thursday evening) the call is made.
        if maintenance_window_end() is None:
            client.check_connection()
            self.assertEqual(
                self.simulator.admin.stats()["requests"]["GET /api/activities"],
                calls + 1,
            )


@tagged("post_install", "-at_install")
class TestProbeFromSettings(ReadinessCase):
    def run_probe_as(self, user, **values):
        settings = (
            self.env["res.config.settings"].with_company(self.company_a).create({})
        )
        action = settings.with_user(user).action_carpass_probe()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create(values)
        )
        wizard.action_run()
        return wizard

    def test_manager_runs_the_probe_on_both_profiles(self):
        registration = self.make_registration()
        registration.action_send()
        wizard = self.run_probe_as(
            self.manager_a, request_guid=registration.request_guid
        )
        self.assertEqual(wizard.verdict, "compatible", wizard.report)
        self.assertIn("== status of a request", wizard.report)
        self.simulator.admin.settings(profile="minimal")
        wizard = self.run_probe_as(
            self.manager_a, request_guid=registration.request_guid
        )
        self.assertEqual(wizard.verdict, "compatible, with fallbacks", wizard.report)
        self.assertIn("PROCESSED", wizard.report)

    def test_user_cannot_run_the_probe(self):
        with self.assertRaises(AccessError):
            self.env["carpass.probe.wizard"].with_user(self.user_a).create({})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(
                self.user_a
            ).action_carpass_probe()


@tagged("post_install", "-at_install")
class TestActivityImport(ReadinessCase):
    CSV_V1 = (
        "category_code,category_nl,category_fr,category_de,category_en,code,nl,fr,de,en\n"
        "ZZ_ENGINE,Motor,Moteur,Motor,Engine,ZZ_BELT,Riem,Courroie,Riemen,Timing belt\n"
        "ZZ_ENGINE,Motor,Moteur,Motor,Engine,ZZ_DPF,Roetfilter,FAP,DPF,Particulate filter\n"
        "ZZ_TYRES,Banden,Pneus,Reifen,Tyres,ZZ_TYRE,Band,Pneu,Reifen,Tyre\n"
    )

    def import_file(self, content, user=None, **values):
        Wizard = self.env["carpass.activity.import.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        wizard = Wizard.create(
            {
                "file": base64.b64encode(content),
                "filename": "activities.csv",
                **values,
            }
        )
        return wizard.action_import()

    def test_two_levels_import_and_reimport_keep_the_mappings(self):
        Activity = self.env["carpass.activity"].with_context(active_test=False)
        self.import_file(self.CSV_V1.encode(), user=self.manager_a)
        belt = Activity.search([("code", "=", "ZZ_BELT")])
        self.assertEqual(
            (belt.category_code, belt.category_name), ("ZZ_ENGINE", "Engine")
        )
        self.assertEqual(belt.with_context(lang="en_US").name, "Timing belt")
        category = self.env["product.category"].create({"name": "Belts"})
        mapping = self.env["carpass.activity.mapping"].create(
            {
                "company_id": self.company_a.id,
                "activity_id": belt.id,
                "applies_to": "category",
                "product_category_id": category.id,
            }
        )
        # Car-Pass renames the belt, moves the tyre and drops the particulate filter.
        version_2 = (
            self.CSV_V1.replace("Timing belt", "Timing belt replacement")
            .replace(
                "ZZ_TYRES,Banden,Pneus,Reifen,Tyres,ZZ_TYRE",
                "ZZ_ENGINE,Motor,Moteur,Motor,Engine,ZZ_TYRE",
            )
            .replace(
                "ZZ_ENGINE,Motor,Moteur,Motor,Engine,ZZ_DPF,Roetfilter,FAP,DPF,"
                "Particulate filter\n",
                "",
            )
        )
        result = self.import_file(version_2.encode(), user=self.manager_a)
        self.assertIn("archived", result["params"]["message"])
        self.assertEqual(mapping.activity_id, belt, "the mapping is kept")
        self.assertEqual(
            belt.with_context(lang="en_US").name, "Timing belt replacement"
        )
        self.assertEqual(
            Activity.search([("code", "=", "ZZ_TYRE")]).category_code, "ZZ_ENGINE"
        )
        self.assertFalse(Activity.search([("code", "=", "ZZ_DPF")]).active)

    def test_sample_list_and_refusals(self):
        self.env["carpass.activity.import.wizard"].create(
            {"use_sample": True}
        ).action_import()
        sample = self.env["carpass.activity"].search([("category_code", "!=", False)])
        self.assertEqual(len(set(sample.mapped("category_code"))), 7)
        with self.assertRaises(UserError) as caught:
            self.import_file(b"code;nl\nA;x\n")
        self.assertIn("category_code", str(caught.exception))
        with self.assertRaises(AccessError):
            self.import_file(self.CSV_V1.encode(), user=self.user_a)


@tagged("post_install", "-at_install")
class TestExchangeLog(ReadinessCase):
    def test_each_call_keeps_its_exchange_masked_for_managers(self):
        registration = self.make_registration()
        registration.action_send()
        attempt = registration.attempt_ids
        self.assertEqual(len(attempt), 1)
        self.assertEqual(
            (attempt.http_method, attempt.http_path, attempt.http_status),
            ("POST", "observation", 201),
        )
        self.assertIn('"licensePlate": "***"', attempt.request_body)
        self.assertIn('"odometerReading": 45123', attempt.request_body)
        self.assertNotIn(registration.vin, attempt.request_body)
        self.assertNotIn("demo-garage-a", attempt.request_body + attempt.answer_body)
        self.assertIn(registration.request_guid, attempt.answer_body)
        as_manager = attempt.with_user(self.manager_a)
        self.assertEqual(as_manager.http_status, 201)
        with self.assertRaises(AccessError):
            attempt.with_user(self.user_a).read(["answer_body"])
        self.assertEqual(
            attempt.with_user(self.user_a).read(["outcome"])[0]["outcome"], "done"
        )

    def test_bodies_are_purged_after_the_configured_days(self):
        registration = self.make_registration()
        registration.action_send()
        attempt = registration.attempt_ids
        self.env["ir.config_parameter"].sudo().set_param(
            "carpass_odoo.exchange_log_days", "3"
        )
        Attempt = self.env["carpass.registration.attempt"]
        self.assertEqual(Attempt._cron_purge_exchange_log(), 0, "too recent")
        self.env.cr.execute(
            "UPDATE carpass_registration_attempt SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=4), attempt.id],
        )
        attempt.invalidate_recordset()
        self.assertEqual(Attempt._cron_purge_exchange_log(), 1)
        self.assertFalse(attempt.request_body or attempt.answer_body)
        self.assertEqual(attempt.http_status, 201, "the call itself stays")
