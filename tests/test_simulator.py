# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Car-Pass simulator's own rules, admin endpoints and persistence."""

import json
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests

from carpass_simulator.__main__ import parse_args
from carpass_simulator.launcher import SimulatorAdminError, SimulatorProcess
from carpass_simulator.maintenance import seconds_left_in_window
from carpass_simulator.pdf import render_pdf
from tests import simulator_fixtures
from tests.simulator_fixtures import CLOCK, GARAGE_A, GARAGE_B, SOFTWARE, TODAY, VIN

simulator_process = simulator_fixtures.simulator_process
simulator = simulator_fixtures.simulator

HEADERS = {
    "client-software-builder": SOFTWARE.builder,
    "client-software-name": SOFTWARE.name,
    "client-software-version": SOFTWARE.version,
}
NO_PROXY = {"http": None, "https": None}


def api(simulator, method, path, garage=GARAGE_A, headers=HEADERS, **kwargs):
    """One raw HTTP call to the simulator's /api, as any client would make it."""
    return requests.request(
        method,
        f"{simulator.base_url}/{path}",
        auth=(garage.establishment, garage.password) if garage else None,
        headers=headers,
        timeout=kwargs.pop("timeout", 5),
        proxies=NO_PROXY,
        **kwargs,
    )


def php_client_body(garage=GARAGE_A, **values):
    """The body the public PHP client sends, field for field."""
    return {
        "vin": VIN,
        "licensePlate": "",
        "unifier": 2,
        "firstUseDate": "2019-03-01",
        "odometerReadingDate": TODAY.isoformat(),
        "odometerReading": 45123,
        "observationType": "REPAIR_MAINTENANCE",
        "enterpriseOrganisation": garage.enterprise,
        "enteredOrganisation": garage.establishment,
        **values,
    }


def create(simulator, garage=GARAGE_A, key=None, **values):
    headers = {**HEADERS, "Idempotency-Key": key} if key else HEADERS
    response = api(
        simulator,
        "POST",
        "observation",
        garage,
        headers=headers,
        json=php_client_body(garage, **values),
    )
    return response


def status(simulator, guid, garage=GARAGE_A):
    return api(simulator, "GET", f"observation/{guid}/status", garage).json()


# ---------------------------------------------------------------------------
# Persistence, seed, reset
# ---------------------------------------------------------------------------


class TestPersistence:
    def test_restart_keeps_observations_counters_and_settings(self, tmp_path):
        data_path = tmp_path / "state.sqlite3"
        with SimulatorProcess.start(data_path=data_path) as first:
            first.admin.settings(processing_polls=3, clock=CLOCK)
            guid = create(first, key="reg-1").json()["requestGuid"]
            stats_before = first.admin.stats()

        with SimulatorProcess.start(data_path=data_path) as second:
            replay = create(second, key="reg-1")
            assert replay.status_code == 200
            assert replay.json()["requestGuid"] == guid
            assert second.admin.settings()["processing_polls"] == 3
            assert status(second, guid)["status"] == "ONGOING"
            observations = second.admin.stats()["observations"]

        assert stats_before["observations"]["created"] == 1
        assert (observations["created"], observations["replayed"]) == (1, 1)

    def test_new_data_file_holds_the_two_demo_garages(self, simulator):
        numbers = [e["number"] for e in simulator.admin.establishments()]

        assert numbers == [GARAGE_A.establishment, GARAGE_B.establishment]
        assert api(simulator, "GET", "activities", GARAGE_B).status_code == 200

    def test_seed_file_adds_garages_and_vehicles(self, tmp_path):
        seed = {
            "establishments": [
                {
                    "number": "2345678901",
                    "enterprise": "0876543210",
                    "password": "garage-c",
                }
            ],
            "vehicles": [
                {
                    "vin": VIN,
                    "readings": [[(TODAY - timedelta(days=30)).isoformat(), 70123]],
                }
            ],
        }
        seed_path = tmp_path / "seed.json"
        seed_path.write_text(json.dumps(seed))
        garage_c = simulator_fixtures.Garage("2345678901", "0876543210", "garage-c")

        with SimulatorProcess.start(seed_path=seed_path) as process:
            process.admin.settings(clock=CLOCK)
            response = create(process, garage_c)
            issues = [i["code"] for i in response.json()["issues"]]

        assert response.status_code == 201
        assert issues == ["READING_LOWER_THAN_PREVIOUS"]

    def test_reset_goes_back_to_the_seed(self, simulator):
        simulator.admin.add_establishment("2999999999", "0999999999", "temporary")
        create(simulator)
        simulator.admin.settings(processing_polls=5)

        simulator.admin.reset()

        assert len(simulator.admin.establishments()) == 2
        assert simulator.admin.observations() == []
        assert simulator.admin.stats()["observations"]["received"] == 0
        assert simulator.admin.settings()["processing_polls"] == 0

    def test_added_garage_can_report(self, simulator):
        simulator.admin.add_establishment("2345678901", "0876543210", "garage-c")
        garage_c = simulator_fixtures.Garage("2345678901", "0876543210", "garage-c")

        assert create(simulator, garage_c).status_code == 201


