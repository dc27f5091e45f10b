# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End-of-service submissions through the addon vs bare HTTP posts of the same payload.

    .venv/bin/python -m bench.submit_path -c var/odoo-h9.cfg -d carpass_h9

Each run sends N fresh registrations (one vehicle each, with a short history) one
by one through ``registration._carpass_send_each()`` and commits after each, as the
wizard's button does, then posts N payloads of the same shape with a bare
``requests.Session`` to the same simulator. The ratio of the medians addon/bare is
what the garage pays for local checks, bookkeeping and chatter (target <= 1.3).
``--latency-ms`` delays every simulator answer (both sides), as the network to
Car-Pass does: 100 ms by default, the round trip the backlog benchmark also
assumes; ``--latency-ms 0`` shows the addon's own cost next to a loopback call
that takes a few milliseconds. ``--profile`` prints where the addon side spends
its time.
"""

import cProfile
import pstats
import sys
from datetime import timedelta

import requests

from bench import odoo_env

TARGET_RATIO = 1.3
# A usual service: the addon sends these after the reading, the bare side too.
JOB_LINES = "Oil and filter change\nBrake pads front"


def _make_registrations(env, company, model, count, offset):
    today = odoo_env.belgian_today()
    vehicles = env["fleet.vehicle"].create(
        [
            {
                "model_id": model.id,
                "license_plate": f"1-BNC-{(offset + index) % 1000:03d}",
                "vin_sn": odoo_env.bench_vin(offset + index),
                "company_id": company.id,
            }
            for index in range(count)
        ]
    )
    env["fleet.vehicle.odometer"].create(
        [
            {
                "vehicle_id": vehicle.id,
                "date": today - timedelta(days=days),
                "value": km,
            }
            for vehicle in vehicles
            for days, km in ((400, 20_000), (200, 30_000))
        ]
    )
    return (
        env["carpass.registration"]
        .with_company(company)
        .create(
            [
                {
                    "company_id": company.id,
                    "vehicle_id": vehicle.id,
                    "vin": vehicle.vin_sn,
                    "odometer": 40_000,
                    "reading_date": today,
                    "description_lines": JOB_LINES,
                }
                for vehicle in vehicles
            ]
        )
    )


def _bare_requests(registrations):
    """What a bare client would post for these registrations: url, body, headers, auth."""
    from odoo.addons.carpass_odoo.carpass import payloads

    company = registrations.company_id
    client = company._carpass_client()
    prepared = []
    for registration in registrations:
        observation = registration._carpass_observation()
        prepared.append(
            (
                f"{client.base_url}/{payloads.OBSERVATION_PATH}",
                payloads.build_observation(observation),
                {
                    **client._headers,
                    "Accept": payloads.JSON_MEDIA_TYPE,
                    **payloads.observation_headers(observation),
                },
                payloads.build_description(
                    payloads.WorkDescription(
                        activities=[], lines=JOB_LINES.splitlines()
                    )
                ),
            )
        )
    return prepared, (
        company.carpass_establishment_number,
        odoo_env.BENCH_GARAGE["password"],
    )


def main(argv=None):
    parser = odoo_env.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=100,
        help="simulator answer delay, both sides (0: the addon's own cost shows)",
    )
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    odoo_env.print_header("bench.submit_path", args)
    count = args.submissions
    with (
        odoo_env.bench_registry(args) as registry,
        odoo_env.simulator() as simulator,
    ):
        with odoo_env.environment(registry) as env:
            company = odoo_env.make_bench_company(env, simulator)
            model = odoo_env.make_vehicle_model(env)
            batches = []
            for run in range(args.runs):
                addon = _make_registrations(env, company, model, count, 2 * run * count)
                bare = _make_registrations(
                    env, company, model, count, (2 * run + 1) * count
                )
                batches.append((addon.ids, _bare_requests(bare)))
            company_id = company.id

        if args.latency_ms:
            simulator.admin.set_faults(latency_ms=args.latency_ms)
        addon_times, bare_times, sql_counts = [], [], []
        profiler = cProfile.Profile() if args.profile else None

        def run_addon(run):
            ids = batches[run][0]
            with odoo_env.environment(registry) as env:
                env = env(context=dict(env.context, allowed_company_ids=[company_id]))
                registrations = env["carpass.registration"].browse(ids)
                queries = env.cr.sql_log_count
                if profiler:
                    profiler.enable()
                for registration in registrations:
                    outcome = registration._carpass_send_each()
                    env.cr.commit()
                    if not outcome[0][1]:
                        sys.exit(f"submission failed: {outcome[0][2]}")
                    if registration.description_state != "sent":
                        sys.exit(
                            f"description not sent: {registration.description_message}"
                        )
                if profiler:
                    profiler.disable()
                sql_counts.append((env.cr.sql_log_count - queries) / len(ids))

        def run_bare(run):
            prepared, auth = batches[run][1]
            with requests.Session() as session:
                for url, body, headers, description in prepared:
                    response = session.post(
                        url, json=body, headers=headers, auth=auth, timeout=30
                    )
                    if response.status_code != 201:
                        sys.exit(f"bare post failed: HTTP {response.status_code}")
                    guid = response.json()["requestGuid"]
                    response = session.post(
                        f"{url}/{guid}/description",
                        json=description,
                        headers=headers,
                        auth=auth,
                        timeout=30,
                    )
                    if response.status_code >= 300:
                        sys.exit(
                            f"bare description failed: HTTP {response.status_code}"
                        )

        for run in range(args.runs):
            # Interleaved so that both sides see the same simulator size and load.
            bare_times.append(odoo_env.median_seconds(run_bare, 1, first=run)[0])
            addon_times.append(odoo_env.median_seconds(run_addon, 1, first=run)[0])
        stored = len(simulator.admin.observations())

    addon_median = odoo_env.statistics.median(addon_times)
    bare_median = odoo_env.statistics.median(bare_times)
    print(
        f"   submissions per run: {count}, simulator latency {args.latency_ms} ms, "
        f"observations stored: {stored}"
    )
    print(
        f"   addon: median {addon_median:.3f} s per {count} "
        f"({addon_median / count * 1000:.2f} ms each), runs "
        + ", ".join(f"{value:.3f}" for value in addon_times)
    )
    print(
        f"   bare requests: median {bare_median:.3f} s per {count} "
        f"({bare_median / count * 1000:.2f} ms each), runs "
        + ", ".join(f"{value:.3f}" for value in bare_times)
    )
    print(
        "   the addon's own cost per submission (addon - bare): "
        f"{(addon_median - bare_median) / count * 1000:.2f} ms"
    )
    print(f"   SQL queries per addon submission: {max(sql_counts):.1f}")
    ratio = addon_median / bare_median
    odoo_env.print_verdict(
        "ratio addon/bare", ratio, f"<= {TARGET_RATIO}", ratio <= TARGET_RATIO
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            "carpass|mail_thread|mail_message|models.py.*(write|create|flush|_compute|_validate)",
            45,
        )
    return ratio <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
