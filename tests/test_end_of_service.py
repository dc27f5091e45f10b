# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End of a repair: the Car-Pass wizard, its checks and what sending leaves behind."""

from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.carpass_odoo.carpass import checks

from .common import CarpassCase, set_workflow


@tagged("post_install", "-at_install")
class TestEndOfService(CarpassCase):
    def test_full_flow_repair_to_accepted_registration(self):
        self.give_default_activity(self.company_a)
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=200), 40120)]
        )
        repair = self.make_repair(vehicle, odometer=45321)
        wizard = self.end_repair(repair)
        self.assertEqual(
            repair.state, "done", "the repair ends before the wizard opens"
        )
        self.assertEqual(wizard.odometer, 45321, "reading prefilled from the repair")
        self.assertEqual(wizard.reading_date, self.today())
        self.assertEqual(wizard.vin, vehicle.vin_sn)
        self.assertFalse(wizard.has_blocking)
        wizard.action_send()
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "accepted")
        self.assertTrue(registration.request_guid)
        self.assertFalse(registration.needs_attention)
        stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0]["odometer"], 45321)
        # The reading, then its work description (newest first).
        self.assertEqual(
            registration.attempt_ids.mapped("operation"), ["description", "create"]
        )
        self.assertIn("Accepted", repair.message_ids[0].body)
        self.assertIn("Accepted", vehicle.message_ids[0].body)

    def test_reading_becomes_odometer_log(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=12345)
        wizard = self.end_repair(repair)
        wizard.odometer = 12346
        wizard.action_send()
        logs = self.env["fleet.vehicle.odometer"].search(
            [("vehicle_id", "=", vehicle.id)]
        )
        self.assertEqual(logs.mapped("value"), [12346.0])
        self.assertEqual(vehicle.odometer, 12346)

    def test_odometer_work_allows_lower_reading_and_log(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=90), 150000)]
        )
        repair = self.make_repair(vehicle, odometer=12)
        wizard = self.end_repair(repair)
        codes = {f.code for f in wizard._findings()}
        self.assertIn(checks.READING_LOWER, codes)
        wizard.odometer_work = True
        codes = {
            f.code for f in wizard._findings() if f.severity != checks.Severity.INFO
        }
        self.assertNotIn(checks.READING_LOWER, codes)
        wizard.action_send()
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "accepted")
        self.assertTrue(registration.odometer_log_id.carpass_odometer_work)
        self.assertEqual(registration.odometer_log_id.value, 12)
        self.assertTrue(
            self.simulator.admin.observations(vin=vehicle.vin_sn)[0].get("odometerWork")
            or self.simulator.admin.observations(vin=vehicle.vin_sn)[0].get(
                "odometer_work"
            )
        )

    def test_lower_reading_without_odometer_work_warns_but_sends(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=30), 80000)]
        )
        wizard = self.end_repair(self.make_repair(vehicle, odometer=79500))
        self.assertFalse(wizard.has_blocking)
        self.assertIn("lower than the previous", wizard.findings_html)
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "anomaly", "Car-Pass flags it in turn")
        self.assertTrue(registration.needs_attention)
        self.assertTrue(
            registration.issue_ids.filtered(lambda i: i.source == "carpass")
        )

    def test_future_date_is_refused(self):
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=1000))
        wizard.reading_date = self.today() + timedelta(days=1)
        self.assertTrue(wizard.has_blocking)
        with self.assertRaises(UserError):
            wizard.action_send()
        self.assertEqual(self.simulator_count(wizard.vin), 0)
        set_workflow(wizard.registration_id, state="error")
        with self.assertRaises(ValidationError):
            wizard.registration_id.write(
                {"reading_date": self.today() + timedelta(days=2)}
            )

    def test_past_date_is_shown_late_and_still_sendable(self):
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=23456))
        wizard.reading_date = self.today() - timedelta(days=6)
        self.assertTrue(wizard.is_late)
        self.assertFalse(wizard.has_blocking)
        wizard.reading_date = self.today() - timedelta(days=5)
        self.assertFalse(wizard.is_late, "5 days ago is not late yet")
        wizard.reading_date = self.today() - timedelta(days=6)
        wizard.action_send()
        self.assertIn(
            wizard.registration_id.state,
            ("accepted", "anomaly"),
            wizard.registration_id.error_message,
        )
        self.assertEqual(self.simulator_count(wizard.vin), 1)

    def test_short_vin_warns_and_is_sendable(self):
        vehicle = self.make_vehicle(vin="118123456")
        wizard = self.end_repair(self.make_repair(vehicle, odometer=87654))
        self.assertTrue(wizard.vin_short)
        self.assertFalse(wizard.has_blocking)
        self.assertIn("text-bg-warning", wizard.findings_html)
        wizard.action_send()
        self.assertEqual(self.simulator_count("118123456"), 1)

    def test_missing_vin_is_written_on_the_vehicle(self):
        vehicle = self.make_vehicle(vin=False)
        wizard = self.end_repair(self.make_repair(vehicle, odometer=5000))
        self.assertTrue(wizard.has_blocking, "no VIN: nothing to report")
        new_vin = "wf0nxxgchnka99999"
        wizard.vin = new_vin
        wizard.action_send()
        self.assertEqual(vehicle.vin_sn, new_vin.upper())
        self.assertEqual(wizard.registration_id.vin, new_vin.upper())

    def test_another_vehicle_s_vin_warns_in_the_wizard_and_under_the_lock(self):
        """Another car's VIN typed is said, not silently sent."""
        focus = self.make_vehicle(license_plate="1-FOC-001")
        beetle = self.make_vehicle(license_plate="1-BEE-001")
        earlier = self.make_registration(vehicle=beetle, odometer=40000)
        set_workflow(earlier, state="accepted", last_sent_vin=beetle.vin_sn)
        wizard = self.end_repair(self.make_repair(beetle, odometer=45123))
        self.assertNotIn(
            checks.VIN_OF_OTHER_VEHICLE, {f.code for f in wizard._findings()}
        )
        wizard.vin = focus.vin_sn
        codes = {f.code for f in wizard._findings()}
        self.assertEqual(
            codes
            & {
                checks.VIN_DIFFERS_FROM_VEHICLE,
                checks.VIN_DIFFERS_FROM_REPORTED,
                checks.VIN_OF_OTHER_VEHICLE,
            },
            {
                checks.VIN_DIFFERS_FROM_VEHICLE,
                checks.VIN_DIFFERS_FROM_REPORTED,
                checks.VIN_OF_OTHER_VEHICLE,
            },
        )
        self.assertIn("1-FOC-001", wizard.findings_html)
        self.assertFalse(wizard.has_blocking, "a warning: the user may still send")
        wizard.action_send()
        registration = wizard.registration_id
        local = registration.issue_ids.filtered(lambda issue: issue.source == "local")
        self.assertIn(checks.VIN_OF_OTHER_VEHICLE, local.mapped("code"))
        self.assertEqual(beetle.vin_sn, earlier.vin, "Fleet's VIN is not replaced")

    def test_a_reading_before_the_first_registration_warns(self):
        vehicle = self.make_vehicle(
            carpass_first_use_date=self.today() - timedelta(days=1)
        )
        repair = self.make_repair(vehicle, odometer=12)
        wizard = self.end_repair(repair)
        self.assertNotIn(
            checks.DATE_BEFORE_FIRST_USE, {f.code for f in wizard._findings()}
        )
        wizard.reading_date = self.today() - timedelta(days=2)
        self.assertIn(
            checks.DATE_BEFORE_FIRST_USE, {f.code for f in wizard._findings()}
        )
        self.assertFalse(wizard.has_blocking)

    def test_reading_not_positive_is_blocking(self):
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=0))
        self.assertTrue(wizard.has_blocking)
        with self.assertRaises(UserError):
            wizard.action_send()
        wizard.odometer = -5
        with self.assertRaises(UserError):
            wizard.action_postpone()

    def test_too_many_km_per_day_warns(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=2), 10000)]
        )
        wizard = self.end_repair(self.make_repair(vehicle, odometer=12500))
        codes = {f.code for f in wizard._findings()}
        self.assertIn(checks.TOO_MANY_KM_PER_DAY, codes)
        self.assertFalse(wizard.has_blocking)

    def steadily_driven_vehicle(self, previous, km_per_day, days_ago):
        """Six readings 120 days apart at km_per_day, the newest `days_ago`."""
        today = self.today()
        return self.make_vehicle(
            readings=[
                (
                    today - timedelta(days=days_ago + 120 * n),
                    previous - km_per_day * 120 * n,
                )
                for n in range(6)
            ]
        )

    def test_one_wrong_key_gets_no_wrong_suggestion(self):
        # 76,751 meant, 75,751 typed the day after 76,718: 77,551 (a swap) fits as
        # well as the intended reading, so the window proposes neither.
        vehicle = self.steadily_driven_vehicle(76_718, 40, 1)
        wizard = self.end_repair(self.make_repair(vehicle, odometer=75_751))
        codes = {f.code for f in wizard._findings()}
        self.assertIn(checks.READING_LOWER, codes)
        self.assertFalse(wizard.suggestion)
        self.assertNotIn("77551", wizard.findings_html)

    def test_a_clear_slip_is_suggested_and_used(self):
        # 397,123 meant, a 6 typed for the 3: nothing else fits the trend.
        vehicle = self.steadily_driven_vehicle(395_000, 100, 20)
        wizard = self.end_repair(self.make_repair(vehicle, odometer=697_123))
        codes = {f.code for f in wizard._findings()}
        self.assertIn(checks.LIKELY_SUBSTITUTED_DIGIT, codes)
        self.assertEqual(wizard.suggestion, 397_123)
        wizard.action_use_suggestion()
        self.assertEqual(wizard.odometer, 397_123)
        self.assertEqual(wizard._findings(), [], wizard.findings_html)

    def test_duplicate_today_warns(self):
        vehicle = self.make_vehicle(readings=[(self.today(), 33333)])
        wizard = self.end_repair(self.make_repair(vehicle, odometer=33333))
        codes = {f.code for f in wizard._findings()}
        self.assertIn(checks.DUPLICATE_TODAY, codes)

    def test_dont_send_now_keeps_registration_waiting(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=4321)
        wizard = self.end_repair(repair)
        wizard.odometer = 4322
        wizard.action_postpone()
        registration = repair.carpass_registration_id
        self.assertEqual(repair.state, "done")
        self.assertEqual(registration.state, "draft")
        self.assertEqual(registration.odometer, 4322)
        self.assertTrue(registration.needs_attention)
        self.assertEqual(self.simulator_count(vehicle.vin_sn), 0)
        self.assertIn(
            registration,
            self.env["carpass.registration"].search([("needs_attention", "=", True)]),
        )
        # Later, from the overview: the envelope sends it.
        registration.action_send()
        self.assertEqual(registration.state, "accepted")

    def test_skip_with_reason(self):
        repair = self.make_repair(self.make_vehicle(), odometer=999)
        wizard = self.end_repair(repair)
        with self.assertRaises(UserError):
            wizard.action_skip()
        wizard.skip_reason = "foreign"
        wizard.action_skip()
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "skipped")
        self.assertEqual(registration.skip_reason, "foreign")
        self.assertFalse(registration.needs_attention)
        self.assertEqual(repair.state, "done")

    def test_every_way_to_done_leaves_a_registration(self):
        repair = self.make_repair(self.make_vehicle(), odometer=7777)
        repair.action_repair_done()
        self.assertEqual(repair.carpass_registration_id.state, "draft")
        self.assertEqual(repair.carpass_registration_id.odometer, 7777)

    def test_vehicle_not_reported_opens_no_wizard(self):
        vehicle = self.make_vehicle(carpass_required=False)
        repair = self.make_repair(vehicle, odometer=1)
        result = repair.action_repair_end()
        self.assertNotIsInstance(result, dict)
        self.assertFalse(repair.carpass_registration_ids)

    def test_network_failure_keeps_registration_unsent_with_error(self):
        self.simulator.admin.queue_faults(["500"])
        vehicle = self.make_vehicle()
        wizard = self.end_repair(self.make_repair(vehicle, odometer=6123))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "error")
        self.assertTrue(registration.retryable)
        self.assertTrue(registration.error_message)
        self.assertTrue(registration.next_retry_at)
        self.assertEqual(self.simulator_count(vehicle.vin_sn), 0)
        self.assertEqual(registration.odometer, 6123, "nothing typed is lost")
        registration.action_send()
        self.assertEqual(registration.state, "accepted")

    def test_unreachable_car_pass(self):
        self.company_a.carpass_simulator_url = "http://127.0.0.1:9/api"
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=6100))
        wizard.action_send()
        self.assertEqual(wizard.registration_id.state, "error")
        self.assertIn("cannot be reached", wizard.registration_id.error_message)

    def test_unknown_vehicle_waits_for_div_then_cron_settles_it(self):
        vin = "WVWZZZ1KZ9W" + "123456"[:6]
        vin = vin[:17]
        self.simulator.admin.add_vehicle(vin, pending_div=True)
        vehicle = self.make_vehicle(vin=vin)
        wizard = self.end_repair(self.make_repair(vehicle, odometer=15))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "waiting")
        self.env["carpass.registration"]._cron_carpass_refresh_status()
        self.assertEqual(registration.state, "waiting")
        self.simulator.admin.register_vehicle(vin)
        self.env["carpass.registration"]._cron_carpass_refresh_status()
        self.assertEqual(registration.state, "accepted")

    def test_ongoing_is_followed_by_cron(self):
        self.simulator.admin.settings(processing_polls=1)
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=31234))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "ongoing")
        for _attempt in range(3):
            self.env["carpass.registration"]._cron_carpass_refresh_status()
            if registration.state != "ongoing":
                break
        self.assertEqual(registration.state, "accepted")

    def test_mechanic_fills_reading_on_the_repair_form(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle)
        with Form(repair.with_user(self.user_a)) as form:
            form.carpass_odometer = 20202
            form.carpass_odometer_work = True
        self.assertEqual(repair.carpass_odometer, 20202)
        self.assertEqual(repair.carpass_vin, vehicle.vin_sn)

    def test_mechanic_without_email_sends_is_refused_and_skips(self):
        """The outcome notes are log notes: no sender address is needed, so a
        mechanic whose user has no e-mail address sends, gets a refusal recorded
        and skips like anyone else (a missing address must never undo an answer
        Car-Pass has given)."""
        mechanic = new_test_user(
            self.env,
            login="carpass_mechanic_no_email",
            groups="stock.group_stock_user,carpass_odoo.group_carpass_user",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        mechanic.partner_id.email = False
        self.assertFalse(mechanic.email)

        def end_as_mechanic(repair):
            action = repair.with_user(mechanic).action_repair_end()
            return (
                self.env["carpass.registration.wizard"]
                .with_user(mechanic)
                .browse(action["res_id"])
            )

        accepted = self.make_repair(self.make_vehicle(), odometer=64321)
        end_as_mechanic(accepted).action_send()
        registration = accepted.carpass_registration_id
        self.assertEqual(registration.state, "accepted")
        self.assertTrue(registration.request_guid)
        self.assertEqual(registration.message_ids[:1].author_id, mechanic.partner_id)

        refused = self.make_repair(self.make_vehicle(), odometer=64322)
        self.simulator.admin.queue_answers(
            [
                {
                    "status": 422,
                    "body": {
                        "status": 422,
                        "code": "VALIDATION_FAILED",
                        "message": "The observation is not valid.",
                        "errors": [
                            {
                                "field": "licensePlate",
                                "message": "The license plate does not match.",
                            }
                        ],
                    },
                }
            ]
        )
        end_as_mechanic(refused).action_send()
        registration = refused.carpass_registration_id
        self.assertIn(registration.state, ("rejected", "error"))
        self.assertTrue(registration.needs_attention)
        self.assertIn("refused", registration.message_ids[:1].body)

        skipped = self.make_repair(self.make_vehicle(), odometer=64323)
        wizard = end_as_mechanic(skipped)
        wizard.skip_reason = "foreign"
        wizard.action_skip()
        self.assertEqual(skipped.carpass_registration_id.state, "skipped")

    def test_mechanic_runs_the_whole_flow(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=64000 + 321)
        repair_as_user = repair.with_user(self.user_a)
        action = repair_as_user.action_repair_end()
        wizard = (
            self.env["carpass.registration.wizard"]
            .with_user(self.user_a)
            .browse(action["res_id"])
        )
        wizard.action_send()
        self.assertEqual(repair.carpass_registration_id.state, "accepted")
