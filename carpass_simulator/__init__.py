# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A stand-in for the Car-Pass REST API, for development, demos and tests.

Run it with ``python -m carpass_simulator --port 8765 --data FILE``; see
docs/carpass-api.md for what it implements. It is deliberately independent of
the addon's client code: both follow the contract document, so a mismatch
between them shows up in the tests instead of being hidden by shared code.
"""
