# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass history of a vehicle for a second-hand sale, against the simulator."""

import ast
import shutil
import subprocess
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.carpass_odoo.carpass.exceptions import (
    CarpassNotFoundError,
    CarpassProtocolError,
)
from odoo.addons.carpass_odoo.models.carpass_messages import history_error_message

from .common import CarpassCase, random_vin


def pdf_text(pdf):
    return subprocess.run(
        [shutil.which("pdftotext"), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


@tagged("post_install", "-at_install")
class TestVehicleHistory(CarpassCase):
    def open_wizard(self, vehicle, user=None):
        """Open the wizard as the vehicle's button does, as ``user`` when given."""
        if user:
            vehicle = vehicle.with_user(user)
        action = vehicle.action_carpass_history()
        self.assertEqual(action["res_model"], "carpass.history.wizard")
        self.assertEqual(action["target"], "new")
        return Form(vehicle.env[action["res_model"]].with_context(**action["context"]))

    def request(self, vehicle, user=None, **values):
        """Fill the wizard with ``values`` and press Request History."""
        form = self.open_wizard(vehicle, user)
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().action_request()

    def assertRefused(self, vehicle, expected, **values):
        """The wizard refuses before calling Car-Pass, with ``expected`` in the text."""
        form = self.open_wizard(vehicle)
        for name, value in values.items():
            setattr(form, name, value)
        wizard = form.save()
        self.assertTrue(wizard.has_blocking)
        self.assertIn(expected, wizard.findings_html)
        with self.assertRaises(UserError) as caught:
            wizard.action_request()
        self.assertIn(expected, str(caught.exception))
        vin = (values.get("vin") or vehicle.vin_sn or "").upper()
        self.assertEqual(self.simulator_count(vin), 0, "nothing reached Car-Pass")
        self.assertFalse(vehicle.carpass_history_attachment_id)

    def assertCarpassError(self, vehicle, expected, **values):
        with self.assertRaises(UserError) as caught:
            self.request(vehicle, **values)
        self.assertIn(expected, str(caught.exception))
        self.assertEqual(vehicle.carpass_history_state, "none")
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "fleet.vehicle"), ("res_id", "=", vehicle.id)]
            )
        )

    # ------------------------------------------------------------
    # A history issued
    # ------------------------------------------------------------

    def test_history_kept_on_vehicle_and_public_page_opened(self):
        self.company_a.carpass_document_language = "fr"
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=400), 30123)]
        )
        vin = vehicle.vin_sn

        form = self.open_wizard(vehicle, self.user_a)
        self.assertEqual(form.vin, vin, "prefilled with the vehicle's VIN")
        self.assertEqual(form.odometer, 30123, "prefilled with the last reading")
        self.assertEqual(form.reading_date, self.today())
        self.assertEqual(form.language, "fr", "the company's document language")
        form.odometer = 45123
        action = form.save().action_request()

        vehicle.invalidate_recordset()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "new")
        self.assertEqual(action["url"], vehicle.carpass_history_url)
        self.assertTrue(action["url"].startswith(self.simulator.root_url))
        self.assertIn(vehicle.carpass_history_request_guid, action["url"])

        attachment = vehicle.carpass_history_attachment_id
        self.assertEqual(
            attachment.name, f"carpass-history-{vin}-{self.today().isoformat()}.pdf"
        )
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("fleet.vehicle", vehicle.id)
        )
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        text = pdf_text(attachment.raw)
        self.assertIn(vin, text)
        self.assertIn("Historique du véhicule Car-Pass", text)
        self.assertIn("45123 km", text)
        message = vehicle.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertEqual(len(message), 1, "the PDF is posted in the chatter")
        self.assertIn(vehicle.carpass_history_url, message.body)

        self.assertEqual(vehicle.carpass_history_date, self.today())
        self.assertEqual(vehicle.carpass_history_reading, 45123)
        stored = self.simulator.admin.observations(vin=vin)
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0]["observation_type"], "VEHICLE_HISTORY_DOCUMENT")
        self.assertEqual(stored[0]["establishment"], "2123456791")
        self.assertEqual(stored[0]["vhr_language"], "FR")
        self.assertEqual(
            vehicle.carpass_history_valid_until.isoformat(),
            stored[0]["vhr_valid_until"],
            "the validity Car-Pass gives wins",
        )
        self.assertEqual(vehicle.carpass_history_state, "valid")
        self.assertEqual(vehicle.odometer, 45123, "the reading is logged in Fleet")
        self.assertEqual(vehicle.odometer_count, 2)
        self.assertEqual(
            vehicle.with_user(self.user_a).action_open_carpass_history_url(),
            {"type": "ir.actions.act_url", "url": action["url"], "target": "new"},
        )

    def test_car_pass_user_sees_the_history_on_the_vehicle(self):
        views = (
            self.env["fleet.vehicle"]
            .with_user(self.user_a)
            .get_views([(False, "form"), (False, "list"), (False, "search")])["views"]
        )
        form = etree.fromstring(views["form"]["arch"])
        self.assertTrue(form.xpath("//header/button[@name='action_carpass_history']"))
        page = form.xpath("//page[@name='page_carpass_history']")
        self.assertTrue(page)
        for name in (
            "carpass_history_state",
            "carpass_history_valid_until",
            "carpass_history_url",
            "carpass_history_attachment_id",
        ):
            self.assertTrue(page[0].xpath(f".//field[@name='{name}']"), name)
        self.assertIn("carpass_history_state", views["list"]["arch"])
        self.assertIn("carpass_history_expired", views["search"]["arch"])
        wizard_view = (
            self.env["carpass.history.wizard"]
            .with_user(self.user_a)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("allow pop-ups", wizard_view)

    def test_user_language_when_company_has_none(self):
        self.company_a.carpass_document_language = False
        vehicle = self.make_vehicle()
        form = self.open_wizard(vehicle, self.user_a)
        self.assertEqual(form.language, "en", "the user's language (en_US)")
        form.odometer = 12345
        form.save().action_request()
        text = pdf_text(vehicle.carpass_history_attachment_id.raw)
        self.assertIn("Car-Pass vehicle history report", text)

    def test_same_reading_is_not_logged_twice_and_vin_is_completed(self):
        vehicle = self.make_vehicle(vin="", readings=[(self.today(), 45123)])
        vin = random_vin()
        self.simulator.admin.add_vehicle(vin, readings=[(self.today(), 45123)])
        form = self.open_wizard(vehicle)
        self.assertEqual(form.vin, "")
        self.assertEqual(form.odometer, 45123)
        form.vin = vin.lower()
        form.save().action_request()
        self.assertEqual(vehicle.vin_sn, vin, "the VIN sent is kept on the vehicle")
        self.assertEqual(vehicle.odometer_count, 1, "no second log of the same reading")
        self.assertIn(vin, vehicle.carpass_history_attachment_id.name)

    def test_renewal_replaces_the_link_and_keeps_the_old_document(self):
        vehicle = self.make_vehicle()
        self.request(vehicle, odometer=20123)
        first_attachment = vehicle.carpass_history_attachment_id
        first_url = vehicle.carpass_history_url
        # Two months later the document expired; the salesman renews it.
        vehicle.write(
            {
                "carpass_history_date": self.today() - relativedelta(months=3),
                "carpass_history_carpass_valid_until": False,
            }
        )
        self.assertEqual(vehicle.carpass_history_state, "expired")

        action = self.request(vehicle, odometer=20456)

        self.assertEqual(vehicle.carpass_history_state, "valid")
        self.assertNotEqual(vehicle.carpass_history_url, first_url)
        self.assertEqual(action["url"], vehicle.carpass_history_url)
        self.assertNotEqual(vehicle.carpass_history_attachment_id, first_attachment)
        self.assertTrue(first_attachment.exists(), "the earlier document stays")
        self.assertEqual(vehicle.carpass_history_reading, 20456)

    def test_vehicle_of_another_company_uses_its_establishment(self):
        vehicle = self.make_vehicle(company=self.company_b)
        self.request(vehicle, odometer=33123)
        stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
        self.assertEqual(stored[0]["establishment"], "2234567818")
        self.assertEqual(vehicle.carpass_history_state, "valid")

    def test_vehicle_without_company_uses_the_current_one(self):
        vehicle = self.make_vehicle()
        vehicle.company_id = False
        self.request(vehicle.with_company(self.company_b), odometer=33123)
        stored = self.simulator.admin.observations(vin=vehicle.vin_sn)
        self.assertEqual(stored[0]["establishment"], "2234567818")

    def test_action_menu_opens_the_wizard_for_one_vehicle_only(self):
        server_action = self.env.ref(
            "carpass_odoo.action_server_fleet_vehicle_carpass_history"
        )
        self.assertEqual(server_action.binding_model_id.model, "fleet.vehicle")
        vehicle = self.make_vehicle()
        other = self.make_vehicle()
        action = (
            server_action.with_user(self.user_a)
            .with_context(active_model="fleet.vehicle", active_ids=vehicle.ids)
            .run()
        )
        self.assertEqual(action["res_model"], "carpass.history.wizard")
        self.assertEqual(action["context"]["default_vehicle_id"], vehicle.id)
        with self.assertRaisesRegex(UserError, "one vehicle at a time"):
            server_action.with_context(
                active_model="fleet.vehicle", active_ids=(vehicle | other).ids
            ).run()

    # ------------------------------------------------------------
    # Validity and filters
    # ------------------------------------------------------------

    def test_validity_states_and_search_filters(self):
        today = self.today()
        vehicles = {
            "none": self.make_vehicle(),
            # No validity from Car-Pass: two months from the document's date.
            "expired": self.make_vehicle(carpass_history_date=today - timedelta(70)),
            "expiring": self.make_vehicle(carpass_history_date=today - timedelta(55)),
            "valid": self.make_vehicle(
                carpass_history_date=today,
                carpass_history_carpass_valid_until=today + timedelta(days=8),
            ),
            # Car-Pass's own date wins over the two months.
            "expiring_carpass": self.make_vehicle(
                carpass_history_date=today,
                carpass_history_carpass_valid_until=today,
            ),
        }
        self.assertEqual(
            vehicles["expired"].carpass_history_valid_until,
            today - timedelta(70) + relativedelta(months=2),
        )
        for expected, vehicle in vehicles.items():
            self.assertEqual(
                vehicle.carpass_history_state, expected.split("_")[0], expected
            )

        arch = self.env["fleet.vehicle"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        filters = {
            node.get("name"): ast.literal_eval(node.get("domain"))
            for node in etree.fromstring(arch).iter("filter")
            if node.get("name", "").startswith("carpass_history")
        }
        ours = [("id", "in", [v.id for v in vehicles.values()])]
        Vehicle = self.env["fleet.vehicle"]
        self.assertEqual(
            Vehicle.search(ours + filters["carpass_history_expired"]),
            vehicles["expired"],
        )
        self.assertEqual(
            Vehicle.search(ours + filters["carpass_history_expiring"]),
            vehicles["expiring"] | vehicles["expiring_carpass"],
        )
        self.assertEqual(
            Vehicle.search(ours + [("carpass_history_state", "!=", "none")]),
            Vehicle.concat(*vehicles.values()) - vehicles["none"],
        )
        self.assertEqual(
            Vehicle.search(ours + [("carpass_history_state", "in", ["none", "valid"])]),
            vehicles["none"] | vehicles["valid"],
        )

    # ------------------------------------------------------------
    # Refused before asking Car-Pass
    # ------------------------------------------------------------

    def test_refuses_a_short_vin(self):
        vehicle = self.make_vehicle()
        self.assertRefused(vehicle, "17 characters", vin="WVWZZZ1KZAW00001")

    def test_refuses_invalid_characters_in_the_vin(self):
        vehicle = self.make_vehicle()
        self.assertRefused(
            vehicle, "characters that no VIN has", vin="WVWZZZ1KZAW-00001"
        )

    def test_refuses_i_o_q_in_a_full_vin(self):
        vehicle = self.make_vehicle()
        self.assertRefused(vehicle, "never use I, O or Q", vin="WVWZZZ1KZAWO00001")

    def test_refuses_a_missing_vin(self):
        vehicle = self.make_vehicle(vin="")
        wizard = self.env["carpass.history.wizard"].create(
            {"vehicle_id": vehicle.id, "odometer": 12345}
        )
        self.assertTrue(wizard.has_blocking)
        with self.assertRaisesRegex(UserError, "The VIN is missing"):
            wizard.action_request()

    def test_refuses_a_vin_that_is_not_the_vehicle_s(self):
        """The history never replaces the VIN in Fleet."""
        vehicle = self.make_vehicle()
        own_vin = vehicle.vin_sn
        other_vin = random_vin()
        self.simulator.admin.add_vehicle(other_vin)
        self.assertRefused(
            vehicle, "is not this vehicle", vin=other_vin, odometer=12345
        )
        self.assertEqual(vehicle.vin_sn, own_vin, "the VIN in Fleet is kept")

    def test_refuses_another_vehicle_s_vin(self):
        focus = self.make_vehicle(license_plate="1-FOC-001")
        beetle = self.make_vehicle(vin="", license_plate="1-BEE-001")
        self.assertRefused(
            beetle,
            "belongs to another vehicle in Fleet (1-FOC-001)",
            vin=focus.vin_sn.lower(),
            odometer=12345,
        )
        self.assertFalse(beetle.vin_sn, "the Focus's VIN is not put on the Beetle")

    def test_refuses_a_reading_that_is_not_positive(self):
        vehicle = self.make_vehicle()
        self.assertRefused(vehicle, "not a positive whole number", odometer=-12)

    def test_refuses_a_reading_lower_than_the_last_known_one(self):
        vehicle = self.make_vehicle(
            readings=[(self.today() - timedelta(days=30), 60123)]
        )
        self.assertRefused(
            vehicle, "lower than the last known reading (60,123 km", odometer=59123
        )

    def test_refuses_a_date_in_the_future(self):
        vehicle = self.make_vehicle()
        self.assertRefused(
            vehicle,
            "is in the future",
            odometer=12345,
            reading_date=self.today() + timedelta(days=1),
        )

    # ------------------------------------------------------------
    # Car-Pass errors
    # ------------------------------------------------------------

    def test_refused_credentials(self):
        self.company_a.carpass_password = "not-the-password"
        vehicle = self.make_vehicle()
        self.assertCarpassError(
            vehicle, "Car-Pass refused the credentials", odometer=12345
        )

    def test_vehicle_pending_at_div(self):
        vehicle = self.make_vehicle()
        self.simulator.admin.add_vehicle(vehicle.vin_sn, pending_div=True)
        self.assertCarpassError(
            vehicle, "registration at the DIV is still pending", odometer=12345
        )

    def test_reading_flagged_by_car_pass(self):
        vehicle = self.make_vehicle()
        # Another garage reported a higher reading that this garage never saw.
        self.simulator.admin.add_vehicle(
            vehicle.vin_sn, readings=[(self.today() - timedelta(days=5), 60123)]
        )
        self.assertCarpassError(
            vehicle, "Car-Pass flagged the reading 45,123 km", odometer=45123
        )

    def test_maintenance_window(self):
        self.simulator.admin.settings(maintenance=True)
        vehicle = self.make_vehicle()
        self.assertCarpassError(vehicle, "Car-Pass is in maintenance", odometer=12345)

    def test_car_pass_unavailable(self):
        self.simulator.admin.queue_faults(["503"])
        vehicle = self.make_vehicle()
        self.assertCarpassError(vehicle, "cannot be reached right now", odometer=12345)

    def test_company_not_configured(self):
        self.company_a.carpass_establishment_number = False
        vehicle = self.make_vehicle()
        self.assertCarpassError(vehicle, "establishment number", odometer=12345)

    def test_errors_the_simulator_cannot_produce_here(self):
        # Car-Pass losing a request and answering garbage are not reachable through
        # this flow with the simulator; their texts are checked directly.
        wizard = self.open_wizard(self.make_vehicle()).save()
        self.assertIn(
            "does not know the vehicle WVW",
            history_error_message(wizard.env, CarpassNotFoundError("gone"), "WVW", 1),
        )
        self.assertIn(
            "unexpected answer",
            history_error_message(
                wizard.env, CarpassProtocolError("garbage"), "WVW", 1
            ),
        )
