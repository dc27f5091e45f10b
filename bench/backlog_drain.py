# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Draining a backlog of unsent registrations: the retry cron vs the serial floor.

    .venv/bin/python -m bench.backlog_drain -c var/odoo-h9.cfg -d carpass_h9

After an outage N registrations wait for the retry cron (state error, retryable,
due), each with its work description. With the simulator answering after
``--latency-ms`` (100 ms, a realistic round trip to Car-Pass), each run drains one
fresh queue with the scheduled method (``_cron_carpass_retry``, one batch of N),
committing per registration as in production. The physical serial floor is
N registrations x 2 calls (reading, description) x the round trip: sending one
after the other cannot be faster. Judged by the cron's rate against the floor's
(target >= 0.8) and by the simulator's count of observations per VIN (exactly 1
for every registration).
"""

import sys
from collections import Counter
from datetime import timedelta

from odoo import fields

from bench import odoo_env

TARGET_RATE_RATIO = 0.8
CALLS_PER_REGISTRATION = 2  # the reading, then its work description


def _make_queue(env, company, model, count, offset):
    vehicles = env["fleet.vehicle"].create(
        [
            {
                "model_id": model.id,
                "license_plate": f"1-BKL-{(offset + index) % 1000:03d}",
                "vin_sn": odoo_env.bench_vin(offset + index, prefix="BKL"),
                "company_id": company.id,
            }
            for index in range(count)
        ]
    )
    registrations = env["carpass.registration"].create(
        [
            {
                "company_id": company.id,
                "vehicle_id": vehicle.id,
                "vin": vehicle.vin_sn,
                "odometer": 40_000 + index,
                "reading_date": odoo_env.belgian_today(),
                # From a repair: the work description follows the reading.
                "description_lines": "Oil and filter change\nBrake pads front",
            }
            for index, vehicle in enumerate(vehicles)
        ]
    )
    # A failed send, due for its retry, as the pipeline leaves it: workflow fields
    # are set by the registration's own methods only.
    registrations._carpass_write_workflow(
        {
            "state": "error",
            "retryable": True,
            "retry_count": 1,
            "error_message": "Car-Pass could not be reached.",
            "next_retry_at": fields.Datetime.now() - timedelta(minutes=1),
        }
    )
    return registrations.ids, vehicles.mapped("vin_sn")


def main(argv=None):
    parser = odoo_env.argument_parser(__doc__.splitlines()[0], runs=3)
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args(argv)
    odoo_env.print_header("bench.backlog_drain", args)
    count = args.registrations
    drain_times, vins = [], []
    with (
        odoo_env.bench_registry(args) as registry,
        odoo_env.simulator() as simulator,
    ):
        with odoo_env.environment(registry) as env:
            company = odoo_env.make_bench_company(env, simulator)
            model = odoo_env.make_vehicle_model(env)
            # Only the bench garage's registrations are in the queue.
            env["carpass.registration"].search([])._carpass_write_workflow(
                {"retryable": False}
            )
            company_id, model_id = company.id, model.id
        simulator.admin.set_faults(latency_ms=args.latency_ms)

        def drain(side, run, method):
            with odoo_env.environment(registry) as env:
                company = env["res.company"].browse(company_id)
                model = env["fleet.vehicle.model"].browse(model_id)
                offset = run * count
                ids, queue_vins = _make_queue(env, company, model, count, offset)
                vins.extend(queue_vins)
            with odoo_env.environment(registry) as env:
                env = env(context=dict(env.context, allowed_company_ids=[company_id]))
                Registration = env["carpass.registration"]
                elapsed, _runs = odoo_env.median_seconds(
                    lambda _r: method(Registration), 1
                )
            with odoo_env.environment(registry) as env:
                states = Counter(
                    env["carpass.registration"].browse(ids).mapped("state")
                )
            print(f"   {side} run {run + 1}: {elapsed:.2f} s, states {dict(states)}")
            return elapsed

        for run in range(args.runs):
            drain_times.append(
                drain(
                    "retry cron",
                    run,
                    lambda Registration: Registration._cron_carpass_retry(
                        batch_size=count
                    ),
                )
            )
        simulator.admin.clear_faults()
        per_vin = Counter(
            observation["vin"] for observation in simulator.admin.observations()
        )

    floor = count * CALLS_PER_REGISTRATION * args.latency_ms / 1000
    drained = odoo_env.statistics.median(drain_times)
    missing = [vin for vin in vins if per_vin[vin] == 0]
    duplicated = [vin for vin, seen in per_vin.items() if seen > 1]
    print(f"   {count} registrations, simulator latency {args.latency_ms} ms")
    print(
        f"   serial floor: {floor:.2f} s ({count / floor:.1f}/s) = {count} x "
        f"{CALLS_PER_REGISTRATION} calls x {args.latency_ms} ms"
    )
    print(
        f"   retry cron: median {drained:.2f} s ({count / drained:.1f}/s), runs "
        + ", ".join(f"{value:.2f}" for value in drain_times)
    )
    print(
        f"   observations at the simulator: {sum(per_vin.values())} for {len(vins)} "
        f"registrations; missing {len(missing)}, duplicated VINs {len(duplicated)}"
    )
    ratio = floor / drained
    passed = ratio >= TARGET_RATE_RATIO and not missing and not duplicated
    odoo_env.print_verdict(
        "retry cron rate / serial floor rate",
        ratio,
        f">= {TARGET_RATE_RATIO:g}",
        passed,
    )
    return passed


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
