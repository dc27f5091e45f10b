# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQLite persistence: everything the simulator knows survives a restart.

One connection shared by the server's threads; every access happens inside
``transaction()``, which serialises them and makes each API call atomic (two
concurrent creates with the same idempotency key cannot both insert).
"""

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS establishments (
    number TEXT PRIMARY KEY,
    enterprise TEXT NOT NULL,
    password TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS vehicles (
    vin TEXT PRIMARY KEY,
    first_use_date TEXT,
    pending_div INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS history_readings (
    id INTEGER PRIMARY KEY,
    vin TEXT NOT NULL,
    reading_date TEXT NOT NULL,
    odometer INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE,
    establishment TEXT NOT NULL,
    enterprise TEXT NOT NULL,
    idempotency_key TEXT,
    observation_type TEXT NOT NULL,
    vin TEXT NOT NULL,
    license_plate TEXT NOT NULL DEFAULT '',
    first_use_date TEXT,
    unifier INTEGER,
    reading_date TEXT NOT NULL,
    odometer INTEGER NOT NULL,
    odometer_work INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    polls_left INTEGER NOT NULL DEFAULT 0,
    manual_correction TEXT,
    description TEXT,
    vhr_language TEXT,
    vhr_valid_until TEXT,
    received_on TEXT NOT NULL,
    request TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (establishment, idempotency_key)
);
CREATE INDEX IF NOT EXISTS observations_vin ON observations (vin);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY,
    guid TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    actions TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    resolution TEXT
);
CREATE INDEX IF NOT EXISTS issues_guid ON issues (guid);
CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY,
    establishment TEXT NOT NULL,
    vin TEXT,
    odometer TEXT,
    reading_date TEXT,
    idempotency_key TEXT,
    outcome TEXT NOT NULL,
    guid TEXT,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_requests (
    id INTEGER PRIMARY KEY,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    establishment TEXT,
    status INTEGER,
    fault TEXT,
    software TEXT,
    received_at TEXT NOT NULL
);
"""

