# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The printable correction form: a real PDF, in the company's language, kept.

An HttpCase: wkhtmltopdf loads the report assets from the running server, as in
production (without a server it falls back to a system font and hides font problems).
"""

import base64
import subprocess
import tempfile

import polib

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_path

from odoo.addons.carpass_odoo.carpass import explanations

from .common import GARAGE_A, CarpassCase

REPORT = "carpass_odoo.action_report_carpass_correction_form"


@tagged("post_install", "-at_install")
class TestCorrectionForm(HttpCase, CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_BE")
        # Activating a language does not load the module's translations; installing
        # it from Settings does. Load them as that would.
        cls.env["ir.module.module"]._load_module_terms(
            ["carpass_odoo"], ["nl_BE"], overwrite=True
        )
        cls.company_a.write(
            {
                "carpass_document_language": "nl",
                "street": "Kerkstraat 12",
                "zip": "9000",
                "city": "Gent",
            }
        )

    def make_failed_registration(self):
        """Reported 45000 by mistake; two corrections flagged again."""
        vehicle = self.make_vehicle(license_plate="1-XYZ-987")
        registration = self.make_registration(odometer=45000, vehicle=vehicle)
        registration.action_send()
        for odometer in (54000, 55000):
            registration.odometer = odometer
            registration.action_send()
        self.assertTrue(registration.correction_form_suggested)
        # The garage states the correct reading before the form prints.
        wizard = self.env["carpass.correction.form.wizard"].create(
            {"registration_id": registration.id}
        )
        self.assertNotIn(wizard.odometer, (45000, 54000, 55000), "never a wrong one")
        wizard.write(
            {
                "odometer": 55500,
                "reading_date": self.today(),
                "reason": "Tellerstand verkeerd ingegeven",
            }
        )
        wizard.action_print()
        return registration

    def render_pdf(self, registration, user=None):
        reports = self.env["ir.actions.report"]
        if user:
            reports = reports.with_user(user)
        pdf, report_type = reports.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(REPORT, registration.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    @staticmethod
    def pdf_text(pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            return subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout

    def attachments(self, registration):
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "carpass.registration"),
                ("res_id", "=", registration.id),
            ],
            order="id",
        )

    def test_pdf_holds_everything_car_pass_needs_in_dutch(self):
        registration = self.make_failed_registration()
        self.assertEqual(self.company_a.carpass_document_language_code, "nl_BE")
        text = self.pdf_text(self.render_pdf(registration))
        # Three readings sent, three remarks: still one page, signature block included.
        self.assertEqual(text.count("\f"), 1, text)
        self.assertIn("Plaats en datum", text)
        vehicle = registration.vehicle_id
        for expected in (
            "Test Garage A",
            "Kerkstraat 12",
            "9000 Gent",
            GARAGE_A["enterprise"],
            GARAGE_A["establishment"],
            vehicle.vin_sn,
            "1-XYZ-987",
            "Volkswagen",
            "Golf",
            "45.000",  # the reading first reported, the wrong one, as Dutch writes it
            "55.000",  # the last one sent, still wrong
            "55.500",  # the correct one, as the garage stated it
            registration.request_guid,
            registration.name,
            "Tellerstand verkeerd ingegeven",
        ):
            self.assertIn(expected, text)
        # The Dutch translation of the form, as shipped in i18n/nl.po.
        title = "Car-Pass correction request"
        dutch = polib.pofile(file_path("carpass_odoo/i18n/nl.po")).find(title)
        self.assertTrue(dutch and dutch.msgstr, "the form is translated to Dutch")
        self.assertIn(dutch.msgstr, text)
        self.assertNotIn(title, text)
        # Dates follow the Dutch (Belgian) format, not the English one.
        lang = self.env["res.lang"]._lang_get("nl_BE")
        english = self.env["res.lang"]._lang_get("en_US")
        self.assertNotEqual(lang.date_format, english.date_format)
        self.assertIn(self.today().strftime(lang.date_format), text)
        self.assertNotIn(self.today().strftime(english.date_format), text)
        # Car-Pass's remark on the rounded reading is on the form too, explained in
        # the form's language instead of Car-Pass's English words.
        remark = registration.issue_ids.filtered(lambda i: i.source == "carpass")[0]
        meaning = explanations.ISSUE_EXPLANATIONS[remark.code].meaning
        explained = polib.pofile(file_path("carpass_odoo/i18n/nl.po")).find(meaning)
        self.assertTrue(explained and explained.msgstr, "explained in Dutch")
        flat = " ".join(text.split())
        self.assertIn(explained.msgstr, flat)
        self.assertNotIn(remark.message.split(".")[0][:30], flat)

    def test_rendered_in_the_company_document_language(self):
        registration = self.make_failed_registration()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(REPORT, registration.ids)[0]
            .decode()
        )
        self.assertIn('data-oe-lang="nl_BE"', html)
        self.company_a.carpass_document_language = "en"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(REPORT, registration.ids)[0]
            .decode()
        )
        self.assertIn('data-oe-lang="en_US"', html)

    def test_every_print_is_kept_as_an_attachment(self):
        registration = self.make_failed_registration()
        report = self.env.ref(REPORT)
        self.assertTrue(report.attachment)
        self.assertFalse(report.attachment_use, "a print is never an old copy")
        first = self.render_pdf(registration, user=self.user_a)
        registration.correction_odometer = 55123  # the garage changed its mind
        second = self.render_pdf(registration, user=self.user_a)
        attachments = self.attachments(registration)
        self.assertEqual(len(attachments), 2, attachments.mapped("name"))
        self.assertEqual(len(set(attachments.mapped("name"))), 2)
        self.assertEqual(base64.b64decode(attachments[0].datas), first)
        self.assertEqual(base64.b64decode(attachments[1].datas), second)
        self.assertIn("55.123", self.pdf_text(base64.b64decode(attachments[1].datas)))
        self.assertIn(registration.vin, attachments[0].name)
        self.assertTrue(
            all(name.endswith(".pdf") for name in attachments.mapped("name"))
        )

    def test_refused_for_a_reading_car_pass_never_received(self):
        """No form for a registration without a request id."""
        draft = self.make_registration(odometer=12345)
        self.assertFalse(draft.can_print_correction_form, "the button is hidden")
        with self.assertRaisesRegex(UserError, "never received by Car-Pass"):
            draft.with_user(self.user_a).action_print_correction_form()
        wizard = self.env["carpass.correction.form.wizard"].create(
            {"registration_id": draft.id, "reason": "Typed on the wrong repair"}
        )
        with self.assertRaisesRegex(UserError, "never received by Car-Pass"):
            wizard.with_user(self.user_a).action_print()
        with self.assertRaisesRegex(UserError, "never received by Car-Pass"):
            self.render_pdf(draft, user=self.user_a)
        self.assertFalse(self.attachments(draft))

    def test_printable_once_car_pass_received_the_reading(self):
        registration = self.make_registration(odometer=12345)
        registration.action_send()
        self.assertTrue(registration.request_guid)
        self.assertTrue(registration.can_print_correction_form)
        self.assertFalse(registration.correction_form_suggested)
        step = registration.with_user(self.user_a).action_print_correction_form()
        wizard = self.env["carpass.correction.form.wizard"].browse(step["res_id"])
        self.assertEqual(wizard.odometer, 12345, "accepted: its own reading")
        wizard.reason = "Typed on the wrong repair"
        action = wizard.with_user(self.user_a).action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "carpass_odoo.report_carpass_correction_form"
        )
        text = self.pdf_text(self.render_pdf(registration))
        self.assertIn(registration.vin, text)
        self.assertIn("12345", text)
        self.assertEqual(len(self.attachments(registration)), 1)
