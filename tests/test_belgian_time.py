# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass's day is the Belgian day: the flows at instants where UTC says otherwise.

Each test freezes both clocks on one instant: Odoo's with freezegun (it patches
``datetime.now``, which carpass/clock.py reads) and the simulator's with its
``clock`` setting. At every instant below, the UTC date is the day before the
Belgian one, so a "today" taken from UTC (or from a user in UTC) shows up as a
refused "date in the future" or a wrong date.
"""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.carpass_odoo.carpass import checks
from odoo.addons.carpass_odoo.carpass.clock import belgian_today
from odoo.addons.carpass_odoo.models.carpass_messages import format_day, format_moment

from .common import CarpassCase

# (instant in UTC, the Belgian date at that instant): 00:30 in Brussels each time.
INSTANTS = {
    "winter night": ("2026-12-01T23:30:00+00:00", date(2026, 12, 2)),
    "summer night": ("2026-07-15T22:30:00+00:00", date(2026, 7, 16)),
    # Last Sunday of March 2026: CET until 02:00, then CEST.
    "spring DST day": ("2026-03-28T23:30:00+00:00", date(2026, 3, 29)),
    "after spring DST day": ("2026-03-29T22:30:00+00:00", date(2026, 3, 30)),
    # Last Sunday of October 2026: CEST until 03:00, then CET.
    "autumn DST day": ("2026-10-24T22:30:00+00:00", date(2026, 10, 25)),
    "after autumn DST day": ("2026-10-25T23:30:00+00:00", date(2026, 10, 26)),
    "new year": ("2026-12-31T23:30:00+00:00", date(2027, 1, 1)),
    "leap day": ("2028-02-28T23:30:00+00:00", date(2028, 2, 29)),
}


@tagged("post_install", "-at_install")
class TestBelgianTime(CarpassCase):
    def at(self, instant):
        """Freeze Odoo's clock and the simulator's on ``instant`` for the test.

        The clock ticks from the instant on (tick=True): timeouts and retry delays
        keep working, and a test takes seconds, far from the next midnight.
        """
        freezer = freeze_time(datetime.fromisoformat(instant), tick=True)
        freezer.start()
        self.addCleanup(freezer.stop)
        self.simulator.admin.settings(clock=instant)

    def test_the_belgian_date_at_each_instant(self):
        for name, (instant, belgian) in INSTANTS.items():
            with self.subTest(name), freeze_time(datetime.fromisoformat(instant)):
                self.assertEqual(belgian_today(), belgian)
                self.assertEqual(self.today(), belgian)
                self.assertEqual(
                    datetime.fromisoformat(instant).date() + timedelta(days=1),
                    belgian,
                    "UTC is still on the day before",
                )

    def test_end_of_service_sends_the_belgian_date(self):
        for name, (instant, belgian) in INSTANTS.items():
            with self.subTest(name):
                self.at(instant)
                vehicle = self.make_vehicle(
                    readings=[(belgian - timedelta(days=200), 40120)]
                )
                repair = self.make_repair(vehicle, odometer=45321)
                wizard = self.end_repair(repair)
                self.assertEqual(wizard.reading_date, belgian)
                self.assertFalse(wizard.has_blocking, wizard.findings_html)
                wizard.action_send()
                registration = repair.carpass_registration_id
                self.assertEqual(registration.state, "accepted", registration.issue_ids)
                self.assertEqual(registration.reading_date, belgian)
                stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
                self.assertEqual(
                    [row["reading_date"] for row in stored], [belgian.isoformat()]
                )

    def test_registration_created_outside_the_wizard_is_dated_today(self):
        # Closing a repair or demo data create registrations without the wizard:
        # their default date is the Belgian date, not the UTC one.
        for name, (instant, belgian) in INSTANTS.items():
            with self.subTest(name):
                self.at(instant)
                vehicle = self.make_vehicle()
                registration = self.env["carpass.registration"].create(
                    {
                        "company_id": self.company_a.id,
                        "vehicle_id": vehicle.id,
                        "vin": vehicle.vin_sn,
                        "odometer": 12345,
                    }
                )
                self.assertEqual(registration.reading_date, belgian)
                codes = {finding.code for finding in registration._carpass_findings()}
                self.assertNotIn(checks.DATE_IN_FUTURE, codes)

    def test_checks_count_days_from_the_belgian_date(self):
        for name, (instant, belgian) in INSTANTS.items():
            with self.subTest(name):
                self.at(instant)
                vehicle = self.make_vehicle()
                wizard = self.end_repair(self.make_repair(vehicle, odometer=45321))
                wizard.reading_date = belgian + timedelta(days=1)
                self.assertTrue(wizard.has_blocking, "tomorrow is in the future")
                wizard.reading_date = belgian - timedelta(days=checks.MAX_DAYS_LATE)
                self.assertFalse(wizard.is_late, "five days late is on time")
                wizard.reading_date = belgian - timedelta(days=checks.MAX_DAYS_LATE + 1)
                self.assertTrue(wizard.is_late)
                self.assertIn(
                    format_day(self.env, belgian - timedelta(days=6)),
                    wizard.findings_html,
                )

    def test_history_request_is_valid_from_the_belgian_date(self):
        for name, (instant, belgian) in INSTANTS.items():
            with self.subTest(name):
                self.at(instant)
                vehicle = self.make_vehicle(
                    readings=[(belgian - timedelta(days=400), 30123)]
                )
                action = vehicle.action_carpass_history()
                form = Form(
                    self.env[action["res_model"]].with_context(**action["context"])
                )
                self.assertEqual(form.reading_date, belgian)
                form.odometer = 45123
                form.save().action_request()
                self.assertEqual(vehicle.carpass_history_date, belgian)
                self.assertGreater(vehicle.carpass_history_valid_until, belgian)
                self.assertFalse(vehicle.carpass_history_state == "expired")
                stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
                self.assertEqual(stored[0]["reading_date"], belgian.isoformat())

    def test_maintenance_says_when_to_try_again_in_belgian_time(self):
        """A maintenance on a Tuesday: no Thursday window, Car-Pass's Retry-After."""
        self.env["res.lang"]._activate_lang("nl_BE")
        # Tuesday 1 December 2026, 14:00 UTC = 15:00 in Brussels; back at 16:30.
        self.at("2026-12-01T14:00:00+00:00")
        self.simulator.admin.settings(maintenance=True, maintenance_retry_after=5400)
        self.addCleanup(self.simulator.admin.settings, maintenance=False)
        back = datetime(2026, 12, 1, 15, 30)
        messages = {}
        with self.assertRaises(UserError) as caught:
            self.company_a.action_carpass_test_connection()
        messages["test connection"] = str(caught.exception)
        registration = self.make_registration(odometer=45321)
        registration.action_send()
        messages["send"] = registration.error_message
        vehicle = self.make_vehicle()
        wizard = self.env["carpass.history.wizard"].create(
            {"vehicle_id": vehicle.id, "odometer": 12345}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_request()
        messages["history"] = str(caught.exception)
        for name, message in messages.items():
            with self.subTest(name):
                self.assertIn("in maintenance", message)
                self.assertNotIn("Thursday", message)
                self.assertIn(format_moment(self.env, back), message)
                self.assertIn("Belgian time", message)
        dutch = self.env(context=dict(self.env.context, lang="nl_BE"))
        self.assertIn("16:30", format_moment(dutch, back), "24-hour, Brussels")
