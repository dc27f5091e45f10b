# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL queries per submission for vehicles with 10 and with 10k earlier readings.

    .venv/bin/python -m bench.sql_queries -c var/odoo-h9.cfg -d carpass_h9

A submission's database work must not depend on the vehicle's history. For each
history size, ``--runs`` vehicles get that many earlier readings (SQL
``generate_series``), and one registration per vehicle is sent through
``registration._carpass_send_each()`` (the send pipeline the wizard, the list and
the crons share, in the retry cron's context: no language), and one more through the whole
button path (the end-of-service wizard opened with its checks, then Send, in the
web client's context, as ``bench.submit_path`` does); the
cursor's ``sql_log_count`` gives the queries of each submission (after a warm-up
submission of each kind that fills the caches). Judged for each kind: at most 25
queries, and equal counts for both sizes.
"""

import sys

from bench import odoo_env
from bench.local_checks import _insert_readings
from bench.submit_path import _check_sent, _press_send, web_context

HISTORY_SIZES = (10, 10_000)
MAX_QUERIES = 25
KINDS = ("send pipeline", "whole button path")


def main(argv=None):
    parser = odoo_env.argument_parser(__doc__.splitlines()[0], runs=5)
    args = parser.parse_args(argv)
    odoo_env.print_header("bench.sql_queries", args)
    counts = {(kind, size): [] for kind in KINDS for size in HISTORY_SIZES}
    with (
        odoo_env.bench_registry(args) as registry,
        odoo_env.simulator() as simulator,
    ):
        plan = []
        with odoo_env.environment(registry) as env:
            company = odoo_env.make_bench_company(env, simulator)
            model = odoo_env.make_vehicle_model(env)
            number = 0
            sizes = (HISTORY_SIZES[0], *HISTORY_SIZES * args.runs)
            for kind, size in [(kind, size) for kind in KINDS for size in sizes]:
                vehicle = env["fleet.vehicle"].create(
                    {
                        "model_id": model.id,
                        "company_id": company.id,
                        "vin_sn": odoo_env.bench_vin(number, prefix="SLC"),
                    }
                )
                number += 1
                _insert_readings(env.cr, vehicle.id, size)
                registration = env["carpass.registration"].create(
                    {
                        "company_id": company.id,
                        "vehicle_id": vehicle.id,
                        "vin": vehicle.vin_sn,
                        "odometer": int(40 * (size + 1)),
                        "reading_date": odoo_env.belgian_today(),
                        "description_lines": "Oil and filter change",
                    }
                )
                plan.append((kind, size, registration.id))
            env.cr.execute("ANALYZE fleet_vehicle_odometer")
            company_id = company.id

        warmed = set()
        for kind, size, registration_id in plan:
            with odoo_env.environment(registry) as env:
                if kind == KINDS[0]:
                    # As the retry cron runs it: no language in the context.
                    context = dict(env.context, allowed_company_ids=[company_id])
                else:
                    context = web_context(env, company_id)
                registration = env(context=context)["carpass.registration"].browse(
                    registration_id
                )
                env = registration.env
                before = env.cr.sql_log_count
                if kind == KINDS[0]:
                    outcome = registration._carpass_send_each()
                    env.cr.commit()
                    if not outcome[0][1]:
                        sys.exit(f"submission failed: {outcome[0][2]}")
                else:
                    _press_send(registration)
                queries = env.cr.sql_log_count - before
                if kind != KINDS[0]:
                    _check_sent(registration)
                if kind in warmed:
                    counts[kind, size].append(queries)
                warmed.add(kind)

    passed = True
    for kind in KINDS:
        for size in HISTORY_SIZES:
            print(
                f"   {kind}, {size:,} earlier readings: queries per submission "
                + ", ".join(map(str, counts[kind, size]))
            )
        small, large = (max(counts[kind, size]) for size in HISTORY_SIZES)
        equal = sorted(set(counts[kind, HISTORY_SIZES[0]])) == sorted(
            set(counts[kind, HISTORY_SIZES[1]])
        )
        reasons = []
        if not equal:
            reasons.append("the count depends on the history")
        if max(small, large) > MAX_QUERIES:
            reasons.append(f"{max(small, large) - MAX_QUERIES} queries too many")
        verdict = "PASS" if not reasons else "MISSED: " + "; ".join(reasons)
        passed = passed and not reasons
        print(
            f"   {kind}: most queries per submission {small} vs {large} "
            f"(target: <= {MAX_QUERIES} and equal) -> {verdict} "
            f"(load average {odoo_env.load_average()})"
        )
    return passed


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
