# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Belgian garages work in Dutch or French: the shipped translations reach the user."""

import re
import time
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools.translate import PoFileReader, code_translations

from odoo.addons.carpass_odoo.carpass import checks
from odoo.addons.carpass_odoo.carpass.exceptions import (
    CarpassAuthenticationError,
    CarpassValidationError,
    FieldError,
)
from odoo.addons.carpass_odoo.models.carpass_messages import (
    carpass_error_message,
    finding_message,
    history_error_message,
)

from .common import CarpassCase, load_migration, set_workflow

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
        finding = self.findings_of(100000)
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
                "Car-Pass: kilometerstanden en werkomschrijvingen die aandacht vragen",
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

    @staticmethod
    def form_arch(model):
        """The form view of ``model`` as its user gets it."""
        return etree.fromstring(
            model.get_views([(False, "form")])["views"]["form"]["arch"]
        )

    def findings_of(self, reading):
        """The checks' findings for ``reading`` today, without history."""
        return checks.check_observation(
            vin="WVWZZZ1KZAW000001",
            reading=reading,
            reading_date=self.today(),
            today=self.today(),
            history=[],
            odometer_work=False,
        )

    def dutch(self, records, user=None):
        """``records`` as a Dutch-speaking user reads them in the web client."""
        user = user or self.user_a
        user.lang = "nl_BE"
        return records.with_user(user).with_context(lang="nl_BE")

    def round_reading_remark_of_the_cron(self):
        """The remark on a round reading (20,000 km), as the retry cron records it:
        checked in English."""
        registration = self.make_registration(odometer=20_000)
        cron_env = self.env(context={"lang": "en_US"})
        registration.with_env(cron_env)._set_local_issues(
            registration.with_env(cron_env)._carpass_findings()
        )
        return registration.issue_ids.filtered(
            lambda issue: issue.code == checks.ROUND_READING
        )

    def test_remark_recorded_by_the_cron_reads_in_the_users_language(self):
        """The retry cron checks in English; the mechanic reads the remark in Dutch."""
        issue = self.round_reading_remark_of_the_cron()
        self.assertIn("round number", issue.message)
        dutch = self.dutch(issue).explanation
        self.assertIn("rond getal", dutch)
        self.assertIn("20.000 km", dutch)
        self.assertNotIn("round number", dutch)
        french = issue.with_context(lang="fr_BE").explanation
        self.assertIn("nombre rond", french)
        # A remark whose values do not make a text keeps the one first written.
        issue.sudo().params = {"unexpected": 1}
        self.assertEqual(issue.explanation, issue.message)

    def test_upgrade_gives_remarks_recorded_before_their_values(self):
        """A remark recorded in English before 18.0.1.4.0 reads in Dutch after it."""
        issue = self.round_reading_remark_of_the_cron()
        self.env.cr.execute(
            "UPDATE carpass_registration_issue SET params = NULL WHERE id = %s",
            issue.ids,
        )
        issue.invalidate_recordset()
        self.assertNotIn("rond getal", self.dutch(issue).explanation)
        load_migration("18.0.1.4.0", "post-migrate-remarks.py").migrate(
            self.env.cr, "18.0.1.3.0"
        )
        issue.invalidate_recordset()
        self.assertEqual(issue.params, {"reading": 20_000})
        self.assertIn("20.000 km", self.dutch(issue).explanation)

    def test_calls_to_car_pass_show_a_translated_result(self):
        registration = self.make_registration()
        started = time.monotonic()
        registration._carpass_log_attempt(
            "create", False, started, "CarpassAuthenticationError", "refused"
        )
        registration._carpass_log_attempt("status", True, started, "action_required")
        registration._carpass_log_attempt("status", True, started, "done")
        registration._carpass_log_attempt("status", True, started, "NEW_WORD")
        attempts = self.dutch(registration).attempt_ids.sorted("id")
        self.assertEqual(
            attempts.mapped("outcome_label"),
            [
                "Aanmeldgegevens geweigerd",
                "Opmerkingen af te handelen",
                "Aanvaard",
                "Car-Pass-status: “NEW_WORD”",
            ],
        )
        # The mechanic's list shows the label; the raw value is the managers'.
        arch = self.form_arch(self.dutch(registration.browse()))
        calls = arch.xpath("//field[@name='attempt_ids']/list")[0]
        self.assertTrue(calls.xpath("field[@name='outcome_label']"))
        self.assertFalse(calls.xpath("field[@name='outcome']"))
        manager_arch = self.form_arch(self.dutch(registration.browse(), self.manager_a))
        self.assertTrue(
            manager_arch.xpath(
                "//field[@name='attempt_ids']/list/field[@name='outcome']"
            )
        )

    def test_validation_messages_write_numbers_and_dates_in_dutch(self):
        (too_large,) = self.findings_of(2_147_483_647)
        text = finding_message(self.env_in("nl_BE"), too_large)
        self.assertIn("2.147.483.647 km", text)
        self.assertIn("9.999.999 km", text)
        registration = self.dutch(self.make_registration())
        with self.assertRaises(ValidationError) as raised:
            registration.write({"reading_date": "1899-12-31"})
        self.assertIn("31-12-1899", str(raised.exception))
        self.assertNotIn("1899-12-31", str(raised.exception))

    def test_car_pass_refusal_explained_with_its_words_quoted(self):
        error = CarpassValidationError(
            "Validation failed.",
            errors=[
                FieldError(
                    "firstUseDate",
                    "FIRST_USE_AFTER_READING",
                    "The first use date is after the reading date.",
                ),
                FieldError(
                    "licensePlate", "", "The license plate does not match the vehicle."
                ),
            ],
        )
        dutch = carpass_error_message(self.env_in("nl_BE"), error)
        # A known code: explained in Dutch, Car-Pass's English left to the log.
        self.assertIn("datum van eerste ingebruikname", dutch)
        self.assertNotIn("The first use date", dutch)
        # An unknown one: the field in Dutch, Car-Pass's words quoted as its own.
        self.assertIn("nummerplaat", dutch)
        self.assertIn("“The license plate does not match the vehicle.”", dutch)
        self.assertNotIn("licensePlate", dutch)
        self.assertNotIn("firstUseDate", dutch)
        french = carpass_error_message(self.env_in("fr_BE"), error)
        self.assertIn("plaque", french)
        self.assertIn("mise en circulation", french)

    def test_car_pass_remarks_in_a_history_refusal_are_explained(self):
        error = CarpassValidationError(
            "Car-Pass flagged the reading; no vehicle history report was issued.",
            errors=[
                FieldError("odometerReading", "ROUNDED_READING", "Rounded reading."),
                FieldError("odometerReading", "NEW_REMARK", "Something new."),
            ],
            code="ACTION_REQUIRED",
        )
        dutch = history_error_message(
            self.env_in("nl_BE"), error, "WVWZZZ1KZAW000001", 20_000
        )
        self.assertIn("rond getal", dutch)
        self.assertNotIn("Rounded reading.", dutch)
        self.assertIn("“Something new.”", dutch)
        self.assertIn("20.000", dutch)

    def test_one_term_for_the_car_pass_managers(self):
        """Dutch and French each name the managers as the group is named."""
        group = self.env.ref("carpass_odoo.group_carpass_manager")
        path = get_module_path("carpass_odoo")
        for lang, term in (("nl", "beheerder"), ("fr", "gestionnaire")):
            with self.subTest(lang=lang):
                self.assertIn(term, group.with_context(lang=f"{lang}_BE").name.lower())
                with open(f"{path}/i18n/{lang}.po", "rb") as handle:
                    entries = list(PoFileReader(handle))
                naming = [
                    entry
                    for entry in entries
                    if re.search(r"\bmanagers?\b", entry["src"], re.IGNORECASE)
                    and entry["value"]
                ]
                self.assertTrue(naming)
                for entry in naming:
                    self.assertIn(term, entry["value"].lower(), entry["src"])
                    self.assertNotIn("manager", entry["value"].lower(), entry["src"])

    def test_default_activity_once_on_the_settings_page(self):
        tree = self.form_arch(
            self.env["res.config.settings"].with_context(lang="nl_BE")
        )
        self.assertEqual(
            len(tree.xpath("//field[@name='carpass_default_activity_id']")), 1
        )
        self.assertEqual(
            etree.tostring(tree, encoding="unicode").count("Standaardactiviteit"), 1
        )

    def test_crons_write_in_the_establishment_s_language(self):
        """A cron has no user: the retry and status crons write their messages in
        the language of the establishment (its partner's), whatever Odoo's default."""
        self.company_a.partner_id.lang = "nl_BE"
        self.company_b.partner_id.lang = "fr_BE"
        dutch = self.make_registration()
        french = self.make_registration(company=self.company_b)
        for registration in dutch | french:
            set_workflow(
                registration,
                state="error",
                retryable=True,
                next_retry_at=fields.Datetime.now() - timedelta(seconds=1),
            )
        self.simulator.admin.queue_faults(["503", "503"])
        cron_env = self.env(
            context={k: v for k, v in self.env.context.items() if k != "lang"}
        )

        cron_env["carpass.registration"]._cron_carpass_retry()

        self.assertEqual((dutch | french).mapped("state"), ["error", "error"])
        self.assertIn("Car-Pass is nu niet bereikbaar", dutch.error_message)
        self.assertIn("Car-Pass est injoignable", french.error_message)
        # A cron that was given a language keeps it.
        set_workflow(dutch, next_retry_at=fields.Datetime.now() - timedelta(seconds=1))
        self.simulator.admin.queue_faults(["503"])
        dutch.with_context(lang="en_US")._cron_carpass_retry()
        self.assertIn("cannot be reached", dutch.error_message)
