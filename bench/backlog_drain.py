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
(target >= 0.8) and by the simulator's count of create POSTs per idempotency key
(exactly 1 for every registration: a replayed POST is a report sent twice, even
though the simulator stores it once).

The floor uses the latency the simulator adds; what a call really takes on this
machine (the latency plus the simulator's own work and the client's) is measured
with bare posts of the same payloads at the same time and printed next to it, as
is the Odoo work per registration (``--profile`` shows where it goes).
"""

import cProfile
import pstats
import sys
import time
from collections import Counter
from datetime import timedelta

from odoo import fields

from bench import odoo_env, submit_path

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
    parser.add_argument(
        "--bare-pairs",
        type=int,
        default=50,
        help="bare reading + description posts timed per run for the round trip",
    )
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    odoo_env.print_header("bench.backlog_drain", args)
    count = args.registrations
    bare_pairs = args.bare_pairs
    drain_times, vins, round_trips, queries, loads = [], [], [], [], []
    profiler = cProfile.Profile() if args.profile else None
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
                before = env.cr.sql_log_count
                if profiler:
                    profiler.enable()
                elapsed, _runs = odoo_env.median_seconds(
                    lambda _r: method(Registration), 1
                )
                if profiler:
                    profiler.disable()
                queries.append((env.cr.sql_log_count - before) / count)
            with odoo_env.environment(registry) as env:
                states = Counter(
                    env["carpass.registration"].browse(ids).mapped("state")
                )
            loads.append(odoo_env.load_average())
            print(
                f"   {side} run {run + 1}: {elapsed:.2f} s, states {dict(states)}, "
                f"load average {loads[-1]}"
            )
            return elapsed

        def bare_round_trip(run):
            """Seconds of one bare call (reading or description posts of the same
            shape, ``requests`` without Odoo), median over the run's calls."""
            with odoo_env.environment(registry) as env:
                company = env["res.company"].browse(company_id)
                model = env["fleet.vehicle.model"].browse(model_id)
                bare = submit_path._make_registrations(
                    env, company, model, bare_pairs, run * bare_pairs
                )
                prepared, auth = submit_path._bare_requests(bare)
            started = time.perf_counter()
            submit_path._post_bare(prepared, auth)
            return (time.perf_counter() - started) / (2 * bare_pairs)

        for run in range(args.runs):
            round_trips.append(bare_round_trip(run))
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
        keys = simulator.admin.stats()["by_idempotency_key"]

    floor = count * CALLS_PER_REGISTRATION * args.latency_ms / 1000
    drained = odoo_env.statistics.median(drain_times)
    round_trip = odoo_env.statistics.median(round_trips)
    measured_floor = count * CALLS_PER_REGISTRATION * round_trip
    missing = [vin for vin in vins if per_vin[vin] == 0]
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
        f"   a bare call measured at the same time: median {round_trip * 1000:.1f} ms "
        "(runs "
        + ", ".join(f"{value * 1000:.1f}" for value in round_trips)
        + f"); the floor at that round trip: {measured_floor:.2f} s, "
        f"rate ratio {measured_floor / drained:.2f}"
    )
    own = (drained - measured_floor) / count * 1000
    print(
        f"   Odoo work per registration (cron - measured floor): {own:.1f} ms, "
        f"SQL queries per registration: {max(queries):.1f}"
    )
    print(
        f"   at the simulator: {keys['posts']} create POSTs for {keys['keys']} "
        f"idempotency keys ({len(vins)} registrations in the queue, "
        f"{args.runs * bare_pairs} bare posts), keys posted more than once: "
        f"{len(keys['repeated'])}; VINs without an observation: {len(missing)}"
    )
    ratio = floor / drained
    reasons = []
    if ratio < TARGET_RATE_RATIO:
        reasons.append(
            f"{own:.0f} ms of Odoo work per registration on top of "
            f"{CALLS_PER_REGISTRATION} round trips of {round_trip * 1000:.0f} ms"
        )
    expected_posts = len(vins) + args.runs * bare_pairs
    if keys["repeated"] or keys["posts"] != expected_posts:
        reasons.append(
            f"{keys['posts']} create POSTs for {expected_posts} reports "
            f"({len(keys['repeated'])} keys repeated)"
        )
    if missing:
        reasons.append(f"{len(missing)} registrations never reached the simulator")
    odoo_env.print_verdict(
        "retry cron rate / serial floor rate",
        ratio,
        f">= {TARGET_RATE_RATIO:g}",
        not reasons,
        "; ".join(reasons),
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            "carpass|mail_thread|models.py.*(write|create|flush|_compute)|sql_db", 40
        )
    return not reasons


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
