# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..carpass import checks, compliance
from ..carpass.lifecycle import FLAGGED_STATES, STATES


class CarpassComplianceReport(models.Model):
    """One row per reading (skipped ones left out) for the managers' dashboard.

    Rates are 100 or 0 per row, so that the average over a group (pivot, graph)
    is the group's percentage.
    """

    _name = "carpass.compliance.report"
    _description = "Car-Pass Compliance"
    _auto = False
    _order = "reading_date desc, id desc"

    registration_id = fields.Many2one("carpass.registration", readonly=True)
    company_id = fields.Many2one("res.company", string="Establishment", readonly=True)
    reading_date = fields.Date(readonly=True)
    state = fields.Selection(STATES, readonly=True)
    report_count = fields.Integer(string="Reports", readonly=True)
    on_time_rate = fields.Float(
        string="On Time (%)",
        aggregator="avg",
        readonly=True,
        help="Received by Car-Pass within the legal delay after the reading.",
    )
    anomaly_rate = fields.Float(
        string="Anomalies (%)",
        aggregator="avg",
        readonly=True,
        help="Readings Car-Pass flagged or refused that are still open.",
    )
    flagged_rate = fields.Float(
        string="Flagged by Car-Pass (%)",
        aggregator="avg",
        readonly=True,
        help="Readings Car-Pass flagged at least once, even when settled since.",
    )
    trusted_threshold = fields.Float(
        string="Trusted Provider Threshold (%)",
        aggregator="max",
        readonly=True,
        help="Car-Pass's limit for flagged readings: at most this share of all "
        "reports.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT r.id AS id,
                           r.id AS registration_id,
                           r.company_id,
                           r.reading_date,
                           r.state,
                           1 AS report_count,
                           CASE WHEN r.sent_date IS NOT NULL
                                 AND (r.sent_date AT TIME ZONE 'UTC'
                                      AT TIME ZONE 'Europe/Brussels')::date
                                     <= r.reading_date + %(max_days)s
                                THEN 100.0 ELSE 0.0 END AS on_time_rate,
                           CASE WHEN r.state IN %(flagged_states)s
                                THEN 100.0 ELSE 0.0 END AS anomaly_rate,
                           CASE WHEN EXISTS (
                                    SELECT 1 FROM carpass_registration_issue i
                                     WHERE i.registration_id = r.id
                                       AND i.source = 'carpass')
                                THEN 100.0 ELSE 0.0 END AS flagged_rate,
                           %(threshold)s::float AS trusted_threshold
                      FROM carpass_registration r
                     WHERE r.state != 'skipped'
                )
                """,
                table=SQL.identifier(self._table),
                max_days=checks.MAX_DAYS_LATE,
                flagged_states=tuple(FLAGGED_STATES),
                threshold=compliance.TRUSTED_PROVIDER_MAX_FLAGGED_PERCENT,
            )
        )
