# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The wizard's local checks for a vehicle with 100 and with 100k earlier readings.

    .venv/bin/python -m bench.local_checks -c var/odoo-h9.cfg -d carpass_h9

The checks run at every keystroke of the end-of-repair wizard; they read the
vehicle's latest readings through ``_carpass_history``. Two vehicles get 100 and
100,000 earlier odometer readings (one ``INSERT ... SELECT generate_series``
each, one reading a day going back), the table is analysed, and
``registration._carpass_findings()`` is timed with the ORM cache cleared before
every call (as a new request would have it): median over ``--runs`` runs of
``--calls`` calls. Judged by t(100k)/t(100) (target <= 1.5).
"""

import statistics
import sys
import time

from bench import odoo_env

TARGET_RATIO = 1.5
HISTORY_SIZES = (100, 100_000)


def _insert_readings(cr, vehicle_id, count):
    # Newest first: reading n was taken n days ago, 40 km a day.
    cr.execute(
        """
        INSERT INTO fleet_vehicle_odometer (
            vehicle_id, date, value, carpass_odometer_work, create_uid, write_uid,
            create_date, write_date
        )
        SELECT %(vehicle)s, CURRENT_DATE - n, 40.0 * (%(count)s + 1 - n), false, 1, 1,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(count)s) AS n
        """,
        {"vehicle": vehicle_id, "count": count},
    )


def main(argv=None):
    parser = odoo_env.argument_parser(__doc__.splitlines()[0], runs=5)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args(argv)
    odoo_env.print_header("bench.local_checks", args)
    timings, queries, findings, plans = {}, {}, {}, {}
    with (
        odoo_env.bench_registry(args) as registry,
        odoo_env.simulator() as simulator,
    ):
        registrations = {}
        with odoo_env.environment(registry) as env:
            company = odoo_env.make_bench_company(env, simulator)
            model = odoo_env.make_vehicle_model(env)
            for number, size in enumerate(HISTORY_SIZES):
                vehicle = env["fleet.vehicle"].create(
                    {
                        "model_id": model.id,
                        "company_id": company.id,
                        "vin_sn": odoo_env.bench_vin(number, prefix="LCK"),
                    }
                )
                _insert_readings(env.cr, vehicle.id, size)
                registration = env["carpass.registration"].create(
                    {
                        "company_id": company.id,
                        "vehicle_id": vehicle.id,
                        "vin": vehicle.vin_sn,
                        # The next reading: 40 km a day since yesterday's.
                        "odometer": int(40 * (size + 1)),
                        "reading_date": odoo_env.belgian_today(),
                    }
                )
                registrations[size] = registration.id
            env.cr.execute("ANALYZE fleet_vehicle_odometer")

        with odoo_env.environment(registry) as env:
            checked = {
                size: env["carpass.registration"].browse(registration_id)
                for size, registration_id in registrations.items()
            }

            def check(registration):
                for _call in range(args.calls):
                    env.invalidate_all()
                    registration._carpass_findings()

            for size, registration in checked.items():
                check(registration)  # warm-up: code paths and caches
                before = env.cr.sql_log_count
                env.invalidate_all()
                findings[size] = [f.code for f in registration._carpass_findings()]
                queries[size] = env.cr.sql_log_count - before
                env.cr.execute(
                    "EXPLAIN SELECT id FROM fleet_vehicle_odometer WHERE vehicle_id = %s "
                    "ORDER BY date DESC, id DESC LIMIT 20",
                    [registration.vehicle_id.id],
                )
                plans[size] = next(
                    (row[0] for row in env.cr.fetchall() if "Scan" in row[0]), ""
                )
            # Both sizes in each run, so that a change of machine load hits both.
            runs = {size: [] for size in checked}
            for _run in range(args.runs):
                for size, registration in checked.items():
                    started = time.perf_counter()
                    check(registration)
                    runs[size].append((time.perf_counter() - started) / args.calls)
            for size in checked:
                timings[size] = statistics.median(runs[size])
                print(
                    f"   {size:,} earlier readings: "
                    f"{timings[size] * 1000:.3f} ms per check (runs "
                    + ", ".join(f"{value * 1000:.3f}" for value in runs[size])
                    + f"), {queries[size]} SQL queries, "
                    f"findings {findings[size] or 'none'}, "
                    f"{plans[size].strip().removeprefix('->').strip()}"
                )

    ratio = timings[HISTORY_SIZES[1]] / timings[HISTORY_SIZES[0]]
    odoo_env.print_verdict(
        "ratio t(100k)/t(100)", ratio, f"<= {TARGET_RATIO:g}", ratio <= TARGET_RATIO
    )
    return ratio <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
