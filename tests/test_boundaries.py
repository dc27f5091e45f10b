# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company boundaries and typed input: the cases 1 to 4 of the attack report.

1. A garage-B user cannot have a reading reported under garage A's account.
2. The connection test of another company is refused and calls nobody.
3. A user of one branch only sends, prints, requests a history, syncs activities.
4. Inputs of the wrong type are refused with a clear error, not a crash.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GARAGE_A, CarpassCase

REPORT = "carpass_odoo.action_report_carpass_correction_form"
BRANCH_ESTABLISHMENT = "2345678942"
BRANCH_PASSWORD = "demo-branch-a"


def api_request_count(simulator):
    return sum(simulator.admin.stats()["requests"].values())


@tagged("post_install", "-at_install")
class TestCompanyBoundaries(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_b = new_test_user(
            cls.env,
            login="boundary_mechanic_b",
            groups="carpass_odoo.group_carpass_user",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )

    # ------------------------------------------------------------
    # Case 1: a B user and A's account
    # ------------------------------------------------------------

    def test_b_user_cannot_unassign_a_vehicle_of_a(self):
        """Step one of the attack, writing company False on A's vehicle, is refused."""
        vehicle_a = self.make_vehicle(company=self.company_a)
        with self.assertRaises(AccessError):
            vehicle_a.with_user(self.user_b).write({"company_id": False})
        self.assertEqual(vehicle_a.company_id, self.company_a)

    def test_b_user_cannot_move_a_registration_to_a(self):
        """On a shared vehicle B reports in B; moving the report to A is refused."""
        shared = self.make_vehicle(company=self.company_a)
        shared.company_id = False
        registration = (
            self.env["carpass.registration"]
            .with_user(self.user_b)
            .create(
                {
                    "company_id": self.company_b.id,
                    "vehicle_id": shared.id,
                    "vin": shared.vin_sn,
                    "odometer": 50000,
                }
            )
        )
        self.assertEqual(registration.company_id, self.company_b)
        # Refused twice over: a registration's company is fixed at creation
        # (UserError), and B may not put records in A (AccessError, a UserError).
        with self.assertRaises(UserError):
            registration.write({"company_id": self.company_a.id})
        self.assertEqual(registration.sudo().company_id, self.company_b)

    def test_registration_of_another_company_vehicle_refused(self):
        vehicle_a = self.make_vehicle(company=self.company_a)
        with self.assertRaises(UserError):
            self.env["carpass.registration"].create(
                {
                    "company_id": self.company_b.id,
                    "vehicle_id": vehicle_a.id,
                    "vin": vehicle_a.vin_sn,
                    "odometer": 50000,
                }
            )
        registration = self.make_registration(company=self.company_a)
        with self.assertRaises(UserError):
            registration.write({"company_id": self.company_b.id})

    def test_repair_and_registration_of_one_company(self):
        vehicle = self.make_vehicle(company=self.company_a)
        repair = self.make_repair(vehicle, odometer=45000)
        registration = self.make_registration(vehicle=vehicle, repair_id=repair.id)
        vehicle.company_id = False
        with self.assertRaises(UserError):
            registration.write({"company_id": self.company_b.id})
        other_vehicle = self.make_vehicle(company=self.company_b)
        with self.assertRaises(UserError):
            repair.write({"carpass_vehicle_id": other_vehicle.id})

    def test_retry_cron_never_sends_a_b_registration_with_a_account(self):
        """Whatever path put a B user's registration in A, A's cron does not send it."""
        vehicle = self.make_vehicle(company=self.company_a)
        vehicle.company_id = False
        registration = (
            self.env["carpass.registration"]
            .with_user(self.user_b)
            .create(
                {
                    "company_id": self.company_b.id,
                    "vehicle_id": vehicle.id,
                    "vin": vehicle.vin_sn,
                    "odometer": 50000,
                    "reading_date": self.today(),
                }
            )
        )
        # The database edited behind the ORM's back: the state of the attack's end.
        self.env.cr.execute(
            "UPDATE carpass_registration SET company_id = %s, state = 'error', "
            "retryable = true, next_retry_at = %s WHERE id = %s",
            (
                self.company_a.id,
                fields.Datetime.now() - timedelta(hours=1),
                registration.id,
            ),
        )
        registration.invalidate_recordset()
        outcomes = self.env["carpass.registration"]._cron_carpass_retry()
        sent = [outcome for outcome in outcomes if outcome[0] == registration]
        self.assertEqual(len(sent), 1)
        self.assertFalse(sent[0][1])
        self.assertEqual(registration.state, "error")
        self.assertFalse(registration.retryable)
        self.assertIn("does not work", registration.error_message)
        self.assertEqual(self.simulator_count(vehicle.vin_sn), 0)

    # ------------------------------------------------------------
    # Case 2: the connection test of another company
    # ------------------------------------------------------------

    def test_connection_test_of_another_company_refused_without_call(self):
        before = api_request_count(self.simulator)
        with self.assertRaises(AccessError) as caught:
            self.company_a.with_user(self.user_b).action_carpass_test_connection()
        self.assertNotIn(GARAGE_A["establishment"], str(caught.exception))
        self.assertEqual(api_request_count(self.simulator), before)
        # The owner's test still works (a Car-Pass manager's button).
        result = self.company_a.with_user(
            self.manager_a
        ).action_carpass_test_connection()
        self.assertEqual(result["params"]["type"], "success")

    def test_password_never_in_the_caller_cache(self):
        self.env.invalidate_all()
        company = self.company_a.with_user(self.user_a)
        company._carpass_client()
        cache = self.env.cache
        field = company._fields["carpass_password"]
        self.assertFalse(
            any(
                value == GARAGE_A["password"]
                for value in cache.get_values(company.sudo(), field)
            )
        )

    # ------------------------------------------------------------
    # Case 3: a user of one branch only
    # ------------------------------------------------------------

    def make_branch(self):
        self.simulator.admin.add_establishment(
            BRANCH_ESTABLISHMENT, GARAGE_A["enterprise"], BRANCH_PASSWORD, "Branch"
        )
        branch = self.env["res.company"].create(
            {
                "name": "Test Garage A, branch",
                "parent_id": self.company_a.id,
                "carpass_environment": "simulator",
                "carpass_simulator_url": self.simulator.base_url,
                "carpass_establishment_number": BRANCH_ESTABLISHMENT,
                "carpass_password": BRANCH_PASSWORD,
            }
        )
        user = new_test_user(
            self.env,
            login="boundary_branch_manager",
            groups="stock.group_stock_user,carpass_odoo.group_carpass_manager",
            company_id=branch.id,
            company_ids=[branch.id],
        )
        return branch, user

    def test_branch_only_user_sends_prints_requests_history_and_syncs(self):
        branch, user = self.make_branch()
        vehicle = self.make_vehicle(company=branch)
        registration = self.make_registration(company=branch, vehicle=vehicle)
        as_user = registration.with_user(user)
        as_user.action_send()
        self.assertIn(registration.state, ("accepted", "ongoing", "waiting"))
        self.assertEqual(self.simulator_count(vehicle.vin_sn), 1)
        self.assertEqual(branch.with_user(user)._carpass_enterprise(), "0412345614")
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, registration.ids)
        )
        self.assertIn(GARAGE_A["enterprise"], html.decode())
        wizard = (
            self.env["carpass.history.wizard"]
            .with_user(user)
            .create({"vehicle_id": vehicle.id, "odometer": 45150})
        )
        wizard.action_request()
        self.assertTrue(vehicle.carpass_history_request_guid)
        self.env["carpass.activity"].with_user(user).action_carpass_sync()
        self.assertTrue(self.env["carpass.activity"].search_count([]))
        # The root company itself stays out of reach.
        with self.assertRaises(AccessError):
            self.company_a.with_user(user).action_carpass_test_connection()


