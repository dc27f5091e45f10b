# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Since 18.0.1.2.0 a failed work description and an unknown outcome need attention
too (``lifecycle.needs_attention``): the stored flag of existing registrations is
set accordingly, so that the counter and the overview count them at once.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE carpass_registration
           SET needs_attention = TRUE
         WHERE needs_attention IS NOT TRUE
           AND (description_state = 'error' OR outcome_unknown IS TRUE)
        """
    )
