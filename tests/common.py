# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo test base: two garages pointed at a real Car-Pass simulator over HTTP."""

import itertools
import random
from datetime import date

from odoo.tests import TransactionCase, new_test_user

from carpass_simulator.launcher import shared_simulator

GARAGE_A = {
    "establishment": "2123456791",
    "enterprise": "0412345614",
    "password": "demo-garage-a",
}
GARAGE_B = {
    "establishment": "2234567818",
    "enterprise": "0765432146",
    "password": "demo-garage-b",
}
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_vin_counter = itertools.count()


def random_vin(prefix="WVW"):
    """A fresh valid VIN per call, so tests never collide at the shared simulator."""
    rng = random.Random(next(_vin_counter) * 7919 + random.randrange(1 << 30))
    return prefix + "".join(rng.choice(VIN_ALPHABET) for _ in range(17 - len(prefix)))


class CarpassCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.simulator = shared_simulator()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company_a = cls._make_company("Test Garage A", GARAGE_A)
        cls.company_b = cls._make_company("Test Garage B", GARAGE_B)
        cls.env.user.company_ids |= cls.company_a | cls.company_b
        cls.user_a = new_test_user(
            cls.env,
            login="carpass_mechanic_a",
            groups="stock.group_stock_user,carpass_odoo.group_carpass_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="carpass_manager_a",
            groups="stock.group_stock_user,carpass_odoo.group_carpass_manager",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Volkswagen"})
        cls.vehicle_model = cls.env["fleet.vehicle.model"].create(
            {"name": "Golf", "brand_id": brand.id, "vehicle_type": "car"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Customer"})

    def setUp(self):
        super().setUp()
        # Each test starts from a well-behaved Car-Pass, whatever the previous one set.
        self.simulator.admin.clear_faults()
        self.simulator.admin.settings(
            processing_polls=0, review_polls=1, review_outcome="done", maintenance=False
        )

    @classmethod
    def _make_company(cls, name, garage):
        return cls.env["res.company"].create(
            {
                "name": name,
                "country_id": cls.env.ref("base.be").id,
                "carpass_environment": "simulator",
                "carpass_simulator_url": cls.simulator.base_url,
                "carpass_enterprise_number": garage["enterprise"],
                "carpass_establishment_number": garage["establishment"],
                "carpass_password": garage["password"],
            }
        )

    def make_vehicle(self, company=None, vin=None, readings=(), **values):
        vehicle = self.env["fleet.vehicle"].create(
            {
                "model_id": self.vehicle_model.id,
                "license_plate": values.pop("license_plate", "1-TST-001"),
                "vin_sn": vin if vin is not None else random_vin(),
                "company_id": (company or self.company_a).id,
                **values,
            }
        )
        for reading_date, value in readings:
            self.env["fleet.vehicle.odometer"].create(
                {"vehicle_id": vehicle.id, "date": reading_date, "value": value}
            )
        if readings and vehicle.vin_sn:
            # Car-Pass knows the history too (other garages reported it).
            self.simulator.admin.add_vehicle(vehicle.vin_sn, readings=list(readings))
        return vehicle

    def make_repair(self, vehicle, odometer=0, company=None, state="under_repair"):
        company = company or vehicle.company_id or self.company_a
        repair = (
            self.env["repair.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company.id,
                    "carpass_vehicle_id": vehicle.id,
                    "carpass_odometer": odometer,
                }
            )
        )
        if state in ("confirmed", "under_repair"):
            repair.action_validate()
        if state == "under_repair":
            repair.action_repair_start()
        return repair

    def end_repair(self, repair):
        """End the repair as the button does; returns the wizard it opens."""
        action = repair.action_repair_end()
        self.assertEqual(action.get("res_model"), "carpass.registration.wizard", action)
        return self.env["carpass.registration.wizard"].browse(action["res_id"])

    def simulator_count(self, vin):
        return len(self.simulator.admin.observations(vin=vin))

    @staticmethod
    def today():
        return date.today()