@tagged("post_install", "-at_install")
class TestTypedInput(CarpassCase):
    """Case 4: each crash of the fuzzed calls, now a clear ValidationError."""

    def assert_refused(self, records, vals):
        with (
            self.assertRaises(ValidationError, msg=repr(vals)[:80]),
            self.env.cr.savepoint(),
        ):
            records.write(vals)

    def test_registration_values_of_the_wrong_type(self):
        registration = self.make_registration().with_user(self.user_a)
        registration.write({"odometer": "50000"})
        self.assertEqual(registration.odometer, 50000)
        for vals in (
            {"odometer": "12a"},
            {"odometer": 1e12},
            {"odometer": float("nan")},
            {"odometer": True},
            {"vin": 123},
            {"vin": "WVW\x00ZZZ"},
            {"vin": "\ud800"},
            {"vin": "W" * 10_000},
            {"reading_date": ""},
            {"reading_date": 0},
            {"reading_date": []},
            {"reading_date": "yesterday"},
            {"skip_note": "note\x00"},
            {"correction_reason": "reason\x00"},
            {"skip_reason": "bored"},
            {"vehicle_id": "one"},
        ):
            with self.subTest(vals=vals):
                self.assert_refused(registration, vals)
        self.assertEqual(registration.odometer, 50000)

    def test_repair_vehicle_and_wizard_values(self):
        vehicle = self.make_vehicle().with_user(self.user_a)
        repair = self.make_repair(vehicle, odometer=45000).with_user(self.user_a)
        self.assert_refused(repair, {"carpass_odometer": 1e12})
        self.assert_refused(repair, {"carpass_vin": "WVW\x00"})
        self.assert_refused(vehicle, {"vin_sn": "WVW\x00"})
        registration = self.make_registration(vehicle=vehicle)
        wizard = (
            self.env["carpass.registration.wizard"]
            .with_user(self.user_a)
            .create({"registration_id": registration.id})
        )
        self.assert_refused(wizard, {"odometer": "12a"})
        self.assert_refused(wizard, {"odometer": 1e300})
        self.assert_refused(wizard, {"skip_note": "\x07"})

    def test_message_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("nl_BE")
        registration = self.make_registration().with_context(lang="nl_BE")
        with self.assertRaises(ValidationError) as caught:
            registration.write({"odometer": "12a"})
        self.assertIn("geheel getal", str(caught.exception))