_TABLES = (
    "meta",
    "establishments",
    "vehicles",
    "history_readings",
    "observations",
    "issues",
    "receipts",
    "api_requests",
)
RECEIPT_OUTCOMES = ("created", "replayed", "refused")


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Storage:
    def __init__(self, path):
        self.path = str(path)
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._depth = 0

    def close(self):
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self):
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def _all(self, sql, params=()):
        return [dict(row) for row in self._db.execute(sql, params).fetchall()]

    def _one(self, sql, params=()):
        row = self._db.execute(sql, params).fetchone()
        return dict(row) if row else None

    def reset(self):
        for table in _TABLES:
            self._db.execute(f"DELETE FROM {table}")

    # -- meta (settings, faults, flags) ------------------------------------

    def get_value(self, key, default=None):
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(row["value"]) if row else default

    def set_value(self, key, value):
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    # -- establishments ----------------------------------------------------

    def get_establishment(self, number):
        return self._one("SELECT * FROM establishments WHERE number = ?", (number,))

    def put_establishment(self, number, enterprise, password, name=""):
        self._db.execute(
            "INSERT INTO establishments (number, enterprise, password, name) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (number) DO UPDATE SET "
            "enterprise = excluded.enterprise, password = excluded.password, "
            "name = excluded.name",
            (number, enterprise, password, name),
        )

    def list_establishments(self):
        return self._all(
            "SELECT number, enterprise, name FROM establishments ORDER BY number"
        )

    # -- vehicles and their known readings ---------------------------------

    def get_vehicle(self, vin):
        return self._one("SELECT * FROM vehicles WHERE vin = ?", (vin,))

    def ensure_vehicle(self, vin, first_use_date=None):
        self._db.execute(
            "INSERT INTO vehicles (vin, first_use_date) VALUES (?, ?) "
            "ON CONFLICT (vin) DO UPDATE SET "
            "first_use_date = "
            "COALESCE(vehicles.first_use_date, excluded.first_use_date)",
            (vin, first_use_date),
        )
        return self.get_vehicle(vin)

    def put_vehicle(self, vin, first_use_date, pending_div):
        self._db.execute(
            "INSERT INTO vehicles (vin, first_use_date, pending_div) VALUES (?, ?, ?) "
            "ON CONFLICT (vin) DO UPDATE SET pending_div = excluded.pending_div, "
            "first_use_date = COALESCE(excluded.first_use_date, "
            "vehicles.first_use_date)",
            (vin, first_use_date, int(pending_div)),
        )

    def set_pending_div(self, vin, pending):
        cursor = self._db.execute(
            "UPDATE vehicles SET pending_div = ? WHERE vin = ?", (int(pending), vin)
        )
        return cursor.rowcount > 0

    def add_history_reading(self, vin, reading_date, odometer):
        self._db.execute(
            "INSERT INTO history_readings (vin, reading_date, odometer) "
            "VALUES (?, ?, ?)",
            (vin, reading_date, odometer),
        )

    def history_readings(self, vin):
        return self._all(
            "SELECT reading_date, odometer FROM history_readings WHERE vin = ? "
            "ORDER BY reading_date, odometer",
            (vin,),
        )

    def list_vehicles(self, vin=None):
        if vin:
            return self._all("SELECT * FROM vehicles WHERE vin = ?", (vin,))
        return self._all("SELECT * FROM vehicles ORDER BY vin")

    # -- observations --------------------------------------------------------

    def insert_observation(self, values):
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._db.execute(
            f"INSERT INTO observations ({columns}) VALUES ({marks})",
            tuple(values.values()),
        )
        return self.get_observation(values["guid"])

    def get_observation(self, guid):
        return self._one("SELECT * FROM observations WHERE guid = ?", (guid,))

    def observation_by_key(self, establishment, key):
        return self._one(
            "SELECT * FROM observations WHERE establishment = ? "
            "AND idempotency_key = ?",
            (establishment, key),
        )

    def update_observation(self, guid, **values):
        values["updated_at"] = now_iso()
        assignments = ", ".join(f"{column} = ?" for column in values)
        self._db.execute(
            f"UPDATE observations SET {assignments} WHERE guid = ?",
            (*values.values(), guid),
        )
        return self.get_observation(guid)

    def accepted_readings(self, vin, exclude_guid):
        return self._all(
            "SELECT reading_date, odometer FROM observations "
            "WHERE vin = ? AND status = 'DONE' AND guid != ?",
            (vin, exclude_guid),
        )

    def earlier_same_reading_exists(self, observation):
        row = self._one(
            "SELECT 1 AS found FROM observations WHERE vin = ? AND odometer = ? "
            "AND reading_date = ? AND observation_type = ? AND seq < ? "
            "AND status != 'REJECTED' "
            "UNION SELECT 1 FROM history_readings WHERE vin = ? AND odometer = ? "
            "AND reading_date = ?",
            (
                observation["vin"],
                observation["odometer"],
                observation["reading_date"],
                observation["observation_type"],
                observation["seq"],
                observation["vin"],
                observation["odometer"],
                observation["reading_date"],
            ),
        )
        return row is not None

    def list_observations(self, vin=None):
        if vin:
            return self._all(
                "SELECT * FROM observations WHERE vin = ? ORDER BY seq", (vin,)
            )
        return self._all("SELECT * FROM observations ORDER BY seq")

    def descriptions_for(self, vin):
        return self._all(
            "SELECT reading_date, description FROM observations "
            "WHERE vin = ? AND description IS NOT NULL ORDER BY reading_date, seq",
            (vin,),
        )

    # -- issues ----------------------------------------------------------------

    def add_issues(self, guid, issues):
        self._db.executemany(
            "INSERT INTO issues (guid, code, message, actions) VALUES (?, ?, ?, ?)",
            [
                (guid, issue.code, issue.message, ",".join(issue.actions))
                for issue in issues
            ],
        )

    def issues_of(self, guid):
        rows = self._all("SELECT * FROM issues WHERE guid = ? ORDER BY id", (guid,))
        for row in rows:
            row["actions"] = [a for a in row["actions"].split(",") if a]
            row["resolved"] = bool(row["resolved"])
        return rows

    def resolve_open_issues(self, guid, resolution):
        self._db.execute(
            "UPDATE issues SET resolved = 1, resolution = ? "
            "WHERE guid = ? AND resolved = 0",
            (resolution, guid),
        )

    # -- counters ----------------------------------------------------------------

    def add_receipt(self, establishment, body, key, outcome, guid=None):
        def text(value):
            return None if value is None else str(value)

        self._db.execute(
            "INSERT INTO receipts (establishment, vin, odometer, reading_date, "
            "idempotency_key, outcome, guid, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                establishment,
                text(body.get("vin")).strip().upper() if body.get("vin") else None,
                text(body.get("odometerReading")),
                text(body.get("odometerReadingDate")),
                key,
                outcome,
                guid,
                now_iso(),
            ),
        )

    def add_api_request(self, method, route, establishment, status, fault, software):
        self._db.execute(
            "INSERT INTO api_requests (method, route, establishment, status, fault, "
            "software, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (method, route, establishment, status, fault, software, now_iso()),
        )

    def stats(self):
        def outcome_counts(rows):
            counts = dict.fromkeys(RECEIPT_OUTCOMES, 0)
            for row in rows:
                counts[row["outcome"]] += row["n"]
            counts["received"] = sum(counts[outcome] for outcome in RECEIPT_OUTCOMES)
            return counts

        totals = outcome_counts(
            self._all("SELECT outcome, COUNT(*) AS n FROM receipts GROUP BY outcome")
        )
        by_establishment = {}
        for row in self._all(
            "SELECT establishment, outcome, COUNT(*) AS n FROM receipts "
            "GROUP BY establishment, outcome"
        ):
            by_establishment.setdefault(row["establishment"], []).append(row)
        by_reading = {}
        for row in self._all(
            "SELECT vin, odometer, reading_date, outcome, COUNT(*) AS n FROM receipts "
            "GROUP BY vin, odometer, reading_date, outcome"
        ):
            key = (row["vin"], row["odometer"], row["reading_date"])
            by_reading.setdefault(key, []).append(row)
        # Creates that reached the rules, per idempotency key: a key posted twice is
        # a client that sent one report twice, whatever the replay stored.
        key_rows = self._all(
            "SELECT idempotency_key AS key, COUNT(*) AS n FROM receipts "
            "WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key"
        )
        requests = {}
        faults = {}
        for row in self._all(
            "SELECT method, route, fault, COUNT(*) AS n FROM api_requests "
            "GROUP BY method, route, fault"
        ):
            name = f"{row['method']} {row['route']}"
            requests[name] = requests.get(name, 0) + row["n"]
            if row["fault"]:
                faults[row["fault"]] = faults.get(row["fault"], 0) + row["n"]
        return {
            "observations": totals,
            "by_establishment": {
                number: outcome_counts(rows)
                for number, rows in sorted(by_establishment.items())
            },
            "by_reading": [
                {
                    "vin": vin,
                    "odometerReading": _as_number(odometer),
                    "odometerReadingDate": reading_date,
                    **outcome_counts(rows),
                }
                for (vin, odometer, reading_date), rows in sorted(
                    by_reading.items(), key=lambda item: tuple(map(str, item[0]))
                )
            ],
            "by_idempotency_key": {
                "keys": len(key_rows),
                "posts": sum(row["n"] for row in key_rows),
                "repeated": {row["key"]: row["n"] for row in key_rows if row["n"] > 1},
            },
            "requests": dict(sorted(requests.items())),
            "faults": dict(sorted(faults.items())),
        }


def _as_number(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return text
