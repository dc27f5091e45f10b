# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every model, field and public method of the addon, tried by every role on A's records.

The matrix is read from the registry: the models with a field or a public method
the addon defines (its own and the ones it extends), their fields defined by the
addon, and their methods callable over RPC (not private by Odoo's rule, defined
in the addon's code). Each cell is run, in a savepoint, as a user and a manager
of A, a user and a manager of B, a user of a branch of A only, a portal user and
the public user. Outside A (B, the branch, portal, public) a read, a write and
a method on A's records must end in AccessError/UserError/MissingError; records
of no company (Car-Pass activities) are refused to portal and public users.
Every role gets one of those errors or a result, never another exception.
A method added to the addon is in the matrix without editing this test.
"""

import inspect

from odoo import models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.models import regex_private
from odoo.tests import new_test_user, tagged

from .common import CarpassCase

ADDON = "carpass_odoo"
ADDON_CODE = f"odoo.addons.{ADDON}."
REFUSALS = (AccessError, UserError, MissingError)
INSIDERS = ("user A", "manager A")


class UndoCell(Exception):
    """Raised at the end of an allowed cell so that its savepoint rolls back."""


def addon_fields(model):
    """The addon's fields on ``model``, not those reached through a delegation."""
    return sorted(
        name
        for name, field in model._fields.items()
        if ADDON in (field._modules or ()) and not field.inherited
    )


def addon_public_methods(model):
    """Public methods the addon's code defines on ``model`` (RPC-callable names)."""
    names = set()
    for cls in type(model).__mro__:
        if not cls.__module__.startswith(ADDON_CODE):
            continue
        for name, member in vars(cls).items():
            if (
                callable(member)
                and not regex_private.match(name)
                and not hasattr(models.BaseModel, name)
            ):
                names.add(name)
    return sorted(names)


@tagged("post_install", "-at_install")
class TestAccessMatrix(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch_a = cls.env["res.company"].create(
            {"name": "Test Garage A, branch", "parent_id": cls.company_a.id}
        )
        make = new_test_user
        cls.roles = {
            "user A": cls.user_a,
            "manager A": cls.manager_a,
            "user B": make(
                cls.env,
                login="matrix_user_b",
                groups="stock.group_stock_user,carpass_odoo.group_carpass_user",
                company_id=cls.company_b.id,
                company_ids=[cls.company_b.id],
            ),
            "manager B": make(
                cls.env,
                login="matrix_manager_b",
                groups="stock.group_stock_user,carpass_odoo.group_carpass_manager",
                company_id=cls.company_b.id,
                company_ids=[cls.company_b.id],
            ),
            "branch user of A": make(
                cls.env,
                login="matrix_branch_user",
                groups="stock.group_stock_user,carpass_odoo.group_carpass_manager",
                company_id=cls.branch_a.id,
                company_ids=[cls.branch_a.id],
            ),
            "portal": make(
                cls.env,
                login="matrix_portal",
                groups="base.group_portal",
                company_id=cls.company_a.id,
                company_ids=[cls.company_a.id],
            ),
            "public": cls.env.ref("base.public_user"),
        }

    # ------------------------------------------------------------
    # A's records, one per model
    # ------------------------------------------------------------

    def records_of_a(self):
        """One record of company A per model of the matrix (by model name)."""
        vehicle = self.make_vehicle(company=self.company_a)
        repair = self.make_repair(vehicle, odometer=45000)
        registration = self.make_registration(vehicle=vehicle, repair_id=repair.id)
        self.env["carpass.registration.issue"].create(
            {
                "registration_id": registration.id,
                # A remark of Car-Pass: local findings are replaced at each check.
                "source": "carpass",
                "code": "DEVIATION",
                "message": "Deviation from the expected reading",
            }
        )
        self.env["carpass.registration.attempt"].create(
            {"registration_id": registration.id, "operation": "create"}
        )
        activity = self.env["carpass.activity"].create(
            {"code": "MATRIX", "name": "Matrix activity"}
        )
        mapping = self.env["carpass.activity.mapping"].create(
            {
                "company_id": self.company_a.id,
                "activity_id": activity.id,
                "applies_to": "category",
                "product_category_id": self.env.ref("product.product_category_all").id,
            }
        )
        journal = self.env["account.journal"].create(
            {
                "name": "Matrix",
                "code": "MTX",
                "type": "general",
                "company_id": self.company_a.id,
            }
        )
        move = self.env["account.move"].create(
            {"journal_id": journal.id, "company_id": self.company_a.id}
        )
        user_env = self.env(user=self.user_a, context={"allowed_company_ids": []})
        manager_env = self.env(user=self.manager_a)
        settings_admin = new_test_user(
            self.env,
            login="matrix_settings_admin_a",
            groups="base.group_system",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        wizard = user_env["carpass.registration.wizard"].create(
            {"registration_id": registration.id}
        )
        records = {
            "carpass.registration": registration,
            "carpass.registration.issue": registration.issue_ids,
            "carpass.registration.attempt": registration.attempt_ids,
            "carpass.activity": activity,
            "carpass.activity.mapping": mapping,
            "fleet.vehicle": vehicle,
            "fleet.vehicle.odometer": self.env["fleet.vehicle.odometer"].create(
                {"vehicle_id": vehicle.id, "value": 1000}
            ),
            "repair.order": repair,
            "res.company": self.company_a,
            "account.move": move,
            "carpass.registration.wizard": wizard,
            "carpass.registration.wizard.activity": user_env[
                "carpass.registration.wizard.activity"
            ].create(
                {
                    "wizard_id": wizard.id,
                    "activity_id": activity.id,
                    "product_id": self.env["product.product"]
                    .create({"name": "Brake pads"})
                    .id,
                    "mapping_source": "default",
                }
            ),
            "carpass.history.wizard": user_env["carpass.history.wizard"].create(
                {"vehicle_id": vehicle.id, "odometer": 46000}
            ),
            "carpass.confirm.wizard": manager_env["carpass.confirm.wizard"].create(
                {"registration_ids": [(6, 0, registration.ids)], "reason": "Checked"}
            ),
            "carpass.manual.correction.wizard": manager_env[
                "carpass.manual.correction.wizard"
            ].create(
                {
                    "registration_id": registration.id,
                    "odometer": 45000,
                    "reading_date": self.today(),
                    "reason": "Typo",
                }
            ),
            "carpass.probe.wizard": manager_env["carpass.probe.wizard"].create(
                {"company_id": self.company_a.id}
            ),
            "carpass.activity.import.wizard": manager_env[
                "carpass.activity.import.wizard"
            ].create({"company_id": self.company_a.id}),
            "res.config.settings": self.env(user=settings_admin)[
                "res.config.settings"
            ].create({}),
            "carpass.correction.form.wizard": user_env[
                "carpass.correction.form.wizard"
            ].create({"registration_id": registration.id}),
        }
        # The compliance figures are a view over the registrations: A's month row.
        self.env.flush_all()
        records["carpass.compliance.report"] = self.env[
            "carpass.compliance.report"
        ].search([("company_id", "=", self.company_a.id)], limit=1)
        return {name: record.sudo(False) for name, record in records.items()}

    # ------------------------------------------------------------
    # The matrix
    # ------------------------------------------------------------

    def matrix_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if not model._abstract
            and (addon_fields(self.env[name]) or addon_public_methods(self.env[name]))
        )

    @staticmethod
    def has_company(record):
        if record._name == "res.company":
            return True
        return "company_id" in record._fields and bool(record.sudo().company_id)

    def run_cell(self, call):
        """'allowed', 'refused' or 'crashed: <error>' for ``call``, rolled back."""
        try:
            with self.env.cr.savepoint():
                call()
                self.env.flush_all()
                # A savepoint only rolls back on an error: undo what was allowed.
                raise UndoCell()
        except UndoCell:
            return "allowed"
        except REFUSALS:
            return "refused"
        except Exception as error:  # noqa: BLE001 - any other error is the finding
            return f"crashed: {type(error).__name__}: {error}"
        finally:
            # The savepoint undid the database; the cache must forget it too.
            self.env.invalidate_all(flush=False)

    def test_every_role_on_every_public_method_and_field(self):
        records = self.records_of_a()
        missing = [name for name in self.matrix_models() if name not in records]
        self.assertFalse(
            missing, f"no record of A to try the matrix on for {missing}: add one"
        )
        findings = []
        cells = 0
        for model_name in self.matrix_models():
            record = records[model_name]
            field_names = addon_fields(record)
            method_names = addon_public_methods(record)
            for role, user in self.roles.items():
                outsider = role not in INSIDERS and (
                    self.has_company(record) or role in ("portal", "public")
                )
                as_role = record.with_user(user)
                for cell, call, on_records in self.cells(
                    as_role, field_names, method_names
                ):
                    cells += 1
                    outcome = self.run_cell(call)
                    # A model method ignores A's records: only the staff may call it.
                    outsider_here = (
                        outsider if on_records else role in ("portal", "public")
                    )
                    bad = outcome.startswith("crashed") or (
                        outsider_here and outcome == "allowed"
                    )
                    if bad:
                        findings.append(f"{role} | {model_name}.{cell} | {outcome}")
        print(
            f"access matrix: {len(self.matrix_models())} models x {len(self.roles)} "
            f"roles = {cells} cells, {len(findings)} findings"
        )
        self.assertFalse(findings, "\n".join(findings[:60]))

    def cells(self, record, field_names, method_names):
        """(label, callable, on A's records) per read, write and method call."""
        stored = record.sudo()
        for name in field_names:
            field = record._fields[name]
            yield f"read {name}", lambda name=name: record.read([name]), True
            if field.compute and not field.store and not field.inverse:
                continue
            if field.type in ("one2many", "many2many"):
                continue
            value = field.convert_to_write(stored[name], stored)
            yield (
                f"write {name}",
                lambda name=name, value=value: record.write({name: value}),
                True,
            )
        for name in method_names:
            method = getattr(record, name)
            required = [
                parameter
                for parameter in inspect.signature(method).parameters.values()
                if parameter.default is inspect.Parameter.empty
                and parameter.kind
                in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
            ]
            self.assertFalse(
                required, f"{record._name}.{name} takes arguments: call them here"
            )
            if getattr(method, "_api", None) == "model":
                yield (
                    f"{name}()",
                    lambda name=name: getattr(record.browse(), name)(),
                    False,
                )
            else:
                yield f"{name}()", method, True
