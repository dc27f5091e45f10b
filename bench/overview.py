# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The overview's first page and the systray counter with 10k and 1M registrations.

    .venv/bin/python -m bench.overview -c var/odoo-h9.cfg -d carpass_h9

What a Car-Pass user waits for when the overview opens: the first page of the list
(80 rows, the model's default order, the list view's fields, and the count of
matching rows up to 10,001, as the web client asks with ``web_search_read``), with
the default "Needs attention" filter and without it; and the systray counter
(``carpass_attention_count``), run on every page load. Registrations are inserted
with SQL (``INSERT ... SELECT generate_series``, 1 in 100 in state "error", spread
over ten years of reading dates) into the throw-away copy, the table is vacuumed and
analysed as autovacuum would, and each figure is timed as a Car-Pass user (record
rules included): median over ``--runs`` runs of ``--calls`` calls. Judged by
t(1M)/t(10k) of each figure (target <= 2).
"""

import sys

from lxml import etree

from bench import odoo_env
from bench.attention_counter import _insert_registrations, _vacuum

TARGET_RATIO = 2.0
SIZES = (10_000, 1_000_000)
PAGE_SIZE = 80
# The web client counts the matching rows up to this many (the pager shows "10000+").
COUNT_LIMIT = 10_001


def _list_specification(env):
    """The fields the overview's list view reads, as the web client asks for them."""
    Registration = env["carpass.registration"]
    arch = Registration.get_views([(False, "list")])["views"]["list"]["arch"]
    specification = {}
    for node in etree.fromstring(arch).iter("field"):
        field = Registration._fields[node.get("name")]
        specification[field.name] = (
            {"fields": {"display_name": {}}} if field.type == "many2one" else {}
        )
    return specification


def main(argv=None):
    parser = odoo_env.argument_parser(__doc__.splitlines()[0], runs=5)
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args(argv)
    odoo_env.print_header("bench.overview", args)
    figures = {}
    with odoo_env.garage_with_user(args, "Bench Overview") as (registry, ids):
        with odoo_env.environment(registry) as env:
            specification = _list_specification(env)

        def as_user(env):
            return (
                env["carpass.registration"]
                .with_user(ids[2])
                .with_context(allowed_company_ids=[ids[0]])
            )

        measures = {
            "first page, Needs attention filter": lambda Registration: (
                Registration.web_search_read(
                    [("needs_attention", "=", True)],
                    specification,
                    limit=PAGE_SIZE,
                    count_limit=COUNT_LIMIT,
                )
            ),
            "first page, no filter": lambda Registration: (
                Registration.web_search_read(
                    [], specification, limit=PAGE_SIZE, count_limit=COUNT_LIMIT
                )
            ),
            "systray counter": lambda Registration: (
                Registration.carpass_attention_count()
            ),
        }

        def measure(size, name, call):
            with odoo_env.environment(registry) as env:
                Registration = as_user(env)
                call(Registration)  # warm-up: caches, the plan

                def calls(_run):
                    for _call in range(args.calls):
                        env.invalidate_all()
                        call(Registration)

                median, runs = odoo_env.median_seconds(calls, args.runs)
            figures[size, name] = median / args.calls
            print(
                f"   {size:>9,} registrations, {name}: "
                f"{median / args.calls * 1000:.2f} ms (runs "
                + ", ".join(f"{value / args.calls * 1000:.2f}" for value in runs)
                + f"), load average {odoo_env.load_average()}"
            )

        inserted = 0
        for size in SIZES:
            with odoo_env.environment(registry) as env:
                _insert_registrations(env.cr, ids[0], ids[1], inserted + 1, size)
                inserted = size
            _vacuum(registry)
            with odoo_env.environment(registry) as env:
                page = as_user(env).web_search_read(
                    [], {"reading_date": {}}, limit=PAGE_SIZE, count_limit=COUNT_LIMIT
                )
                if len(page["records"]) != PAGE_SIZE:
                    sys.exit(f"first page has {len(page['records'])} rows")
            for name, call in measures.items():
                measure(size, name, call)

    passed = True
    for name in measures:
        ratio = figures[SIZES[1], name] / figures[SIZES[0], name]
        ok = ratio <= TARGET_RATIO
        passed = passed and ok
        odoo_env.print_verdict(
            f"{name}, t(1M)/t(10k)",
            ratio,
            f"<= {TARGET_RATIO:g}",
            ok,
            "grows with the table: see the query plan (EXPLAIN) of this call",
        )
    return passed


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
