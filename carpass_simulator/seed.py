# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Initial data: the two demo garages, plus whatever a --seed file adds.

A seed file is JSON::

    {"establishments": [{"number": "2...1", "enterprise": "0...", "password": "...",
                         "name": "..."}],
     "vehicles": [{"vin": "...", "first_use_date": "2019-03-01", "pending_div": false,
                   "readings": [["2024-01-10", 45210], ...]}]}
"""

import json
from datetime import date

DEFAULT_SEED = {
    "establishments": [
        {
            "number": "2123456791",
            "enterprise": "0412345614",
            "password": "demo-garage-a",
            "name": "Demo garage A",
        },
        {
            "number": "2234567818",
            "enterprise": "0765432146",
            "password": "demo-garage-b",
            "name": "Demo garage B",
        },
    ],
    "vehicles": [],
}


class SeedError(ValueError):
    """A seed file or admin request that does not describe valid data."""


def load_seed_file(path):
    with open(path, encoding="utf-8") as handle:
        seed = json.load(handle)
    if not isinstance(seed, dict):
        raise SeedError(f"{path}: expected a JSON object")
    return seed


def apply_seed(storage, seed):
    """Add the seed's establishments and vehicles; existing vehicles are kept."""
    for establishment in seed.get("establishments", ()):
        add_establishment(storage, establishment)
    for vehicle in seed.get("vehicles", ()):
        if storage.get_vehicle(str(vehicle.get("vin", "")).upper()) is None:
            add_vehicle(storage, vehicle)


def add_establishment(storage, values):
    number = values.get("number")
    enterprise = values.get("enterprise")
    password = values.get("password")
    for name, value in (("number", number), ("enterprise", enterprise)):
        if not isinstance(value, str) or len(value) != 10 or not value.isdigit():
            raise SeedError(f"establishment {name} must be 10 digits")
    if not isinstance(password, str) or not password:
        raise SeedError("establishment password is required")
    storage.put_establishment(number, enterprise, password, values.get("name") or "")


def add_vehicle(storage, values):
    vin = values.get("vin")
    if not isinstance(vin, str) or not vin.strip():
        raise SeedError("vehicle vin is required")
    vin = vin.strip().upper()
    first_use = _iso_date(values.get("first_use_date"), "first_use_date")
    storage.put_vehicle(vin, first_use, bool(values.get("pending_div", False)))
    for reading in values.get("readings", ()):
        if isinstance(reading, dict):
            reading_date, odometer = reading.get("date"), reading.get("odometer")
        elif isinstance(reading, list | tuple) and len(reading) == 2:
            reading_date, odometer = reading
        else:
            raise SeedError("a reading is [date, odometer] or {date, odometer}")
        if not isinstance(odometer, int) or isinstance(odometer, bool) or odometer < 0:
            raise SeedError("a reading's odometer is a whole number")
        storage.add_history_reading(
            vin, _iso_date(reading_date, "reading date"), odometer
        )
    return vin


def _iso_date(value, name):
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise SeedError(f"{name} must be a date as YYYY-MM-DD") from None
