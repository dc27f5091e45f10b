#!/usr/bin/env python3
# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contract probe against a Car-Pass account (harmless calls only).

python scripts/carpass_probe.py --url https://.../api --user 2123456791 \
    --password-env CARPASS_PASSWORD [--request-guid GUID] \
    [--vin VIN --reading KM --enterprise 0412345614]

Prints, operation by operation and field by field, what came back against what
carpass_odoo/carpass/payloads.py expects, and a verdict. Exit status 0 when
compatible (with or without fallbacks), 1 when incompatible.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "carpass_odoo"))

from carpass import CarpassClient, Observation, SoftwareId  # noqa: E402
from carpass.clock import belgian_today  # noqa: E402
from carpass.probe import VERDICT_INCOMPATIBLE, format_report, run_probe  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL, e.g. .../api")
    parser.add_argument("--user", required=True, help="establishment number")
    parser.add_argument(
        "--password-env",
        default="CARPASS_PASSWORD",
        help="environment variable holding the password (never on the command line)",
    )
    parser.add_argument("--request-guid", help="a request of this account to read")
    parser.add_argument("--vin", help="one history request for this VIN")
    parser.add_argument("--reading", type=int, help="its current reading (km)")
    parser.add_argument("--enterprise", help="enterprise number (history request)")
    parser.add_argument("--language", default="nl", choices=("nl", "fr", "de", "en"))
    parser.add_argument("--software-builder", default="carpass_odoo contributors")
    parser.add_argument("--software-name", default="carpass_odoo")
    parser.add_argument("--software-version", default="18.0.1.0.0")
    args = parser.parse_args(argv)
    if args.vin and not (args.reading and args.enterprise):
        parser.error("--vin needs --reading and --enterprise")
    return args


def main(argv=None):
    args = parse_args(argv)
    password = os.environ.get(args.password_env)
    if not password:
        print(f"Set the password in ${args.password_env}.", file=sys.stderr)
        return 2
    history = None
    if args.vin:
        history = Observation(
            vin=args.vin.upper(),
            odometer_reading=args.reading,
            odometer_reading_date=belgian_today(),
            enterprise_number=args.enterprise,
            establishment_number=args.user,
            reference=f"probe-{os.getpid()}",
        )
    software = SoftwareId(
        args.software_builder, args.software_name, args.software_version
    )
    with CarpassClient(args.url, args.user, password, software=software) as client:
        report = run_probe(
            client,
            request_guid=args.request_guid,
            history_observation=history,
            language=args.language,
        )
    print("\n".join(format_report(report)))
    return 1 if report.verdict == VERDICT_INCOMPATIBLE else 0


if __name__ == "__main__":
    sys.exit(main())
