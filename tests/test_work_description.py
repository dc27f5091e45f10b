# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Work descriptions: standard activities, their mappings and what reaches Car-Pass."""

import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.carpass_odoo.carpass.payloads import Activity

from .common import CarpassCase, set_workflow

# Labels of one activity as the simulator serves them (carpass_simulator/activities.py).
BRAKES_LABELS = {
    "en_US": "Brakes",
    "fr_BE": "Freins",
    "nl_BE": "Remmen",
    "de_DE": "Bremsen",
}


@tagged("post_install", "-at_install")
class TestWorkDescription(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_BE", "nl_BE", "de_DE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.Activity = cls.env["carpass.activity"].with_context(active_test=False)
        cls.Mapping = cls.env["carpass.activity.mapping"]
        cls.Activity.with_company(cls.company_a)._carpass_sync_with(
            cls.company_a, raise_on_failure=True
        )
        cls.brakes = cls.Activity.search([("code", "=", "BRAKES")])
        cls.tyres = cls.Activity.search([("code", "=", "TYRES")])
        cls.oil = cls.Activity.search([("code", "=", "OIL_CHANGE")])
        cls.maintenance = cls.Activity.search([("code", "=", "PERIODIC_MAINTENANCE")])
        cls.other = cls.Activity.search([("code", "=", "OTHER")])
        Category = cls.env["product.category"]
        cls.categ_parts = Category.create({"name": "Car parts"})
        cls.categ_brakes = Category.create(
            {"name": "Brake parts", "parent_id": cls.categ_parts.id}
        )
        cls.categ_pads = Category.create(
            {"name": "Brake pads", "parent_id": cls.categ_brakes.id}
        )
        Product = cls.env["product.product"]
        cls.brake_pads = Product.create(
            {"name": "Brake pads front", "type": "consu", "categ_id": cls.categ_pads.id}
        )
        cls.brake_disc = Product.create(
            {"name": "Brake disc", "type": "consu", "categ_id": cls.categ_brakes.id}
        )
        cls.tyre = Product.create(
            {"name": "Tyre 205/55 R16", "type": "consu", "categ_id": cls.categ_parts.id}
        )
        cls.wiper = Product.create(
            {"name": "Wiper blade", "type": "consu", "categ_id": cls.categ_parts.id}
        )
        cls.labour = Product.create({"name": "Labour", "type": "service"})

    def make_repair_with_parts(self, products, odometer=45321, vehicle=None):
        vehicle = vehicle or self.make_vehicle(
            readings=[(self.today() - timedelta(days=200), 40120)]
        )
        repair = self.make_repair(vehicle, odometer=odometer, state="draft")
        repair.move_ids = [
            Command.create(
                {
                    "product_id": product.id,
                    "product_uom_qty": 1,
                    "repair_line_type": "add",
                }
            )
            for product in products
        ]
        repair.action_validate()
        repair.action_repair_start()
        return repair

    def end_repair_as(self, user, repair):
        """End the repair as ``user`` does; returns the wizard, seen by that user."""
        action = repair.with_user(user).action_repair_end()
        self.assertEqual(action.get("res_model"), "carpass.registration.wizard", action)
        return (
            self.env["carpass.registration.wizard"]
            .with_user(user)
            .browse(action["res_id"])
        )

    def stored_description(self, vin):
        stored = self.simulator.admin.observations(vin=vin)
        self.assertEqual(len(stored), 1, stored)
        return (
            json.loads(stored[0]["description"]) if stored[0]["description"] else None
        )

    # ------------------------------------------------------------
    # Synchronisation
    # ------------------------------------------------------------

    def test_sync_creates_every_activity_with_labels_per_language(self):
        expected = self.company_a._carpass_client().list_activities()
        codes = [activity.code for activity in expected]
        self.assertIn("BRAKES", codes)
        synced = self.Activity.search([("code", "in", codes), ("active", "=", True)])
        self.assertEqual(len(synced), len(codes))
        for lang, label in BRAKES_LABELS.items():
            self.assertEqual(self.brakes.with_context(lang=lang).name, label, lang)
        # The user's language decides what the activity shows.
        self.assertEqual(
            self.brakes.with_user(self.user_a).with_context(lang="nl_BE").display_name,
            "Remmen",
        )

    def test_resync_is_idempotent(self):
        before = self.Activity.search([])
        self.brakes.with_context(lang="fr_BE").name = "Freinage (modifié)"
        counts = self.Activity.with_company(self.company_a)._carpass_sync_with(
            self.company_a, raise_on_failure=True
        )
        self.assertEqual(counts["created"], 0)
        self.assertEqual(counts["updated"], len(before.filtered("active")))
        self.assertEqual(self.Activity.search([]), before, "no duplicate, no new row")
        self.assertEqual(self.brakes.with_context(lang="fr_BE").name, "Freins")

    def test_sync_archives_activities_car_pass_no_longer_lists(self):
        obsolete = self.Activity.create({"code": "CARBURETTOR", "name": "Carburettor"})
        self.Mapping.create(
            {
                "company_id": self.company_a.id,
                "applies_to": "product",
                "product_id": self.wiper.id,
                "activity_id": obsolete.id,
            }
        )
        counts = self.Activity._carpass_sync_with(self.company_a, raise_on_failure=True)
        self.assertEqual(counts["archived"], 1)
        self.assertFalse(obsolete.active)
        self.assertTrue(obsolete.mapping_ids, "the mapping stays for a comeback")
        resolved = self.Mapping._carpass_resolve(self.wiper, self.company_a)
        self.assertEqual(resolved[self.wiper][1], "none", "archived ones are skipped")
        # It comes back when Car-Pass lists it again.
        self.Activity._carpass_sync(
            [Activity(code="CARBURETTOR", labels={"en": "Carburettor", "fr": "Carbu"})]
        )
        self.assertTrue(obsolete.active)
        self.assertEqual(obsolete.with_context(lang="fr_BE").name, "Carbu")
        self.assertFalse(self.brakes.active, "left out of that answer")

    def test_sync_button_needs_a_manager_and_a_connection(self):
        with self.assertRaises(UserError):
            self.Activity.with_user(self.user_a).action_carpass_sync()
        action = (
            self.Activity.with_user(self.manager_a)
            .with_company(self.company_a)
            .action_carpass_sync()
        )
        self.assertEqual(action["params"]["type"], "success")
        unconfigured = self.env["res.company"].create({"name": "Not connected"})
        with self.assertRaises(UserError):
            self.Activity._carpass_sync_with(unconfigured, raise_on_failure=True)
        # The daily cron never raises: it logs and keeps the current list.
        self.simulator.admin.settings(maintenance=True)
        self.Activity._cron_carpass_sync_activities()
        self.assertTrue(self.brakes.active)

    # ------------------------------------------------------------
    # Mappings
    # ------------------------------------------------------------

    def test_resolution_product_beats_category_beats_default(self):
        self.company_a.carpass_default_activity_id = self.maintenance
        self.Mapping.create(
            [
                {
                    "company_id": self.company_a.id,
                    "applies_to": "category",
                    "product_category_id": self.categ_brakes.id,
                    "activity_id": self.brakes.id,
                },
                {
                    "company_id": self.company_a.id,
                    "applies_to": "product",
                    "product_id": self.tyre.id,
                    "activity_id": self.tyres.id,
                },
                {
                    # Another garage's mapping never applies here.
                    "company_id": self.company_b.id,
                    "applies_to": "product",
                    "product_id": self.wiper.id,
                    "activity_id": self.other.id,
                },
            ]
        )
        products = self.brake_pads | self.brake_disc | self.tyre | self.wiper
        resolved = self.Mapping._carpass_resolve(products, self.company_a)
        self.assertEqual(resolved[self.tyre], (self.tyres, "product"))
        self.assertEqual(resolved[self.brake_disc], (self.brakes, "category"))
        self.assertEqual(
            resolved[self.brake_pads], (self.brakes, "category"), "parent category"
        )
        self.assertEqual(resolved[self.wiper], (self.maintenance, "default"))
        # A product mapping wins over its category's.
        self.Mapping._carpass_save_product_mapping(
            self.brake_pads, self.other, self.company_a
        )
        resolved = self.Mapping._carpass_resolve(self.brake_pads, self.company_a)
        self.assertEqual(resolved[self.brake_pads], (self.other, "product"))
        # Without a default, an unmapped product has no activity.
        self.company_a.carpass_default_activity_id = False
        resolved = self.Mapping._carpass_resolve(self.wiper, self.company_a)
        self.assertEqual(resolved[self.wiper], (self.Activity, "none"))

    def test_mapping_targets_one_thing_once(self):
        with self.assertRaises(ValidationError):
            self.Mapping.create(
                {
                    "company_id": self.company_a.id,
                    "applies_to": "product",
                    "product_category_id": self.categ_parts.id,
                    "activity_id": self.brakes.id,
                }
            )
        self.Mapping._carpass_save_product_mapping(
            self.tyre, self.tyres, self.company_a
        )
        mapping = self.Mapping._carpass_save_product_mapping(
            self.tyre, self.brakes, self.company_a
        )
        self.assertEqual(
            self.Mapping.search(
                [
                    ("product_id", "=", self.tyre.id),
                    ("company_id", "=", self.company_a.id),
                ]
            ),
            mapping,
        )
        self.assertEqual(mapping.activity_id, self.brakes)

    def test_mappings_are_kept_per_company(self):
        self.Mapping.create(
            {
                "company_id": self.company_b.id,
                "applies_to": "product",
                "product_id": self.tyre.id,
                "activity_id": self.tyres.id,
            }
        )
        self.assertFalse(
            self.Mapping.with_user(self.user_a).search(
                [("product_id", "=", self.tyre.id)]
            )
        )

    # ------------------------------------------------------------
    # End-of-repair wizard and what is sent
    # ------------------------------------------------------------

    def test_wizard_warns_about_unmapped_lines_and_sends_choice(self):
        self.Mapping._carpass_save_product_mapping(
            self.tyre, self.tyres, self.company_a
        )
        repair = self.make_repair_with_parts(self.tyre | self.brake_disc)
        # A mechanic ends the repair: picking an activity saves a mapping for them.
        wizard = self.end_repair_as(self.user_a, repair)
        lines = wizard.description_line_ids
        self.assertEqual(lines.product_id, self.tyre | self.brake_disc)
        self.assertEqual(wizard.description_unmapped_count, 1)
        unmapped = lines.filtered(lambda line: line.product_id == self.brake_disc)
        self.assertEqual(unmapped.mapping_source, "none")
        self.assertTrue(unmapped.needs_choice)
        self.assertTrue(unmapped.save_mapping, "a choice is remembered by default")
        self.assertIn("Brake disc", wizard.description_job_lines)
        unmapped.activity_id = self.brakes
        self.assertEqual(wizard.description_unmapped_count, 0)
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.description_state, "sent")
        self.assertEqual(
            registration.description_activity_ids, self.tyres | self.brakes
        )
        resolved = self.Mapping._carpass_resolve(self.brake_disc, self.company_a)
        self.assertEqual(resolved[self.brake_disc], (self.brakes, "product"))
        stored = self.stored_description(registration.vin)
        self.assertEqual(sorted(stored["activities"]), ["BRAKES", "TYRES"])
        self.assertEqual(stored["jobLines"], ["Tyre 205/55 R16", "Brake disc"])
        self.assertEqual(
            registration.attempt_ids.sorted("id").mapped("operation"),
            ["create", "description"],
        )

    def test_choice_without_remembering_only_serves_this_repair(self):
        self.company_a.carpass_default_activity_id = self.maintenance
        repair = self.make_repair_with_parts(self.wiper)
        wizard = self.end_repair(repair)
        line = wizard.description_line_ids
        self.assertEqual(line.mapping_source, "default")
        self.assertEqual(line.activity_id, self.maintenance)
        self.assertEqual(wizard.description_unmapped_count, 1, "default is a fallback")
        line.write({"activity_id": self.other.id, "save_mapping": False})
        wizard.action_send()
        stored = self.stored_description(wizard.vin)
        self.assertEqual(stored["activities"], ["OTHER"])
        self.assertEqual(stored["jobLines"], ["Wiper blade"])
        resolved = self.Mapping._carpass_resolve(self.wiper, self.company_a)
        self.assertEqual(resolved[self.wiper][1], "default", "no mapping saved")

    def test_sale_order_lines_are_the_job_lines(self):
        self.Mapping.create(
            {
                "company_id": self.company_a.id,
                "applies_to": "category",
                "product_category_id": self.categ_brakes.id,
                "activity_id": self.brakes.id,
            }
        )
        self.company_a.carpass_default_activity_id = self.maintenance
        repair = self.make_repair_with_parts(self.brake_pads)
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.order_line = [
            Command.create(
                {
                    "product_id": self.labour.id,
                    "name": "Replace front brake pads\n(1.5 h)",
                    "product_uom_qty": 1.5,
                }
            ),
            Command.create(
                {"display_type": "line_note", "name": "Customer waited on site"}
            ),
        ]
        # The mechanic may not read sale orders; the description is complete anyway.
        wizard = self.end_repair_as(self.user_a, repair)
        self.assertEqual(
            wizard.description_line_ids.product_id, self.brake_pads | self.labour
        )
        wizard.action_send()
        stored = self.stored_description(wizard.vin)
        self.assertEqual(
            stored["jobLines"],
            ["Brake pads front", "Replace front brake pads - (1.5 h)"],
        )
        self.assertEqual(
            sorted(stored["activities"]), ["BRAKES", "PERIODIC_MAINTENANCE"]
        )

    def test_description_goes_with_a_flagged_reading(self):
        """Car-Pass takes the description while the anomaly waits for the garage."""
        self.Mapping._carpass_save_product_mapping(
            self.tyre, self.tyres, self.company_a
        )
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=30), 80000)]
        )
        repair = self.make_repair_with_parts(self.tyre, odometer=79500, vehicle=vehicle)
        wizard = self.end_repair(repair)
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "anomaly")
        self.assertEqual(registration.description_state, "sent")
        self.assertEqual(
            self.stored_description(vehicle.vin_sn)["activities"], ["TYRES"]
        )
        # Correcting the reading does not send the same description again.
        registration.odometer = 80500
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(
            registration.attempt_ids.mapped("operation").count("description"), 1
        )

    def test_refused_description_is_an_error_to_fix(self):
        """'Other work' without any job line: Car-Pass refuses it; no retry."""
        self.company_a.carpass_default_activity_id = self.other
        repair = self.make_repair_with_parts(self.env["product.product"])
        wizard = self.end_repair(repair)
        self.assertFalse(wizard.description_line_ids)
        self.assertFalse(wizard.description_missing, "the default describes it")
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted", "the reading itself is fine")
        self.assertEqual(registration.description_state, "error")
        self.assertFalse(registration.description_retryable)
        self.assertIn("other work", registration.description_message)
        self.assertIsNone(self.stored_description(registration.vin))
        # The garage types what was done and sends again.
        registration.description_lines = "Diagnosis of a rattle, nothing found"
        result = registration.action_carpass_send_description()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(registration.description_state, "sent")
        self.assertEqual(
            self.stored_description(registration.vin)["jobLines"],
            ["Diagnosis of a rattle, nothing found"],
        )

    def test_nothing_to_describe_is_not_sent(self):
        repair = self.make_repair_with_parts(self.env["product.product"])
        wizard = self.end_repair(repair)
        self.assertTrue(wizard.description_missing)
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.description_state, "error")
        self.assertIn("Nothing describes the work", registration.description_message)
        self.assertNotIn("description", registration.attempt_ids.mapped("operation"))

    def test_failed_description_is_retried_by_the_cron(self):
        self.Mapping._carpass_save_product_mapping(
            self.tyre, self.tyres, self.company_a
        )
        wizard = self.end_repair(self.make_repair_with_parts(self.tyre))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.description_state, "sent")
        # The garage adds a remark: the description must go again, this time
        # through the cron, and Car-Pass fails on it.
        registration.description_free_text = "Tyres rotated as well"
        self.assertEqual(registration.description_state, "not_sent")
        self.simulator.admin.queue_faults(["500"])
        registration._cron_carpass_retry_descriptions()
        self.assertEqual(registration.description_state, "error")
        self.assertTrue(registration.description_retryable)
        self.assertEqual(registration.description_retry_count, 1)
        self.assertGreater(
            registration.description_next_retry_at, fields.Datetime.now()
        )
        failed = registration.attempt_ids.filtered(
            lambda attempt: attempt.operation == "description" and not attempt.success
        )
        self.assertEqual(len(failed), 1)
        self.assertEqual(self.stored_description(registration.vin)["freeText"], "")
        # Not due yet: the cron leaves it alone.
        registration._cron_carpass_retry_descriptions()
        self.assertEqual(registration.description_state, "error")
        set_workflow(
            registration,
            description_next_retry_at=fields.Datetime.now() - timedelta(minutes=1),
        )
        registration._cron_carpass_retry_descriptions()
        self.assertEqual(registration.description_state, "sent")
        self.assertFalse(registration.description_retryable)
        self.assertEqual(
            self.stored_description(registration.vin)["freeText"],
            "Tyres rotated as well",
        )
        self.assertEqual(registration.state, "accepted", "the reading is untouched")

    def test_description_cron_works_in_batches_and_triggers_itself(self):
        self.Mapping._carpass_save_product_mapping(
            self.tyre, self.tyres, self.company_a
        )
        registrations = self.env["carpass.registration"]
        for _index in range(3):
            wizard = self.end_repair(self.make_repair_with_parts(self.tyre))
            wizard.action_send()
            registrations |= wizard.registration_id
        # Remarks added afterwards: three descriptions due again.
        registrations.description_free_text = "Valve caps replaced"
        self.assertEqual(set(registrations.mapped("description_state")), {"not_sent"})
        cron = self.env.ref("carpass_odoo.ir_cron_carpass_retry_descriptions")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers_before = Trigger.search([("cron_id", "=", cron.id)])

        outcomes = registrations._cron_carpass_retry_descriptions(batch_size=2)

        self.assertEqual(len(outcomes), 2)
        self.assertEqual(
            sorted(registrations.mapped("description_state")),
            ["not_sent", "sent", "sent"],
        )
        new_triggers = Trigger.search([("cron_id", "=", cron.id)]) - triggers_before
        self.assertEqual(len(new_triggers), 1, "work remains: the cron runs again")
        self.assertLessEqual(new_triggers.call_at, fields.Datetime.now())

        outcomes = registrations._cron_carpass_retry_descriptions(batch_size=2)

        self.assertEqual(len(outcomes), 1)
        self.assertEqual(set(registrations.mapped("description_state")), {"sent"})
        self.assertEqual(
            Trigger.search([("cron_id", "=", cron.id)]) - triggers_before,
            new_triggers,
            "nothing left: no new trigger",
        )

    def test_registration_without_repair_uses_the_default(self):
        self.company_a.carpass_default_activity_id = self.maintenance
        registration = self.make_registration(odometer=12345)
        self.assertFalse(registration.description_sendable)
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.description_state, "sent")
        self.assertEqual(
            self.stored_description(registration.vin)["activities"],
            ["PERIODIC_MAINTENANCE"],
        )

    def test_reading_and_description_make_one_chatter_note(self):
        """One entry per send in the registration's chatter, not one per call."""
        self.company_a.carpass_default_activity_id = self.maintenance
        repair = self.make_repair_with_parts(self.labour)
        self.end_repair(repair).action_send()
        registration = repair.carpass_registration_id
        self.assertEqual(registration.description_state, "sent")
        created = registration.message_ids.filtered(
            lambda message: "Registration created" in message.body
        )
        about_car_pass = registration.message_ids - created
        self.assertEqual(len(about_car_pass), 1, about_car_pass.mapped("body"))
        self.assertIn("Accepted", about_car_pass.body)
        self.assertIn("Work description sent", about_car_pass.body)
        self.assertIn("Labour", about_car_pass.body)

    def test_views_load_for_mechanic_and_manager(self):
        registration_views = (
            self.env["carpass.registration"]
            .with_user(self.user_a)
            .get_views([(False, "form"), (False, "list")])
        )
        form = registration_views["views"]["form"]["arch"]
        self.assertIn('name="description_activity_ids"', form)
        self.assertIn('name="action_carpass_send_description"', form)
        wizard_form = (
            self.env["carpass.registration.wizard"]
            .with_user(self.user_a)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="description_line_ids"', wizard_form)
        activity_list = (
            self.env["carpass.activity"]
            .with_user(self.manager_a)
            .get_views([(False, "list")])["views"]["list"]["arch"]
        )
        self.assertIn('name="action_carpass_sync"', activity_list)
        company_form = self.company_a.get_views([(False, "form")])["views"]["form"]
        self.assertIn('name="carpass_default_activity_id"', company_form["arch"])

    def test_description_goes_while_car_pass_still_checks(self):
        self.simulator.admin.settings(processing_polls=1)
        self.Mapping._carpass_save_product_mapping(
            self.tyre, self.tyres, self.company_a
        )
        wizard = self.end_repair(self.make_repair_with_parts(self.tyre))
        wizard.action_send()
        registration = wizard.registration_id
        self.assertEqual(registration.state, "ongoing")
        self.assertEqual(registration.description_state, "sent")
        self.assertEqual(self.stored_description(wizard.vin)["activities"], ["TYRES"])
        # One status call still answers "ongoing" (processing_polls), the next one
        # has the result.
        registration.action_refresh_status()
        registration.action_refresh_status()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(
            registration.attempt_ids.mapped("operation").count("description"), 1
        )
