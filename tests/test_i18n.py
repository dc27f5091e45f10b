# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Belgian garages work in Dutch or French: the shipped translations reach the user."""

import re
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from odoo.addons.carpass_odoo.carpass import checks
from odoo.addons.carpass_odoo.carpass.exceptions import CarpassAuthenticationError
from odoo.addons.carpass_odoo.models.carpass_messages import (
    carpass_error_message,
    finding_message,
)

from .common import CarpassCase

LANGUAGES = ("nl_BE", "fr_BE")


@tagged("post_install", "-at_install")
class TestTranslations(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["carpass_odoo"], list(LANGUAGES), overwrite=True
        )

    def env_in(self, lang):
        return self.env(context=dict(self.env.context, lang=lang))

    def test_field_labels_and_selections(self):
        expected = {
            "nl_BE": ("Kilometerstand", "Chassisnummer", "Niet verstuurd"),
            "fr_BE": ("Relevé kilométrique", "Numéro de châssis", "Non envoyé"),
        }
        for lang, (odometer, vin, draft) in expected.items():
            with self.subTest(lang=lang):
                Registration = self.env_in(lang)["carpass.registration"]
                described = Registration.fields_get(["odometer", "vin", "state"])
                self.assertEqual(described["odometer"]["string"], odometer)
                self.assertEqual(described["vin"]["string"], vin)
                self.assertEqual(dict(described["state"]["selection"])["draft"], draft)

    def test_wizard_view_buttons(self):
        expected = {"nl_BE": "Niet doorsturen", "fr_BE": "Ne pas envoyer maintenant"}
        for lang, label in expected.items():
            with self.subTest(lang=lang):
                Wizard = self.env_in(lang)["carpass.registration.wizard"]
                arch = Wizard.get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertIn(label, arch)
                self.assertNotIn("Don't Send Now", arch)

    def test_python_messages(self):
        error = CarpassAuthenticationError("refused")
        self.assertIn(
            "aanmeldgegevens", carpass_error_message(self.env_in("nl_BE"), error)
        )
        self.assertIn(
            "identifiants", carpass_error_message(self.env_in("fr_BE"), error)
        )

    def test_check_messages_keep_their_values(self):
        finding = checks.check_observation(
            vin="WVWZZZ1KZAW000001",
            reading=100000,
            reading_date=self.today(),
            today=self.today(),
            history=[],
            odometer_work=False,
        )
        round_reading = next(f for f in finding if f.code == checks.ROUND_READING)
        dutch = finding_message(self.env_in("nl_BE"), round_reading)
        french = finding_message(self.env_in("fr_BE"), round_reading)
        self.assertIn("rond getal", dutch)
        self.assertIn("nombre rond", french)
        # Numbers as each language writes them (res.lang of nl_BE and fr_BE).
        for text in (dutch, french):
            self.assertIn("100.000 km", text)
        self.assertIn(
            "100,000 km", finding_message(self.env_in("en_US"), round_reading)
        )

    def test_dutch_user_reads_belgian_dates_and_numbers(self):
        """The wizard's findings and the chatter write 158.421 km and dd-mm-yyyy."""
        dutch_user = self.user_a
        dutch_user.lang = "nl_BE"
        previous_date = self.today() - timedelta(days=30)
        vehicle = self.make_vehicle(readings=[(previous_date, 158_421)])
        repair = self.make_repair(vehicle, odometer=150_000)
        # The web client puts the user's language in the context of every call.
        dutch_repair = repair.with_user(dutch_user).with_context(lang=dutch_user.lang)
        action = dutch_repair.action_repair_end()
        wizard = dutch_repair.env[action["res_model"]].browse(action["res_id"])
        text = " ".join(re.sub(r"<[^>]+>", " ", str(wizard.findings_html)).split())
        self.assertIn("158.421 km", text)
        self.assertIn("150.000 km", text)
        self.assertIn(previous_date.strftime("%d-%m-%Y"), text)
        self.assertNotIn(previous_date.isoformat(), text)
        self.assertNotIn("158421", text)

        wizard.odometer = 158_521
        wizard.action_send()
        note = wizard.registration_id.message_ids.filtered(
            lambda message: "158.521" in (message.body or "")
        )
        self.assertTrue(note, wizard.registration_id.message_ids.mapped("body"))
        self.assertIn(self.today().strftime("%d-%m-%Y"), note[0].body)
        self.assertNotIn(self.today().isoformat(), note[0].body)

    def test_every_check_message_is_translated(self):
        for lang in LANGUAGES:
            translations = code_translations.get_python_translations(
                "carpass_odoo", lang
            )
            with self.subTest(lang=lang):
                missing = [
                    template
                    for template in checks.MESSAGES.values()
                    if not translations.get(template)
                ]
                self.assertFalse(missing)

    def test_systray_template_translated(self):
        for lang, label in (
            (
                "nl_BE",
                "Car-Pass: kilometerstanden en werkbeschrijvingen die aandacht vragen",
            ),
            ("fr_BE", "Car-Pass : relevés et descriptions des travaux à traiter"),
        ):
            with self.subTest(lang=lang):
                web = code_translations.get_web_translations("carpass_odoo", lang)
                strings = {
                    message["id"]: message["string"] for message in web["messages"]
                }
                self.assertEqual(
                    strings.get(
                        "Car-Pass: readings and work descriptions needing attention"
                    ),
                    label,
                )
