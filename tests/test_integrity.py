# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What reached Car-Pass stays as Car-Pass holds it, whoever calls over RPC.

Each test calls the ORM as the mechanic (``user_a``) or the manager
(``manager_a``), as a JSON-RPC call would: views are not security.
"""

from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CarpassCase, set_workflow


def api_request_count(simulator):
    return sum(simulator.admin.stats()["requests"].values())


@tagged("post_install", "-at_install")
class TestIntegrity(CarpassCase):
    def make_flagged(self, **values):
        """Sent by the mechanic and flagged by Car-Pass (a rounded reading)."""
        registration = self.make_registration(odometer=45000, **values)
        registration.with_user(self.user_a).action_send()
        self.assertEqual(registration.state, "anomaly", registration.error_message)
        self.assertTrue(registration.request_guid)
        return registration

    def make_accepted_repair(self, odometer=45321):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=odometer)
        self.end_repair(repair)
        registration = repair.carpass_registration_id
        self.window(self.user_a, registration).action_send()
        self.assertEqual(registration.state, "accepted", registration.error_message)
        return repair, registration

    def window(self, user, registration):
        """The Car-Pass window of ``registration``, opened by ``user``."""
        return (
            self.env["carpass.registration.wizard"]
            .with_user(user)
            .create({"registration_id": registration.id})
        )

    def skip_as(self, user, registration):
        wizard = self.window(user, registration)
        wizard.skip_reason = "foreign"
        return wizard.action_skip()

    # ------------------------------------------------------------
    # Finding 5: only a report never sent is skipped
    # ------------------------------------------------------------

    def test_a_flagged_report_cannot_be_skipped(self):
        registration = self.make_flagged()
        self.assertTrue(registration.can_edit, "a flagged report is corrected")
        self.assertFalse(registration.can_skip)
        for user in (self.user_a, self.manager_a):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.skip_as(user, registration)
        self.assertEqual(registration.state, "anomaly")
        self.assertTrue(registration.needs_attention, "still counted")
        self.assertTrue(registration.can_manual_correct)

    def test_a_report_that_may_have_reached_car_pass_cannot_be_skipped(self):
        unknown = set_workflow(
            self.make_registration(), state="error", outcome_unknown=True
        )
        answered = set_workflow(
            self.make_registration(),
            state="error",
            sent_date=fields.Datetime.now(),
        )
        for registration in unknown | answered:
            self.assertFalse(registration.can_skip)
            with self.assertRaises(UserError):
                self.skip_as(self.user_a, registration)
            self.assertEqual(registration.state, "error")

    def test_a_report_never_sent_is_skipped(self):
        draft = self.make_registration()
        failed = set_workflow(
            self.make_registration(), state="error", error_message="unreachable"
        )
        for registration in draft | failed:
            self.assertTrue(registration.can_skip)
            self.skip_as(self.user_a, registration)
            self.assertEqual(registration.state, "skipped")
            self.assertEqual(registration.skip_reason, "foreign")

    def test_the_skip_section_of_the_window_reads_the_flag(self):
        arch = self.env["carpass.registration.wizard"].get_view()["arch"]
        skip = etree.fromstring(arch).xpath("//button[@name='action_skip']")[0]
        self.assertIn("not can_skip", skip.get("invisible"))

    # ------------------------------------------------------------
    # Finding 6: remarks and calls are the addon's rows
    # ------------------------------------------------------------

    def test_remarks_and_calls_are_read_only_for_users_and_managers(self):
        registration = self.make_flagged()
        issue = registration.issue_ids.filtered(lambda i: i.source == "carpass")[:1]
        attempt = registration.attempt_ids[:1]
        self.assertTrue(issue and attempt)
        for user in (self.user_a, self.manager_a):
            Issue = self.env["carpass.registration.issue"].with_user(user)
            Attempt = self.env["carpass.registration.attempt"].with_user(user)
            mine = registration.with_user(user)
            calls = {
                "create remark": lambda Issue=Issue: Issue.create(
                    {
                        "registration_id": registration.id,
                        "source": "carpass",
                        "code": "FAKE",
                        "actions": "confirm",
                    }
                ),
                "resolve remark": lambda user=user: issue.with_user(user).write(
                    {"resolved": True}
                ),
                "reword remark": lambda user=user: issue.with_user(user).write(
                    {"message": "fine", "code": "OK"}
                ),
                "delete remark": lambda user=user: issue.with_user(user).unlink(),
                "remark through the registration": lambda mine=mine: mine.write(
                    {"issue_ids": [(2, issue.id)]}
                ),
                "create call": lambda Attempt=Attempt: Attempt.create(
                    {
                        "registration_id": registration.id,
                        "operation": "confirm",
                        "success": True,
                        "outcome": "DONE",
                    }
                ),
                "change call": lambda user=user: attempt.with_user(user).write(
                    {"success": True, "outcome": "DONE"}
                ),
                "delete call": lambda user=user: attempt.with_user(user).unlink(),
            }
            for label, call in calls.items():
                with (
                    self.subTest(user=user.login, call=label),
                    self.assertRaises(AccessError),
                ):
                    call()
        self.assertTrue(issue.exists() and attempt.exists())
        self.assertFalse(issue.resolved)

    def test_the_pipeline_still_writes_them_for_a_mechanic_and_a_manager(self):
        registration = self.make_flagged()
        self.assertTrue(
            registration.issue_ids.filtered(lambda i: i.source == "carpass")
        )
        calls = len(registration.attempt_ids)
        registration.with_user(self.user_a).action_refresh_status()
        self.assertGreater(len(registration.attempt_ids), calls)
        wizard = (
            self.env["carpass.confirm.wizard"]
            .with_user(self.manager_a)
            .create(
                {"registration_ids": [(6, 0, registration.ids)], "reason": "Checked"}
            )
        )
        wizard.action_confirm()
        self.assertEqual(registration.state, "confirmed")
        self.assertTrue(all(registration.issue_ids.mapped("resolved")))

    # ------------------------------------------------------------
    # Finding 7: the readings of registrations in Fleet's log
    # ------------------------------------------------------------

    def test_a_reported_reading_in_fleet_cannot_be_forged(self):
        repair, registration = self.make_accepted_repair()
        line = registration.odometer_log_id
        self.assertTrue(line)
        other = self.make_registration()
        hand_typed = self.env["fleet.vehicle.odometer"].create(
            {
                "vehicle_id": repair.carpass_vehicle_id.id,
                "value": 30000,
                "date": self.today() - timedelta(days=100),
            }
        )
        Odometer = self.env["fleet.vehicle.odometer"]
        for user in (self.user_a, self.manager_a):
            mine = line.with_user(user)
            calls = {
                "value": lambda mine=mine: mine.write({"value": 999999}),
                "date": lambda mine=mine: mine.write(
                    {"date": self.today() - timedelta(days=1)}
                ),
                "vehicle": lambda mine=mine: mine.write(
                    {"vehicle_id": self.make_vehicle().id}
                ),
                "re-link": lambda mine=mine: mine.write(
                    {"carpass_registration_id": other.id}
                ),
                "link a hand-typed line": lambda user=user: hand_typed.with_user(
                    user
                ).write({"carpass_registration_id": registration.id}),
                "create": lambda user=user: Odometer.with_user(user).create(
                    {
                        "vehicle_id": repair.carpass_vehicle_id.id,
                        "value": 999999,
                        "date": self.today(),
                        "carpass_registration_id": registration.id,
                    }
                ),
                "delete": lambda mine=mine: mine.unlink(),
            }
            for label, call in calls.items():
                with (
                    self.subTest(user=user.login, call=label),
                    self.assertRaises(AccessError),
                ):
                    call()
        self.assertEqual(line.value, 45321)
        self.assertEqual(line.carpass_registration_id, registration)
        self.assertFalse(hand_typed.carpass_registration_id)
        # Fleet's list and form show these lines read-only, by this flag.
        self.assertTrue(line.with_user(self.user_a).carpass_reported)
        self.assertFalse(hand_typed.with_user(self.user_a).carpass_reported)
        self.assertEqual(Odometer.search_count([("value", "=", 999999)]), 0)

    def test_hand_typed_fleet_lines_work_as_in_fleet(self):
        vehicle = self.make_vehicle()
        Odometer = self.env["fleet.vehicle.odometer"].with_user(self.user_a)
        line = Odometer.create(
            {"vehicle_id": vehicle.id, "value": 12000, "date": self.today()}
        )
        line.write({"value": 12500})
        self.assertEqual(line.value, 12500)
        line.unlink()
        self.assertFalse(line.exists())

    def test_the_reading_sync_still_moves_the_line_of_a_mechanics_report(self):
        registration = self.make_flagged()
        self.assertFalse(
            registration.odometer_log_id, "a flagged reading is not logged"
        )
        wizard = self.window(self.user_a, registration)
        wizard.odometer = 45123
        wizard.action_send()
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(registration.odometer_log_id.value, 45123)

    # ------------------------------------------------------------
    # Finding 8: a reported repair keeps its vehicle, VIN and reading
    # ------------------------------------------------------------

    def test_a_reported_repair_keeps_its_vehicle_vin_and_reading(self):
        repair, registration = self.make_accepted_repair()
        flagged_vehicle = self.make_vehicle()
        flagged_repair = self.make_repair(flagged_vehicle, odometer=45000)
        self.make_flagged(vehicle=flagged_vehicle, repair_id=flagged_repair.id)
        vehicle, vin = repair.carpass_vehicle_id, repair.carpass_vin
        another = self.make_vehicle()
        reading_changes = (
            {"carpass_odometer": 46000},
            {"carpass_odometer_date": self.today() - timedelta(days=1)},
            {"carpass_odometer_work": True},
        )
        identity_changes = (
            {"carpass_vehicle_id": another.id},
            {"carpass_vin": "WVWZZZ1JZXW000001"},
        )
        # The accepted report keeps everything; the flagged one, which the garage may
        # still edit, keeps its vehicle and VIN (its reading is tested below).
        for reported, changes in (
            (repair, identity_changes + reading_changes),
            (flagged_repair, identity_changes),
        ):
            for values in changes:
                with (
                    self.subTest(repair=reported.name, values=values),
                    self.assertRaises(UserError) as caught,
                ):
                    reported.with_user(self.user_a).write(values)
                self.assertIn("Car-Pass", str(caught.exception))
        self.assertEqual(repair.carpass_vehicle_id, vehicle)
        self.assertEqual(vehicle.vin_sn, vin)
        self.assertEqual(repair.carpass_odometer, 45321)
        # The same values again change nothing and are no error.
        repair.with_user(self.user_a).write(
            {"carpass_vehicle_id": vehicle.id, "carpass_odometer": 45321}
        )
        # A reading typed on the repair of a flagged report goes to that report,
        # which the next send corrects at Car-Pass.
        flagged = flagged_repair.carpass_registration_ids[:1]
        self.assertTrue(flagged.can_edit)
        flagged_repair.with_user(self.user_a).write({"carpass_odometer": 46000})
        self.assertEqual(flagged.odometer, 46000)
        self.assertEqual(flagged_repair.carpass_odometer, 46000)

    def test_a_repair_not_reported_yet_changes_and_its_report_follows(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=45321)
        self.end_repair(repair)
        registration = repair.carpass_registration_id
        self.window(self.user_a, registration).action_postpone()
        self.assertEqual(registration.state, "draft")
        another = self.make_vehicle()
        repair.with_user(self.user_a).write(
            {"carpass_vehicle_id": another.id, "carpass_odometer": 45400}
        )
        self.assertEqual(registration.vehicle_id, another)
        self.assertEqual(registration.vin, another.vin_sn)
        self.assertEqual(registration.odometer, 45400)
        repair.with_user(self.user_a).write({"carpass_vin": "WVWZZZ1JZXW000002"})
        self.assertEqual(another.vin_sn, "WVWZZZ1JZXW000002")
        self.assertEqual(registration.vin, "WVWZZZ1JZXW000002")

    # ------------------------------------------------------------
    # Finding 9: a report is never duplicated
    # ------------------------------------------------------------

    def test_a_report_is_never_duplicated(self):
        repair, registration = self.make_accepted_repair()
        for user in (self.user_a, self.manager_a):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                registration.with_user(user).copy()
        self.assertEqual(repair.carpass_registration_ids, registration)
        self.assertEqual(repair.carpass_state, "accepted")
        Registration = self.env["carpass.registration"]
        for view_type in ("form", "list"):
            arch = etree.fromstring(Registration.get_view(view_type=view_type)["arch"])
            self.assertEqual(arch.get("duplicate"), "0", view_type)

    # ------------------------------------------------------------
    # Finding 13: the settings' actions are the managers'
    # ------------------------------------------------------------

    def test_connection_test_and_activity_sync_are_for_managers(self):
        self.company_a.carpass_default_activity_id = False
        before = api_request_count(self.simulator)
        with self.assertRaises(AccessError):
            self.company_a.with_user(self.user_a).action_carpass_test_connection()
        with self.assertRaises(AccessError):
            self.env["carpass.activity"].with_user(self.user_a).action_carpass_sync()
        self.assertEqual(api_request_count(self.simulator), before)
        self.assertFalse(self.company_a.carpass_default_activity_id)
        result = self.company_a.with_user(
            self.manager_a
        ).action_carpass_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self.assertTrue(self.company_a.carpass_default_activity_id)

    def test_a_report_that_may_have_reached_car_pass_is_not_deleted(self):
        unknown = set_workflow(
            self.make_registration(), state="error", outcome_unknown=True
        )
        sending = set_workflow(self.make_registration(), state="sending")
        for registration in unknown | sending:
            with self.assertRaises(UserError):
                registration.with_user(self.manager_a).unlink()
            self.assertTrue(registration.exists())
        never_sent = self.make_registration()
        never_sent.with_user(self.manager_a).unlink()
        self.assertFalse(never_sent.exists())
