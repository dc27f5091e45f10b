# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The retry cron runs ``_cron_carpass_retry`` (one registration after the other,
in batches); before 18.0.1.1.0 it ran a threaded drain that no longer exists.

``data/ir_cron.xml`` is noupdate, so an upgrade alone would keep the old code.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_act_server server
           SET code = 'model._cron_carpass_retry()'
          FROM ir_model_data imd, ir_cron cron
         WHERE imd.module = 'carpass_odoo'
           AND imd.name = 'ir_cron_carpass_retry'
           AND imd.model = 'ir.cron'
           AND cron.id = imd.res_id
           AND server.id = cron.ir_actions_server_id
           AND server.code LIKE '%_cron_carpass_drain%'
        """
    )
