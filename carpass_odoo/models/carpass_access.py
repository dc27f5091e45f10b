# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may call a public method of the addon on which records.

Every method reachable over RPC (buttons, ``action_*``) starts with
``carpass_check_caller(records, operation)``: the caller must hold the access
right and pass the record rules for ``operation``, and belong to each company the
records belong to. Views are not security: this is checked on the server.
"""

from odoo import api
from odoo.exceptions import AccessError


def carpass_record_companies(records):
    """The companies ``records`` belong to (the records themselves for companies)."""
    if records._name == "res.company":
        return records
    if "company_id" not in records._fields:
        return records.env["res.company"]
    return records.sudo().with_context(prefetch_fields=False).company_id


def carpass_check_caller(records, operation="read"):
    """Raise AccessError unless the user may ``operation`` ``records`` in their companies.

    ``operation`` is ``read``, ``write``, ``create`` or ``unlink``. The superuser
    (sudo code, and crons, which run as the superuser user) passes. Records of no
    company pass the company test.
    """
    env = records.env
    if env.su or env.user._is_superuser():
        return
    if records._name != "res.company":
        records.check_access(operation)
    if not env.user._is_internal():
        raise AccessError(env._("Car-Pass is only used by the staff of a garage."))
    outside = carpass_record_companies(records) - env.user.company_ids
    if outside:
        raise AccessError(
            env._(
                "These records belong to a company you do not work for: its Car-Pass "
                "actions are not yours to run."
            )
        )


def carpass_check_manager(env, message):
    """Raise AccessError with ``message`` unless the user is a Car-Pass manager.

    The superuser (sudo code, crons) passes.
    """
    if env.su or env.user._is_superuser():
        return
    if not env.user.has_group("carpass_odoo.group_carpass_manager"):
        raise AccessError(message)


class CarpassAddonRows:
    """Python mixin: rows only the addon's own code writes, under sudo.

    Car-Pass's remarks and the calls to Car-Pass record what happened; no user,
    manager or settings administrator creates, changes or deletes them, over the
    UI or RPC (their access rights are read-only too). The send pipeline, the
    confirmation and the purge cron write them as superuser. They go with their
    registration, which cannot be deleted once it reached Car-Pass.
    """

    # Odoo rebuilds the bases of its model classes: a mixin adds no instance layout.
    __slots__ = ()

    @api.model_create_multi
    def create(self, vals_list):
        self._carpass_check_addon_write()
        return super().create(vals_list)

    def write(self, vals):
        self._carpass_check_addon_write()
        return super().write(vals)

    def unlink(self):
        self._carpass_check_addon_write()
        return super().unlink()

    @api.model
    def _carpass_check_addon_write(self):
        if self.env.su:
            return
        raise AccessError(
            self.env._(
                "Car-Pass's remarks and the calls to Car-Pass are recorded by the "
                "addon alone: they cannot be created, changed or deleted."
            )
        )
