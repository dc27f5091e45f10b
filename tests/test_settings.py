# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-company Car-Pass settings and the test-connection button."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GARAGE_A, CarpassCase


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

    def test_wrong_enterprise_number_is_named_not_the_password(self):
        # A valid enterprise number, but another enterprise's.
        self.company_a.carpass_enterprise_number = "0765432146"
        action = self.company_a.action_carpass_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "checks the enterprise number 0765432146 only with the first report",
            action["params"]["message"],
            "no call can check it: the green test does not vouch for it",
        )
        registration = self.make_registration()
        registration.action_send()
        self.assertEqual(registration.state, "error")
        self.assertIn(
            "the enterprise number 0765432146 does not belong to establishment "
            "2123456791: check the enterprise number in the settings",
            registration.error_message,
        )
        self.assertNotIn("password", registration.error_message)

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

    # ------------------------------------------------------------
    # Guided set-up
    # ------------------------------------------------------------

    def _settings_admin(self):
        return new_test_user(
            self.env,
            login="carpass_settings_admin",
            groups="base.group_system,stock.group_stock_user,"
            "carpass_odoo.group_carpass_manager",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )

    def test_password_never_in_any_rpc_answer_even_to_admin(self):
        """The saved password is write-only: no answer the browser gets holds it."""
        admin = self._settings_admin()
        secret = GARAGE_A["password"]
        company = self.company_a.with_user(admin)
        # Sudo code (the client) has the secret in the cache of this transaction.
        self.assertEqual(self.company_a.sudo().carpass_password, secret)
        form = company.get_views([(False, "form")])
        form_fields = form["models"]["res.company"]["fields"]
        self.assertNotIn('name="carpass_password"', form["views"]["form"]["arch"])
        spec = {name: {} for name in form_fields if name.startswith("carpass_")}
        answers = [
            company.read(["carpass_password", "carpass_new_password"]),
            company.web_read(dict(spec, carpass_password={})),
            company.web_search_read(
                [("id", "=", company.id)], dict(spec, carpass_password={})
            ),
            company.onchange({}, [], dict(spec, carpass_password={})),
            company.onchange(
                {"carpass_environment": "test"},
                ["carpass_environment"],
                dict(spec, carpass_password={}),
            ),
        ]
        Settings = self.env["res.config.settings"].with_user(admin)
        settings_view = Settings.get_views([(False, "form")])
        settings_fields = settings_view["models"]["res.config.settings"]["fields"]
        self.assertNotIn("carpass_password", settings_fields)
        self.assertIn("carpass_new_password", settings_fields)
        # The Car-Pass block of the settings page (other apps' fields need their rights).
        carpass_spec = {
            name: {} for name in settings_fields if name.startswith("carpass_")
        }
        answers.append(Settings.default_get(list(carpass_spec)))
        answers.append(Settings.onchange({}, [], carpass_spec))
        settings = Settings.create({})
        answers.append(settings.web_read(carpass_spec))
        for answer in answers:
            self.assertNotIn(secret, str(answer))
        with self.assertRaises(AccessError):
            company.export_data(["carpass_password"])

    def test_new_password_replaces_saved_one_and_empty_keeps_it(self):
        admin = self._settings_admin()
        Settings = self.env["res.config.settings"].with_user(admin)
        Settings.create({}).execute()
        self.assertEqual(self.company_a.sudo().carpass_password, GARAGE_A["password"])
        Settings.create({"carpass_new_password": "new-secret"}).execute()
        self.assertEqual(self.company_a.sudo().carpass_password, "new-secret")
        self.assertTrue(self.company_a.carpass_password_set)

    def test_simulator_url_without_scheme_refused_on_save(self):
        for url in ("127.0.0.1:8765/api", "ftp://127.0.0.1/api", "http://", "api"):
            with (
                self.subTest(url=url),
                self.assertRaisesRegex(ValidationError, "must start with"),
            ):
                self.company_b.carpass_simulator_url = url
                self.company_b.flush_recordset()
        self.company_b.carpass_simulator_url = "http://localhost:8765/api"

    def test_urls_are_saved_without_surrounding_spaces(self):
        self.company_b.write(
            {
                "carpass_simulator_url": "  http://localhost:8765/api \n",
                "carpass_url_override": " https://ws-test.example.be/api ",
            }
        )
        self.assertEqual(
            self.company_b.carpass_simulator_url, "http://localhost:8765/api"
        )
        self.assertEqual(
            self.company_b.sudo().carpass_url_override, "https://ws-test.example.be/api"
        )

    def test_simulator_url_without_the_api_path_refused_on_save(self):
        for url in ("http://127.0.0.1:8765", "http://127.0.0.1:8765/"):
            with (
                self.subTest(url=url),
                self.assertRaisesRegex(ValidationError, "lacks the API path.*/api"),
            ):
                self.company_b.carpass_simulator_url = url
                self.company_b.flush_recordset()

    def test_connection_to_a_wrong_path_says_the_url_is_wrong(self):
        root = self.simulator.base_url.removesuffix("/api")
        for url in (root, f"{root}/apii"):
            with self.subTest(url=url):
                # Saved before the check (or another wrong path): Test Connection.
                self.env.cr.execute(
                    "UPDATE res_company SET carpass_simulator_url = %s WHERE id = %s",
                    (url, self.company_a.id),
                )
                self.company_a.invalidate_recordset(["carpass_simulator_url"])
                with self.assertRaises(UserError) as raised:
                    self.company_a.action_carpass_test_connection()
                message = str(raised.exception)
                self.assertIn("the URL is wrong", message)
                self.assertIn(url, message)
                self.assertNotIn("does not know this request", message)

    def test_test_connection_with_unusable_stored_url_is_a_message(self):
        """A URL saved before the check (raw SQL) gives a message, not a traceback."""
        self.env.cr.execute(
            "UPDATE res_company SET carpass_simulator_url = %s WHERE id = %s",
            ("127.0.0.1:8765/api", self.company_a.id),
        )
        self.company_a.invalidate_recordset(["carpass_simulator_url"])
        with self.assertRaisesRegex(UserError, r"127\.0\.0\.1:8765/api.*http"):
            self.company_a.action_carpass_test_connection()

    def test_connection_unreachable_names_the_url_and_what_to_do(self):
        self.company_a.carpass_simulator_url = "http://127.0.0.1:9/api"
        with self.assertRaises(UserError) as raised:
            self.company_a.action_carpass_test_connection()
        message = str(raised.exception)
        self.assertIn("http://127.0.0.1:9/api", message)
        self.assertIn("check the URL", message)
        self.assertNotIn("sent again", message)

    def test_successful_test_syncs_activities_and_proposes_a_default(self):
        self.env["carpass.activity"].search([]).write({"active": False})
        self.company_a.carpass_default_activity_id = False
        action = self.company_a.action_carpass_test_connection()
        activities = self.env["carpass.activity"].search([])
        self.assertTrue(activities)
        proposed = self.company_a.carpass_default_activity_id
        self.assertEqual(proposed, activities.sorted(lambda a: (a.sequence, a.id))[0])
        self.assertIn(self.simulator.base_url, action["params"]["message"])
        self.assertIn(proposed.name, action["params"]["message"])
        # In the user's language, the activity too.
        self.env["res.lang"]._activate_lang("nl_BE")
        self.company_a.carpass_default_activity_id = False
        action = self.company_a.with_context(
            lang="nl_BE"
        ).action_carpass_test_connection()
        dutch = proposed.with_context(lang="nl_BE").name
        self.assertNotEqual(dutch, proposed.name)
        self.assertIn(dutch, action["params"]["message"])
        # A default already chosen is kept.
        other = activities - proposed
        self.company_a.carpass_default_activity_id = other[0]
        self.company_a.action_carpass_test_connection()
        self.assertEqual(self.company_a.carpass_default_activity_id, other[0])

    def test_demo_follows_the_simulator_port(self):
        """make demo writes the simulator's URL into the companies set to it."""
        self.company_a.carpass_simulator_url = "http://127.0.0.1:9/api"
        self.company_b.carpass_environment = "none"
        changed = self.env["res.company"]._carpass_use_simulator(
            self.simulator.base_url
        )
        self.assertIn(self.company_a, changed)
        self.assertNotIn(self.company_b, changed, "not a Car-Pass company")
        self.assertEqual(self.company_a.carpass_simulator_url, self.simulator.base_url)
        action = self.company_a.action_carpass_test_connection()
        self.assertEqual(action["params"]["type"], "success")
