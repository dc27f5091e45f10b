# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The accountant's view of a real invoice: repair -> quotation -> sale -> invoice."""

from lxml import etree

from odoo import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CarpassCase


@tagged("post_install", "-at_install")
class TestInvoiceCarPassStatus(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_default_activity(cls.company_a)
        # A Belgian garage invoices: its company has a chart of accounts.
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_a, install_demo=False
        )
        cls.brake_pads = cls.env["product.product"].create(
            {"name": "Brake pads", "type": "consu", "list_price": 80.0}
        )
        cls.labour = cls.env["product.product"].create(
            {
                "name": "Labour",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 60.0,
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            login="carpass_accountant_invoice",
            groups="account.group_account_invoice",
            email=False,
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )

    def invoiced_repair(self, skip_reason=None):
        """A repair of a vehicle, ended, invoiced as Odoo's repair and sale apps do.

        At the end the mechanic sends later, or skips the report with ``skip_reason``.
        """
        vehicle = self.make_vehicle(license_plate="1-INV-321")
        repair = self.make_repair(vehicle, odometer=61234, state="draft")
        repair.move_ids = [
            Command.create(
                {
                    "repair_line_type": "add",
                    "product_id": self.brake_pads.id,
                    "product_uom_qty": 1,
                    "location_id": repair.location_id.id,
                    "location_dest_id": repair.location_dest_id.id,
                }
            )
        ]
        # "Create Quotation" on the repair: the parts become sale order lines.
        repair.action_create_sale_order()
        order = repair.sale_order_id
        self.assertEqual(order.order_line.product_id, self.brake_pads)
        order.order_line = [Command.create({"product_id": self.labour.id})]
        order.action_confirm()
        repair.action_validate()
        repair.action_repair_start()
        repair.move_ids.quantity = 1
        repair.move_ids.picked = True
        # End Repair opens the Car-Pass window; the mechanic sends later or skips.
        wizard = self.end_repair(repair)
        if skip_reason:
            wizard.skip_reason = skip_reason
            wizard.action_skip()
        else:
            wizard.action_postpone()
        self.assertEqual(repair.state, "done")
        self.assertEqual(order.order_line.mapped("qty_delivered"), [1.0, 0.0])
        # Invoicing > Create Invoice on the sale order, as the accountant does.
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            invoice.invoice_line_ids.product_id, self.brake_pads | self.labour
        )
        invoice.action_post()
        return repair, invoice

    def test_invoice_shows_car_pass_status_before_and_after_the_report(self):
        repair, invoice = self.invoiced_repair()
        registration = repair.carpass_registration_ids
        self.assertEqual(registration.state, "draft")
        move = invoice.with_user(self.accountant)
        self.assertEqual(move.carpass_repair_ids, repair)
        self.assertEqual(move.carpass_vins, repair.carpass_vin)
        self.assertIn("1-INV-321", move.carpass_vehicle_names)
        self.assertEqual(
            move.carpass_readings, "61,234 km (not yet reported to Car-Pass)"
        )
        self.assertEqual(move.carpass_report_status, f"{repair.name}: Not Sent")
        self.assertTrue(move.carpass_report_missing)
        # The accountant's form shows them, read-only, in red while missing.
        with Form(move) as form:
            self.assertEqual(form.carpass_report_status, move.carpass_report_status)
        arch = etree.fromstring(
            move.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        status = arch.xpath("//field[@name='carpass_report_status']")[0]
        self.assertEqual(status.get("decoration-danger"), "carpass_report_missing")
        for name in ("carpass_vins", "carpass_readings", "carpass_report_status"):
            self.assertEqual(
                arch.xpath(f"//field[@name='{name}']")[0].get("readonly"), "1"
            )

        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        move.invalidate_recordset()
        self.assertEqual(move.carpass_report_status, f"{repair.name}: Accepted")
        self.assertFalse(move.carpass_report_missing)
        self.assertEqual(move.carpass_readings, "61,234 km")

    def accountant_filter_domain(self):
        """The domain of the list as the menu opens it, with its default filter."""
        action = self.env.ref("carpass_odoo.action_repair_without_carpass_report")
        Repair = self.env["repair.order"].with_user(self.accountant)
        search = etree.fromstring(
            Repair.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        domain = []
        for key in safe_eval(action.context):
            name = key[len("search_default_") :]
            domain += safe_eval(
                search.xpath(f"//filter[@name='{name}']")[0].get("domain")
            )
        return domain

    def test_skipped_report_is_not_missing(self):
        """A repair not reported on purpose (foreign car, with a reason) owes nothing."""
        repair, invoice = self.invoiced_repair(skip_reason="foreign")
        self.assertEqual(repair.carpass_registration_ids.state, "skipped")
        move = invoice.with_user(self.accountant)
        self.assertEqual(move.carpass_report_status, f"{repair.name}: Skipped")
        self.assertFalse(move.carpass_report_missing)
        Repair = self.env["repair.order"].with_user(self.accountant)
        self.assertNotIn(repair, Repair.search(self.accountant_filter_domain()))

    def test_accountant_finds_invoiced_repairs_never_reported(self):
        repair, invoice = self.invoiced_repair()
        menu = self.env.ref("carpass_odoo.menu_repair_without_carpass_report")
        self.assertEqual(
            menu.parent_id, self.env.ref("account.menu_finance_receivables")
        )
        self.assertIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids(),
        )
        # The list as the menu opens it, run by the accountant.
        Repair = self.env["repair.order"].with_user(self.accountant)
        domain = self.accountant_filter_domain()
        self.assertIn(repair, Repair.search(domain))
        # The accountant opens the repair from there and sees its invoice.
        self.assertEqual(Repair.browse(repair.id).sale_order_id.invoice_ids, invoice)
        repair.carpass_registration_ids.action_send()
        self.assertNotIn(repair, Repair.search(domain))
        self.assertFalse(invoice.with_user(self.accountant).carpass_report_missing)

    def view_fields(self, arch):
        """The web client's read specification of the fields of a view's arch."""
        names = {
            node.get("name")
            for node in etree.fromstring(arch).xpath("//field")
            if node.getparent().tag != "field"
        }
        Repair = self.env["repair.order"]
        return {
            name: {"fields": {"display_name": {}}}
            if Repair._fields[name].type in ("many2one", "many2many", "one2many")
            else {}
            for name in names
        }

    def test_accountant_opens_a_repair_of_the_list(self):
        """The list and the form of the menu's action, read as the accountant does
        (Billing only: no stock, Fleet or Car-Pass rights), show the repair, its
        vehicle, reading, Car-Pass status and invoice."""
        repair, invoice = self.invoiced_repair()
        action = (
            self.env["ir.actions.act_window"]
            .with_user(self.accountant)
            ._for_xml_id("carpass_odoo.action_repair_without_carpass_report")
        )
        Repair = self.env["repair.order"].with_user(self.accountant)
        views = Repair.get_views(action["views"])["views"]
        self.assertLessEqual({"list", "form"}, set(views))
        domain = self.accountant_filter_domain()
        rows = Repair.web_search_read(domain, self.view_fields(views["list"]["arch"]))[
            "records"
        ]
        row = next(row for row in rows if row["id"] == repair.id)
        self.assertEqual(row["carpass_state"], "draft")
        self.assertEqual(row["carpass_vin"], repair.carpass_vin)
        self.assertIn("1-INV-321", row["carpass_vehicle_name"])
        list_arch = etree.fromstring(views["list"]["arch"])
        self.assertTrue(list_arch.xpath("//field[@name='carpass_state']"))
        # Opening the line: the form's fields, read as the accountant.
        [record] = Repair.browse(repair.id).web_read(
            self.view_fields(views["form"]["arch"])
        )
        self.assertEqual(record["name"], repair.name)
        self.assertEqual(record["carpass_odometer"], 61234)
        self.assertEqual(
            [move["id"] for move in record["carpass_invoice_ids"]], invoice.ids
        )
        self.assertEqual(record["partner_id"]["id"], repair.partner_id.id)
        form = etree.fromstring(views["form"]["arch"])
        self.assertEqual(form.get("edit"), "0")
        self.assertFalse(form.xpath("//field[@name='lot_id' or @name='move_ids']"))
