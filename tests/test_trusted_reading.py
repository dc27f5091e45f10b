# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One trustworthy reading: the registration holds what was reported, and only
readings Car-Pass did not refuse reach Fleet's log and the checks.

Each numbered case of the issue that found the gaps has its test here (the printed
papers are in test_reports.py); what is refused is refused on the server, over
create/write, for a Car-Pass user and a manager.
"""

from datetime import timedelta

from psycopg2.errors import NumericValueOutOfRange

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.carpass_odoo.carpass import checks, lifecycle
from odoo.addons.carpass_odoo.models.carpass_registration import (
    FIXED_FIELDS,
    REPORTED_FIELDS,
    STATES,
)

from .common import CarpassCase, load_migration, set_workflow


@tagged("post_install", "-at_install")
class TestTrustedReading(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Registration = cls.env["carpass.registration"]

    def fleet_values(self, vehicle):
        return (
            self.env["fleet.vehicle.odometer"]
            .search([("vehicle_id", "=", vehicle.id)], order="date, id")
            .mapped("value")
        )

    def history_readings(self, vehicle):
        return [past.reading for past in self.Registration._carpass_history(vehicle)]

    # Case 1: the repair order holds what the registration reported ----------------

    def test_reading_taken_in_the_window_flows_back_to_the_repair(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=5842)
        wizard = self.end_repair(repair)
        wizard.odometer = 58421
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted", registration.error_message)
        self.assertEqual(repair.carpass_odometer, 58421)
        self.assertEqual(repair.carpass_odometer_date, registration.reading_date)
        self.assertTrue(repair.carpass_reading_reported)
        notes = repair.message_ids.mapped("body")
        self.assertTrue(any("58,421" in note for note in notes), notes)
        self.assertEqual(self.fleet_values(vehicle), [58421])

    def test_reading_typed_only_in_the_window_is_on_the_repair_not_yet_reported(self):
        repair = self.make_repair(self.make_vehicle(), odometer=0)
        wizard = self.end_repair(repair)
        wizard.odometer = 23456
        wizard.action_postpone()
        self.assertEqual(repair.carpass_odometer, 23456)
        self.assertEqual(repair.carpass_odometer_date, self.today())
        self.assertFalse(repair.carpass_reading_reported)

    def test_repair_reading_of_a_reported_registration_is_refused(self):
        repair = self.make_repair(self.make_vehicle(), odometer=34567)
        wizard = self.end_repair(repair)
        wizard.action_send()
        self.assertEqual(wizard.registration_id.state, "accepted")
        with self.assertRaises(UserError):
            repair.with_user(self.user_a).write({"carpass_odometer": 34576})
        self.assertEqual(repair.carpass_odometer, 34567)

    def test_repair_reading_of_a_waiting_registration_goes_to_it(self):
        repair = self.make_repair(self.make_vehicle(), odometer=34567)
        wizard = self.end_repair(repair)
        wizard.action_postpone()
        repair.write({"carpass_odometer": 34570})
        self.assertEqual(wizard.registration_id.odometer, 34570)

    # Case 2: refused readings never count ----------------------------------------

    def test_flagged_reading_is_not_fleets_odometer_nor_the_previous_reading(self):
        today = self.today()
        vehicle = self.make_vehicle(readings=[(today - timedelta(days=60), 20500)])
        registration = self.make_registration(odometer=45000, vehicle=vehicle)
        registration.action_send()  # a rounded reading: Car-Pass flags it
        self.assertEqual(registration.state, "anomaly")
        for corrected in (54000, 55000):  # corrections flagged again
            registration.odometer = corrected
            registration.action_send()
            self.assertEqual(registration.state, "anomaly")
        self.assertEqual(self.fleet_values(vehicle), [20500])
        self.assertEqual(vehicle.odometer, 20500)
        self.assertEqual(self.history_readings(vehicle), [20500])
        self.assertFalse(registration.odometer_log_id)
        # The next report of the vehicle is checked against 20,500, not 55,000.
        later = self.make_registration(odometer=31000, vehicle=vehicle)
        codes = {finding.code for finding in later._carpass_findings()}
        self.assertNotIn(checks.READING_LOWER, codes)
        history = self.env["carpass.history.wizard"].create({"vehicle_id": vehicle.id})
        self.assertEqual(history.last_reading, 20500)

    def test_confirmed_reading_enters_fleets_log(self):
        vehicle = self.make_vehicle()
        registration = self.make_registration(odometer=45000, vehicle=vehicle)
        registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        self.assertEqual(self.fleet_values(vehicle), [])
        registration.with_user(self.manager_a)._carpass_confirm("really round")
        self.assertEqual(registration.state, "confirmed")
        self.assertEqual(self.fleet_values(vehicle), [45000])
        self.assertEqual(
            registration.odometer_log_id.carpass_registration_id, registration
        )

    def test_the_one_rule_of_trust(self):
        for state in lifecycle.STATES:
            self.assertEqual(
                lifecycle.reading_is_trusted(state),
                state in ("accepted", "confirmed"),
                state,
            )
            self.assertEqual(
                lifecycle.reading_is_trusted(state, odometer_work=True),
                state in ("accepted", "confirmed", "ongoing", "waiting"),
                state,
            )

    def test_migration_takes_refused_readings_out_of_fleets_log(self):
        """Before 18.0.1.2.0 every reading was logged; the migration applies the rule."""
        vehicle = self.make_vehicle()
        registration = self.make_registration(odometer=45000, vehicle=vehicle)
        registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        old_log = self.env["fleet.vehicle.odometer"].create(
            {"vehicle_id": vehicle.id, "date": self.today(), "value": 45000}
        )
        set_workflow(registration, odometer_log_id=old_log.id)
        migration = load_migration("18.0.1.2.0", "post-trusted-readings.py")
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.assertFalse(old_log.exists())
        self.assertEqual(self.fleet_values(vehicle), [])

    # Cases 3 and 4: server-side invariants ---------------------------------------

    def sample_value(self, registration, name):
        """A value for field ``name`` that differs from the registration's."""
        field = self.Registration._fields[name]
        if field.type == "selection":
            choices = [key for key, _label in field._description_selection(self.env)]
            # Neither the registration's value nor a new one's: a form may send
            # the value a new registration starts with.
            initial = field.default(self.Registration) if field.default else None
            return next(
                key for key in choices if key not in (registration[name], initial)
            )
        if field.type == "boolean":
            return not registration[name]
        if field.type == "integer":
            return (registration[name] or 0) + 7
        if field.type == "datetime":
            return fields.Datetime.now() - timedelta(days=3)
        if field.type == "date":
            return self.today() - timedelta(days=3)
        if field.type == "many2one":
            return (
                self.env["fleet.vehicle.odometer"]
                .create(
                    {
                        "vehicle_id": registration.vehicle_id.id,
                        "date": self.today(),
                        "value": 1,
                    }
                )
                .id
            )
        return "made-up-" + name

    def test_every_workflow_field_is_refused_over_create_and_write(self):
        names = sorted(self.Registration._carpass_workflow_field_names())
        # Every stored field the registration sets itself is protected.
        for name, field in self.Registration._fields.items():
            if field.readonly and field.store and not field.compute:
                if name in ("name", "create_date", "write_date", "create_uid"):
                    continue
                if name in ("write_uid", "id", "message_main_attachment_id"):
                    continue
                self.assertIn(name, names, f"{name} is readonly but not protected")
        vehicle = self.make_vehicle()
        registration = self.make_registration(vehicle=vehicle)
        for user in (self.user_a, self.manager_a):
            for name in names:
                value = self.sample_value(registration, name)
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(UserError):
                        registration.with_user(user).write({name: value})
                    with self.assertRaises(UserError):
                        registration.with_user(user).sudo().write({name: value})
                    with self.assertRaises(UserError):
                        self.Registration.with_user(user).create(
                            {
                                "company_id": self.company_a.id,
                                "vehicle_id": vehicle.id,
                                "vin": vehicle.vin_sn,
                                "odometer": 12345,
                                name: value,
                            }
                        )
                    with self.assertRaises(UserError):
                        self.Registration.with_user(user).with_context(
                            **{f"default_{name}": value}
                        ).create(
                            {
                                "company_id": self.company_a.id,
                                "vehicle_id": vehicle.id,
                                "vin": vehicle.vin_sn,
                                "odometer": 12345,
                            }
                        )
        self.assertEqual(registration.state, "draft")

    def test_every_state_is_refused_over_create_and_write(self):
        """E.g. created *Accepted* with a made-up request GUID, or set to *sending*."""
        vehicle = self.make_vehicle()
        registration = self.make_registration(vehicle=vehicle)
        for user in (self.user_a, self.manager_a):
            for state, _label in STATES:
                with self.subTest(user=user.login, state=state):
                    with self.assertRaises(UserError):
                        self.Registration.with_user(user).create(
                            {
                                "company_id": self.company_a.id,
                                "vehicle_id": vehicle.id,
                                "vin": vehicle.vin_sn,
                                "odometer": 12345,
                                "state": state,
                                "request_guid": "made-up-guid",
                            }
                        )
                    with self.assertRaises(UserError):
                        registration.with_user(user).write({"state": state})
        self.assertEqual(registration.state, "draft")
        self.assertFalse(registration.request_guid)

    def test_reference_is_fixed_after_an_unknown_outcome(self):
        registration = self.make_registration()
        self.simulator.admin.queue_faults(["drop"])
        registration.action_send()
        self.assertTrue(registration.outcome_unknown)
        reference = registration.reference
        for user in (self.user_a, self.manager_a):
            with self.assertRaises(UserError):
                registration.with_user(user).write({"reference": "another-key"})
        self.assertEqual(registration.reference, reference)

    def test_reported_reading_changes_only_through_a_correction(self):
        """Case 3: an *Accepted* registration edited over RPC."""
        vehicle = self.make_vehicle()
        registration = self.make_registration(odometer=87754, vehicle=vehicle)
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        changes = {
            "odometer": 87745,
            "reading_date": self.today() - timedelta(days=1),
            "vin": "WVWZZZ1JZXW000001",
            "odometer_work": True,
        }
        self.assertEqual(set(changes), set(REPORTED_FIELDS))
        for user in (self.user_a, self.manager_a):
            for name, value in changes.items():
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(UserError):
                        registration.with_user(user).write({name: value})
        self.assertEqual(registration.odometer, 87754)
        self.assertEqual(self.fleet_values(vehicle), [87754])
        # The same value again changes nothing and is harmless.
        registration.with_user(self.user_a).write({"odometer": 87754})

    def test_flagged_reading_is_corrected_with_the_history_kept(self):
        registration = self.make_registration(odometer=45000)
        registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        registration.with_user(self.user_a).write({"odometer": 45123})
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.sent_odometer, 45000)
        self.assertEqual(registration.last_sent_odometer, 45123)

    def test_company_vehicle_and_repair_are_fixed_after_creation(self):
        registration = self.make_registration()
        other_vehicle = self.make_vehicle()
        other_repair = self.make_repair(other_vehicle)
        values = {
            "company_id": self.company_b.id,
            "vehicle_id": other_vehicle.id,
            "repair_id": other_repair.id,
        }
        self.assertEqual(set(values), set(FIXED_FIELDS))
        for user in (self.user_a, self.manager_a):
            for name, value in values.items():
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(UserError):
                        registration.with_user(user).write({name: value})

    def test_skipping_a_reported_registration_is_refused(self):
        wizard = self.end_repair(self.make_repair(self.make_vehicle(), odometer=34567))
        wizard.action_send()
        self.assertEqual(wizard.registration_id.state, "accepted")
        wizard.skip_reason = "foreign"
        with self.assertRaises(UserError):
            wizard.action_skip()
        self.assertEqual(wizard.registration_id.state, "accepted")

    # Case 5: the correction form asks before it prints ---------------------------

    def test_correction_form_prefills_a_trusted_reading_never_the_wrong_one(self):
        today = self.today()
        vehicle = self.make_vehicle(readings=[(today - timedelta(days=60), 20500)])
        registration = self.make_registration(odometer=45000, vehicle=vehicle)
        registration.action_send()
        registration.odometer = 55000
        registration.action_send()
        self.assertEqual(registration.state, "anomaly")
        action = registration.with_user(self.user_a).action_print_correction_form()
        self.assertEqual(action["res_model"], "carpass.correction.form.wizard")
        wizard = self.env["carpass.correction.form.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.odometer, 0, "flagged: the garage states it")
        self.assertFalse(wizard.reading_date)
        self.assertIn("45,000", wizard.sent_readings)
        self.assertIn("55,000", wizard.sent_readings)
        with Form(wizard.with_user(self.user_a)) as form:
            form.odometer = 45123
            form.reading_date = today
            form.reason = ""
        with self.assertRaises(UserError):
            wizard.with_user(self.user_a).action_print()
        wizard.reason = "Typed a rounded reading"
        report = wizard.with_user(self.user_a).action_print()
        self.assertEqual(report["type"], "ir.actions.report")
        self.assertEqual(registration.correction_odometer, 45123)
        self.assertEqual(registration.correction_reason, "Typed a rounded reading")
        again = self.env["carpass.correction.form.wizard"].create(
            {"registration_id": registration.id}
        )
        self.assertEqual(again.odometer, 45123, "the stated reading, kept")

    def test_correction_form_never_prefills_a_later_repair_s_reading(self):
        """A flagged reading is not prefilled with a later repair's reading."""
        today = self.today()
        vehicle = self.make_vehicle()
        flagged = self.make_registration(
            odometer=58421, vehicle=vehicle, reading_date=today - timedelta(days=20)
        )
        flagged.action_send()
        set_workflow(flagged, state="anomaly")
        later = self.make_registration(odometer=60123, vehicle=vehicle)
        later.action_send()
        self.assertEqual(later.state, "accepted", later.error_message)
        self.assertEqual(vehicle.odometer, 60123, "the later reading is trusted")
        wizard = self.env["carpass.correction.form.wizard"].create(
            {"registration_id": flagged.id}
        )
        self.assertNotEqual(wizard.odometer, 60123, "never another repair's reading")
        self.assertEqual(wizard.odometer, 0)
        flagged.correction_odometer = 58400
        flagged.correction_reading_date = today - timedelta(days=20)
        again = self.env["carpass.correction.form.wizard"].create(
            {"registration_id": flagged.id}
        )
        self.assertEqual(again.odometer, 58400, "its own stated reading")

    # Case 6: one set of bounds for every reading field ---------------------------

    def test_huge_repair_reading_is_a_validation_error(self):
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle)
        for value in (3_000_000_000, checks.MAX_READING + 1, -1):
            with self.subTest(value=value):
                with self.assertRaises(ValidationError):
                    try:
                        repair.write({"carpass_odometer": value})
                        repair.flush_recordset()
                    except NumericValueOutOfRange as error:
                        self.fail(f"database error instead of a message: {error}")
        with self.assertRaises(ValidationError):
            self.make_repair(vehicle, odometer=3_000_000_000)
        repair.write({"carpass_odometer": checks.MAX_READING})
        self.assertEqual(repair.carpass_odometer, checks.MAX_READING)

    def test_every_reading_field_has_the_same_bounds(self):
        registration = self.make_registration()
        for name in ("odometer", "correction_odometer"):
            with self.subTest(field=name):
                with self.assertRaises(ValidationError):
                    registration.write({name: checks.MAX_READING + 1})
        wizard = self.env["carpass.correction.form.wizard"].create(
            {
                "registration_id": registration.id,
                "odometer": checks.MAX_READING + 1,
                "reading_date": self.today(),
                "reason": "typo",
            }
        )
        with self.assertRaises(UserError):
            wizard.action_print()
        self.assertFalse(checks.reading_in_bounds(3_000_000_000))
        self.assertTrue(checks.reading_in_bounds(checks.MAX_READING))
        self.assertTrue(checks.reading_in_bounds(0))
