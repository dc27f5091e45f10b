# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Vehicles whose odometer counts miles: the mechanic types miles, Fleet logs miles,
Car-Pass receives kilometres."""

import re
from datetime import timedelta

from odoo.tests import Form, tagged

from odoo.addons.carpass_odoo.carpass import checks, units

from .common import CarpassCase

REPAIR_REPORT = "repair.action_report_repair_order"
CORRECTION_FORM = "carpass_odoo.action_report_carpass_correction_form"


@tagged("post_install", "-at_install")
class TestMiles(CarpassCase):
    def make_miles_vehicle(self, readings=()):
        """A UK import: Fleet logs `readings` in miles, Car-Pass knows them in km."""
        vehicle = self.make_vehicle(odometer_unit="miles")
        for reading_date, miles in readings:
            self.env["fleet.vehicle.odometer"].create(
                {"vehicle_id": vehicle.id, "date": reading_date, "value": miles}
            )
        if readings:
            self.simulator.admin.add_vehicle(
                vehicle.vin_sn,
                readings=[
                    (day, units.to_km(miles, units.MILES)) for day, miles in readings
                ],
            )
        return vehicle

    def make_steadily_driven_miles_vehicle(self):
        """Three visits 100 days apart, 4,000 miles each: 58,000 mi 100 days ago."""
        today = self.today()
        return self.make_miles_vehicle(
            readings=[
                (today - timedelta(days=300), 50_000),
                (today - timedelta(days=200), 54_000),
                (today - timedelta(days=100), 58_000),
            ]
        )

    def fleet_values(self, vehicle):
        return (
            self.env["fleet.vehicle.odometer"]
            .search([("vehicle_id", "=", vehicle.id)], order="date, id")
            .mapped("value")
        )

    @staticmethod
    def html_text(html):
        return " ".join(re.sub(r"<[^>]+>", " ", str(html)).split())

    @staticmethod
    def text(html):
        return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())

    def sent_km(self, vehicle):
        return sorted(
            row["odometer"]
            for row in self.simulator.admin.observations(vin=vehicle.vin_sn)
        )

    def test_dashboard_miles_are_sent_as_km_and_logged_as_miles(self):
        vehicle = self.make_miles_vehicle()
        repair = self.make_repair(vehicle, odometer=10_000)
        self.assertEqual(repair.carpass_odometer_unit, "miles")
        self.assertEqual(repair.carpass_odometer_km, 16_093)
        wizard = self.end_repair(repair)
        self.assertEqual(wizard.odometer_unit, "miles")
        self.assertEqual(wizard.odometer, 10_000, "the mechanic sees the dashboard")
        self.assertEqual(wizard.odometer_km, 16_093, "10,000 mi = 16,093.44 km")
        self.assertFalse(wizard.has_blocking)
        result = wizard.action_send()
        self.assertEqual(result["params"]["type"], "success", result)
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(self.sent_km(vehicle), [16_093])
        self.assertEqual(registration.odometer, 16_093)
        self.assertEqual(registration.last_sent_odometer, 16_093)
        self.assertEqual(registration.dashboard_reading, 10_000)
        self.assertEqual(self.fleet_values(vehicle), [10_000.0], "Fleet logs miles")
        self.assertEqual(registration.odometer_log_id.value, 10_000)
        self.assertEqual(vehicle.odometer, 10_000)

    def test_second_repair_with_more_miles_has_no_false_findings(self):
        vehicle = self.make_miles_vehicle()
        first = self.make_repair(vehicle, odometer=10_000)
        first.carpass_odometer_date = self.today() - timedelta(days=5)
        self.end_repair(first).action_send()
        self.assertEqual(first.carpass_registration_id.state, "accepted")
        # 400 miles in five days: 644 km, an ordinary week.
        wizard = self.end_repair(self.make_repair(vehicle, odometer=10_400))
        self.assertEqual(wizard.odometer_km, 16_737)
        self.assertEqual(wizard._findings(), [], wizard.findings_html)
        self.assertIn("All checks passed", wizard.findings_html)
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertFalse(registration.issue_ids, registration.issue_ids.mapped("code"))
        self.assertEqual(self.sent_km(vehicle), [16_093, 16_737])
        self.assertEqual(self.fleet_values(vehicle), [10_000.0, 10_400.0])

    def test_miles_history_is_compared_in_km(self):
        # Three years of 40 miles a day, logged in Fleet in miles.
        vehicle = self.make_steadily_driven_miles_vehicle()
        history = self.env["carpass.registration"]._carpass_history(vehicle)
        self.assertEqual(
            [past.reading for past in history],
            [units.to_km(miles, units.MILES) for miles in (58_000, 54_000, 50_000)],
        )
        wizard = self.end_repair(self.make_repair(vehicle, odometer=62_000))
        self.assertEqual(wizard._findings(), [], wizard.findings_html)
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(self.sent_km(vehicle), [units.to_km(62_000, units.MILES)])
        self.assertEqual(registration._carpass_findings(), [])

    def test_likely_miles_is_not_suggested_on_a_miles_vehicle(self):
        vehicle = self.make_steadily_driven_miles_vehicle()
        # 1.6 times too low for its trend (typed km/1.609 somehow): suspicious, but
        # "did you mean it times 1.609" would convert a second time.
        wizard = self.end_repair(self.make_repair(vehicle, odometer=38_500))
        codes = {finding.code for finding in wizard._findings()}
        self.assertIn(checks.READING_LOWER, codes)
        self.assertNotIn(checks.LIKELY_MILES, codes)
        self.assertFalse(wizard.suggestion)

    def test_suggestion_is_offered_in_miles(self):
        vehicle = self.make_steadily_driven_miles_vehicle()
        # 62,345 on the dashboard, typed with a 9 in front.
        wizard = self.end_repair(self.make_repair(vehicle, odometer=962_345))
        finding = next(
            f for f in wizard._findings() if f.code == checks.LIKELY_EXTRA_DIGIT
        )
        self.assertEqual(finding.suggestion, units.to_km(62_345, units.MILES))
        self.assertEqual(wizard.suggestion, 62_345, "offered as the dashboard shows it")
        # The text says what the button puts: miles, with Car-Pass's km in brackets.
        km = f"{finding.suggestion:,}"
        self.assertIn(
            f"did you mean 62,345 mi ({km} km)", self.html_text(wizard.findings_html)
        )
        wizard.action_use_suggestion()
        self.assertEqual(wizard.odometer, 62_345)
        self.assertEqual(wizard.odometer_km, finding.suggestion)
        self.assertEqual(wizard._findings(), [], wizard.findings_html)

    def test_suggestion_button_puts_the_value_its_text_shows(self):
        vehicle = self.make_steadily_driven_miles_vehicle()
        # About 62,000 mi expected; a 9 typed in front.
        wizard = self.end_repair(self.make_repair(vehicle, odometer=962_345))
        text = self.html_text(wizard.findings_html)
        typed_km = units.to_km(962_345, units.MILES)
        self.assertIn(f"The reading 962,345 mi ({typed_km:,} km)", text)
        suggested = re.search(r"did you mean ([0-9,]+) mi \(([0-9,]+) km\)", text)
        self.assertTrue(suggested, text)
        shown_miles = int(suggested.group(1).replace(",", ""))
        shown_km = int(suggested.group(2).replace(",", ""))
        wizard.action_use_suggestion()
        self.assertEqual(wizard.odometer, shown_miles)
        self.assertEqual(wizard.odometer_km, shown_km)

    def test_pencil_shows_miles_and_corrects_in_km(self):
        today = self.today()
        # Car-Pass holds 20,000 km (12,427 mi); the mechanic types 12,000 mi by
        # mistake: lower, flagged by Car-Pass, then corrected with the pencil.
        vehicle = self.make_miles_vehicle(
            readings=[(today - timedelta(days=30), 12_427)]
        )
        wizard = self.end_repair(self.make_repair(vehicle, odometer=12_000))
        self.assertIn(checks.READING_LOWER, {f.code for f in wizard._findings()})
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "anomaly", registration.error_message)
        self.assertEqual(self.sent_km(vehicle), [19_312])
        action = registration.with_user(self.user_a).action_edit_in_wizard()
        edit = self.env["carpass.registration.wizard"].browse(action["res_id"])
        self.assertEqual(edit.odometer, 12_000, "shown as the dashboard showed it")
        with Form(edit.with_user(self.user_a)) as form:
            form.odometer = 12_500
            self.assertEqual(form.odometer_km, 20_117)
        edit.with_user(self.user_a).action_send()
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(
            registration.attempt_ids.sorted("id").mapped("operation"),
            ["create", "correct"],
        )
        self.assertEqual(self.sent_km(vehicle), [20_117])
        self.assertEqual(registration.odometer, 20_117)
        self.assertEqual(registration.dashboard_reading, 12_500)
        self.assertEqual(registration.odometer_log_id.value, 12_500)

    def test_postponed_reading_reopens_in_miles(self):
        vehicle = self.make_miles_vehicle()
        wizard = self.end_repair(self.make_repair(vehicle, odometer=10_000))
        wizard.action_postpone()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "draft")
        self.assertEqual(registration.odometer, 16_093)
        # Not reported yet: not in Fleet's log (lifecycle.reading_is_trusted).
        self.assertEqual(self.fleet_values(vehicle), [])
        reopened = self.env["carpass.registration.wizard"].browse(
            registration.action_edit_in_wizard()["res_id"]
        )
        self.assertEqual(reopened.odometer, 10_000)
        self.assertEqual(self.sent_km(vehicle), [], "nothing sent yet")

    def test_km_vehicle_is_unchanged(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=200), 40_120)]
        )
        self.assertEqual(vehicle.odometer_unit, "kilometers")
        repair = self.make_repair(vehicle, odometer=45_321)
        self.assertEqual(repair.carpass_odometer_km, 45_321)
        wizard = self.end_repair(repair)
        self.assertEqual((wizard.odometer, wizard.odometer_km), (45_321, 45_321))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(self.sent_km(vehicle), [45_321])
        self.assertEqual(registration.dashboard_reading, 45_321)
        self.assertEqual(self.fleet_values(vehicle), [40_120.0, 45_321.0])

    def test_documents_show_miles_and_km(self):
        vehicle = self.make_miles_vehicle()
        repair = self.make_repair(vehicle, odometer=10_000)
        self.end_repair(repair).action_send()
        reports = self.env["ir.actions.report"]
        text = self.text(reports._render_qweb_html(REPAIR_REPORT, repair.ids)[0])
        self.assertRegex(text, r"Odometer reading: 10,000 mi \( ?16,093 km ?\)")
        registration = repair.carpass_registration_id
        self.company_a.carpass_document_language = "en"
        text = self.text(
            reports._render_qweb_html(CORRECTION_FORM, registration.ids)[0]
        )
        self.assertIn("Reading (km) 16,093", text, "the form asks Car-Pass for km")
        self.assertIn("Dashboard reading (miles) 10,000", text)

    def test_mechanic_sees_the_unit_in_the_forms(self):
        vehicle = self.make_miles_vehicle()
        repair = self.make_repair(vehicle, odometer=10_000)
        with Form(repair.with_user(self.user_a)) as form:
            self.assertEqual(form.carpass_odometer_unit, "miles")
            form.carpass_odometer = 10_001
            self.assertEqual(form.carpass_odometer_km, 16_095)
        registration = self.end_repair(repair).registration_id
        action = registration.with_user(self.user_a).action_edit_in_wizard()
        wizard = self.env[action["res_model"]].with_user(self.user_a)
        with Form(wizard.browse(action["res_id"])) as form:
            self.assertEqual(form.odometer, 10_001)
            self.assertEqual(form.odometer_unit, "miles")
            self.assertEqual(form.odometer_km, 16_095)
        form_view = (
            self.env["carpass.registration"]
            .with_user(self.user_a)
            .get_views([(False, "form")])
        )
        arch = form_view["views"]["form"]["arch"]
        self.assertIn('name="dashboard_reading"', arch)

    def test_history_request_takes_km_and_logs_miles(self):
        """The history wizard speaks km to Car-Pass; Fleet's log stays in miles."""
        vehicle = self.make_miles_vehicle(
            readings=[(self.today() - timedelta(days=1), 10_000)]
        )
        action = vehicle.action_carpass_history()
        form = Form(vehicle.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(form.odometer, 16_093, "the last reading, in km")
        form.odometer = 16_900
        form.save().action_request()
        self.assertEqual(
            self.fleet_values(vehicle),
            [10_000, 10_501],
            "16,900 km is 10,501 mi on the dashboard",
        )