# ---------------------------------------------------------------------------
# HTTP surface: authentication, headers, bodies
# ---------------------------------------------------------------------------


class TestHttpSurface:
    def test_public_php_client_request_is_accepted(self, simulator):
        response = create(simulator, observationType="VEHICLE_HISTORY_DOCUMENT")

        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "DONE" and body["requestGuid"]
        (stored,) = simulator.admin.observations()
        assert stored["observation_type"] == "VEHICLE_HISTORY_DOCUMENT"
        assert stored["first_use_date"] == "2019-03-01"

    @pytest.mark.parametrize(
        "garage",
        [None, GARAGE_A._replace(password="wrong"), GARAGE_B._replace(password="x")],
    )
    def test_401_without_valid_credentials(self, simulator, garage):
        response = api(simulator, "GET", "activities", garage)

        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.json()["code"] == "UNAUTHORIZED"

    def test_software_headers_are_required(self, simulator):
        response = api(simulator, "GET", "activities", headers={})

        assert response.status_code == 400
        assert {e["field"] for e in response.json()["errors"]} == set(HEADERS)

    def test_malformed_json_body(self, simulator):
        response = api(
            simulator,
            "POST",
            "observation",
            data=b"{not json",
            headers={**HEADERS, "Content-Type": "application/json"},
        )

        assert response.status_code == 400
        assert response.json()["code"] == "MALFORMED_JSON"

    @pytest.mark.parametrize(
        ("values", "field", "code"),
        [
            ({"vin": ""}, "vin", "REQUIRED"),
            ({"vin": "WVWZZZ1KZAW0000I1"}, "vin", "VIN_INVALID_CHARACTERS"),
            ({"vin": "WVW-ZZZ1KZAW00001"}, "vin", "VIN_INVALID_CHARACTERS"),
            ({"vin": "WVWZZZ1KZAW0000012"}, "vin", "VIN_TOO_LONG"),
            (
                {"odometerReading": -5},
                "odometerReading",
                "READING_NOT_POSITIVE_INTEGER",
            ),
            (
                {"odometerReading": 12.5},
                "odometerReading",
                "READING_NOT_POSITIVE_INTEGER",
            ),
            (
                {"odometerReading": "45123"},
                "odometerReading",
                "READING_NOT_POSITIVE_INTEGER",
            ),
            (
                {"odometerReadingDate": (TODAY + timedelta(days=1)).isoformat()},
                "odometerReadingDate",
                "DATE_IN_FUTURE",
            ),
            (
                {"odometerReadingDate": "27/11/2026"},
                "odometerReadingDate",
                "DATE_INVALID",
            ),
            (
                {"observationType": "GUESS"},
                "observationType",
                "OBSERVATION_TYPE_INVALID",
            ),
            (
                {"enteredOrganisation": "12"},
                "enteredOrganisation",
                "ORGANISATION_INVALID",
            ),
        ],
    )
    def test_refused_fields(self, simulator, values, field, code):
        response = create(simulator, **values)

        assert response.status_code == 400
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
            (field, code)
        ]
        assert simulator.admin.observations() == []

    def test_short_vin_of_an_old_timer_is_accepted(self, simulator):
        assert create(simulator, vin="WBA12345678").status_code == 201

    def test_other_enterprise_is_forbidden(self, simulator):
        response = create(simulator, enterpriseOrganisation=GARAGE_B.enterprise)

        assert response.status_code == 403
        assert response.json()["errors"][0]["field"] == "enterpriseOrganisation"
        assert (
            simulator.admin.stats()["by_establishment"][GARAGE_A.establishment][
                "refused"
            ]
            == 1
        )

    def test_activities_list(self, simulator):
        everything = api(simulator, "GET", "activities").json()
        french = api(simulator, "GET", "activities", params={"language": "FR"}).json()
        wrong = api(simulator, "GET", "activities", params={"language": "XX"})

        assert len(everything) == 20
        assert all(
            set(a["descriptions"]) == {"NL", "FR", "EN", "DE"} for a in everything
        )
        assert {"code": "BRAKES", "description": "Freins"} in french
        assert wrong.status_code == 400

    def test_unknown_operation(self, simulator):
        assert api(simulator, "GET", "nothing-here").status_code == 404
        assert api(simulator, "GET", "observation/x/confirm").status_code == 405


