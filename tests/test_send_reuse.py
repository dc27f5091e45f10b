# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the send pipeline reuses instead of reading it again gives what a fresh read gives.

The pipeline keeps records it has read (existence checks), one set of note values for
the registration, its repair and its vehicle, and, in a cron batch, the notes' author
and number format: each must leave the same result as the work it saves.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.carpass_odoo.models.carpass_inputs import carpass_clean_vals

from .common import CarpassCase, set_workflow

NOTE_FIELDS = (
    "author_id",
    "email_from",
    "reply_to",
    "subtype_id",
    "message_type",
    "is_internal",
    "email_add_signature",
)


@tagged("post_install", "-at_install")
class TestSendReuse(CarpassCase):
    def test_a_record_read_needs_no_lookup_and_a_deleted_one_is_refused(self):
        registration = self.make_registration()
        Attempt = self.env["carpass.registration.attempt"]
        registration.vin  # noqa: B018 - read: the record is in this transaction's cache
        with self.assertQueryCount(0):
            cleaned = carpass_clean_vals(Attempt, {"registration_id": registration.id})
        self.assertEqual(cleaned["registration_id"], registration.id)

        vehicle = self.make_vehicle()
        vehicle_id = vehicle.id
        vehicle.vin_sn  # noqa: B018 - read, then deleted in the same transaction
        vehicle.unlink()
        with self.assertRaisesRegex(ValidationError, "must name a record"):
            self.env["carpass.registration"].create(
                {
                    "company_id": self.company_a.id,
                    "vehicle_id": vehicle_id,
                    "odometer": 45000,
                    "reading_date": self.today(),
                }
            )

    def test_outcome_notes_are_odoo_log_notes_on_all_three_records(self):
        self.give_default_activity(self.company_a)
        vehicle = self.make_vehicle()
        repair = self.make_repair(vehicle, odometer=45321)
        self.end_repair(repair).action_send()
        registration = repair.carpass_registration_id
        self.assertEqual(registration.state, "accepted")
        notes = [
            registration.message_ids[0],
            repair.message_ids[0],
            vehicle.message_ids[0],
        ]
        for record, note in zip((registration, repair, vehicle), notes, strict=True):
            self.assertEqual((note.model, note.res_id), (record._name, record.id))
            self.assertIn("Accepted", note.body)
        # The same values as Odoo's own log note on the registration.
        reference = registration._message_log(body="reference")
        for note in notes:
            for name in NOTE_FIELDS:
                self.assertEqual(note[name], reference[name], name)
        self.assertIn("Work description sent", notes[0].body)
        self.assertNotIn("Work description sent", notes[1].body)

    def test_cron_batch_notes_keep_author_and_number_format(self):
        self.env["res.lang"]._activate_lang("nl_BE")
        # The registrations' establishment speaks Dutch: a cron writes its notes so.
        self.company_a.partner_id.lang = "nl_BE"
        registrations = self.make_registration(odometer=45123) | self.make_registration(
            odometer=51234
        )
        self.simulator.admin.queue_faults(["503", "503"])
        registrations.action_send()
        self.assertEqual(set(registrations.mapped("state")), {"error"})
        set_workflow(
            registrations, next_retry_at=fields.Datetime.now() - timedelta(seconds=1)
        )
        # As the cron runs: no language in the context. A context naming another
        # author (as an RPC call could) is not taken for the batch's author.
        forger = self.env["res.partner"].create({"name": "Forger"})
        cron = self.env["carpass.registration"].with_context(
            lang=False, carpass_note_author=[forger.id, "forger@example.com"]
        )
        outcomes = cron._cron_carpass_retry()
        self.assertEqual(len(outcomes), 2)
        self.assertEqual(set(registrations.mapped("state")), {"accepted"})
        author = self.env.user.partner_id
        for registration, reading in zip(
            registrations, ("45.123", "51.234"), strict=True
        ):
            note = registration.message_ids.filtered(
                lambda message: "Car-Pass-registratie" in (message.body or "")
            )
            self.assertEqual(len(note), 1)
            self.assertEqual(note.author_id, author)
            self.assertEqual(note.email_from, author.email_formatted)
            # Words and numbers in the establishment's language.
            self.assertIn(f"{reading} km op", note.body)
