# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile values for every field the addon accepts, over the ORM and over JSON-RPC.

Hypothesis draws a model of the addon, one of its writable fields (the addon's,
and the VIN of Fleet's vehicle) and a value: strings for integers, floats, None,
empty values, NUL and other control characters, lone surrogates, 10,000-character
strings, lists, dicts. Only UserError, ValidationError, AccessError or
MissingError may come back; afterwards the records still read and keep their
invariants (reading in range, the registration's company that of its vehicle).
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.carpass_odoo.carpass import checks

from .common import CarpassCase

ADDON = "carpass_odoo"
ORM_EXAMPLES = 1300
RPC_EXAMPLES = 800
ALLOWED = (UserError, AccessError, MissingError)
ALLOWED_RPC_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}
# Fields a write must never reach through these models (workflow and links).
SKIPPED_FIELDS = {"message_follower_ids", "activity_ids", "message_ids"}

HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "\x00", "WVW\x00ZZZ", "\ud800", "\x07bell", "x" * 10_000, "12a"]
    ),
)
HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.sampled_from([2**31, -(2**31) - 1, 1e12, 1e300, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    HOSTILE_TEXT,
    st.sampled_from(["50000", "2026-01-01", "2026-02-30", "1e3", "0x10"]),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.sampled_from(["id", "x"]), st.integers(), max_size=2),
)


def fuzzable_fields(model):
    """The fields of ``model`` a client may send, per the addon."""
    names = []
    for name, field in model._fields.items():
        own = ADDON in (field._modules or ()) or name == "vin_sn"
        if not own or name in SKIPPED_FIELDS or field.type in ("one2many",):
            continue
        if field.compute and not field.store and not field.inverse:
            continue
        names.append(name)
    return sorted(names)


class FuzzTargets:
    """A registration, its vehicle and repair, and its end-of-repair wizard, of A."""

    def make_targets(self):
        vehicle = self.make_vehicle(company=self.company_a)
        repair = self.make_repair(vehicle, odometer=45000)
        registration = self.make_registration(vehicle=vehicle, repair_id=repair.id)
        wizard = (
            self.env["carpass.registration.wizard"]
            .with_user(self.user_a)
            .create({"registration_id": registration.id})
        )
        return {
            "carpass.registration": registration,
            "fleet.vehicle": vehicle,
            "repair.order": repair,
            "carpass.registration.wizard": wizard,
        }

    def assert_consistent(self, targets):
        registration = targets["carpass.registration"].sudo()
        registration.invalidate_recordset()
        self.env.cr.execute(
            "SELECT odometer, company_id FROM carpass_registration WHERE id = %s",
            (registration.id,),
        )
        odometer, company_id = self.env.cr.fetchone()
        self.assertTrue(0 <= odometer <= checks.MAX_READING)
        vehicle_company = registration.vehicle_id.company_id.id
        self.assertIn(vehicle_company, (False, company_id))
        if registration.repair_id:
            self.assertEqual(registration.repair_id.company_id.id, company_id)


@tagged("post_install", "-at_install")
class TestOrmFuzz(FuzzTargets, CarpassCase):
    def test_orm_writes_and_creates_refuse_cleanly(self):
        targets = self.make_targets()
        choices = [
            (model, name)
            for model, record in targets.items()
            for name in fuzzable_fields(record)
        ]
        runs = {"examples": 0, "refused": 0}

        @settings(
            max_examples=ORM_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            target=st.sampled_from(choices), value=HOSTILE_VALUES, create=st.booleans()
        )
        def write_one(target, value, create):
            model, name = target
            record = targets[model].with_user(self.user_a)
            runs["examples"] += 1
            try:
                with self.env.cr.savepoint():
                    if create and model == "carpass.registration":
                        record.create(
                            {
                                "vehicle_id": record.vehicle_id.id,
                                "company_id": record.company_id.id,
                                "odometer": 1000,
                                name: value,
                            }
                        )
                    else:
                        record.write({name: value})
                    record.env.flush_all()
            except ALLOWED:
                runs["refused"] += 1
            self.assert_consistent(targets)

        write_one()
        print(f"ORM fuzz: {runs['examples']} examples, {runs['refused']} refused")
        self.assertGreaterEqual(runs["examples"], ORM_EXAMPLES)


@tagged("post_install", "-at_install")
class TestJsonRpcFuzz(FuzzTargets, HttpCase, CarpassCase):
    def call_kw(self, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_json_rpc_writes_refuse_cleanly(self):
        targets = self.make_targets()
        self.authenticate("carpass_mechanic_a", "carpass_mechanic_a")
        choices = [
            (model, name)
            for model, record in targets.items()
            for name in fuzzable_fields(record)
        ]
        runs = {"examples": 0, "refused": 0}
        findings = []

        @settings(
            max_examples=RPC_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(target=st.sampled_from(choices), value=HOSTILE_VALUES)
        def call_one(target, value):
            model, name = target
            runs["examples"] += 1
            answer = self.call_kw(model, "write", [[targets[model].id], {name: value}])
            error = answer.get("error")
            if error:
                runs["refused"] += 1
                kind = error["data"]["name"]
                if kind not in ALLOWED_RPC_ERRORS:
                    findings.append(f"{model}.{name} = {value!r}: {kind}")
            self.assert_consistent(targets)

        call_one()
        print(f"JSON-RPC fuzz: {runs['examples']} examples, {runs['refused']} refused")
        self.assertFalse(findings, "\n".join(findings[:40]))
        self.assertGreaterEqual(runs["examples"], RPC_EXAMPLES)
