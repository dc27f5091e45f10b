# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The manager's and the accountant's views: dashboard, digest, invoice, reading help."""

from datetime import timedelta

from lxml import etree

from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CarpassCase


@tagged("post_install", "-at_install")
class TestGarageDay(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_default_activity(cls.company_a)

    def test_explanations_and_their_action_for_a_flagged_reading(self):
        registration = self.make_registration(odometer=83000)
        registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        remark = registration.issue_ids.filtered(lambda i: i.source == "carpass")
        self.assertEqual(remark.code, "ROUNDED_READING")
        self.assertIn("round number", remark.explanation)
        self.assertNotIn("ROUNDED_READING", remark.explanation)
        # A manager confirms; a mechanic corrects.
        as_manager = remark.with_user(self.manager_a)
        self.assertEqual(as_manager.suggested_action, "confirm")
        action = as_manager.action_carpass_settle()
        self.assertEqual(action["res_model"], "carpass.confirm.wizard")
        as_mechanic = remark.with_user(self.user_a)
        self.assertEqual(as_mechanic.suggested_action, "edit")
        action = as_mechanic.action_carpass_settle()
        self.assertEqual(action["res_model"], "carpass.registration.wizard")
        self.assertIn("ROUNDED_READING", registration.issue_codes_text)

    def test_dashboard_rates_per_establishment(self):
        before = self.env["carpass.compliance.report"].read_group(
            [("company_id", "=", self.company_a.id)],
            ["report_count:sum", "flagged_rate:avg"],
            [],
        )[0]
        good = self.make_registration()
        good.action_send()
        flagged = self.make_registration(odometer=84000)
        flagged.action_send()
        self.assertEqual(flagged.state, "anomaly")
        self.env.flush_all()
        rows = self.env["carpass.compliance.report"].search(
            [("registration_id", "in", (good | flagged).ids)]
        )
        by_registration = {row.registration_id: row for row in rows}
        self.assertEqual(by_registration[good].on_time_rate, 100.0)
        self.assertEqual(by_registration[good].flagged_rate, 0.0)
        self.assertEqual(by_registration[flagged].flagged_rate, 100.0)
        self.assertEqual(by_registration[flagged].anomaly_rate, 100.0)
        self.assertEqual(by_registration[flagged].trusted_threshold, 0.5)
        after = self.env["carpass.compliance.report"].read_group(
            [("company_id", "=", self.company_a.id)],
            ["report_count:sum"],
            [],
        )[0]
        self.assertEqual(after["report_count"], (before["report_count"] or 0) + 2)
        # Another company's manager sees none of it.
        other = self.env["carpass.compliance.report"].with_user(self.manager_a)
        self.assertFalse(
            other.search([("company_id", "=", self.company_b.id)]),
        )

    def test_daily_digest_is_opt_in_and_lists_what_needs_attention(self):
        self.manager_a.email = "manager-a@garage.example"
        waiting = self.make_registration(reading_date=self.today() - timedelta(days=8))
        Mail = self.env["mail.mail"]
        sent_before = Mail.search([])
        self.env["res.company"]._cron_carpass_digest()
        self.assertFalse(Mail.search([]) - sent_before, "not opted in: nothing")
        self.company_a.carpass_digest = True
        self.env["res.company"]._cron_carpass_digest()
        mails = Mail.search([]) - sent_before
        self.assertEqual(len(mails), 1)
        self.assertIn(self.manager_a.partner_id, mails.recipient_ids)
        self.assertIn(waiting.name, mails.body_html)
        self.assertIn("(late)", mails.body_html)
        self.assertIn(self.company_a.name, mails.subject)

    def test_invoice_shows_car_pass_status_and_accountant_filter(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=45321)
        repair.with_context(carpass_no_wizard=True).action_repair_end()
        action = self.env.ref("carpass_odoo.action_repair_without_carpass_report")
        search_view = self.env.ref(
            "carpass_odoo.repair_order_view_search_carpass_report"
        )
        self.assertIn("carpass_not_reported", search_view.arch)
        # The filter's own domain, as the accountant's list runs it.
        domain = safe_eval(
            etree.fromstring(search_view.arch)
            .xpath("//filter[@name='carpass_not_reported']")[0]
            .get("domain")
        )
        self.assertIn("search_default_carpass_not_reported", action.context)
        accountant = new_test_user(
            self.env,
            login="carpass_accountant_a",
            groups="account.group_account_invoice",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        menu = self.env.ref("carpass_odoo.menu_repair_without_carpass_report")
        visible = self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        self.assertIn(menu.id, visible, "reachable from Invoicing")
        Repair = self.env["repair.order"].with_user(accountant)
        self.assertIn(repair, Repair.search(domain))
        repair.carpass_registration_id.action_send()
        self.assertEqual(repair.carpass_registration_id.state, "accepted")
        self.assertNotIn(repair, Repair.search(domain))

    def test_repair_shows_last_reading_and_warns_before_the_end(self):
        vehicle = self.make_vehicle(
            readings=[
                (self.today() - timedelta(days=400), 30000),
                (self.today() - timedelta(days=200), 40000),
            ]
        )
        repair = self.make_repair(vehicle)
        self.assertIn("40,000", repair.carpass_reading_hint)
        self.assertFalse(repair.carpass_reading_warning)
        with Form(repair) as form:
            form.carpass_odometer = 39000
            self.assertIn("Lower", form.carpass_reading_warning)
            form.carpass_odometer = 49990
            self.assertFalse(form.carpass_reading_warning)
            form.carpass_odometer = 990000
            self.assertIn("plausible", form.carpass_reading_warning)

    def test_registration_typed_by_hand_takes_the_vehicle_vin(self):
        vehicle = self.make_vehicle()
        with Form(self.env["carpass.registration"].with_user(self.user_a)) as form:
            form.vehicle_id = vehicle
            self.assertEqual(form.vin, vehicle.vin_sn)
            form.odometer = 45123
        registration = form.record
        self.assertEqual(registration.vin, vehicle.vin_sn)
        registration.with_user(self.user_a).action_send()
        self.assertEqual(registration.state, "accepted", registration.error_message)