# ---------------------------------------------------------------------------
# Observation life cycle
# ---------------------------------------------------------------------------


class TestLifeCycle:
    def test_waiting_for_div_until_registered(self, simulator):
        simulator.admin.add_vehicle(VIN, pending_div=True)
        guid = create(simulator).json()["requestGuid"]

        before = status(simulator, guid)["status"]
        simulator.admin.register_vehicle(VIN)
        after = status(simulator, guid)["status"]

        assert (before, after) == ("WAITING_FOR_DIV", "DONE")

    def test_duplicate_is_only_raised_on_the_later_report(self, simulator):
        simulator.admin.settings(processing_polls=1)
        first = create(simulator, key="a").json()["requestGuid"]
        second = create(simulator, key="b").json()["requestGuid"]
        for guid in (second, first):
            status(simulator, guid)

        issues = {guid: status(simulator, guid)["issues"] for guid in (first, second)}

        assert issues[first] == []
        assert [i["code"] for i in issues[second]] == ["DUPLICATE_READING"]

    def test_accepted_reading_becomes_the_previous_one(self, simulator):
        create(simulator, odometerReadingDate=(TODAY - timedelta(days=2)).isoformat())

        lower = create(simulator, odometerReading=40123).json()

        assert [i["code"] for i in lower["issues"]] == ["READING_LOWER_THAN_PREVIOUS"]

    def test_flagged_reading_does_not_become_the_previous_one(self, simulator):
        create(simulator, odometerReading=95000)

        assert create(simulator, odometerReading=45124).json()["status"] == "DONE"

    def test_lateness_is_judged_on_the_day_of_receipt(self, simulator):
        simulator.admin.add_vehicle(VIN, pending_div=True)
        guid = create(simulator).json()["requestGuid"]
        simulator.admin.settings(today=(TODAY + timedelta(days=30)).isoformat())
        simulator.admin.register_vehicle(VIN)

        assert status(simulator, guid)["status"] == "DONE"

    def test_manual_correction_needs_an_issue_that_allows_it(self, simulator):
        guid = create(simulator, odometerReading=45000).json()["requestGuid"]

        response = api(
            simulator,
            "POST",
            f"observation/{guid}/manual-correction",
            json={
                "reason": "typo",
                "odometerReading": 45001,
                "odometerReadingDate": TODAY.isoformat(),
            },
        )

        assert response.status_code == 409
        assert response.json()["code"] == "ACTION_NOT_ALLOWED"

    def test_history_report_needs_a_history_observation(self, simulator):
        guid = create(simulator).json()["requestGuid"]

        response = api(simulator, "GET", f"observation/{guid}/status/vhr")

        assert response.status_code == 409
        assert response.json()["code"] == "HISTORY_NOT_AVAILABLE"

    def test_public_page_exists_only_for_an_issued_report(self, simulator):
        guid = create(simulator, observationType="VEHICLE_HISTORY_DOCUMENT").json()[
            "requestGuid"
        ]
        page_url = f"{simulator.root_url}/public/vhr/{guid}"

        before = requests.get(page_url, timeout=5, proxies=NO_PROXY).status_code
        api(
            simulator,
            "GET",
            f"observation/{guid}/status/vhr",
            params={"language": "NL"},
        )
        after = requests.get(page_url, timeout=5, proxies=NO_PROXY)

        assert before == 404
        assert after.status_code == 200
        assert "Car-Pass voertuiggeschiedenis" in after.text

    def test_concurrent_creates_with_one_key_create_one_observation(self, simulator):
        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(
                pool.map(lambda _: create(simulator, key="same"), range(8))
            )

        assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
        assert len({r.json()["requestGuid"] for r in responses}) == 1
        stats = simulator.admin.stats()
        (reading,) = stats["by_reading"]
        assert (reading["received"], reading["created"]) == (8, 1)
        # Stored once, posted eight times: the per-key count shows the repeats.
        assert stats["by_idempotency_key"]["repeated"] == {"same": 8}


# ---------------------------------------------------------------------------
# Faults and maintenance
# ---------------------------------------------------------------------------


