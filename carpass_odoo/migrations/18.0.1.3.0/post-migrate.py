# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Since 18.0.1.3.0 a work description that is due and was never sent needs
attention too (``lifecycle.description_missing``): the stored flag of the existing
registrations concerned is computed again, so that the counter, the overview and
the digest count them at once.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Registration = env["carpass.registration"].with_context(active_test=False)
    missing = Registration.search(
        [("description_missing", "=", True), ("needs_attention", "=", False)]
    )
    if missing:
        env.add_to_compute(Registration._fields["needs_attention"], missing)
        missing.flush_recordset(["needs_attention"])
