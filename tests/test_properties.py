# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property-based tests: whatever a user types, the answer is a readable error.

Generated VINs, readings and dates (unicode, control characters, huge and negative
numbers, any date) go through the registration model and the end-of-repair wizard.
The only exceptions allowed are UserError and ValidationError, and the database
stays consistent: each example runs in a savepoint, and what was saved obeys the
model's rules.
"""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.carpass_odoo.carpass.checks import MAX_READING

from .common import CarpassCase, random_vin

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    # No example database in the repository: every run draws afresh.
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VIN_LIKE = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789 iIoOq-", max_size=20)
VINS = st.one_of(
    VIN_LIKE,
    st.text(max_size=40),
    st.just("\x00WVWZZZ1KZAW000001"),
    st.just("WVWZZZ1KZAW00000\u0661"),
)
READINGS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-5, max_value=MAX_READING + 5),
    st.sampled_from([0, 1, MAX_READING, MAX_READING + 1, 2**31 - 1, 2**31, -(2**31)]),
)
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
STATES = st.sampled_from(["draft", "error", "accepted", "skipped"])
EXPECTED_ERRORS = (UserError, ValidationError)


@tagged("post_install", "-at_install")
class TestInputProperties(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Registration = cls.env["carpass.registration"]
        cls.vehicle = cls.env["fleet.vehicle"].create(
            {
                "model_id": cls.vehicle_model.id,
                "license_plate": "1-PRP-001",
                "vin_sn": random_vin("WPR"),
                "company_id": cls.company_a.id,
            }
        )

    def assert_consistent(self, registration):
        """What the database holds obeys the model's rules."""
        registration.invalidate_recordset()
        self.assertTrue(
            0 <= registration.odometer <= MAX_READING, registration.odometer
        )
        vin = registration.vin or ""
        self.assertEqual(vin, vin.strip().upper())
        self.assertNotIn("\x00", vin)
        self.assertTrue(registration.reference)
        if registration.state not in ("draft", "skipped"):
            self.assertGreater(registration.odometer, 0)
            self.assertLessEqual(registration.reading_date, self.today())
            self.assertTrue(vin)
        log = registration.odometer_log_id
        if log:
            self.assertEqual(int(log.value), registration.odometer)
            self.assertEqual(log.date, registration.reading_date)

    def run_example(self, action):
        """Run ``action`` in a savepoint; returns the error it raised, if expected."""
        try:
            with self.env.cr.savepoint():
                return action()
        except EXPECTED_ERRORS as error:
            self.assertTrue(str(error), "an error says what is wrong")
            return error

    # ------------------------------------------------------------------
    # The model
    # ------------------------------------------------------------------

    @EXAMPLES
    @given(vin=VINS, odometer=READINGS, reading_date=DATES, state=STATES)
    def test_create_raises_only_user_errors(self, vin, odometer, reading_date, state):
        def create():
            registration = self.Registration.create(
                {
                    "company_id": self.company_a.id,
                    "vehicle_id": self.vehicle.id,
                    "vin": vin,
                    "odometer": odometer,
                    "reading_date": reading_date,
                    "state": state,
                }
            )
            registration.flush_recordset()
            self.assert_consistent(registration)
            return registration

        self.run_example(create)

    @EXAMPLES
    @given(
        vin=VINS,
        odometer=READINGS,
        reading_date=DATES,
        odometer_work=st.booleans(),
    )
    def test_write_raises_only_user_errors(
        self, vin, odometer, reading_date, odometer_work
    ):
        registration = self.Registration.create(
            {
                "company_id": self.company_a.id,
                "vehicle_id": self.vehicle.id,
                "vin": self.vehicle.vin_sn,
                "odometer": 1000,
                "reading_date": self.today(),
            }
        )

        def write():
            registration.write(
                {
                    "vin": vin,
                    "odometer": odometer,
                    "reading_date": reading_date,
                    "odometer_work": odometer_work,
                }
            )
            registration.flush_recordset()

        error = self.run_example(write)
        self.assert_consistent(registration)
        if error is None:
            self.assertEqual(registration.odometer, odometer)
            self.assertEqual(registration.reading_date, reading_date)
        else:
            # The savepoint undid the whole write.
            self.assertEqual(registration.odometer, 1000)

    # ------------------------------------------------------------------
    # The end-of-repair wizard
    # ------------------------------------------------------------------

    @EXAMPLES
    @given(
        vin=VINS,
        odometer=READINGS,
        reading_date=st.one_of(DATES, st.none()),
        odometer_work=st.booleans(),
        button=st.sampled_from(
            ["action_send", "action_postpone", "action_use_suggestion", "action_skip"]
        ),
    )
    def test_wizard_raises_only_user_errors(
        self, vin, odometer, reading_date, odometer_work, button
    ):
        registration = self.Registration.create(
            {
                "company_id": self.company_a.id,
                "vehicle_id": self.vehicle.id,
                "odometer": 0,
                "reading_date": self.today(),
            }
        )
        state_before = registration.state

        def use_wizard():
            wizard = (
                self.env["carpass.registration.wizard"]
                .with_user(self.user_a)
                .create({"registration_id": registration.id})
            )
            wizard.write(
                {
                    "vin": vin,
                    "odometer": odometer,
                    "reading_date": reading_date,
                    "odometer_work": odometer_work,
                }
            )
            # What the form shows while typing must render for any input.
            self.assertIsNotNone(wizard.findings_html)
            getattr(wizard, button)()
            self.env.flush_all()

        error = self.run_example(use_wizard)
        self.assert_consistent(registration)
        if error is not None:
            self.assertEqual(registration.state, state_before)
