# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tours: garage staff click through the addon in headless Chromium.

The tours live in carpass_odoo/static/tests/tours/. The records are made here, in the
test transaction that the HTTP server shares in Odoo 18, so nothing is committed.
"""

from datetime import timedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CarpassCase

REPAIR_URL = "/odoo/action-repair.action_repair_order_tree/%s"
OVERVIEW_URL = "/odoo/action-carpass_odoo.action_carpass_registration"
REGISTRATION_URL = OVERVIEW_URL + "/%s"
VEHICLE_URL = "/odoo/action-fleet.fleet_vehicle_action/%s"


@tagged("post_install", "-at_install")
class TestTours(HttpCase, CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A configured garage: work descriptions go with the readings.
        cls.give_default_activity(cls.company_a)

    def _anomaly(self, odometer, readings=()):
        """A registration Car-Pass flagged (ACTION_REQUIRED), as the overview shows it."""
        vehicle = self.make_vehicle(readings=readings)
        wizard = self.end_repair(self.make_repair(vehicle, odometer=odometer))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "anomaly", registration.error_message)
        return registration

    def test_end_repair_and_send(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=200), 40120)]
        )
        repair = self.make_repair(vehicle, odometer=45321)
        self.start_tour(
            REPAIR_URL % repair.id, "carpass_end_repair_send", login=self.user_a.login
        )
        self.assertEqual(repair.state, "done")
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "accepted", registration.error_message)
        stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
        self.assertEqual([obs["odometer"] for obs in stored], [45321])

    def test_end_repair_dont_send_now(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=200), 40120)]
        )
        repair = self.make_repair(vehicle, odometer=45321)
        self.start_tour(
            REPAIR_URL % repair.id,
            "carpass_end_repair_postpone",
            login=self.user_a.login,
        )
        self.assertEqual(repair.state, "done")
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "draft")
        self.assertEqual(
            registration.odometer, 45322, "the reading typed in the wizard"
        )
        self.assertTrue(registration.needs_attention)
        self.assertEqual(self.simulator_count(vehicle.vin_sn), 0, "nothing was sent")

    def test_overview_correct_and_resend(self):
        registration = self._anomaly(
            79500, readings=[(self.today() - timedelta(days=30), 80000)]
        )
        guid = registration.request_guid
        self.start_tour(
            OVERVIEW_URL, "carpass_overview_correct_resend", login=self.user_a.login
        )
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(registration.request_guid, guid, "corrected, not sent anew")
        self.assertEqual(registration.odometer, 81500)
        reading_calls = registration.attempt_ids.sorted("id").filtered(
            lambda attempt: attempt.operation != "description"
        )
        self.assertEqual(reading_calls.mapped("operation"), ["create", "correct"])
        stored = self.simulator.admin.observations(vin=registration.vin)
        self.assertEqual([obs["odometer"] for obs in stored], [81500])

    def test_overview_confirm_as_correct(self):
        registration = self._anomaly(50000)
        self.start_tour(
            OVERVIEW_URL,
            "carpass_overview_confirm_correct",
            login=self.manager_a.login,
        )
        self.assertEqual(registration.state, "confirmed", registration.error_message)
        self.assertEqual(
            registration.confirm_reason, "The odometer really shows 50000 km."
        )
        self.assertFalse(registration.needs_attention)
        self.assertIn("confirm", registration.attempt_ids.mapped("operation"))

    def test_back_to_draft_counted_at_once(self):
        # A form button that only reloads the form: the systray counter follows it
        # without waiting for its minute or for another screen to open.
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=45321))
        wizard.skip_reason = "foreign"
        wizard.action_skip()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "skipped")
        self.start_tour(
            REGISTRATION_URL % registration.id,
            "carpass_registration_back_to_draft",
            login=self.user_a.login,
        )
        self.assertEqual(registration.state, "draft")
        self.assertTrue(registration.needs_attention)

    def test_vehicle_history_opens_public_page(self):
        # The vehicle form needs Fleet's rights (vehicle states, tags, ...): without a
        # Fleet group a Car-Pass user gets an access error on fleet.vehicle.state there.
        fleet_mechanic = new_test_user(
            self.env,
            login="carpass_fleet_mechanic_a",
            groups="stock.group_stock_user,fleet.fleet_group_user",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=400), 30123)]
        )
        self.start_tour(
            VEHICLE_URL % vehicle.id,
            "carpass_vehicle_history",
            login=fleet_mechanic.login,
        )
        vehicle.invalidate_recordset()
        self.assertEqual(vehicle.carpass_history_state, "valid")
        self.assertEqual(vehicle.carpass_history_reading, 45123)
        self.assertTrue(vehicle.carpass_history_url.startswith(self.simulator.root_url))
        self.assertIn(vehicle.carpass_history_request_guid, vehicle.carpass_history_url)
        self.assertTrue(vehicle.carpass_history_attachment_id.raw.startswith(b"%PDF"))
        stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
        self.assertEqual(
            [obs["observation_type"] for obs in stored], ["VEHICLE_HISTORY_DOCUMENT"]
        )

    def test_garage_day_in_dutch(self):
        """The issue's day: set-up, an anomaly explained, the counter, dashboard, invoicing."""
        self.env["res.lang"]._activate_lang("nl_BE")
        self.env["ir.module.module"]._load_module_terms(
            ["carpass_odoo"], ["nl_BE"], overwrite=True
        )
        owner = new_test_user(
            self.env,
            login="carpass_owner_nl",
            groups="base.group_system,stock.group_stock_user,"
            "account.group_account_invoice,carpass_odoo.group_carpass_manager",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
            lang="nl_BE",
        )
        # A work description that failed: nothing described the work.
        default_activity = self.company_a.carpass_default_activity_id
        self.company_a.carpass_default_activity_id = False
        undescribed = self.make_registration(odometer=45123)
        undescribed.action_send()
        self.assertEqual(undescribed.state, "accepted", undescribed.error_message)
        self.assertEqual(undescribed.description_state, "error")
        self.company_a.carpass_default_activity_id = default_activity
        # A repair ended without reporting its reading.
        unreported = self.make_repair(
            self.make_vehicle(license_plate="TOUR-LATE"), odometer=61234
        )
        unreported.with_context(carpass_no_wizard=True).action_repair_end()
        self.assertEqual(unreported.carpass_registration_id.state, "draft")
        # Today's repair: a round reading, which Car-Pass flags.
        vehicle = self.make_vehicle(
            license_plate="TOUR-NL",
            readings=[(self.today() - timedelta(days=200), 40120)],
        )
        repair = self.make_repair(vehicle, odometer=50000)
        self.start_tour(
            REPAIR_URL % repair.id, "carpass_garage_day_nl", login=owner.login
        )
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "anomaly", registration.error_message)
        self.assertEqual(
            self.company_a.carpass_simulator_url,
            self.simulator.base_url,
            "the refused URL was never saved",
        )
