# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re

from stdnum.be import vat as be_vat

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_manifest
from odoo.tools import SQL

from ..carpass import CarpassClient, CarpassError, SoftwareId
from ..carpass.client import checked_base_url, clean_base_url, names_a_path
from ..carpass.clock import belgian_today
from ..carpass.exceptions import (
    CarpassAuthenticationError,
    CarpassNotFoundError,
    CarpassOrganisationError,
    CarpassTransientError,
    CarpassUnavailableError,
)
from ..carpass.payloads import ENVIRONMENT_URLS
from ..carpass.sessions import pooled_session
from .carpass_access import carpass_check_caller, carpass_check_manager
from .carpass_messages import (
    carpass_error_message,
    format_day,
    format_number,
    maintenance_retry_moment,
)

_logger = logging.getLogger(__name__)

ADDON = "carpass_odoo"
# A digest lists at most this many registrations; the overview has the rest.
DIGEST_MAX_LINES = 50

CARPASS_LANGUAGES = [
    ("nl", "Dutch"),
    ("fr", "French"),
    ("de", "German"),
    ("en", "English"),
]


def normalize_belgian_number(value):
    """Digits only, without the BE prefix, padded to 10 digits (KBO/BCE style)."""
    digits = re.sub(r"[^0-9]", "", (value or "").upper().removeprefix("BE"))
    return digits.zfill(10) if digits and len(digits) == 9 else digits


def carpass_software():
    """The client software Car-Pass is told about: this addon, from its manifest.

    Car-Pass identifies the software that reports (headers ``client-software-*``);
    it is what is installed, not a setting.
    """
    manifest = get_manifest(ADDON)
    return SoftwareId(
        builder=manifest["author"], name=ADDON, version=manifest["version"]
    )


