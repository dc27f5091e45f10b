# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Corrections, confirmations and manual corrections from the overview."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CarpassCase

CONFIRM_ROUTE = "POST /api/observation/{guid}/confirm"


@tagged("post_install", "-at_install")
class TestCorrections(CarpassCase):
    def setUp(self):
        super().setUp()
        self.Registration = self.env["carpass.registration"]

    def make_anomaly(self, odometer=45000, **values):
        """Sent and flagged by Car-Pass (a multiple of 1000 is a rounded reading)."""
        registration = self.make_registration(odometer=odometer, **values)
        registration.action_send()
        self.assertEqual(registration.state, "anomaly", registration.error_message)
        return registration

    def manual_correction_wizard(self, registration, reason):
        """A manager's request to correct the reading to 50321 today."""
        return (
            self.env["carpass.manual.correction.wizard"]
            .with_user(self.manager_a)
            .create(
                {
                    "registration_id": registration.id,
                    "odometer": 50321,
                    "reading_date": self.today(),
                    "reason": reason,
                }
            )
        )

    def make_lower_anomaly(self):
        """Flagged as lower than the previous reading: Car-Pass refuses a confirm."""
        registration = self.make_registration(
            odometer=30123, readings=[(self.today() - timedelta(days=40), 50000)]
        )
        registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        return registration

    def stored(self, registration):
        (row,) = self.simulator.admin.observations(vin=registration.vin)
        return row

    @staticmethod
    def lines(action):
        return action["params"]["message"].split("\n")

    # ------------------------------------------------------------------
    # Pencil + envelope: a correction at Car-Pass

    def test_edit_with_pencil_then_resend_is_a_correction(self):
        registration = self.make_anomaly()
        guid = registration.request_guid
        action = registration.with_user(self.user_a).action_edit_in_wizard()
        self.assertEqual(action["res_model"], "carpass.registration.wizard")
        wizard = self.env["carpass.registration.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.odometer, 45000)
        with Form(wizard.with_user(self.user_a)) as form:
            form.odometer = 45231
        result = wizard.with_user(self.user_a).action_send()
        self.assertEqual(result["params"]["type"], "success", result)
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.request_guid, guid, "same request at Car-Pass")
        self.assertEqual(
            registration.attempt_ids.sorted("id").mapped("operation"),
            ["create", "correct"],
        )
        stored = self.stored(registration)
        self.assertEqual((stored["odometer"], stored["status"]), (45231, "DONE"))
        self.assertEqual(registration.last_sent_odometer, 45231)
        self.assertEqual(registration.failed_correction_count, 0)

    def test_bulk_resend_reports_each_registration(self):
        edited = self.make_anomaly(odometer=46000)
        unchanged = self.make_anomaly(odometer=47000)
        draft = self.make_registration(odometer=48123)
        accepted = self.make_registration(odometer=49123)
        accepted.action_send()
        edited.odometer = 46123
        records = edited | unchanged | draft | accepted
        action = records.with_user(self.user_a).action_send()
        lines = self.lines(action)
        self.assertEqual(len(lines), 4, lines)
        self.assertTrue(lines[0].startswith(f"✔ {edited.display_name}"), lines)
        self.assertTrue(lines[1].startswith(f"✘ {unchanged.display_name}"), lines)
        self.assertIn("nothing changed", lines[1])
        self.assertTrue(lines[2].startswith(f"✔ {draft.display_name}"), lines)
        # Nothing to do is information, not a failure.
        self.assertTrue(lines[3].startswith(f"ℹ {accepted.display_name}"), lines)
        self.assertIn("nothing to send", lines[3])
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(
            (edited.state, unchanged.state, draft.state, accepted.state),
            ("accepted", "anomaly", "accepted", "accepted"),
        )
        self.assertEqual(
            unchanged.attempt_ids.mapped("operation"),
            ["create"],
            "an unchanged resend is not sent",
        )

    # ------------------------------------------------------------------
    # Green check: confirm as correct

    def test_only_managers_may_confirm(self):
        registration = self.make_anomaly()
        as_user = registration.with_user(self.user_a)
        with self.assertRaises(AccessError):
            as_user.action_open_confirm_wizard()
        with self.assertRaises(AccessError):
            self.env["carpass.confirm.wizard"].with_user(self.user_a).create(
                {"registration_ids": [(6, 0, registration.ids)], "reason": "round"}
            )
        with self.assertRaises(AccessError):
            as_user._carpass_confirm("it really is round")
        self.assertEqual(registration.state, "anomaly")
        self.assertEqual(self.stored(registration)["status"], "ACTION_REQUIRED")

    def test_green_check_only_where_car_pass_allows_a_confirmation(self):
        rounded = self.make_anomaly()
        lower = self.make_lower_anomaly()
        self.assertTrue(rounded.can_confirm, "a rounded reading may be confirmed")
        self.assertFalse(lower.can_confirm, "a lower reading can only be corrected")
        with self.assertRaises(UserError):
            lower.with_user(self.manager_a).action_open_confirm_wizard()

    def test_confirm_requires_a_reason(self):
        registration = self.make_anomaly()
        confirms = self.simulator.admin.stats()["requests"].get(CONFIRM_ROUTE, 0)
        action = registration.with_user(self.manager_a).action_open_confirm_wizard()
        self.assertEqual(action["res_model"], "carpass.confirm.wizard")
        self.assertEqual(action["target"], "new", "a confirmation step first")
        wizard = (
            self.env["carpass.confirm.wizard"]
            .with_user(self.manager_a)
            .with_context(**action["context"])
            .create({"reason": "   "})
        )
        self.assertEqual(wizard.registration_ids, registration)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(
            self.simulator.admin.stats()["requests"].get(CONFIRM_ROUTE, 0), confirms
        )
        self.assertEqual(registration.state, "anomaly")

    def test_manager_confirms_one(self):
        self.give_default_activity(self.company_a)
        registration = self.make_anomaly()
        action = registration.with_user(self.manager_a).action_open_confirm_wizard()
        with Form(
            self.env["carpass.confirm.wizard"]
            .with_user(self.manager_a)
            .with_context(**action["context"])
        ) as form:
            form.reason = "The car really shows 45000 km."
        result = form.record.action_confirm()
        self.assertEqual(result["params"]["type"], "success", result)
        self.assertEqual(registration.state, "confirmed")
        self.assertEqual(registration.confirm_reason, "The car really shows 45000 km.")
        self.assertFalse(registration.needs_attention)
        self.assertTrue(all(registration.issue_ids.mapped("resolved")))
        self.assertEqual(self.stored(registration)["status"], "DONE")
        self.assertIn("Confirmed as correct", registration.message_ids[0].body)

    def test_bulk_confirm_reports_each_registration(self):
        rounded = self.make_anomaly(odometer=52000)
        lower = self.make_lower_anomaly()
        accepted = self.make_registration(odometer=53123)
        accepted.action_send()
        records = (rounded | lower | accepted).with_user(self.manager_a)
        action = records.action_open_confirm_wizard()
        wizard = (
            self.env["carpass.confirm.wizard"]
            .with_user(self.manager_a)
            .with_context(**action["context"])
            .create({"reason": "Checked on the dashboard"})
        )
        result = wizard.action_confirm()
        lines = self.lines(result)
        self.assertEqual(len(lines), 3, lines)
        self.assertTrue(lines[0].startswith(f"✔ {rounded.display_name}"), lines)
        self.assertTrue(lines[1].startswith(f"✘ {lower.display_name}"), lines)
        self.assertIn("does not allow confirming", lines[1])
        self.assertTrue(lines[2].startswith(f"ℹ {accepted.display_name}"), lines)
        self.assertIn("nothing to confirm", lines[2])
        self.assertEqual(rounded.state, "confirmed")
        self.assertEqual(lower.state, "anomaly", "Car-Pass does not allow it")
        self.assertEqual(self.stored(lower)["status"], "ACTION_REQUIRED", "never asked")
        self.assertEqual(accepted.state, "accepted")

    def test_confirm_wizard_refuses_a_selection_without_anomaly(self):
        draft = self.make_registration()
        with self.assertRaises(UserError):
            draft.with_user(self.manager_a).action_open_confirm_wizard()

    # ------------------------------------------------------------------
    # Manual correction through the API

    def test_manual_correction_with_reason(self):
        registration = self.make_lower_anomaly()
        with self.assertRaises(AccessError):
            registration.with_user(self.user_a).action_open_manual_correction_wizard()
        action = registration.with_user(
            self.manager_a
        ).action_open_manual_correction_wizard()
        with Form(
            self.env["carpass.manual.correction.wizard"]
            .with_user(self.manager_a)
            .with_context(**action["context"])
        ) as form:
            form.odometer = 50321
            form.reason = "The mechanic swapped two digits."
        result = form.record.action_request()
        # Asked, and Car-Pass reviews it: nothing more to do now.
        self.assertEqual(result["params"]["type"], "info", result)
        self.assertEqual(registration.state, "ongoing", "Car-Pass reviews it")
        self.assertEqual(
            registration.correction_reason, "The mechanic swapped two digits."
        )
        stored = self.stored(registration)
        self.assertEqual(stored["status"], "REVIEWING")
        self.assertIn("swapped two digits", str(stored))
        # Car-Pass accepts it at the next status poll.
        self.Registration._cron_carpass_refresh_status()
        self.Registration._cron_carpass_refresh_status()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.odometer, 50321, "Car-Pass holds the correction")
        self.assertEqual(registration.odometer_log_id.value, 50321)

    def test_manual_correction_needs_a_reason(self):
        registration = self.make_lower_anomaly()
        wizard = self.manual_correction_wizard(registration, reason="  ")
        with self.assertRaises(UserError):
            wizard.action_request()
        self.assertEqual(self.stored(registration)["status"], "ACTION_REQUIRED")

    # ------------------------------------------------------------------
    # Repeated failed corrections: the correction form

    def test_correction_form_offered_after_threshold(self):
        self.assertEqual(self.company_a.carpass_correction_threshold, 2, "default")
        registration = self.make_anomaly(odometer=61000)
        self.assertFalse(registration.correction_form_suggested)
        registration.odometer = 62000
        action = registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        self.assertEqual(registration.failed_correction_count, 1)
        self.assertFalse(registration.correction_form_suggested)
        self.assertNotIn("correction form", action["params"]["message"])
        registration.odometer = 63000
        action = registration.action_send()
        self.assertEqual(registration.failed_correction_count, 2)
        self.assertTrue(registration.correction_form_suggested)
        self.assertIn("print the correction form", action["params"]["message"])
        # A careful garage fixes it: once accepted, the form is no longer offered.
        registration.odometer = 63123
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        self.assertFalse(registration.correction_form_suggested)

    def test_threshold_is_per_company(self):
        self.company_b.carpass_correction_threshold = 3
        registration_a = self.make_anomaly(odometer=71000)
        registration_b = self.make_anomaly(odometer=71000, company=self.company_b)
        for registration in registration_a | registration_b:
            for odometer in (72000, 73000):
                registration.odometer = odometer
                registration.action_send()
            self.assertEqual(registration.failed_correction_count, 2)
        self.assertTrue(registration_a.correction_form_suggested)
        self.assertFalse(registration_b.correction_form_suggested)
        registration_b.odometer = 74000
        registration_b.action_send()
        self.assertTrue(registration_b.correction_form_suggested)

    def test_refused_manual_correction_offers_the_form(self):
        self.simulator.admin.settings(review_outcome="rejected")
        registration = self.make_lower_anomaly()
        wizard = self.manual_correction_wizard(registration, reason="Digits swapped")
        wizard.action_request()
        self.Registration._cron_carpass_refresh_status()
        self.Registration._cron_carpass_refresh_status()
        self.assertEqual(registration.state, "rejected")
        self.assertTrue(registration.correction_form_suggested)
        self.assertTrue(registration.needs_attention)
