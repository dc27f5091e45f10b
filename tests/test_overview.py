# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Car-Pass overview: filters, grouping, counter and list actions."""

from datetime import timedelta
from unittest.mock import patch

from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.carpass_odoo.models import carpass_registration as registration_module

from .common import CarpassCase, load_migration, set_workflow


@tagged("post_install", "-at_install")
class TestOverview(CarpassCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A configured garage: its work descriptions go with the readings, so an
        # accepted reading leaves no duty open.
        cls.give_default_activity(cls.company_a)

    def setUp(self):
        super().setUp()
        self.Registration = self.env["carpass.registration"]

    def search_filters(self):
        arch = self.Registration.get_views([(False, "search")])["views"]["search"][
            "arch"
        ]
        return {
            node.get("name"): node
            for node in etree.fromstring(arch).iter("filter")
            if node.get("name")
        }

    def filter_domain(self, name):
        return safe_eval(self.search_filters()[name].get("domain"))

    def test_filters_of_the_overview(self):
        draft = self.make_registration()
        accepted = self.make_registration(odometer=45124)
        accepted.action_send()
        anomaly = self.make_registration(odometer=45000)
        anomaly.action_send()
        error = self.make_registration(odometer=45125)
        self.simulator.admin.queue_faults(["503"])
        error.action_send()
        confirmed = self.make_registration(odometer=46000)
        confirmed.action_send()
        confirmed.with_user(self.manager_a)._carpass_confirm("It is round")
        skipped = self.make_registration(state="skipped", skip_reason="foreign")
        # Interrupted mid-send: on its way to Car-Pass, not decided there.
        sending = self.make_registration(odometer=46500, state="sending")
        every = draft | accepted | anomaly | error | confirmed | skipped | sending
        self.assertEqual(
            every.mapped("state"),
            [
                "draft",
                "accepted",
                "anomaly",
                "error",
                "confirmed",
                "skipped",
                "sending",
            ],
        )
        expected = {
            "needs_attention": draft | anomaly | error,
            "errors": error,
            "anomalies": anomaly,
            "not_sent": draft,
            "sent": accepted | anomaly | confirmed,
            "accepted": accepted,
            "confirmed": confirmed,
            "skipped": skipped,
            "retry_pending": error,
            "pending": sending,
        }
        for name, records in expected.items():
            with self.subTest(filter=name):
                found = self.Registration.search(
                    self.filter_domain(name) + [("id", "in", every.ids)]
                )
                self.assertEqual(found, records, name)
        filters = self.search_filters()
        self.assertEqual(filters["filter_reading_date"].get("date"), "reading_date")
        for name, field in (
            ("group_state", "state"),
            ("group_company", "company_id"),
            ("group_vehicle", "vehicle_id"),
            ("group_reading_date", "reading_date"),
        ):
            self.assertEqual(
                safe_eval(filters[name].get("context"))["group_by"], field, name
            )

    def test_search_by_company_vehicle_date_and_grouping(self):
        vehicle = self.make_vehicle(license_plate="1-ABC-123")
        first = self.make_registration(vehicle=vehicle)
        older = self.make_registration(
            vehicle=vehicle,
            odometer=40123,
            reading_date=self.today() - timedelta(days=20),
        )
        other = self.make_registration(company=self.company_b)
        every = first | older | other
        scope = [("id", "in", every.ids)]
        self.assertEqual(
            self.Registration.search(scope + [("company_id", "=", self.company_b.id)]),
            other,
        )
        self.assertEqual(
            self.Registration.search(scope + [("license_plate", "ilike", "1-ABC")]),
            first | older,
        )
        self.assertEqual(
            self.Registration.search(scope + [("vin", "=", vehicle.vin_sn)]),
            first | older,
        )
        self.assertEqual(
            self.Registration.search(
                scope + [("reading_date", "<", self.today() - timedelta(days=10))]
            ),
            older,
        )
        groups = self.Registration.read_group(
            scope, ["vehicle_id"], ["company_id", "vehicle_id"], lazy=False
        )
        counts = {
            (group["company_id"][0], group["vehicle_id"][0]): group["__count"]
            for group in groups
        }
        self.assertEqual(
            counts,
            {
                (self.company_a.id, vehicle.id): 2,
                (self.company_b.id, other.vehicle_id.id): 1,
            },
        )

    def test_overview_opens_on_what_needs_attention(self):
        action = self.env.ref("carpass_odoo.action_carpass_registration")
        self.assertEqual(
            safe_eval(action.context).get("search_default_needs_attention"), 1
        )
        menu = self.env.ref("carpass_odoo.menu_carpass_overview")
        self.assertEqual(menu.action, action)

    def test_attention_counter_per_allowed_company(self):
        def count(companies, user=None):
            model = self.Registration.with_context(allowed_company_ids=companies.ids)
            if user:
                model = model.with_user(user)
            return model.carpass_attention_count()

        both = self.company_a | self.company_b
        base = {
            "a": count(self.company_a),
            "b": count(self.company_b),
            "both": count(both),
        }
        self.assertEqual(base["both"], base["a"] + base["b"])
        first_a = self.make_registration()
        second_a = self.make_registration(odometer=45000)
        first_b = self.make_registration(company=self.company_b)
        self.assertEqual(count(self.company_a), base["a"] + 2)
        self.assertEqual(count(self.company_b), base["b"] + 1)
        self.assertEqual(count(both), base["both"] + 3)
        self.assertEqual(
            count(self.company_a, self.user_a), base["a"] + 2, "user of garage A"
        )

        first_a.action_send()  # accepted: no longer counted
        self.assertEqual(count(self.company_a), base["a"] + 1)
        second_a.action_send()  # rounded reading: an anomaly still counts
        self.assertEqual(second_a.state, "anomaly")
        self.assertEqual(count(self.company_a), base["a"] + 1)
        second_a.with_user(self.manager_a)._carpass_confirm("really round")
        self.assertEqual(count(self.company_a), base["a"])
        self.assertEqual(count(self.company_b), base["b"] + 1)
        set_workflow(first_b, state="skipped", skip_reason="foreign")
        self.assertEqual(count(self.company_b), base["b"])
        self.assertEqual(count(both), base["both"])

    def test_counter_stops_counting_at_its_cap(self):
        """Beyond the cap the systray shows "999+"; the overview has the number."""
        model = self.Registration.with_context(allowed_company_ids=self.company_a.ids)
        for odometer in (41000, 42000, 43000):
            self.make_registration(odometer=odometer)
        self.assertGreaterEqual(model.carpass_attention_count(), 3)
        with patch.object(registration_module, "ATTENTION_COUNT_CAP", 2):
            self.assertEqual(model.carpass_attention_count(), 2)

    def test_counter_is_zero_without_car_pass_rights(self):
        self.make_registration()
        outsider = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "carpass_outsider",
                "company_id": self.company_a.id,
                "company_ids": [(6, 0, self.company_a.ids)],
                "groups_id": [(6, 0, self.env.ref("base.group_user").ids)],
            }
        )
        self.assertFalse(outsider.has_group("carpass_odoo.group_carpass_user"))
        self.assertEqual(
            self.Registration.with_user(outsider).carpass_attention_count(), 0
        )

    def test_send_one_and_many_report_each_record(self):
        good = self.make_registration()
        action = good.with_user(self.user_a).action_send()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            action["params"]["message"], f"✔ {good.display_name}: Accepted"
        )
        rounded = self.make_registration(odometer=81000)
        blocked = self.make_registration(odometer=0)
        other = self.make_registration(odometer=81123)
        records = (rounded | blocked | other).with_user(self.user_a)
        action = records.action_send()
        lines = action["params"]["message"].split("\n")
        self.assertEqual(len(lines), 3, lines)
        # Each line coloured by its outcome: an anomaly is no success.
        self.assertEqual(lines[0], f"⚠ {rounded.display_name}: Anomaly")
        self.assertTrue(lines[1].startswith(f"✘ {blocked.display_name}: "), lines)
        self.assertEqual(lines[2], f"✔ {other.display_name}: Accepted")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertTrue(action["params"]["sticky"], "failures stay on screen")
        self.assertEqual(blocked.state, "error")
        self.assertEqual(self.simulator_count(blocked.vin), 0)

    def test_notification_colour_follows_the_outcome(self):
        rounded = self.make_registration(odometer=82000).with_user(self.user_a)
        action = rounded.action_send()
        self.assertEqual(rounded.state, "anomaly")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertTrue(action["params"]["message"].startswith("⚠"))
        good = self.make_registration().with_user(self.user_a)
        good.action_send()
        self.assertEqual(good.state, "accepted")
        # Sending again what Car-Pass accepted: nothing to do, not a failure.
        action = good.action_send()
        self.assertEqual(action["params"]["type"], "info")
        self.assertFalse(action["params"]["sticky"])
        self.assertTrue(action["params"]["message"].startswith("ℹ"), action)

    def test_counter_counts_failed_descriptions_and_marks_late_reports(self):
        Registration = self.Registration.with_user(self.user_a)
        before = Registration.carpass_attention_summary()
        good = self.make_registration()
        good.action_send()
        self.assertEqual(good.state, "accepted")
        self.assertFalse(good.needs_attention)
        set_workflow(good, description_state="error")
        self.assertTrue(good.needs_attention, "a failed work description is a duty")
        late = self.make_registration(reading_date=self.today() - timedelta(days=9))
        after = Registration.carpass_attention_summary()
        self.assertEqual(after["count"], before["count"] + 2)
        self.assertEqual(after["overdue"], before["overdue"] + 1)
        self.assertEqual(Registration.carpass_attention_count(), after["count"])
        late.action_send()
        self.assertTrue(late.request_guid)
        self.assertEqual(
            Registration.carpass_attention_summary()["overdue"], before["overdue"]
        )

    def test_counter_counts_a_work_description_never_sent(self):
        Registration = self.Registration.with_user(self.user_a)
        before = Registration.carpass_attention_summary()["count"]
        registration = self.make_registration()
        registration.action_send()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(registration.description_state, "sent")
        self.assertFalse(registration.needs_attention)
        self.assertFalse(registration.description_missing)
        # The garage adds a remark after the report: Car-Pass does not hold this
        # description, and the law asks it with the reading.
        registration.with_user(self.user_a).description_free_text = "Wipers replaced"
        self.assertEqual(registration.description_state, "not_sent")
        self.assertTrue(registration.description_missing)
        self.assertTrue(registration.needs_attention, "a missing description is a duty")
        self.assertEqual(Registration.carpass_attention_summary()["count"], before + 1)
        scope = [("id", "=", registration.id)]
        for name in ("needs_attention", "description_missing"):
            with self.subTest(filter=name):
                self.assertEqual(
                    Registration.search(self.filter_domain(name) + scope),
                    registration,
                )
        self.assertFalse(
            Registration.search([("description_missing", "=", False)] + scope)
        )
        # Explained in plain language, with the one action on the form and the row.
        explanation = registration.with_user(
            self.user_a
        ).description_missing_explanation
        self.assertIn("description of the work", explanation)
        self.assertIn("send the work description", explanation)
        lines = self.company_a.with_user(self.manager_a).carpass_digest_lines()
        line = next(line for line in lines if line["name"] == registration.name)
        self.assertIn("work description", line["problem"])
        for view_type in ("form", "list"):
            arch = etree.fromstring(
                Registration.get_views([(False, view_type)])["views"][view_type]["arch"]
            )
            buttons = arch.xpath(
                "//*[@invisible='not description_missing']"
                "/descendant-or-self::button[@name='action_carpass_send_description']"
            )
            self.assertTrue(buttons, view_type)
        result = registration.with_user(self.user_a).action_carpass_send_description()
        self.assertEqual(result["params"]["type"], "success", result)
        self.assertEqual(registration.description_state, "sent")
        self.assertFalse(registration.needs_attention)
        self.assertEqual(Registration.carpass_attention_summary()["count"], before)

    def test_first_send_and_old_readings_owe_no_description(self):
        # Interrupted in its first send: Car-Pass may not hold it yet.
        sending = self.make_registration(state="sending")
        # Reported before the law asked for a description.
        old = self.make_registration(
            odometer=30000,
            reading_date=self.today().replace(year=2023),
            state="accepted",
            request_guid="guid-of-2023",
        )
        for registration in sending | old:
            self.assertEqual(registration.description_state, "not_sent")
            self.assertFalse(registration.description_missing, registration.state)
        self.assertFalse(old.needs_attention)

    def test_upgrade_counts_descriptions_never_sent(self):
        """Migration 18.0.1.3.0 sets the stored flag of existing registrations."""
        missing = self.make_registration(state="accepted", request_guid="guid-old-1")
        described = self.make_registration(
            odometer=45200,
            state="accepted",
            request_guid="guid-old-2",
            description_state="sent",
        )
        every = missing | described
        self.env.flush_all()
        # As stored before the upgrade: a never-sent description was no duty.
        self.env.cr.execute(
            "UPDATE carpass_registration SET needs_attention = FALSE WHERE id IN %s",
            [tuple(every.ids)],
        )
        self.env.invalidate_all()
        self.assertFalse(any(every.mapped("needs_attention")))
        load_migration("18.0.1.3.0").migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertTrue(missing.needs_attention)
        self.assertFalse(described.needs_attention)

    def test_submit_server_action_in_the_action_menu(self):
        server_action = self.env.ref("carpass_odoo.action_server_carpass_send")
        self.assertEqual(server_action.binding_model_id.model, "carpass.registration")
        self.assertIn("list", server_action.binding_view_types)
        first = self.make_registration()
        second = self.make_registration(odometer=45321)
        self.simulator.admin.queue_faults(["503"])
        action = (
            server_action.with_user(self.user_a)
            .with_context(
                active_model="carpass.registration",
                active_ids=(first | second).ids,
                active_id=first.id,
            )
            .run()
        )
        lines = action["params"]["message"].split("\n")
        self.assertTrue(lines[0].startswith(f"✘ {first.display_name}"), lines)
        self.assertEqual(lines[1], f"✔ {second.display_name}: Accepted")
        self.assertEqual(first.state, "error")
        # Resend from the same menu once Car-Pass is back.
        action = (
            server_action.with_user(self.user_a)
            .with_context(
                active_model="carpass.registration",
                active_ids=first.ids,
                active_id=first.id,
            )
            .run()
        )
        self.assertEqual(
            action["params"]["message"], f"✔ {first.display_name}: Accepted"
        )
        self.assertEqual(self.simulator_count(first.vin), 1)

    def test_refresh_status_one_and_many(self):
        self.simulator.admin.settings(processing_polls=1)
        pending = self.make_registration()
        pending.action_send()
        self.assertEqual(pending.state, "ongoing")
        draft = self.make_registration(odometer=45999)
        server_action = self.env.ref("carpass_odoo.action_server_carpass_refresh")
        run = (
            server_action.with_user(self.user_a)
            .with_context(
                active_model="carpass.registration",
                active_ids=(pending | draft).ids,
                active_id=pending.id,
            )
            .run
        )
        lines = run()["params"]["message"].split("\n")
        # Still checked at Car-Pass: information.
        self.assertEqual(lines[0], f"ℹ {pending.display_name}: Ongoing")
        self.assertEqual(lines[1], f"✘ {draft.display_name}: not sent yet")
        lines = run()["params"]["message"].split("\n")
        self.assertEqual(lines[0], f"✔ {pending.display_name}: Accepted")
        self.assertEqual(pending.state, "accepted")

    def test_other_company_registrations_are_invisible(self):
        other = self.make_registration(company=self.company_b)
        visible = self.Registration.with_user(self.user_a).search(
            [("id", "=", other.id)]
        )
        self.assertFalse(visible)

    def test_buttons_follow_the_computed_flags_not_state_lists(self):
        draft = self.make_registration()
        accepted = self.make_registration(odometer=45124)
        accepted.action_send()
        self.assertEqual(accepted.state, "accepted")
        flags = ("can_edit", "can_send", "can_refresh_status", "can_manual_correct")
        self.assertEqual(
            [draft[flag] for flag in flags], [True, True, False, False], "draft"
        )
        self.assertEqual(
            [accepted[flag] for flag in flags], [False, False, True, True], "accepted"
        )
        self.assertEqual(
            (draft.state_tone, accepted.state_tone), ("warning", "success")
        )
        for model, view_type, state_list in (
            ("carpass.registration", "list", r"\bstate (not )?in\b"),
            ("carpass.registration", "form", r"\bstate (not )?in\b"),
            # The repair's own states are Odoo's business; the Car-Pass ones are not.
            ("repair.order", "form", r"\bcarpass_state (not )?in\b"),
        ):
            arch = self.env[model].get_views([(False, view_type)])["views"][view_type][
                "arch"
            ]
            for node in etree.fromstring(arch).iter():
                for attribute in ("invisible", "readonly", "column_invisible"):
                    expression = node.get(attribute) or ""
                    self.assertNotRegex(
                        expression,
                        state_list,
                        f"{model} {view_type}: {node.get('name')} {attribute}",
                    )

    def test_first_page_of_the_overview_reads_a_company_index(self):
        self.make_registration()
        cr = self.env.cr
        # A handful of test rows would be read whole and sorted: the planner is told
        # to avoid that, so the plan shows whether an index serves the first page in
        # order (at 1M rows it must, or the page sorts the whole company).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cr.execute(f"SET LOCAL {setting} = off")
        ordered = (
            "carpass_registration_company_order_idx",
            "carpass_registration_attention_order_idx",
        )
        for attention_only in (False, True):
            condition = " AND needs_attention" if attention_only else ""
            cr.execute(
                "EXPLAIN SELECT id FROM carpass_registration WHERE company_id = %s"
                f"{condition} ORDER BY reading_date DESC, id DESC LIMIT 80",
                [self.env.company.id],
            )
            plan = "\n".join(row[0] for row in cr.fetchall())
            self.assertTrue(any(index in plan for index in ordered), plan)
            self.assertNotIn("Sort", plan)
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cr.execute(f"RESET {setting}")
