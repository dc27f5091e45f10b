# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Car-Pass client against a running simulator, over real HTTP."""

import base64
import logging
import shutil
import socket
import subprocess
import threading
from datetime import timedelta

import pytest
import requests
from carpass import (
    CarpassAuthenticationError,
    CarpassClient,
    CarpassError,
    CarpassNotFoundError,
    CarpassOrganisationError,
    CarpassProtocolError,
    CarpassTimeoutError,
    CarpassUnavailableError,
    CarpassValidationError,
    Correction,
    ManualCorrection,
    Status,
    WorkDescription,
)
from carpass.client import clean_base_url, names_a_path
from carpass.sessions import close_pooled_sessions, pooled_session

from tests import simulator_fixtures
from tests.simulator_fixtures import (
    GARAGE_A,
    GARAGE_B,
    SOFTWARE,
    TODAY,
    VIN,
    make_client,
    make_observation,
)

simulator_process = simulator_fixtures.simulator_process
simulator = simulator_fixtures.simulator
client = simulator_fixtures.client


def _request_count(simulator, route):
    return simulator.admin.stats()["requests"].get(route, 0)


def _issue_codes(result):
    return [issue.code for issue in result.open_issues]


class RecordingSession(requests.Session):
    """A real session that remembers the arguments and prepared requests."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def request(self, method, url, **kwargs):
        response = super().request(method, url, **kwargs)
        self.calls.append((kwargs, response.request))
        return response


# ---------------------------------------------------------------------------
# Observations and the server's checks
# ---------------------------------------------------------------------------


class TestObservation:
    def test_clean_reading_is_accepted_at_once(self, simulator, client):
        result = client.create_observation(make_observation(reference="reg-1"))

        assert result.status == Status.DONE
        assert result.issues == []
        assert result.request_guid
        assert simulator.admin.stats()["observations"]["created"] == 1

    def test_body_has_the_public_client_shape(self, simulator, client):
        client.create_observation(
            make_observation(
                license_plate="1-ABC-123", first_use_date=TODAY - timedelta(days=900)
            )
        )

        (stored,) = simulator.admin.observations(vin=VIN)
        assert stored["observation_type"] == "REPAIR_MAINTENANCE"
        assert stored["license_plate"] == "1-ABC-123"
        assert stored["unifier"] == 2
        assert stored["establishment"] == GARAGE_A.establishment
        assert stored["first_use_date"] == (TODAY - timedelta(days=900)).isoformat()

    @pytest.mark.parametrize(
        ("history", "values", "code", "actions"),
        [
            (
                [(TODAY - timedelta(days=10), 50123)],
                {},
                "READING_LOWER_THAN_PREVIOUS",
                ("correct", "manual_correction"),
            ),
            (
                [(TODAY - timedelta(days=1), 10123)],
                {},
                "READING_TOO_HIGH",
                ("correct", "confirm", "manual_correction"),
            ),
            (
                [],
                {"odometer_reading_date": TODAY - timedelta(days=6)},
                "READING_DATE_TOO_OLD",
                ("correct", "confirm"),
            ),
            (
                [],
                {"odometer_reading": 45000},
                "ROUNDED_READING",
                ("correct", "confirm"),
            ),
        ],
    )
    def test_server_check_raises_issue(
        self, simulator, client, history, values, code, actions
    ):
        simulator.admin.add_vehicle(VIN, readings=history)

        result = client.create_observation(make_observation(**values))

        assert result.status == Status.ACTION_REQUIRED
        (issue,) = result.issues
        assert (issue.code, issue.actions, issue.resolved) == (code, actions, False)
        assert issue.message

    def test_same_reading_twice_is_a_duplicate(self, client):
        client.create_observation(make_observation(reference="first"))

        second = client.create_observation(make_observation(reference="second"))

        assert _issue_codes(second) == ["DUPLICATE_READING"]

    def test_declared_odometer_work_explains_a_lower_reading(self, simulator, client):
        simulator.admin.add_vehicle(VIN, readings=[(TODAY - timedelta(days=3), 98123)])

        result = client.create_observation(make_observation(odometer_work=True))

        assert result.status == Status.DONE

    def test_status_stays_ongoing_for_the_configured_polls(self, simulator, client):
        simulator.admin.settings(processing_polls=2)

        created = client.create_observation(make_observation())
        polls = [client.get_status(created.request_guid).status for _ in range(3)]

        assert created.status == Status.ONGOING
        assert polls == [Status.ONGOING, Status.ONGOING, Status.DONE]

    def test_repeated_reference_returns_the_original(self, simulator, client):
        first = client.create_observation(make_observation(reference="reg-42"))

        again = client.create_observation(make_observation(reference="reg-42"))

        assert again.request_guid == first.request_guid
        counters = simulator.admin.stats()["observations"]
        assert (counters["received"], counters["created"], counters["replayed"]) == (
            2,
            1,
            1,
        )

    def test_find_observation_by_reference(self, client):
        created = client.create_observation(make_observation(reference="reg-7"))

        assert client.find_observation("reg-7").request_guid == created.request_guid
        assert client.find_observation("never-sent") is None

    def test_reference_is_scoped_to_the_establishment(self, simulator, client):
        client.create_observation(make_observation(reference="shared-key"))

        with make_client(simulator, GARAGE_B) as client_b:
            assert client_b.find_observation("shared-key") is None


# ---------------------------------------------------------------------------
# Correct, confirm, manual correction
# ---------------------------------------------------------------------------


class TestIssueResolution:
    @pytest.fixture
    def lower_reading(self, simulator, client):
        simulator.admin.add_vehicle(VIN, readings=[(TODAY - timedelta(days=10), 50123)])
        return client.create_observation(make_observation())

    def test_correction_with_good_data_is_accepted(self, client, lower_reading):
        result = client.correct(
            lower_reading.request_guid,
            Correction(odometer_reading=51234, odometer_reading_date=TODAY),
        )

        assert result.status == Status.DONE
        assert [(i.code, i.resolved) for i in result.issues] == [
            ("READING_LOWER_THAN_PREVIOUS", True)
        ]

    def test_correction_with_wrong_data_raises_issues_again(
        self, client, lower_reading
    ):
        result = client.correct(
            lower_reading.request_guid,
            Correction(odometer_reading=49123, odometer_reading_date=TODAY),
        )

        assert result.status == Status.ACTION_REQUIRED
        assert _issue_codes(result) == ["READING_LOWER_THAN_PREVIOUS"]

    def test_correction_may_declare_odometer_work(self, client, lower_reading):
        result = client.correct(
            lower_reading.request_guid,
            Correction(
                odometer_reading=45123, odometer_reading_date=TODAY, odometer_work=True
            ),
        )

        assert result.status == Status.DONE

    def test_confirm_resolves_a_confirmable_issue(self, client):
        rounded = client.create_observation(make_observation(odometer_reading=45000))

        result = client.confirm(rounded.request_guid, "Exactly 45000 on the dashboard")
        again = client.confirm(rounded.request_guid)

        assert result.status == Status.DONE
        assert result.open_issues == []
        assert again.status == Status.DONE

    def test_confirm_refused_when_an_issue_cannot_be_confirmed(
        self, client, lower_reading
    ):
        with pytest.raises(CarpassValidationError) as caught:
            client.confirm(lower_reading.request_guid)

        assert caught.value.status_code == 409
        assert caught.value.code == "ACTION_NOT_ALLOWED"
        assert [e.code for e in caught.value.errors] == ["READING_LOWER_THAN_PREVIOUS"]

    def test_manual_correction_is_reviewed_then_done(
        self, simulator, client, lower_reading
    ):
        guid = lower_reading.request_guid
        request = ManualCorrection(
            reason="The previous reading was a typing error",
            odometer_reading=45123,
            odometer_reading_date=TODAY,
            contact="workshop@example.com",
        )

        requested = client.request_manual_correction(guid, request)
        polls = [client.get_status(guid).status for _ in range(2)]

        assert requested.status == Status.REVIEWING
        assert polls == [Status.REVIEWING, Status.DONE]

    def test_manual_correction_can_be_rejected(self, simulator, client, lower_reading):
        simulator.admin.settings(review_outcome="rejected", review_polls=0)
        guid = lower_reading.request_guid

        client.request_manual_correction(
            guid, ManualCorrection("Wrong reading", 45123, TODAY)
        )

        assert client.get_status(guid).status == Status.REJECTED

    def test_action_on_an_accepted_request_is_a_conflict(self, client):
        done = client.create_observation(make_observation())

        with pytest.raises(CarpassValidationError) as caught:
            client.correct(done.request_guid, Correction(45124, TODAY))

        assert (caught.value.status_code, caught.value.code) == (409, "INVALID_STATE")
        assert caught.value.errors[0].message


# ---------------------------------------------------------------------------
# Vehicle history report
# ---------------------------------------------------------------------------


class TestVehicleHistory:
    def _history(self, client, **values):
        arguments = {
            "vin": VIN,
            "odometer_reading": 45123,
            "odometer_reading_date": TODAY,
            "enterprise_number": GARAGE_A.enterprise,
            "establishment_number": GARAGE_A.establishment,
            **values,
        }
        return client.get_vehicle_history(**arguments)

    def test_pdf_and_public_page(self, simulator, client):
        simulator.admin.add_vehicle(
            VIN, readings=[(TODAY - timedelta(days=400), 30123)]
        )

        history = self._history(client, language="fr")

        assert history.pdf.startswith(b"%PDF-")
        assert history.valid_until > TODAY
        assert history.public_url.startswith(simulator.root_url)
        text = subprocess.run(
            [shutil.which("pdftotext"), "-", "-"],
            input=history.pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "Historique du véhicule Car-Pass" in text
        assert VIN in text and "30123 km" in text and "45123 km" in text
        page = requests.get(history.public_url, timeout=5, proxies={"http": None})
        assert page.status_code == 200 and VIN in page.text

    def test_refused_when_the_reading_is_flagged(self, simulator, client):
        simulator.admin.add_vehicle(VIN, readings=[(TODAY - timedelta(days=5), 60123)])

        with pytest.raises(CarpassValidationError) as caught:
            self._history(client)

        assert [e.code for e in caught.value.errors] == ["READING_LOWER_THAN_PREVIOUS"]
        flagged = client.get_status(caught.value.request_guid)
        assert flagged.status == Status.ACTION_REQUIRED

    def test_reporting_remarks_do_not_block_the_report(self, simulator, client):
        simulator.admin.add_vehicle(VIN, readings=[(TODAY, 45000)])

        history = self._history(client, odometer_reading=45000)

        assert history.pdf.startswith(b"%PDF-")

    def test_refused_while_the_vehicle_waits_for_div(self, simulator, client):
        simulator.admin.add_vehicle(VIN, pending_div=True)

        with pytest.raises(CarpassValidationError) as caught:
            self._history(client)

        assert caught.value.code == "WAITING_FOR_DIV"

    def test_waits_while_car_pass_is_processing(self, simulator, client):
        simulator.admin.settings(processing_polls=2)

        history = self._history(client)

        assert history.pdf.startswith(b"%PDF-")

    def test_recovers_from_a_lost_answer_without_a_second_request(self, simulator):
        simulator.admin.settings(timeout_seconds=1.5)
        simulator.admin.queue_faults(["timeout"])

        with make_client(simulator, timeout=(2.0, 1.0)) as client:
            history = self._history(client)

        assert history.pdf.startswith(b"%PDF-")
        assert simulator.admin.stats()["observations"]["created"] == 1


# ---------------------------------------------------------------------------
# Work descriptions and activities
# ---------------------------------------------------------------------------


class TestDescriptionsAndActivities:
    def test_activities_carry_four_languages(self, client):
        activities = client.list_activities()

        assert len(activities) == 20
        assert {"PERIODIC_MAINTENANCE", "TIMING_BELT", "ODOMETER_REPAIR", "OTHER"} <= {
            activity.code for activity in activities
        }
        assert all(set(a.labels) == {"nl", "fr", "en", "de"} for a in activities)

    def test_activities_in_one_language(self, client):
        activities = client.list_activities("de")

        tyres = next(a for a in activities if a.code == "TYRES")
        assert tyres.labels == {"de": "Reifenwechsel oder -reparatur"}

    def test_description_is_accepted(self, simulator, client):
        guid = client.create_observation(make_observation()).request_guid

        result = client.send_description(
            guid,
            WorkDescription(
                activities=["OIL_CHANGE", "TYRES"],
                lines=["Olie en filter vervangen", "4 winterbanden gemonteerd"],
            ),
        )

        assert (result.accepted, result.issues) == (True, [])
        history = TestVehicleHistory()._history(client, odometer_reading=45124)
        assert history.pdf

    def test_other_activity_without_detail_is_not_accepted(self, client):
        guid = client.create_observation(make_observation()).request_guid

        result = client.send_description(guid, WorkDescription(["OTHER"], []))

        assert result.accepted is False
        assert [(i.code, i.actions) for i in result.issues] == [
            ("OTHER_ACTIVITY_WITHOUT_DETAIL", ("correct",))
        ]

    def test_unknown_activity_is_a_validation_error(self, client):
        guid = client.create_observation(make_observation()).request_guid

        with pytest.raises(CarpassValidationError) as caught:
            client.send_description(guid, WorkDescription(["TYRES", "NOPE"], []))

        assert [(e.field, e.code) for e in caught.value.errors] == [
            ("activities[1]", "UNKNOWN_ACTIVITY")
        ]


# ---------------------------------------------------------------------------
# Error classes
# ---------------------------------------------------------------------------


class TestErrors:
    def test_validation_errors_carry_car_pass_messages(self, simulator, client):
        invalid = make_observation(
            vin="WVWZZZ1KZAW00000O",
            odometer_reading=0,
            odometer_reading_date=TODAY + timedelta(days=1),
        )

        with pytest.raises(CarpassValidationError) as caught:
            client.create_observation(invalid)

        assert caught.value.status_code == 400
        assert {(e.field, e.code) for e in caught.value.errors} == {
            ("vin", "VIN_INVALID_CHARACTERS"),
            ("odometerReading", "READING_NOT_POSITIVE_INTEGER"),
            ("odometerReadingDate", "DATE_IN_FUTURE"),
        }
        assert all(e.message for e in caught.value.errors)
        assert caught.value.outcome_unknown is False
        counters = simulator.admin.stats()["observations"]
        assert (counters["refused"], counters["created"]) == (1, 0)

    def test_wrong_password(self, simulator):
        with make_client(simulator, GARAGE_A._replace(password="wrong")) as client:
            with pytest.raises(CarpassAuthenticationError) as caught:
                client.check_connection()

        assert caught.value.status_code == 401

    def test_password_outside_latin_1(self, simulator):
        simulator.admin.add_establishment("2345678901", "0876543210", "garage-€-ß")
        garage = GARAGE_A._replace(establishment="2345678901", password="garage-€-ß")

        with make_client(simulator, garage) as client:
            client.check_connection()

    def test_reporting_for_another_organisation_is_forbidden(self, client):
        with pytest.raises(CarpassAuthenticationError) as caught:
            client.create_observation(make_observation(GARAGE_B))

        assert (caught.value.status_code, caught.value.code) == (
            403,
            "FORBIDDEN_ORGANISATION",
        )

    def test_a_wrong_enterprise_number_is_told_apart_from_the_password(self, client):
        observation = make_observation(enterprise_number=GARAGE_B.enterprise)
        with pytest.raises(CarpassOrganisationError) as caught:
            client.create_observation(observation)

        assert caught.value.fields == ("enterpriseOrganisation",)

    def test_another_garages_request_is_not_found(self, simulator, client):
        guid = client.create_observation(make_observation()).request_guid

        with make_client(simulator, GARAGE_B) as client_b:
            with pytest.raises(CarpassNotFoundError):
                client_b.get_status(guid)

    def test_unknown_request(self, client):
        with pytest.raises(CarpassNotFoundError) as caught:
            client.get_status("00000000-0000-0000-0000-000000000000")

        assert caught.value.status_code == 404

    def test_maintenance_window_is_not_retried(self, simulator, client):
        simulator.admin.settings(maintenance=True, maintenance_retry_after=120)

        with pytest.raises(CarpassUnavailableError) as caught:
            client.check_connection()

        assert (caught.value.maintenance, caught.value.retry_after) == (True, 120)
        assert _request_count(simulator, "GET /api/activities") == 1

    def test_connection_refused_is_retried_even_for_a_post(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        client = CarpassClient(
            f"http://127.0.0.1:{port}/api",
            GARAGE_A.establishment,
            GARAGE_A.password,
            software=SOFTWARE,
            retries=2,
        )
        sleeps = []
        client.sleep = sleeps.append

        with pytest.raises(CarpassUnavailableError) as caught:
            client.create_observation(make_observation())

        assert caught.value.outcome_unknown is False
        assert len(sleeps) == 2

    @pytest.mark.parametrize(
        ("fault", "error_class", "outcome_unknown", "stored"),
        [
            ("500", CarpassUnavailableError, True, False),
            ("503", CarpassUnavailableError, False, False),
            ("timeout", CarpassTimeoutError, True, True),
            ("drop", CarpassUnavailableError, True, True),
            ("malformed", CarpassProtocolError, True, True),
        ],
    )
    def test_create_is_never_retried_after_sending(
        self, simulator, fault, error_class, outcome_unknown, stored
    ):
        simulator.admin.settings(timeout_seconds=1.5)
        simulator.admin.queue_faults([fault])

        with make_client(simulator, timeout=(2.0, 1.0)) as client:
            with pytest.raises(error_class) as caught:
                client.create_observation(make_observation(reference="reg-unknown"))
            found = client.find_observation("reg-unknown")

        assert caught.value.outcome_unknown is outcome_unknown
        assert _request_count(simulator, "POST /api/observation") == 1
        assert (found is not None) is stored
        assert simulator.admin.stats()["observations"]["created"] == int(stored)

    @pytest.mark.parametrize("fault", ["500", "503", "drop", "timeout"])
    def test_status_is_retried_after_a_transient_failure(self, simulator, fault):
        simulator.admin.settings(timeout_seconds=1.5)
        with make_client(simulator, timeout=(2.0, 1.0)) as client:
            guid = client.create_observation(make_observation()).request_guid
            simulator.admin.queue_faults([fault])

            result = client.get_status(guid)

        assert result.status == Status.DONE
        assert _request_count(simulator, "GET /api/observation/{guid}/status") == 2

    def test_retries_are_bounded(self, simulator):
        simulator.admin.queue_faults(["503"] * 3)

        with make_client(simulator, retries=2) as client:
            with pytest.raises(CarpassUnavailableError):
                client.list_activities()

        assert _request_count(simulator, "GET /api/activities") == 3

    def test_malformed_answer_to_a_read_is_a_protocol_error(self, simulator, client):
        guid = client.create_observation(make_observation()).request_guid
        simulator.admin.queue_faults(["malformed"])

        with pytest.raises(CarpassProtocolError) as caught:
            client.get_status(guid)

        assert caught.value.outcome_unknown is False

    def test_correction_is_not_retried_after_a_server_error(self, simulator, client):
        simulator.admin.add_vehicle(VIN, readings=[(TODAY - timedelta(days=10), 50123)])
        guid = client.create_observation(make_observation()).request_guid
        simulator.admin.queue_faults(["500"])

        with pytest.raises(CarpassUnavailableError) as caught:
            client.correct(guid, Correction(51234, TODAY))

        assert caught.value.outcome_unknown is True
        assert client.get_status(guid).status == Status.ACTION_REQUIRED

    def test_every_error_is_a_carpass_error(self):
        for error_class in (
            CarpassAuthenticationError,
            CarpassValidationError,
            CarpassNotFoundError,
            CarpassUnavailableError,
            CarpassTimeoutError,
            CarpassProtocolError,
        ):
            error = error_class("message")
            assert isinstance(error, CarpassError)
            assert error.outcome_unknown is False and error.status_code is None


# ---------------------------------------------------------------------------
# Transport safety
# ---------------------------------------------------------------------------


class TestTransportSafety:
    @pytest.mark.parametrize(
        "url",
        [
            "http://ws-professionals.car-pass.be/api",
            "http://192.168.1.10:8765/api",
            "https://user:secret@ws-professionals.car-pass.be/api",
            "ftp://127.0.0.1/api",
        ],
    )
    def test_refused_base_urls(self, url):
        with pytest.raises(ValueError) as caught:
            CarpassClient(url, "u", "secret", software=SOFTWARE)

        assert "secret" not in str(caught.value)

    @pytest.mark.parametrize(
        "url",
        [
            "https://ws-professionals.car-pass.be/api",
            "http://127.0.0.1:8765/api",
            "http://localhost:8765/api/",
        ],
    )
    def test_accepted_base_urls(self, url):
        client = CarpassClient(url, "u", "p", software=SOFTWARE)

        assert client.base_url == url.rstrip("/")

    def test_headers_tls_and_redirects(self, simulator):
        session = RecordingSession()
        with make_client(simulator, session=session) as client:
            client.create_observation(make_observation(reference="reg-headers"))

        ((kwargs, sent),) = session.calls
        assert kwargs["verify"] is True
        assert kwargs["allow_redirects"] is False
        assert kwargs["timeout"] == (2.0, 5.0)
        assert kwargs["proxies"] == {"http": None, "https": None}
        assert sent.headers["client-software-builder"] == SOFTWARE.builder
        assert sent.headers["client-software-name"] == SOFTWARE.name
        assert sent.headers["client-software-version"] == SOFTWARE.version
        assert sent.headers["Idempotency-Key"] == "reg-headers"
        assert sent.headers["Content-Type"] == "application/json"
        assert sent.headers["Authorization"].startswith("Basic ")

    def test_no_secret_in_logs_or_errors(self, simulator, caplog):
        caplog.set_level(logging.DEBUG)
        password = GARAGE_A.password
        token = base64.b64encode(
            f"{GARAGE_A.establishment}:{password}".encode()
        ).decode()
        errors = []
        with make_client(simulator) as client:
            guid = client.create_observation(make_observation()).request_guid
            simulator.admin.queue_faults(["503", "drop"])
            client.get_status(guid)
            simulator.admin.queue_faults(["500"])
            try:
                client.create_observation(make_observation(odometer_reading=45124))
            except CarpassError as error:
                errors.append(error)
            assert repr(client).count(password) == 0
        with make_client(
            simulator, GARAGE_A._replace(password="not-" + password)
        ) as bad:
            try:
                bad.check_connection()
            except CarpassError as error:
                errors.append(error)

        assert len(errors) == 2
        assert "retry" in caplog.text
        texts = [caplog.text] + [
            f"{error} {error!r} {error.args} {error.__cause__!r}" for error in errors
        ]
        for text in texts:
            assert password not in text
            assert token not in text


class TestPooledSessions:
    def test_one_session_per_thread_and_account(self, simulator):
        url = simulator.base_url
        session = pooled_session(url, GARAGE_A.establishment)
        other_thread = []
        worker = threading.Thread(
            target=lambda: other_thread.append(
                pooled_session(url, GARAGE_A.establishment)
            )
        )
        worker.start()
        worker.join()

        assert pooled_session(url, GARAGE_A.establishment) is session
        assert pooled_session(url, GARAGE_B.establishment) is not session
        assert other_thread[0] is not session
        close_pooled_sessions()
        assert pooled_session(url, GARAGE_A.establishment) is not session

    def test_a_reading_and_its_description_share_one_connection(self, simulator):
        """Each call on a new connection would pay a TLS handshake against Car-Pass."""
        close_pooled_sessions()
        session = pooled_session(simulator.base_url, GARAGE_A.establishment)
        first = make_client(simulator, session=session)
        guid = first.create_observation(make_observation()).request_guid
        second = make_client(simulator, session=session)
        second.send_description(guid, WorkDescription(activities=[], lines=["Oil"]))
        second.close()  # a borrowed session stays open for the next call

        pool = session.get_adapter(simulator.base_url).get_connection(
            simulator.base_url
        )
        assert pool.num_connections == 1
        assert pool.num_requests == 2

    def test_cookies_are_refused(self, simulator):
        session = pooled_session(simulator.base_url, GARAGE_A.establishment)
        request = requests.Request("GET", simulator.base_url).prepare()
        requests.cookies.extract_cookies_to_jar(
            session.cookies, request, _FakeRaw({"Set-Cookie": "track=1; Path=/"})
        )

        assert not session.cookies


class _FakeRaw:
    """The urllib3 response shape ``extract_cookies_to_jar`` reads headers from."""

    def __init__(self, headers):
        self._original_response = self
        self.msg = _FakeMessage(headers)


class _FakeMessage:
    def __init__(self, headers):
        self._headers = headers

    def get_all(self, name, default=None):
        value = self._headers.get(name)
        return [value] if value else default


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        (" http://127.0.0.1:8765/api ", "http://127.0.0.1:8765/api"),
        ("https://ws.example.be/api\n", "https://ws.example.be/api"),
        ("   ", ""),
        (None, None),
    ],
)
def test_urls_are_cleaned_of_surrounding_spaces(typed, clean):
    assert clean_base_url(typed) == clean


@pytest.mark.parametrize(
    ("url", "has_path"),
    [
        ("http://127.0.0.1:8765/api", True),
        ("http://127.0.0.1:8765/api/", True),
        ("http://127.0.0.1:8765", False),
        ("http://127.0.0.1:8765/", False),
    ],
)
def test_a_url_without_the_api_path_is_told(url, has_path):
    assert names_a_path(url) is has_path
