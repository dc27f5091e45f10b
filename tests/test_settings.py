# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-company Car-Pass settings and the test-connection button."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CarpassCase


@tagged("post_install", "-at_install")
class TestSettings(CarpassCase):
    def test_connection_success(self):
        action = self.company_a.action_carpass_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("2123456791", action["params"]["message"])

    def test_connection_from_settings(self):
        settings = (
            self.env["res.config.settings"].with_company(self.company_a).create({})
        )
        self.assertEqual(settings.carpass_establishment_number, "2123456791")
        action = settings.action_carpass_test_connection()
        self.assertEqual(action["params"]["type"], "success")

    def test_connection_bad_credentials(self):
        self.company_a.carpass_password = "wrong"
        with self.assertRaisesRegex(UserError, "refused the credentials"):
            self.company_a.action_carpass_test_connection()

    def test_connection_unreachable(self):
        self.company_a.carpass_simulator_url = "http://127.0.0.1:9/api"
        with self.assertRaisesRegex(UserError, "cannot be reached"):
            self.company_a.action_carpass_test_connection()

    def test_connection_maintenance_window(self):
        self.simulator.admin.settings(maintenance=True)
        try:
            with self.assertRaisesRegex(UserError, "maintenance"):
                self.company_a.action_carpass_test_connection()
        finally:
            self.simulator.admin.settings(maintenance=False)

    def test_connection_not_configured(self):
        self.company_a.carpass_establishment_number = False
        with self.assertRaisesRegex(UserError, "establishment number"):
            self.company_a.action_carpass_test_connection()

    def test_enterprise_number_normalised_and_validated(self):
        self.company_b.carpass_enterprise_number = "BE 0765.432.146"
        self.assertEqual(self.company_b.carpass_enterprise_number, "0765432146")
        self.company_b.carpass_enterprise_number = "765432146"
        self.assertEqual(self.company_b.carpass_enterprise_number, "0765432146")
        with self.assertRaises(ValidationError):
            self.company_b.carpass_enterprise_number = "0765432147"

    def test_establishment_number_validated(self):
        with self.assertRaises(ValidationError):
            self.company_b.carpass_establishment_number = "2234567819"
        with self.assertRaises(ValidationError):
            self.company_b.carpass_establishment_number = "0412345614"

    def test_branch_uses_root_enterprise_number(self):
        branch = self.env["res.company"].create(
            {
                "name": "Garage Janssens Gent",
                "parent_id": self.company_a.id,
                "carpass_establishment_number": "2345678942",
            }
        )
        self.assertEqual(branch._carpass_enterprise(), "0412345614")
        self.assertEqual(branch.carpass_root_enterprise_number, "0412345614")

    def test_password_never_shown_to_non_admin(self):
        company = self.company_a.with_user(self.manager_a)
        self.assertTrue(company.carpass_password_set)
        with self.assertRaises(AccessError):
            company.read(["carpass_password"])
