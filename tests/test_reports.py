# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The PDFs as a garage prints them: an HTTP server runs, wkhtmltopdf loads the assets.

The wkhtmltopdf of the machine renders for real (Debian's 0.12.6 on an unpatched Qt
where the set-up installs it): one record and selections of 2 and 5, checked with
poppler's pdftotext (real, searchable text) and pdfinfo (pages and their size).
"""

import re
import subprocess
import tempfile
from datetime import date, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_date

from .common import GARAGE_A, CarpassCase

CORRECTION_FORM = "carpass_odoo.action_report_carpass_correction_form"
REPAIR_ORDER = "repair.action_report_repair_order"
INVOICE = "account.account_invoices"
GARAGE_NAME = "Garage Étoile"
A4_POINTS = (595, 842)  # 210 x 297 mm, rounded to whole points


def run_poppler(tool, pdf, *args):
    """Run a poppler tool (``pdftotext``, ``pdfinfo``) on PDF bytes; its stdout."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdf_page_texts(pdf):
    """The text of each page, in order (pdftotext ends every page with a form feed)."""
    return run_poppler("pdftotext", pdf, "-layout").split("\f")[:-1]


def pdf_page_sizes(pdf):
    """Each page's size in whole points, e.g. ``[(595, 842)]`` for one A4 page."""
    info = run_poppler("pdfinfo", pdf, "-f", "1", "-l", "10000")
    return [
        (round(float(width)), round(float(height)))
        for width, height in re.findall(
            r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info, re.MULTILINE
        )
    ]


