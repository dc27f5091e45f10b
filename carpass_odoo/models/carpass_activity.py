# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..carpass.exceptions import CarpassError
from .carpass_access import carpass_check_caller, carpass_check_manager
from .carpass_inputs import CarpassInputGuard
from .carpass_messages import carpass_error_message

_logger = logging.getLogger(__name__)

# The source value of a translatable field is English; Car-Pass speaks these four.
SOURCE_LANGUAGE = "en_US"
CARPASS_LANGUAGES = ("nl", "fr", "en", "de")


class CarpassActivity(CarpassInputGuard, models.Model):
    _name = "carpass.activity"
    _description = "Car-Pass Standard Activity"
    _order = "sequence, code"
    _rec_names_search = ["name", "code"]

    code = fields.Char(required=True, readonly=True, index=True)
    name = fields.Char(
        string="Description",
        required=True,
        translate=True,
        help="Car-Pass's standard description, in the user's language when Car-Pass "
        "gives it.",
    )
    category_code = fields.Char(
        readonly=True,
        index=True,
        help="Code of Car-Pass's main category (empty when the source has none).",
    )
    category_name = fields.Char(
        string="Category",
        translate=True,
        help="Car-Pass's main category of this activity, in the user's language.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True,
        help="Car-Pass no longer lists an archived activity: it cannot be sent.",
    )
    mapping_ids = fields.One2many(
        "carpass.activity.mapping", "activity_id", string="Mappings"
    )
    mapping_count = fields.Integer(compute="_compute_mapping_count")
    last_sync_date = fields.Datetime(string="Last Synchronised", readonly=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A Car-Pass activity code must be unique."),
    ]

    @api.depends("mapping_ids")
    def _compute_mapping_count(self):
        # A few mappings per activity: their ids are read in one query per batch.
        for activity in self:
            activity.mapping_count = len(activity.mapping_ids)

    # ------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------

    def action_carpass_sync(self):
        """List button: fetch the activity list with the first configured company."""
        carpass_check_caller(self)
        carpass_check_manager(
            self.env, _("Only Car-Pass managers may synchronise the activities.")
        )
        companies = self.env.company | self.env.companies
        counts = self._carpass_sync_with(companies, raise_on_failure=True)
        return self._carpass_sync_notification(counts)

    @api.model
    def _carpass_sync_notification(self, counts):
        """The notification after a sync or an import; ``counts`` as ``_carpass_sync``."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Car-Pass activities"),
                "message": _(
                    "%(created)s new, %(updated)s updated, %(archived)s archived.",
                    **counts,
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_carpass_import_file(self):
        """List button: import the activities from a file (managers)."""
        carpass_check_caller(self)
        self.env["carpass.activity.import.wizard"]._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": _("Import Car-Pass activities"),
            "res_model": "carpass.activity.import.wizard",
            "view_mode": "form",
            "target": "new",
        }

    def action_view_mappings(self):
        carpass_check_caller(self)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "carpass_odoo.action_carpass_activity_mapping"
        )
        action["domain"] = [("activity_id", "=", self.id)]
        action["context"] = {"default_activity_id": self.id}
        return action

    # ------------------------------------------------------------
    # Synchronisation
    # ------------------------------------------------------------

    @api.model
    def _cron_carpass_sync_activities(self):
        companies = self.env["res.company"].sudo().search([])
        self.sudo()._carpass_sync_with(companies, raise_on_failure=False)

    @api.model
    def _carpass_sync_with(self, companies, raise_on_failure):
        """Sync through the first company whose Car-Pass account answers.

        The list is the same for every garage, so one answer is enough.
        """
        problems = []
        for company in companies:
            try:
                client = company._carpass_client()
                activities = client.list_activities()
            except UserError as error:
                problems.append(str(error))
                continue
            except CarpassError as error:
                problems.append(
                    f"{company.name}: {carpass_error_message(self.env, error, company)}"
                )
                continue
            return self._carpass_sync(activities)
        message = _(
            "The Car-Pass activities could not be synchronised: %(problems)s",
            problems="\n".join(problems) or _("no company is connected to Car-Pass."),
        )
        if raise_on_failure:
            raise UserError(message)
        _logger.warning(message)
        return {"created": 0, "updated": 0, "archived": 0}

    @api.model
    def _carpass_sync(self, activities):
        """Create or update activities from the API answer; archive the ones it left out.

        ``activities`` are ``payloads.Activity`` objects, labels keyed by lower-case
        language ("nl", "fr", "en", "de"). Each installed language whose prefix
        matches a label gets it as translation of ``name``.
        """
        Activity = self.with_context(active_test=False, lang=SOURCE_LANGUAGE)
        existing = {activity.code: activity for activity in Activity.search([])}
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        now = fields.Datetime.now()
        counts = {"created": 0, "updated": 0, "archived": 0}
        for sequence, item in enumerate(activities, start=1):
            labels = {lang.lower(): label for lang, label in item.labels.items()}
            source = labels.get("en") or next(iter(labels.values()), "") or item.code
            values = {
                "name": source,
                "sequence": sequence,
                "active": True,
                "last_sync_date": now,
            }
            category_labels = {
                lang.lower(): label for lang, label in item.category_labels.items()
            }
            if item.category_code:
                values["category_code"] = item.category_code
                values["category_name"] = (
                    category_labels.get("en")
                    or next(iter(category_labels.values()), "")
                    or item.category_code
                )
            activity = existing.get(item.code)
            if activity:
                activity.write(values)
                counts["updated"] += 1
            else:
                activity = Activity.create(dict(values, code=item.code))
                existing[item.code] = activity
                counts["created"] += 1
            translations = {
                lang: labels[lang.split("_")[0].lower()]
                for lang in installed
                if lang != SOURCE_LANGUAGE and lang.split("_")[0].lower() in labels
            }
            if translations:
                activity.update_field_translations("name", translations)
            category_translations = {
                lang: category_labels[lang.split("_")[0].lower()]
                for lang in installed
                if lang != SOURCE_LANGUAGE
                and lang.split("_")[0].lower() in category_labels
            }
            if item.category_code and category_translations:
                activity.update_field_translations(
                    "category_name", category_translations
                )
        listed = {item.code for item in activities}
        removed = Activity.browse(
            [
                activity.id
                for code, activity in existing.items()
                if code not in listed and activity.active
            ]
        )
        if removed:
            # Mappings stay, so that the activity can come back; resolution skips them.
            removed.write({"active": False})
            counts["archived"] = len(removed)
        _logger.info("Car-Pass activities synchronised: %s", counts)
        return counts