class ResCompany(models.Model):
    _inherit = "res.company"

    carpass_environment = fields.Selection(
        [
            ("none", "Not configured"),
            ("production", "Production"),
            ("test", "Car-Pass test"),
            ("simulator", "Simulator"),
        ],
        string="Car-Pass Environment",
        default="none",
        required=True,
        help="Nothing is sent before a manager picks one. Production reports for "
        "real. Test and the simulator never reach the car's real Car-Pass.",
    )
    # The secrets are never prefetched: every sudo read of a company (a record
    # rule, env.user.company_ids) would put them in the cache the caller's
    # environment shares. They are read on their own by _carpass_secrets.
    carpass_url_override = fields.Char(
        string="Car-Pass URL Override",
        groups="carpass_odoo.group_carpass_manager",
        prefetch=False,
        help="Base URL to use instead of the built-in one of the production or test "
        "environment, e.g. the test host Car-Pass gives with a test account. "
        "Must start with https://.",
    )
    carpass_simulator_url = fields.Char(
        string="Car-Pass Simulator URL",
        help="Base URL of a Car-Pass simulator, e.g. http://127.0.0.1:8765/api",
    )
    carpass_enterprise_number = fields.Char(
        string="Enterprise Number",
        size=12,
        help="KBO/BCE number of the legal enterprise: the VAT number without 'BE'. "
        "Branches use the number of their root company.",
    )
    carpass_establishment_number = fields.Char(
        string="Establishment Number",
        size=12,
        help="10-digit KBO/BCE number of the establishment where the cars are "
        "repaired. It is also the Car-Pass user name.",
    )
    carpass_password = fields.Char(
        string="Car-Pass Password",
        groups="base.group_system",
        prefetch=False,
        copy=False,
        help="Password or API secret of the establishment's Car-Pass account.",
    )
    carpass_password_set = fields.Boolean(
        compute="_compute_carpass_password_set", string="Car-Pass Password Set"
    )
    # The form's password input: always empty when read, so the stored secret never
    # travels back to a browser; a value typed in replaces the stored password.
    carpass_new_password = fields.Char(
        string="New Car-Pass Password",
        compute="_compute_carpass_new_password",
        inverse="_inverse_carpass_new_password",
        groups="base.group_system",
        copy=False,
        help="Type the password of the establishment's Car-Pass account to replace "
        "the saved one. The saved password is never shown; leave empty to keep it.",
    )
    carpass_organisation_name = fields.Char(string="Car-Pass Organisation Name")
    carpass_document_language = fields.Selection(
        CARPASS_LANGUAGES,
        string="Car-Pass Document Language",
        default="nl",
        help="Language of the correction form and of Car-Pass history documents.",
    )
    carpass_correction_threshold = fields.Integer(
        string="Correction Form After",
        default=2,
        help="Number of failed corrections of one registration after which the "
        "printable correction form is offered.",
    )
    carpass_default_activity_id = fields.Many2one(
        "carpass.activity",
        string="Default Car-Pass Activity",
        ondelete="set null",
        help="Sent for repair lines whose product and product category have no "
        "Car-Pass activity mapping.",
    )
    carpass_root_enterprise_number = fields.Char(
        compute="_compute_carpass_root_enterprise_number",
        string="Legal Enterprise Number",
    )

    carpass_digest = fields.Boolean(
        string="Daily Car-Pass Digest",
        help="Each morning, e-mail the Car-Pass managers of this company the readings "
        "and work descriptions that need attention (nothing is sent when none does).",
    )
    carpass_document_language_code = fields.Char(
        compute="_compute_carpass_document_language_code"
    )

    @api.depends("carpass_document_language")
    def _compute_carpass_document_language_code(self):
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for company in self:
            prefix = company.carpass_document_language or "en"
            company.carpass_document_language_code = next(
                (code for code in sorted(installed) if code.split("_")[0] == prefix),
                "en_US",
            )

    def _compute_carpass_root_enterprise_number(self):
        for company in self:
            company.carpass_root_enterprise_number = company._carpass_enterprise()

    def _compute_carpass_password_set(self):
        # Ask the database rather than reading the secret: a sudo read would leave it
        # in the cache shared with the current user's environment.
        with_password = (
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "in", self._origin.ids), ("carpass_password", "!=", False)])
        )
        for company in self:
            company.carpass_password_set = company._origin.id in with_password.ids

    def _compute_carpass_new_password(self):
        self.carpass_new_password = False

    def _inverse_carpass_new_password(self):
        for company in self.filtered("carpass_new_password"):
            company.sudo().carpass_password = company.carpass_new_password

    def _read_format(self, fnames, load="_classic_read"):
        # read, web_read and web_search_read answer through here: the stored secret is
        # write-only, even for administrators (only server code reads it, with sudo).
        result = super()._read_format(fnames, load=load)
        if "carpass_password" in fnames:
            for values in result:
                values["carpass_password"] = False
        return result

    def onchange(self, values, field_names, fields_spec):
        # Same rule for the form's onchange answer: refused to non-administrators,
        # left out for administrators.
        if "carpass_password" in fields_spec:
            self.check_field_access_rights("read", ["carpass_password"])
            fields_spec = {
                name: spec
                for name, spec in fields_spec.items()
                if name != "carpass_password"
            }
        return super().onchange(values, field_names, fields_spec)

    def check_field_access_rights(self, operation, field_names):
        """The Car-Pass settings are for the staff: portal and public users may read
        their company's name, not its Car-Pass account (AccessError when only those
        are asked for, left out of a read of more fields, e.g. a prefetch)."""
        asked = field_names
        field_names = super().check_field_access_rights(operation, field_names)
        if self.env.su or self.env.user._is_internal():
            return field_names
        carpass_fields = [
            name
            for name in field_names
            if name in self._fields and ADDON in (self._fields[name]._modules or ())
        ]
        if carpass_fields and asked and len(carpass_fields) == len(field_names):
            raise AccessError(
                self.env._("The Car-Pass settings of a company are for its staff.")
            )
        return [name for name in field_names if name not in carpass_fields]

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # Exports read through the cache, where sudo code may have left the secret:
        # refuse restricted fields here, even when reached from another model.
        self.check_field_access_rights(
            "read", [path[0] for path in fields if path and path[0] in self._fields]
        )
        if any(path and path[0] == "carpass_password" for path in fields):
            raise AccessError(_("The Car-Pass password cannot be exported."))
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    @api.constrains("carpass_enterprise_number")
    def _check_carpass_enterprise_number(self):
        for company in self.filtered("carpass_enterprise_number"):
            if not be_vat.is_valid(company.carpass_enterprise_number):
                raise ValidationError(
                    _(
                        "%(number)s is not a valid Belgian enterprise number "
                        "(10 digits, the VAT number without 'BE').",
                        number=company.carpass_enterprise_number,
                    )
                )

    @api.constrains("carpass_establishment_number")
    def _check_carpass_establishment_number(self):
        for company in self.filtered("carpass_establishment_number"):
            number = company.carpass_establishment_number
            valid = (
                len(number) == 10
                and number.isdigit()
                and number[0] in "2345678"
                and int(number[:8]) % 97 + int(number[8:]) == 97
            )
            if not valid:
                raise ValidationError(
                    _(
                        "%(number)s is not a valid establishment number "
                        "(10 digits starting with 2 to 8, with a valid check number).",
                        number=number,
                    )
                )

    @api.constrains("carpass_correction_threshold")
    def _check_carpass_correction_threshold(self):
        if any(company.carpass_correction_threshold < 1 for company in self):
            raise ValidationError(
                _("The correction form threshold must be at least 1.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(
            [self._carpass_normalize_vals(vals) for vals in vals_list]
        )

    def write(self, vals):
        return super().write(self._carpass_normalize_vals(vals))

    @api.model
    def _carpass_normalize_vals(self, vals):
        for key in ("carpass_enterprise_number", "carpass_establishment_number"):
            if vals.get(key):
                vals = dict(vals, **{key: normalize_belgian_number(vals[key])})
        for key in ("carpass_url_override", "carpass_simulator_url"):
            if isinstance(vals.get(key), str):
                vals = dict(vals, **{key: clean_base_url(vals[key]) or False})
        return vals

    # ------------------------------------------------------------
    # Car-Pass connection
    # ------------------------------------------------------------

    @api.constrains("carpass_url_override")
    def _check_carpass_url_override(self):
        for company in self.sudo():
            url = (company.carpass_url_override or "").strip()
            if not url:
                continue
            try:
                loopback = checked_base_url(url)[1]
            except ValueError:
                loopback = True
            if loopback or not url.startswith("https://"):
                raise ValidationError(
                    _(
                        "The Car-Pass URL %(url)s must start with https:// and name "
                        "a Car-Pass host; a local simulator is set as the simulator "
                        "environment.",
                        url=url,
                    )
                )

    @api.constrains("carpass_simulator_url")
    def _check_carpass_simulator_url(self):
        for company in self.filtered("carpass_simulator_url"):
            url = company.carpass_simulator_url.strip()
            try:
                checked_base_url(url)
            except ValueError:
                raise ValidationError(
                    _(
                        "The simulator URL %(url)s is not usable: it must start with "
                        "http:// (on this computer) or https:// and name a host, "
                        "e.g. http://127.0.0.1:8765/api.",
                        url=url,
                    )
                ) from None
            if not names_a_path(url):
                raise ValidationError(
                    _(
                        "The simulator URL %(url)s lacks the API path: the simulator "
                        "answers under /api, e.g. http://127.0.0.1:8765/api.",
                        url=url,
                    )
                )

    def _carpass_base_url(self, secrets=None):
        """The base URL of the company's environment (see payloads.ENVIRONMENT_URLS).

        ``secrets`` holds ``carpass_url_override`` when the caller read it already
        (``_carpass_secrets``).
        """
        self.ensure_one()
        if self.carpass_environment == "none":
            raise UserError(
                _(
                    "No Car-Pass environment is chosen for %(company)s: a manager "
                    "picks production, test or simulator in Settings > Car-Pass. "
                    "Nothing is sent before.",
                    company=self.name,
                )
            )
        if secrets is None:
            secrets = self._carpass_secrets("carpass_url_override")
        override = (secrets["carpass_url_override"] or "").strip()
        if override and self.carpass_environment in ENVIRONMENT_URLS:
            return override
        if self.carpass_environment == "simulator":
            if not self.carpass_simulator_url:
                raise UserError(
                    _("Set the simulator URL of %(company)s first.", company=self.name)
                )
            return clean_base_url(self.carpass_simulator_url)
        return ENVIRONMENT_URLS[self.carpass_environment]

    def _carpass_check_configured(self, secrets=None):
        """UserError naming what is missing; ``secrets`` as for ``_carpass_base_url``."""
        self.ensure_one()
        if secrets is None:
            secrets = self._carpass_secrets("carpass_password")
        # Read first: the company's row, with the parent path the enterprise number
        # of a root company is found with, in one query.
        establishment = self.carpass_establishment_number
        missing = []
        if not self._carpass_enterprise():
            missing.append(_("enterprise number"))
        if not establishment:
            missing.append(_("establishment number"))
        if not secrets["carpass_password"]:
            missing.append(_("password"))
        if missing:
            raise UserError(
                _(
                    "Car-Pass is not configured for %(company)s: missing %(fields)s. "
                    "Complete it in Settings > Car-Pass.",
                    company=self.name,
                    fields=", ".join(missing),
                )
            )

    def _carpass_secrets(self, *field_names):
        """Restricted settings of this company, read from the database in one query:
        a dict from each field name to its value.

        Read with SQL rather than through a sudo record: a sudo read would leave the
        value in the cache the caller's environment shares, where a later read,
        export or message could show it. Only the client factory and its checks
        call this.
        """
        self.ensure_one()
        self.flush_recordset(list(field_names))
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM res_company WHERE id = %s",
                SQL(", ").join(SQL.identifier(name) for name in field_names),
                self.id,
            )
        )
        row = self.env.cr.fetchone() or (None,) * len(field_names)
        return dict(zip(field_names, row, strict=True))

    def _carpass_client(self):
        """Client for this establishment; credentials are read from the database
        (``_carpass_secrets``), never returned nor cached.

        The caller must work for the company (``carpass_check_caller``): the
        secrets are read only for a company the caller may use.
        """
        self.ensure_one()
        carpass_check_caller(self)
        secrets = self._carpass_secrets("carpass_password", "carpass_url_override")
        self._carpass_check_configured(secrets)
        base_url = self._carpass_base_url(secrets)
        return CarpassClient(
            base_url,
            self.carpass_establishment_number,
            secrets["carpass_password"],
            session=pooled_session(base_url, self.carpass_establishment_number),
            # The real Car-Pass's weekly window is known by the clock; a
            # simulator has its own maintenance switch.
            maintenance_clock=self.carpass_environment in ENVIRONMENT_URLS,
            software=carpass_software(),
        )

    def _carpass_enterprise(self):
        """The enterprise number of this establishment: its root company's.

        A user of a branch may not read its root company: the one field an
        establishment inherits is read with sudo, on the root alone, without
        prefetching the root's other fields (its secrets) into the shared cache.
        """
        self.ensure_one()
        unprefetched = self.sudo().with_context(prefetch_fields=False)
        return unprefetched.root_id.carpass_enterprise_number

    def action_carpass_test_connection(self):
        """Check the saved settings against Car-Pass, then bring the activities in.

        On success the activity list is synchronised through this company and, when
        none is chosen, the first activity of Car-Pass's list (its general one) is
        proposed as the default. Every failure names the URL tried and what to do.
        """
        self.ensure_one()
        carpass_check_caller(self)
        # It synchronises the activities and sets the default one (as superuser).
        carpass_check_manager(
            self.env,
            _("Only Car-Pass managers may test the connection to Car-Pass."),
        )
        url = self._carpass_base_url()
        try:
            self._carpass_client().check_connection()
        except ValueError:
            raise UserError(self._carpass_url_problem(url)) from None
        except CarpassError as error:
            raise UserError(self._carpass_connection_problem(url, error)) from None
        message = _(
            "Connection to Car-Pass (%(environment)s, %(url)s) works for "
            "establishment %(establishment)s.",
            environment=dict(
                self._fields["carpass_environment"]._description_selection(self.env)
            )[self.carpass_environment],
            url=url,
            establishment=self.carpass_establishment_number,
        )
        # No call checks the enterprise number without reporting a reading
        # (payloads.FORBIDDEN_ORGANISATION_CODE): say so rather than imply it.
        enterprise = _(
            "Car-Pass checks the enterprise number %(enterprise)s only with the "
            "first report.",
            enterprise=self._carpass_enterprise(),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Car-Pass"),
                "message": " ".join(
                    [message, enterprise, *self._carpass_sync_after_test()]
                ),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _carpass_sync_after_test(self):
        """Synchronise the activities through this company; the sentences to show."""
        Activity = self.env["carpass.activity"].sudo()
        try:
            counts = Activity._carpass_sync_with(self, raise_on_failure=True)
        except UserError as error:
            return [
                _(
                    "The activities could not be synchronised (%(reason)s): use "
                    "Car-Pass > Configuration > Activities > Import.",
                    reason=str(error),
                )
            ]
        sentences = [
            _(
                "Activities synchronised: %(created)s new, %(updated)s updated, "
                "%(archived)s archived.",
                **counts,
            )
        ]
        if not self.carpass_default_activity_id:
            proposed = Activity.search(
                [("active", "=", True)], order="sequence, id", limit=1
            )
            if proposed:
                self.sudo().carpass_default_activity_id = proposed
                # The sync wrote the translations after the name was cached in English.
                proposed.invalidate_recordset(["name"])
                sentences.append(
                    _(
                        "Default activity proposed: %(activity)s (change it in "
                        "Settings > Car-Pass).",
                        activity=proposed.with_context(lang=self.env.lang).name,
                    )
                )
        return sentences

    def _carpass_url_problem(self, url):
        return _(
            "The Car-Pass URL %(url)s is not usable: it must start with https:// "
            "(or http:// for a simulator on this computer) and name a host, e.g. "
            "http://127.0.0.1:8765/api. Correct it in Settings > Car-Pass.",
            url=url,
        )

    def _carpass_connection_problem(self, url, error):
        """What failed at ``url`` and what to do, for the Test Connection button."""
        if isinstance(error, CarpassOrganisationError):
            advice = carpass_error_message(self.env, error, self)
        elif isinstance(error, CarpassAuthenticationError):
            advice = _(
                "Car-Pass at %(url)s refused the credentials: check the establishment "
                "number and type the password again, then test again.",
                url=url,
            )
        elif isinstance(error, CarpassUnavailableError) and error.maintenance:
            if moment := maintenance_retry_moment(self.env, error):
                advice = _(
                    "Car-Pass at %(url)s is in maintenance: test again from "
                    "%(moment)s (Belgian time).",
                    url=url,
                    moment=moment,
                )
            else:
                advice = _(
                    "Car-Pass at %(url)s is in maintenance: test again later.",
                    url=url,
                )
        elif isinstance(error, CarpassNotFoundError):
            # The connection check's call exists at Car-Pass: a 404 is the URL's.
            advice = _(
                "Nothing answers as Car-Pass at %(url)s (HTTP 404): the URL is wrong. "
                "It must be the API's base URL, e.g. %(example)s; correct it in "
                "Settings > Car-Pass, then test again.",
                url=url,
                example=(
                    "http://127.0.0.1:8765/api"
                    if self.carpass_environment == "simulator"
                    else ENVIRONMENT_URLS["production"]
                ),
            )
        elif isinstance(error, CarpassTransientError):
            advice = _(
                "Car-Pass cannot be reached at %(url)s: check the URL, the network "
                "and, for a simulator, that it runs; then test again.",
                url=url,
            )
        else:
            advice = _(
                "Car-Pass at %(url)s answered: %(reason)s Check the environment and "
                "the URL, then test again.",
                url=url,
                reason=carpass_error_message(self.env, error, self),
            )
        return _("Car-Pass connection failed. %(advice)s", advice=advice)

    @api.model
    def _carpass_use_simulator(self, base_url):
        """Point every company set to the simulator at ``base_url`` (e.g. the demo's).

        ``make demo`` starts the simulator on ``CARPASS_SIMULATOR_PORT`` and calls
        this after the install, so the demo garages report where it listens.
        Returns the companies changed.
        """
        companies = self.sudo().search([("carpass_environment", "=", "simulator")])
        companies.write({"carpass_simulator_url": base_url})
        return companies

    # ------------------------------------------------------------
    # Daily digest to the managers
    # ------------------------------------------------------------

    @api.model
    def _cron_carpass_digest(self):
        """Send each opted-in company's digest to its Car-Pass managers."""
        template = self.env.ref("carpass_odoo.mail_template_carpass_digest")
        for company in self.sudo().search([("carpass_digest", "=", True)]):
            lines = company.carpass_digest_lines()
            managers = company._carpass_digest_recipients()
            if not lines or not managers:
                continue
            template.with_context(lang=managers[0].lang).send_mail(
                company.id,
                email_values={"recipient_ids": [(6, 0, managers.ids)]},
            )
            _logger.info(
                "Car-Pass digest of %s sent to %s managers", company.name, len(managers)
            )

    def _carpass_digest_recipients(self):
        """The partners of the company's active Car-Pass managers with an e-mail."""
        self.ensure_one()
        group = self.env.ref("carpass_odoo.group_carpass_manager")
        users = group.sudo().users.filtered(
            lambda user: self in user.company_ids and user.email and not user.share
        )
        return users.partner_id

    def carpass_digest_lines(self):
        """The registrations needing attention, as dicts for the e-mail template.

        Keys: ``name``, ``vehicle``, ``reading`` and ``date`` (in the reader's
        language), ``state`` (label), ``overdue`` (older than the legal delay and
        not received), ``problem`` (the reason, or the description's failure).
        """
        carpass_check_caller(self)
        self.ensure_one()
        Registration = self.env["carpass.registration"].sudo()
        domain = [("company_id", "=", self.id), ("needs_attention", "=", True)]
        overdue = Registration.search(
            domain + Registration._carpass_overdue_domain()
        ).ids
        labels = dict(Registration._fields["state"]._description_selection(self.env))
        lines = []
        for registration in Registration.search(domain, limit=DIGEST_MAX_LINES):
            problem = registration.error_message or ""
            if registration.description_state == "error":
                problem = registration.description_message or self.env._(
                    "The work description failed."
                )
            elif registration.description_missing:
                problem = self.env._(
                    "Car-Pass never received the work description: send it."
                )
            lines.append(
                {
                    "name": registration.name,
                    "vehicle": registration.vehicle_id.display_name,
                    "reading": format_number(self.env, registration.odometer),
                    "date": format_day(self.env, registration.reading_date),
                    "state": labels[registration.state],
                    "overdue": registration.id in overdue,
                    "problem": problem,
                }
            )
        return lines

    def carpass_digest_day(self):
        """Today's Belgian date in the reader's language, for the subject."""
        carpass_check_caller(self)
        return format_day(self.env, belgian_today())
