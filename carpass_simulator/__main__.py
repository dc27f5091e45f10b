# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""python -m carpass_simulator --host 127.0.0.1 --port 8765 --data FILE"""

import argparse
import ipaddress
import json
import os
import signal
import sys

from .app import Simulator
from .profiles import PROFILES
from .seed import load_seed_file
from .server import SOCKET_TIMEOUT_SECONDS, SimulatorServer


def _loopback_host(value):
    host = "127.0.0.1" if value == "localhost" else value
    try:
        if ipaddress.IPv4Address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        "the simulator only listens on an IPv4 loopback address such as 127.0.0.1"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m carpass_simulator",
        description="A local stand-in for the Car-Pass REST API.",
    )
    parser.add_argument("--host", type=_loopback_host, default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--data",
        default="carpass-simulator.sqlite3",
        help="SQLite file holding the state (created when missing)",
    )
    parser.add_argument("--seed", help="JSON file with more establishments/vehicles")
    parser.add_argument(
        "--config", help="JSON file with settings, 'faults' and 'fault_queue'"
    )
    parser.add_argument(
        "--clock",
        help="freeze the simulator's instant, ISO 8601 with offset "
        "(e.g. 2026-12-01T23:30:00Z); the 'clock' setting",
    )
    parser.add_argument(
        "--ready-file", help="written with the root URL once the server listens"
    )
    parser.add_argument("--quiet", action="store_true", help="no request log")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        help="how much the simulated Car-Pass says (default: full; "
        "also the 'profile' setting of /_admin/settings)",
    )
    parser.add_argument(
        "--socket-timeout",
        type=float,
        default=SOCKET_TIMEOUT_SECONDS,
        help="seconds a silent client may hold a connection",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    seed = load_seed_file(args.seed) if args.seed else None
    config = None
    if args.config:
        with open(args.config, encoding="utf-8") as handle:
            config = json.load(handle)
    if args.clock:
        config = {**(config or {}), "clock": args.clock}
    if args.profile:
        config = {**(config or {}), "profile": args.profile}
    simulator = Simulator(args.data, seed=seed, config=config)
    server = SimulatorServer(
        (args.host, args.port),
        simulator,
        quiet=args.quiet,
        socket_timeout=args.socket_timeout,
    )
    # SIGTERM (the launcher's stop) ends serve_forever like Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(
        f"Car-Pass simulator on {server.root_url}/api (data: {args.data})",
        flush=True,
    )
    if args.ready_file:
        partial = f"{args.ready_file}.partial"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(server.root_url)
        os.replace(partial, args.ready_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        simulator.close()


if __name__ == "__main__":
    main()
