# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fleet's odometer log holds only trusted readings (``lifecycle.reading_is_trusted``).

Before 18.0.1.2.0 every registration copied its reading into Fleet's log when it
was created, refused or not; a refused reading then became the vehicle's last
odometer and the "previous reading" of later checks. Each registration's log line
is now linked to it, and taken out when Car-Pass has not accepted the reading.
Each repair order takes its registration's reading, so its printouts show it.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    registrations = env["carpass.registration"].with_context(active_test=False)
    registrations.search([])._carpass_sync_reading()
