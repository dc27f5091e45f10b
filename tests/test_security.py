# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What must be refused: other companies' data, the credentials, manager-only actions."""

from odoo.exceptions import AccessError, UserError
from odoo.modules.neutralize import get_installed_modules, get_neutralization_queries
from odoo.tests import new_test_user, tagged

from .common import GARAGE_A, CarpassCase

ADDON = "carpass_odoo"


@tagged("post_install", "-at_install")
class TestSecurity(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_b = new_test_user(
            cls.env,
            login="carpass_mechanic_b",
            groups="carpass_odoo.group_carpass_user",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        # An accountant of both companies: sees what the active companies allow.
        cls.user_ab = new_test_user(
            cls.env,
            login="carpass_accountant_ab",
            groups="carpass_odoo.group_carpass_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id, cls.company_b.id],
        )
        # Garage staff given only the Car-Pass group (and what it implies).
        cls.mechanic_a = new_test_user(
            cls.env,
            login="carpass_only_a",
            groups="base.group_user,carpass_odoo.group_carpass_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.employee_a = new_test_user(
            cls.env,
            login="plain_employee_a",
            groups="base.group_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        # Manager who may export data but does not administer settings.
        cls.exporting_manager_a = new_test_user(
            cls.env,
            login="carpass_exporting_manager_a",
            groups="carpass_odoo.group_carpass_manager,base.group_allow_export",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.admin_a = new_test_user(
            cls.env,
            login="settings_admin_a",
            groups="base.group_system",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id, cls.company_b.id],
        )
        cls.vehicle_a = cls._make_vehicle_for(cls.company_a, "WVWZZZ1KZAW000001")
        cls.vehicle_b = cls._make_vehicle_for(cls.company_b, "WVWZZZ1KZAW000002")
        cls.registration_a = cls._make_registration_for(cls.vehicle_a)
        cls.registration_b = cls._make_registration_for(cls.vehicle_b)

    @classmethod
    def _make_vehicle_for(cls, company, vin):
        return cls.env["fleet.vehicle"].create(
            {
                "model_id": cls.vehicle_model.id,
                "license_plate": f"1-SEC-{company.id:03d}",
                "vin_sn": vin,
                "company_id": company.id,
            }
        )

    @classmethod
    def _make_registration_for(cls, vehicle):
        registration = cls.env["carpass.registration"].create(
            {
                "company_id": vehicle.company_id.id,
                "vehicle_id": vehicle.id,
                "vin": vehicle.vin_sn,
                "odometer": 45000,
            }
        )
        cls.env["carpass.registration.issue"].create(
            {
                "registration_id": registration.id,
                "source": "local",
                "code": "ROUND_NUMBER",
                "message": "Round number",
            }
        )
        cls.env["carpass.registration.attempt"].create(
            {
                "registration_id": registration.id,
                "operation": "create",
                "success": True,
                "outcome": "DONE",
            }
        )
        return registration

    # ------------------------------------------------------------
    # Multi-company isolation
    # ------------------------------------------------------------

    def test_other_company_registrations_hidden_and_refused(self):
        for model, record_a in (
            ("carpass.registration", self.registration_a),
            ("carpass.registration.issue", self.registration_a.issue_ids),
            ("carpass.registration.attempt", self.registration_a.attempt_ids),
        ):
            with self.subTest(model=model):
                as_b = self.env[model].with_user(self.user_b)
                found = as_b.search([])
                self.assertTrue(found, "user B sees the records of company B")
                self.assertNotIn(record_a.id, found.ids)
                self.assertEqual(found.company_id, self.company_b)
                with self.assertRaises(AccessError):
                    record_a.with_user(self.user_b).read(["company_id"])
                with self.assertRaises(AccessError):
                    record_a.with_user(self.user_b).web_read({"company_id": {}})

    def test_other_company_registration_not_writable(self):
        registration = self.registration_a.with_user(self.user_b)
        with self.assertRaises(AccessError):
            registration.write({"odometer": 1})
        with self.assertRaises(AccessError):
            registration.issue_ids.write({"resolved": True})
        with self.assertRaises(AccessError):
            registration.action_send()
        self.assertEqual(self.registration_a.odometer, 45000)
        self.assertEqual(self.simulator_count(self.vehicle_a.vin_sn), 0)

    def test_registration_for_other_company_vehicle_refused(self):
        """Company B cannot report (and so write odometer logs) on company A's car."""
        with self.assertRaises(UserError):
            self.env["carpass.registration"].with_user(self.user_b).create(
                {
                    "company_id": self.company_b.id,
                    "vehicle_id": self.vehicle_a.id,
                    "vin": self.vehicle_a.vin_sn,
                    "odometer": 50000,
                }
            )

    def test_multi_company_user_sees_only_active_companies(self):
        Registration = self.env["carpass.registration"].with_user(self.user_ab)
        both = Registration.with_context(
            allowed_company_ids=[self.company_a.id, self.company_b.id]
        ).search([("id", "in", (self.registration_a | self.registration_b).ids)])
        self.assertEqual(both, self.registration_a | self.registration_b)
        only_b = Registration.with_context(allowed_company_ids=[self.company_b.id])
        self.assertEqual(
            only_b.search([("id", "in", both.ids)]).ids, self.registration_b.ids
        )
        with self.assertRaises(AccessError):
            only_b.browse(self.registration_a.id).read(["odometer"])

    # ------------------------------------------------------------
    # Vehicles: garage staff see the cars they repair, of their companies only
    # ------------------------------------------------------------

    def test_carpass_user_opens_and_edits_own_company_vehicles(self):
        # Car-Pass users get Fleet's user rights (menus, tags, states, logs) ...
        self.assertTrue(self.mechanic_a.has_group("fleet.fleet_group_user"))
        Vehicle = self.env["fleet.vehicle"].with_user(self.mechanic_a)
        # ... and, unlike a Fleet user, every vehicle of their company, not only the
        # ones they drive: the whole vehicle form loads.
        views = Vehicle.get_views([(False, "form")])
        fields = views["models"]["fleet.vehicle"]["fields"]
        specification = {name: {} for name in fields}
        self.assertTrue(
            self.vehicle_a.with_user(self.mechanic_a).web_read(specification)
        )
        self.assertIn(self.vehicle_a, Vehicle.search([]))
        vehicle = self.vehicle_a.with_user(self.mechanic_a)
        self.assertEqual(vehicle.read(["vin_sn"])[0]["vin_sn"], "WVWZZZ1KZAW000001")
        vehicle.write({"vin_sn": "WVWZZZ1KZAW000009"})
        self.assertEqual(self.vehicle_a.vin_sn, "WVWZZZ1KZAW000009")
        log = (
            self.env["fleet.vehicle.odometer"]
            .with_user(self.mechanic_a)
            .create({"vehicle_id": self.vehicle_a.id, "value": 1200})
        )
        self.assertEqual(log.read(["value"])[0]["value"], 1200)

    def test_carpass_user_cannot_touch_other_company_vehicle(self):
        Vehicle = self.env["fleet.vehicle"].with_user(self.mechanic_a)
        self.assertNotIn(self.vehicle_b, Vehicle.search([]))
        vehicle = self.vehicle_b.with_user(self.mechanic_a)
        with self.assertRaises(AccessError):
            vehicle.read(["vin_sn"])
        with self.assertRaises(AccessError):
            vehicle.write({"vin_sn": "WVWZZZ1KZAW000010"})
        log_b = self.env["fleet.vehicle.odometer"].create(
            {"vehicle_id": self.vehicle_b.id, "value": 900}
        )
        with self.assertRaises(AccessError):
            log_b.with_user(self.mechanic_a).read(["value"])
        self.assertEqual(self.vehicle_b.vin_sn, "WVWZZZ1KZAW000002")

    def test_fleet_driver_rule_still_applies_without_carpass_group(self):
        """Our rule widens visibility for garage staff only, not for Fleet users."""
        driver = new_test_user(
            self.env,
            login="fleet_driver_a",
            groups="fleet.fleet_group_user",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        self.assertFalse(driver.has_group("carpass_odoo.group_carpass_user"))
        visible = self.env["fleet.vehicle"].with_user(driver).search([])
        self.assertNotIn(self.vehicle_a, visible)
        self.vehicle_a.driver_id = driver.partner_id
        visible = self.env["fleet.vehicle"].with_user(driver).search([])
        self.assertIn(self.vehicle_a, visible)

    def test_user_without_carpass_rights_cannot_send(self):
        self.assertFalse(self.employee_a.has_group("carpass_odoo.group_carpass_user"))
        with self.assertRaises(AccessError):
            self.registration_a.with_user(self.employee_a).action_send()
        with self.assertRaises(AccessError):
            self.env["carpass.registration"].with_user(self.employee_a).search([])
        self.assertEqual(self.registration_a.state, "draft")
        self.assertEqual(self.simulator_count(self.vehicle_a.vin_sn), 0)

    # ------------------------------------------------------------
    # Manager-only actions
    # ------------------------------------------------------------

    def test_user_cannot_confirm_as_correct(self):
        registration = self.registration_a.with_user(self.user_a)
        self.assertFalse(self.user_a.has_group("carpass_odoo.group_carpass_manager"))
        with self.assertRaises(UserError):
            registration.action_open_confirm_wizard()
        with self.assertRaises(UserError):
            registration._carpass_confirm("It really is a round number")
        with self.assertRaises(UserError):
            registration.action_open_manual_correction_wizard()
        with self.assertRaises(AccessError):
            self.env["carpass.confirm.wizard"].with_user(self.user_a).create(
                {"registration_ids": [(6, 0, registration.ids)], "reason": "sure"}
            )
        with self.assertRaises(AccessError):
            self.env["carpass.manual.correction.wizard"].with_user(self.user_a).create(
                {
                    "registration_id": registration.id,
                    "odometer": 1,
                    "reading_date": self.today(),
                    "reason": "typo",
                }
            )
        self.assertNotIn("confirm", self.registration_a.attempt_ids.mapped("operation"))

    def test_dialogs_stay_with_their_user(self):
        action = self.registration_a.with_user(self.user_a).action_edit_in_wizard()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.with_user(self.user_a).vin, "WVWZZZ1KZAW000001")
        for other in (self.mechanic_a, self.user_b):
            with self.subTest(user=other.login):
                with self.assertRaises(AccessError):
                    wizard.with_user(other).read(["vin", "odometer"])
                with self.assertRaises(AccessError):
                    wizard.with_user(other).write({"odometer": 1})
        confirm = (
            self.env["carpass.confirm.wizard"]
            .with_user(self.manager_a)
            .create(
                {"registration_ids": [(6, 0, self.registration_a.ids)], "reason": "ok"}
            )
        )
        with self.assertRaises(AccessError):
            confirm.with_user(self.exporting_manager_a).write({"reason": "sure"})

    def test_user_cannot_delete_registration(self):
        with self.assertRaises(AccessError):
            self.registration_a.with_user(self.user_a).unlink()

    def test_attempts_are_an_audit_trail(self):
        attempt = self.registration_a.attempt_ids.with_user(self.user_a)
        with self.assertRaises(AccessError):
            attempt.write({"success": False})
        with self.assertRaises(AccessError):
            attempt.unlink()

    # ------------------------------------------------------------
    # Credentials
    # ------------------------------------------------------------

    def test_password_not_readable_by_carpass_users_and_managers(self):
        for user in (self.user_a, self.manager_a, self.exporting_manager_a):
            with self.subTest(user=user.login):
                company = self.company_a.with_user(user)
                self.assertTrue(company.carpass_password_set)
                with self.assertRaises(AccessError):
                    company.read(["carpass_password"])
                with self.assertRaises(AccessError):
                    company.web_read({"carpass_password": {}})
                with self.assertRaises(AccessError):
                    company.web_search_read(
                        [("id", "=", self.company_a.id)], {"carpass_password": {}}
                    )
                with self.assertRaises(AccessError):
                    company.read_group(
                        [("id", "=", self.company_a.id)],
                        ["carpass_password"],
                        ["carpass_password"],
                    )
                values = company.read(["name", "carpass_password_set"])[0]
                self.assertNotIn(GARAGE_A["password"], str(values))
                self.assertNotIn("carpass_password", company.fields_get())
                with self.assertRaises(AccessError):
                    company.write({"carpass_password": "stolen"})
                with self.assertRaises(AccessError):
                    company.search([("carpass_password", "=like", "demo%")])
        self.assertEqual(self.company_a.carpass_password, GARAGE_A["password"])

    def test_password_not_in_form_answer_of_non_admin(self):
        """What the web client gets for the company form: the flag, never the secret."""
        company = self.company_a.with_user(self.manager_a)
        views = company.get_views([(False, "form")])
        fields = views["models"]["res.company"]["fields"]
        self.assertIn("carpass_establishment_number", fields)
        self.assertNotIn("carpass_password", fields)
        self.assertNotIn('name="carpass_password"', views["views"]["form"]["arch"])
        self.assertIn("carpass_password_set", fields)
        answer = company.web_read(
            {name: {} for name in fields if name.startswith("carpass_")}
        )
        self.assertTrue(answer[0]["carpass_password_set"])
        self.assertNotIn(GARAGE_A["password"], str(answer))

    def test_password_not_in_onchange_answer_of_non_admin(self):
        company = self.company_a.with_user(self.manager_a)
        # Even when sudo code already loaded the secret in this transaction.
        self.assertEqual(self.company_a.sudo().carpass_password, GARAGE_A["password"])
        spec = {"carpass_password": {}, "carpass_password_set": {}}
        with self.assertRaises(AccessError):
            company.onchange({}, [], spec)
        with self.assertRaises(AccessError):
            company.onchange(
                {"carpass_environment": "test"}, ["carpass_environment"], spec
            )

    def test_password_not_exported_by_non_admin(self):
        company = self.company_a.with_user(self.exporting_manager_a)
        # The flag is computed first: its computation must not leak the secret.
        with self.assertRaises(AccessError):
            company.export_data(["carpass_password_set", "carpass_password"])
        with self.assertRaises(AccessError):
            company.export_data(["carpass_password"])
        registration = self.registration_a.with_user(self.exporting_manager_a)
        with self.assertRaises(AccessError):
            registration.export_data(["name", "company_id/carpass_password"])
        exported = registration.export_data(["name", "company_id/carpass_password_set"])
        self.assertEqual(exported["datas"], [[self.registration_a.name, True]])

    def test_settings_secret_refused_to_non_admin(self):
        Settings = self.env["res.config.settings"]
        with self.assertRaises(AccessError):
            Settings.with_user(self.manager_a).create({})
        settings = Settings.with_user(self.admin_a).create({})
        # Write-only, even for the administrator: the settings never hold the secret.
        self.assertFalse(settings.carpass_new_password)
        self.assertTrue(settings.carpass_password_set)
        # Even handed the admin's settings record, a manager gets nothing of it.
        as_manager = settings.with_user(self.exporting_manager_a)
        with self.assertRaises(AccessError):
            as_manager.read(["carpass_new_password"])
        with self.assertRaises(AccessError):
            as_manager.web_read({"carpass_new_password": {}})
        with self.assertRaises(AccessError):
            as_manager.export_data(["carpass_new_password"])
        self.assertNotIn(
            "carpass_new_password",
            Settings.with_user(self.exporting_manager_a).fields_get(),
        )

    def test_settings_admin_reads_and_writes_password(self):
        settings = self.env["res.config.settings"].with_user(self.admin_a).create({})
        settings.carpass_new_password = "new-secret"
        settings.execute()
        self.assertEqual(self.company_a.carpass_password, "new-secret")
        # The administrator writes it but never reads it back.
        self.assertFalse(
            self.company_a.with_user(self.admin_a).read(["carpass_password"])[0][
                "carpass_password"
            ]
        )

    def test_password_not_tracked(self):
        for model, name in (
            ("res.company", "carpass_password"),
            ("res.company", "carpass_new_password"),
            ("res.config.settings", "carpass_new_password"),
        ):
            field = self.env[model]._fields[name]
            self.assertFalse(getattr(field, "tracking", False), model)
            self.assertEqual(field.groups, "base.group_system", model)
            self.assertFalse(field.copy, model)
        self.company_a.carpass_password = "Tr4ck-me-not"
        tracked = self.env["mail.tracking.value"].search(
            [("field_id.name", "=", "carpass_password")]
        )
        self.assertFalse(tracked)
        messages = self.env["mail.message"].search([("body", "ilike", "Tr4ck-me-not")])
        self.assertFalse(messages)

    def test_refused_password_never_logged_or_shown(self):
        secret = "Wr0ng-S3cret-€"
        self.company_a.carpass_password = secret
        registration = self.registration_a.with_user(self.user_a)
        with self.assertLogs("odoo.addons.carpass_odoo", level="DEBUG") as logs:
            registration.action_send()
        self.assertEqual(self.registration_a.state, "error")
        shown = [
            self.registration_a.error_message or "",
            *self.registration_a.attempt_ids.mapped("error_message"),
            *self.registration_a.attempt_ids.mapped("outcome"),
            *self.registration_a.message_ids.mapped("body"),
            *logs.output,
        ]
        self.assertTrue(any("credentials" in text for text in shown), shown)
        for text in shown:
            self.assertNotIn(secret, text or "")
            self.assertNotIn("V3IwbmctUzNjcmV0", text or "")  # base64 of the secret
        with self.assertRaises(UserError) as refused:
            self.company_a.with_user(self.admin_a).action_carpass_test_connection()
        self.assertNotIn(secret, str(refused.exception))

    # ------------------------------------------------------------
    # Neutralized copies
    # ------------------------------------------------------------

    def test_neutralize_switches_every_company_to_test_and_blanks_secrets(self):
        self.company_a.carpass_environment = "production"
        # A simulator establishment without password is switched too.
        self.company_b.carpass_password = False
        self.assertEqual(self.company_b.carpass_environment, "simulator")
        self.assertIn(ADDON, get_installed_modules(self.env.cr))
        queries = list(get_neutralization_queries([ADDON]))
        self.assertEqual(len(queries), 1, "data/neutralize.sql is found")
        self.env.flush_all()
        for query in queries:
            self.env.cr.execute(query)
        self.env.invalidate_all()
        companies = self.env["res.company"].search([])
        self.assertEqual(set(companies.mapped("carpass_environment")), {"test"})
        self.assertFalse(any(companies.mapped("carpass_password")))
        self.assertFalse(any(companies.mapped("carpass_password_set")))
        # And a copy that tries anyway reports nothing anywhere.
        self.registration_a.action_send()
        self.assertEqual(self.registration_a.state, "error")
        self.assertIn("password", self.registration_a.error_message)
        self.assertEqual(self.simulator_count(self.vehicle_a.vin_sn), 0)
