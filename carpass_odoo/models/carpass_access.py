# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may call a public method of the addon on which records.

Every method reachable over RPC (buttons, ``action_*``) starts with
``carpass_check_caller(records, operation)``: the caller must hold the access
right and pass the record rules for ``operation``, and belong to each company the
records belong to. Views are not security: this is checked on the server.
"""

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