class TestFaults:
    def test_queue_is_served_in_order_and_only_to_the_api(self, simulator):
        simulator.admin.queue_faults(["503", "500"])

        admin_still_works = simulator.admin.stats()
        codes = [api(simulator, "GET", "activities").status_code for _ in range(3)]

        assert admin_still_works["faults"] == {}
        assert codes == [503, 500, 200]
        assert simulator.admin.stats()["faults"] == {"500": 1, "503": 1}

    def test_seeded_rates_reproduce_the_same_run(self, simulator):
        def run():
            simulator.admin.set_faults(
                server_error_rate=0.3, unavailable_rate=0.2, seed=7
            )
            return [api(simulator, "GET", "activities").status_code for _ in range(15)]

        first, second = run(), run()

        assert first == second
        assert {200, 500, 503} <= set(first)

    def test_timeout_stores_before_hanging(self, simulator):
        simulator.admin.settings(timeout_seconds=1.0)
        simulator.admin.queue_faults(["timeout"])

        with pytest.raises(requests.ReadTimeout):
            api(
                simulator,
                "POST",
                "observation",
                json=php_client_body(),
                timeout=(2, 0.5),
            )

        assert len(simulator.admin.observations()) == 1

    def test_malformed_answer_after_storing(self, simulator):
        simulator.admin.queue_faults(["malformed"])

        response = create(simulator)

        assert response.status_code == 200
        with pytest.raises(ValueError):
            response.json()
        assert len(simulator.admin.observations()) == 1

    def test_latency(self, simulator):
        simulator.admin.set_faults(latency_ms=300)

        started = time.monotonic()
        api(simulator, "GET", "activities")

        assert time.monotonic() - started >= 0.3

    def test_maintenance_window_answers_503_with_retry_after(self, simulator):
        simulator.admin.settings(maintenance=True, maintenance_retry_after=900)

        response = api(simulator, "GET", "activities", garage=None)

        assert response.status_code == 503
        assert response.headers["Retry-After"] == "900"
        assert response.json()["code"] == "MAINTENANCE"

    def test_config_applies_faults_at_start(self):
        settings = {"processing_polls": 1, "fault_queue": ["503"]}
        with SimulatorProcess.start(settings=settings) as process:
            first = api(process, "GET", "activities").status_code
            polls = process.admin.settings()["processing_polls"]

        assert (first, polls) == (503, 1)

    @pytest.mark.parametrize(
        "change",
        [
            {"processing_polls": -1},
            {"review_outcome": "maybe"},
            {"unknown_setting": 1},
            {"today": "tomorrow"},
            {"clock": "2026-12-01T23:30:00"},
            {"clock": "soon"},
        ],
    )
    def test_bad_settings_are_refused(self, simulator, change):
        with pytest.raises(SimulatorAdminError, match="HTTP 400"):
            simulator.admin.settings(**change)

    def test_bad_faults_are_refused(self, simulator):
        with pytest.raises(SimulatorAdminError, match="HTTP 400"):
            simulator.admin.set_faults(drop_rate=0.7, timeout_rate=0.7)
        with pytest.raises(SimulatorAdminError, match="HTTP 400"):
            simulator.admin.queue_faults(["explode"])

    @pytest.mark.parametrize(
        ("moment", "seconds_left"),
        [
            (datetime(2026, 11, 26, 19, 0, tzinfo=timezone.utc), 4 * 3600),  # 20:00
            (datetime(2026, 11, 26, 17, 59, tzinfo=timezone.utc), None),  # 18:59
            (datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc), None),  # Wednesday
            (datetime(2026, 7, 2, 21, 30, tzinfo=timezone.utc), 30 * 60),  # CEST
        ],
    )
    def test_real_maintenance_window(self, moment, seconds_left):
        assert seconds_left_in_window(moment) == seconds_left


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------


def test_pdf_text_is_readable_by_pdftotext():
    lines = [f"Line {n}: (brackets) \\ back-slash, é à ü" for n in range(120)]

    pdf = render_pdf("Titre (test)", lines)

    text = subprocess.run(
        [shutil.which("pdftotext"), "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert text.count("\f") == 3
    assert "Titre (test)" in text
    assert "Line 119: (brackets) \\ back-slash, é à ü" in text


def test_cli_listens_on_loopback_only():
    assert parse_args(["--host", "localhost"]).host == "127.0.0.1"
    with pytest.raises(SystemExit):
        parse_args(["--host", "0.0.0.0"])