@tagged("post_install", "-at_install")
class TestReports(HttpCase, CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.write(
            {
                "name": GARAGE_NAME,
                "street": "Rue de l'Église 7",
                "zip": "4000",
                "city": "Liège",
                "carpass_document_language": "fr",
            }
        )
        cls.env["res.lang"]._activate_lang("fr_BE")
        # Activating a language does not load the module's translations; installing
        # it from Settings does. Load them as that would.
        cls.env["ir.module.module"]._load_module_terms(
            ["carpass_odoo"], ["fr_BE"], overwrite=True
        )

    def render(self, report, records, res_ids=None):
        """The PDF Odoo hands the garage's user for ``records``, as bytes.

        ``res_ids`` (default: the records' ids) may name a record twice.
        The paper format without a report's own is the current company's: the garage's.
        """
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(records.env.user)
            .with_company(records.company_id)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, res_ids or records.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def make_registrations(self, count):
        """``count`` registrations, each with its own VIN, plate, readings and dates.

        Each sent a rounded reading Car-Pass flagged (41,000, 42,000, ...); the
        garage stated the correct one (41,123, 42,123, ...) before printing.
        """
        registrations = self.env["carpass.registration"]
        for index in range(count):
            vehicle = self.make_vehicle(license_plate=f"1-ETL-{index:03d}")
            registration = self.make_registration(
                odometer=41000 + 1000 * index,
                vehicle=vehicle,
                reading_date=self.today() - timedelta(days=index),
            )
            registration.action_send()
            self.assertEqual(registration.state, "anomaly")
            wizard = self.env["carpass.correction.form.wizard"].create(
                {"registration_id": registration.id}
            )
            wizard.write(
                {
                    "odometer": 41123 + 1000 * index,
                    "reading_date": self.today() - timedelta(days=index),
                    "reason": f"Compteur mal encodé n° {index}",
                }
            )
            wizard.action_print()
            registrations |= registration
        return registrations

    def make_repairs(self, count):
        """``count`` repairs of distinct vehicles, each with its reading and date."""
        repairs = self.env["repair.order"]
        for index in range(count):
            vehicle = self.make_vehicle(license_plate=f"1-REP-{index:03d}")
            repair = self.make_repair(vehicle, odometer=61000 + 2222 * index)
            repair.carpass_odometer_date = self.today() - timedelta(days=10 + index)
            repairs |= repair
        return repairs

    def format_date(self, value: date, lang="fr_BE"):
        """A date as a report in ``lang`` shows it."""
        return format_date(self.env, value, lang_code=lang)

    def format_number(self, value: int, lang="fr_BE"):
        """An integer as a report in ``lang`` shows it (grouped by the language)."""
        return self.env["res.lang"]._lang_get(lang).format("%d", value, grouping=True)

    def assert_correction_forms(self, registrations):
        pdf = self.render(CORRECTION_FORM, registrations)
        pages = pdf_page_texts(pdf)
        self.assertEqual(len(pages), len(registrations), "one page per form")
        self.assertEqual(pdf_page_sizes(pdf), [A4_POINTS] * len(registrations))
        for page, registration in zip(pages, registrations, strict=True):
            for expected in (
                GARAGE_NAME,
                "Rue de l'Église 7, 4000 Liège",
                registration.vin,
                registration.vehicle_id.license_plate,
                self.format_number(registration.correction_odometer),
                self.format_date(registration.correction_reading_date),
                registration.name,
                registration.correction_reason,
            ):
                self.assertIn(expected, page)
            # The wrong reading is there, labelled as what was sent to Car-Pass.
            sent = self.format_number(registration.last_sent_odometer)
            self.assertNotEqual(
                sent, self.format_number(registration.correction_odometer)
            )
            self.assertIn(sent, page)
            self.assertIn("Envoyé à Car-Pass (erroné)", page)
            # The signature block is on the page of the data it signs.
            self.assertIn("Lieu et date", page)
            self.assertIn("Nom et signature", page)

    def assert_repair_orders(self, repairs):
        pdf = self.render(REPAIR_ORDER, repairs)
        sizes = pdf_page_sizes(pdf)
        self.assertGreaterEqual(len(sizes), len(repairs))
        self.assertEqual(set(sizes), {A4_POINTS})
        text = "\f".join(pdf_page_texts(pdf))
        for repair in repairs:
            for expected in (
                repair.name,
                repair.carpass_vin,
                self.format_number(repair.carpass_odometer, repair.partner_id.lang),
                # A repair order speaks the customer's language.
                self.format_date(repair.carpass_odometer_date, repair.partner_id.lang),
            ):
                self.assertIn(expected, text)

    def test_correction_form_one_record(self):
        self.assert_correction_forms(self.make_registrations(1))

    def test_correction_forms_of_two_records(self):
        self.assert_correction_forms(self.make_registrations(2))

    def test_correction_forms_of_five_records_each_kept(self):
        registrations = self.make_registrations(5)
        self.assert_correction_forms(registrations)
        for registration in registrations:
            attachment = self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "carpass.registration"),
                    ("res_id", "=", registration.id),
                ]
            )
            self.assertEqual(len(attachment), 1, "each form is kept on its record")
            kept = pdf_page_texts(attachment.raw)
            self.assertEqual(len(kept), 1)
            self.assertIn(registration.vin, kept[0])

    def test_repair_order_one_record(self):
        self.assert_repair_orders(self.make_repairs(1))

    def test_repair_orders_of_two_records(self):
        self.assert_repair_orders(self.make_repairs(2))

    def test_repair_orders_of_five_records(self):
        self.assert_repair_orders(self.make_repairs(5))

    def make_invoices(self, count):
        """``count`` posted invoices, each of the sale order of a repair of its vehicle.

        In the database's main company: invoicing needs its chart of accounts.
        """
        company = self.env.ref("base.main_company")
        labour = self.env["product.product"].create(
            {"name": "Labour", "type": "service", "invoice_policy": "order"}
        )
        invoices = self.env["account.move"]
        for index in range(count):
            vehicle = self.make_vehicle(
                company=company, license_plate=f"1-INV-{index:03d}"
            )
            repair = self.make_repair(vehicle, odometer=81000 + 3333 * index)
            repair.carpass_odometer_date = self.today() - timedelta(days=20 + index)
            invoice = self.invoice_repair(repair, labour)
            self.assertEqual(invoice.carpass_repair_ids, repair)
            invoices |= invoice
        return invoices

    @staticmethod
    def invoice_repair(repair, labour):
        """The repair's posted invoice, through its sale order with a ``labour`` line."""
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.order_line = [
            Command.create({"product_id": labour.id, "product_uom_qty": 1})
        ]
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def assert_invoices(self, invoices):
        pdf = self.render(INVOICE, invoices)
        self.assertGreaterEqual(len(pdf_page_sizes(pdf)), len(invoices))
        text = "\f".join(pdf_page_texts(pdf))
        for repair in invoices.carpass_repair_ids:
            for expected in (
                repair.carpass_vin,
                self.format_number(repair.carpass_odometer, repair.partner_id.lang),
                self.format_date(repair.carpass_odometer_date, repair.partner_id.lang),
            ):
                self.assertIn(expected, text)

    def test_invoice_one_record(self):
        self.assert_invoices(self.make_invoices(1))

    def test_invoices_of_two_records(self):
        self.assert_invoices(self.make_invoices(2))

    def test_invoices_of_five_records(self):
        self.assert_invoices(self.make_invoices(5))

    def test_accountant_prints_invoices_of_repairs_and_of_plain_sales(self):
        """A Billing user (no stock, Fleet or Car-Pass rights, no e-mail) prints
        from the browser the invoice of a repair's sale order and that of a plain
        sale order: the repairs are found and printed without their rights."""
        company = self.env.ref("base.main_company")
        accountant = new_test_user(
            self.env,
            login="carpass_billing_print",
            groups="account.group_account_invoice",
            email=False,
            company_id=company.id,
            company_ids=[company.id],
        )
        repair_invoice = self.make_invoices(1)
        repair = repair_invoice.carpass_repair_ids
        product = self.env["product.product"].create(
            {"name": "Car wash", "type": "service", "invoice_policy": "order"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": company.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        plain_invoice = order._create_invoices()
        plain_invoice.action_post()
        self.assertFalse(plain_invoice.carpass_repair_ids)
        lang = repair.partner_id.lang
        for invoice, expected in (
            (
                repair_invoice,
                [
                    repair.carpass_vin,
                    self.format_number(repair.carpass_odometer, lang),
                    self.format_date(repair.carpass_odometer_date, lang),
                ],
            ),
            # Printed too; the invoice's own text may be drawn as shapes (see
            # static/src/report/carpass_reports.scss), its vehicle lines are text.
            (plain_invoice, []),
        ):
            # As the print menu does (/report/pdf/account.report_invoice/<id>).
            pdf = self.render(INVOICE, invoice.with_user(accountant))
            text = " ".join("\f".join(pdf_page_texts(pdf)).split())
            for value in expected:
                self.assertIn(value, text)
            self.assertEqual("VIN:" in text, bool(expected))
        # The form shows the same to the accountant.
        self.assertEqual(
            repair_invoice.with_user(accountant).carpass_vins, repair.carpass_vin
        )

    def test_repair_order_and_invoice_print_the_reading_car_pass_accepted(self):
        """The mechanic typed 5842; the window sent 58421, which Car-Pass accepted."""
        company = self.env.ref("base.main_company")
        company.write(
            {
                "carpass_environment": "simulator",
                "carpass_simulator_url": self.simulator.base_url,
                "carpass_enterprise_number": GARAGE_A["enterprise"],
                "carpass_establishment_number": GARAGE_A["establishment"],
                "carpass_password": GARAGE_A["password"],
            }
        )
        vehicle = self.make_vehicle(company=company, license_plate="1-ACC-001")
        repair = self.make_repair(vehicle, odometer=5842)
        wizard = self.end_repair(repair)
        wizard.odometer = 58421
        wizard.action_send()
        self.assertEqual(wizard.registration_id.state, "accepted")
        lang = repair.partner_id.lang
        accepted, typed = (
            self.format_number(58421, lang),
            self.format_number(5842, lang),
        )
        text = "\f".join(pdf_page_texts(self.render(REPAIR_ORDER, repair)))
        self.assertIn(accepted, text)
        self.assertNotIn(typed + " ", text.replace(accepted, ""))
        self.assertNotIn("not yet reported", text)
        labour = self.env["product.product"].create(
            {"name": "Labour", "type": "service", "invoice_policy": "order"}
        )
        invoice = self.invoice_repair(repair, labour)
        text = "\f".join(pdf_page_texts(self.render(INVOICE, invoice)))
        self.assertIn(accepted, text)
        self.assertIn(vehicle.vin_sn, text)
        # The invoice form shows the same, read-only, to the accountant.
        self.assertEqual(invoice.carpass_vins, vehicle.vin_sn)
        self.assertIn(self.format_number(58421, "en_US"), invoice.carpass_readings)
        self.assertIn("1-ACC-001", invoice.carpass_vehicle_names)
        self.assertTrue(invoice.carpass_reading_dates)

    def test_repair_order_marks_a_reading_not_yet_reported(self):
        """A reading typed only in the window prints, with its date, as waiting."""
        repair = self.make_repair(self.make_vehicle(), odometer=0)
        wizard = self.end_repair(repair)
        wizard.odometer = 23456
        wizard.action_postpone()
        lang = repair.partner_id.lang
        text = "\f".join(pdf_page_texts(self.render(REPAIR_ORDER, repair)))
        self.assertIn(self.format_number(23456, lang), text)
        self.assertIn(self.format_date(self.today(), lang), text)
        self.assertIn("not yet reported to Car-Pass", " ".join(text.split()))

    def test_same_record_twice_is_one_document(self):
        """As in Odoo: printed twice in one PDF, and not kept (which copy would be?)."""
        registration = self.make_registrations(1)
        ids = [registration.id, registration.id]
        pdf = self.render(CORRECTION_FORM, registration, res_ids=ids)
        pages = pdf_page_texts(pdf)
        self.assertEqual(len(pages), 2)
        self.assertTrue(all(registration.vin in page for page in pages))
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [
                    ("res_model", "=", "carpass.registration"),
                    ("res_id", "=", registration.id),
                ]
            )
        )
