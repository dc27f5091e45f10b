# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Since 18.0.1.4.0 a local remark keeps its finding's values (``params``) and its
text is written when read, in the reader's language. Remarks recorded before kept
only their text, in the language of whoever checked (the retry cron's English):
their values are taken from the same check run again on their registration, for
the remarks whose code it still finds; the others keep showing their text.
"""

import json

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """
        SELECT id, registration_id, code
          FROM carpass_registration_issue
         WHERE source = 'local' AND params IS NULL
        """
    )
    rows = cr.fetchall()
    by_registration = {}
    for issue_id, registration_id, code in rows:
        by_registration.setdefault(registration_id, []).append((issue_id, code))
    Registration = env["carpass.registration"].with_context(active_test=False)
    for registration in Registration.browse(list(by_registration)).exists():
        found = {
            finding.code: finding.params for finding in registration._carpass_findings()
        }
        for issue_id, code in by_registration[registration.id]:
            if code in found:
                cr.execute(
                    "UPDATE carpass_registration_issue SET params = %s WHERE id = %s",
                    (json.dumps(found[code]), issue_id),
                )
