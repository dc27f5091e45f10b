# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo test base: two garages pointed at a real Car-Pass simulator over HTTP."""

import importlib.util
import itertools
import random
import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.module import get_module_path
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.carpass_odoo.carpass.clock import belgian_now, belgian_today

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
# The main company's Car-Pass settings: pointed at the simulator while committed
# registrations exist, then put back as they were.
CARPASS_COMPANY_FIELDS = (
    "carpass_environment",
    "carpass_simulator_url",
    "carpass_enterprise_number",
    "carpass_establishment_number",
    "carpass_password",
)
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_vin_counter = itertools.count()


def set_workflow(registrations, **values):
    """Put registrations in a state as the pipeline would: the sanctioned way for tests.

    Workflow fields (state, retry schedule, ``last_sent_*``, ...) refuse
    create/write; the registration's own methods set them through
    ``_carpass_write_workflow``, and so does this helper.
    """
    registrations._carpass_write_workflow(values)
    return registrations


def load_migration(version, filename="post-migrate.py"):
    """A script of the addon's ``migrations/<version>/`` folder, as a module."""
    path = f"{get_module_path('carpass_odoo')}/migrations/{version}/{filename}"
    name = f"carpass_migration_{version}_{filename}".replace(".", "_").replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_workflow_values(env, values):
    """Take the workflow fields out of ``values`` (in place); returns them."""
    names = env["carpass.registration"]._carpass_workflow_field_names()
    return {name: values.pop(name) for name in list(values) if name in names}


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
        # Both sides decide by one instant: Car-Pass's clock is set to Odoo's now,
        # so a test run around Belgian midnight sees one Belgian date on both.
        self.simulator.admin.settings(
            processing_polls=0,
            review_polls=1,
            review_outcome="done",
            maintenance=False,
            today=None,
            clock=belgian_now().isoformat(),
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

    @classmethod
    def give_default_activity(cls, company, code="PERIODIC_MAINTENANCE"):
        """Synchronise the activities and give ``company`` a default one."""
        Activity = cls.env["carpass.activity"]
        Activity._carpass_sync_with(company, raise_on_failure=True)
        company.carpass_default_activity_id = Activity.search([("code", "=", code)])

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

    def make_registration(
        self, odometer=45123, company=None, vehicle=None, readings=(), **values
    ):
        """A registration of today, not sent, for ``vehicle`` or a new one."""
        vehicle = vehicle or self.make_vehicle(company=company, readings=readings)
        workflow = split_workflow_values(self.env, values)
        registration = self.env["carpass.registration"].create(
            {
                "company_id": (company or self.company_a).id,
                "vehicle_id": vehicle.id,
                "vin": vehicle.vin_sn,
                "odometer": odometer,
                "reading_date": self.today(),
                **values,
            }
        )
        if workflow:
            set_workflow(registration, **workflow)
        return registration

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
        """Car-Pass's today: the Belgian date (carpass/clock.py), not the machine's."""
        return belgian_today()


class CommittedQueueCase(CarpassCase):
    """Registrations committed for cron workers that run on cursors of their own.

    Another cursor only sees committed data and the test transaction is never
    committed, so the queue lives in the database's main company (its Car-Pass
    settings pointed at the simulator) and a cleanup removes it and restores them.
    """

    def committed_env(self):
        """A superuser env on a cursor of its own; commits when the block ends."""
        cursor = db_connect(self.env.cr.dbname).cursor()
        # A row left locked by a stuck worker fails the test instead of hanging it.
        cursor.execute("SET LOCAL lock_timeout = '20s'")
        return cursor, api.Environment(cursor, SUPERUSER_ID, {})

    def make_committed_registrations(self, count, prefix, **values):
        """Commit ``count`` registrations, one fresh vehicle each; removed after the test.

        Returns the ids (``registrations``, ``vehicles``) and ``vins`` to check with.
        """
        cursor, env = self.committed_env()
        with cursor:
            company = env.ref("base.main_company").sudo()
            saved = {name: company[name] for name in CARPASS_COMPANY_FIELDS}
            company.write(
                {
                    "carpass_environment": "simulator",
                    "carpass_simulator_url": self.simulator.base_url,
                    "carpass_enterprise_number": GARAGE_A["enterprise"],
                    "carpass_establishment_number": GARAGE_A["establishment"],
                    "carpass_password": GARAGE_A["password"],
                }
            )
            brand = env["fleet.vehicle.model.brand"].create({"name": "Committed"})
            model = env["fleet.vehicle.model"].create(
                {"name": "Queue", "brand_id": brand.id, "vehicle_type": "car"}
            )
            vehicles = env["fleet.vehicle"].create(
                [
                    {
                        "model_id": model.id,
                        "vin_sn": random_vin(prefix),
                        "company_id": company.id,
                    }
                    for _index in range(count)
                ]
            )
            values = dict(values)
            workflow = split_workflow_values(env, values)
            registrations = env["carpass.registration"].create(
                [
                    {
                        "company_id": company.id,
                        "vehicle_id": vehicle.id,
                        "vin": vehicle.vin_sn,
                        "odometer": 30001 + index,
                        "reading_date": self.today(),
                        **values,
                    }
                    for index, vehicle in enumerate(vehicles)
                ]
            )
            if workflow:
                set_workflow(registrations, **workflow)
            created = {
                "company": company.id,
                "saved": saved,
                "brand": brand.id,
                "model": model.id,
                "vehicles": vehicles.ids,
                "registrations": registrations.ids,
                "vins": vehicles.mapped("vin_sn"),
            }
        self.addCleanup(self._remove_committed, created)
        return created

    def make_committed_retry_queue(self, count, prefix):
        """Committed registrations whose send failed and whose retry is due now."""
        return self.make_committed_registrations(
            count,
            prefix,
            state="error",
            retryable=True,
            next_retry_at=fields.Datetime.now() - timedelta(minutes=1),
        )

    def run_concurrently(self, work, workers):
        """Call ``work()`` from ``workers`` threads at once; returns their results.

        The barrier releases the threads together so that they really compete for
        the queue; an exception in a thread fails the test here, in the main thread.
        """
        barrier = threading.Barrier(workers)
        results, errors = {}, []

        def worker(number):
            try:
                barrier.wait(timeout=30)
                results[number] = work()
            except Exception as error:  # reported by the main thread
                errors.append(error)

        threads = [
            threading.Thread(target=worker, args=(number,)) for number in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors, errors)
        self.assertEqual(len(results), workers, "every worker finished")
        return list(results.values())

    def _remove_committed(self, created):
        cursor, env = self.committed_env()
        with cursor:
            registration_ids = tuple(created["registrations"])
            vehicle_ids = tuple(created["vehicles"])
            for model, ids in (
                ("carpass.registration", registration_ids),
                ("fleet.vehicle", vehicle_ids),
            ):
                cursor.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                    [model, ids],
                )
                cursor.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                    [model, ids],
                )
            # Reported registrations refuse unlink(): remove the test rows directly.
            cursor.execute(
                "DELETE FROM carpass_registration WHERE id IN %s", [registration_ids]
            )
            env["fleet.vehicle.odometer"].search(
                [("vehicle_id", "in", list(vehicle_ids))]
            ).unlink()
            env["fleet.vehicle"].browse(vehicle_ids).unlink()
            env["fleet.vehicle.model"].browse(created["model"]).unlink()
            env["fleet.vehicle.model.brand"].browse(created["brand"]).unlink()
            env["res.company"].browse(created["company"]).sudo().write(created["saved"])
