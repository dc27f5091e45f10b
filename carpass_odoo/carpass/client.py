# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP client for the Car-Pass REST API.

Retry policy: GET requests are idempotent and retried with exponential backoff
on transient failures. POST requests (observation, correction, confirm, manual
correction, description) are retried only when the connection failed before
anything was sent; any later failure raises with ``outcome_unknown=True`` so the
caller looks the state up (``find_observation`` / ``get_status``) before
sending again. A blind retry could otherwise report a reading twice, and the
look-up is itself a guess: when Car-Pass does not answer it, nothing is sent
again automatically (``CarpassLookupUnsupportedError``).

Every call leaves an ``Exchange`` in ``exchanges`` (method, path, status,
duration, request and answer bodies masked and capped) for the support log.
"""

import base64
import ipaddress
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.auth import HTTPBasicAuth
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from . import payloads
from .clock import belgian_now
from .exceptions import (
    CarpassAuthenticationError,
    CarpassError,
    CarpassLookupUnsupportedError,
    CarpassNotFoundError,
    CarpassOrganisationError,
    CarpassProtocolError,
    CarpassTimeoutError,
    CarpassTransientError,
    CarpassUnavailableError,
    CarpassValidationError,
    FieldError,
)
from .maintenance import in_maintenance_window, maintenance_window_end
from .payloads import Observation, Status

_logger = logging.getLogger(__name__)

_LOOPBACK_NAMES = {"localhost"}
# Car-Pass's own texts are shown to users; a runaway error page is not.
_MAX_MESSAGE_LENGTH = 500
# A Retry-After longer than this is not waited for inside one call.
_MAX_RETRY_WAIT = 10.0
# Status polls while a vehicle history request is still being processed.
_VEHICLE_HISTORY_POLLS = 5
# Exchanges kept per client for the support log (the oldest are dropped).
_MAX_EXCHANGES = 20


@dataclass
class Exchange:
    """One HTTP exchange as the support log keeps it.

    ``status_code`` is None when no answer came; ``duration_ms`` is wall time;
    the bodies are masked (secrets, personal data) and capped text, or "".
    """

    method: str
    path: str
    status_code: int | None
    duration_ms: int
    request_body: str
    answer_body: str


class CarpassClient:
    """One Car-Pass account (establishment) on one environment."""

    def __init__(
        self,
        base_url,
        username,
        password,
        *,
        software,
        timeout=(5.0, 30.0),
        session=None,
        retries=2,
        backoff=0.5,
        maintenance_clock=False,
    ):
        """``maintenance_clock``: Car-Pass's weekly window (maintenance.py) is
        known by the clock, so no call is made inside it (for the real
        environments; a simulator has its own switch)."""
        self.base_url, loopback = checked_base_url(base_url)
        self.username = username
        # UTF-8 (RFC 7617) rather than requests' latin-1, which fails on e.g. "€".
        credentials = (username.encode("utf-8"), password.encode("utf-8"))
        self._auth = HTTPBasicAuth(*credentials)
        token = base64.b64encode(b":".join(credentials)).decode("ascii")
        self._secrets = tuple(secret for secret in (password, token) if secret)
        self._headers = {
            "User-Agent": f"{software.name}/{software.version}",
            **payloads.software_headers(software),
        }
        # Environment proxies must never see simulator traffic meant for loopback.
        self._proxies = {"http": None, "https": None} if loopback else None
        self._timeout = timeout
        self._session = session or requests.Session()
        self._owns_session = session is None
        self._retries = max(0, int(retries))
        self._backoff = max(0.0, float(backoff))
        self._maintenance_clock = maintenance_clock
        self.exchanges = []
        self.sleep = time.sleep

    def __repr__(self):
        return f"CarpassClient(base_url={self.base_url!r}, username={self.username!r})"

    def close(self):
        if self._owns_session:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ------------------------------------------------------------------
    # Operations
    # ------------------------------------------------------------------

    def create_observation(self, obs):
        return self._create(obs, payloads.OBSERVATION_TYPE_REPAIR)

    def find_observation(self, reference):
        """The observation sent with our ``reference``, or None when Car-Pass
        answers (2xx) that none arrived.

        Raises CarpassLookupUnsupportedError for any non-2xx answer that is not
        a temporary failure (the look-up is not in the spec: a 404 may mean "no
        such operation" as well as "never arrived"), CarpassTransientError for
        a temporary one.
        """
        try:
            response = self._call(
                "GET",
                payloads.OBSERVATION_PATH,
                params=payloads.find_observation_params(reference),
            )
        except CarpassTransientError:
            raise
        except CarpassError as error:
            raise CarpassLookupUnsupportedError(
                error.message, status_code=error.status_code, code=error.code
            ) from None
        body = payloads.decode_json(response.content, outcome_unknown=True)
        return self._checked(payloads.parse_lookup, body)

    def get_status(self, request_guid):
        response = self._call("GET", payloads.status_path(request_guid))
        return self._observation_result(response)

    def correct(self, request_guid, correction):
        response = self._call(
            "POST",
            payloads.correction_path(request_guid),
            body=payloads.build_correction(correction),
        )
        return self._observation_result(response, outcome_unknown=True)

    def confirm(self, request_guid, reason=""):
        response = self._call(
            "POST",
            payloads.confirm_path(request_guid),
            body=payloads.build_confirmation(reason),
        )
        return self._observation_result(response, outcome_unknown=True)

    def request_manual_correction(self, request_guid, mc):
        response = self._call(
            "POST",
            payloads.manual_correction_path(request_guid),
            body=payloads.build_manual_correction(mc),
        )
        return self._observation_result(response, outcome_unknown=True)

    def get_vehicle_history(
        self,
        *,
        vin,
        odometer_reading,
        odometer_reading_date,
        enterprise_number,
        establishment_number,
        language="nl",
    ):
        params = payloads.vehicle_history_params(language)
        observation = Observation(
            vin=vin,
            odometer_reading=odometer_reading,
            odometer_reading_date=odometer_reading_date,
            enterprise_number=enterprise_number,
            establishment_number=establishment_number,
            reference=str(uuid.uuid4()),
        )
        result = self._wait_until_processed(self._create_or_recover(observation))
        _raise_unless_history_available(result)
        try:
            response = self._call(
                "GET",
                payloads.vehicle_history_path(result.request_guid),
                params=params,
                accept=payloads.VEHICLE_HISTORY_ACCEPT,
            )
        except CarpassError as error:
            error.request_guid = result.request_guid
            raise
        return self._checked(
            payloads.parse_vehicle_history,
            response.headers.get("Content-Type"),
            response.content,
            result.request_guid,
        )

    def send_description(self, request_guid, description):
        response = self._call(
            "POST",
            payloads.description_path(request_guid),
            body=payloads.build_description(description),
        )
        body = payloads.decode_json(response.content, outcome_unknown=True)
        return payloads.parse_description_result(body, outcome_unknown=True)

    def list_activities(self, language=None):
        response = self._call(
            "GET",
            payloads.ACTIVITIES_PATH,
            params=payloads.activities_params(language),
        )
        body = payloads.decode_json(response.content)
        return payloads.parse_activities(body, language)

    def check_connection(self):
        self._call("GET", payloads.CONNECTION_CHECK_PATH)

    def call_raw(self, method, path, **options):
        """One call as ``_call`` makes it, returning the raw 2xx response.

        For the contract probe (probe.py), which reads the answer itself;
        ``options`` are ``_call``'s (params, body, headers, accept).
        """
        return self._call(method, path, **options)

    # ------------------------------------------------------------------
    # Vehicle history helpers
    # ------------------------------------------------------------------

    def _create(self, observation, observation_type):
        response = self._call(
            "POST",
            payloads.OBSERVATION_PATH,
            body=payloads.build_observation(observation, observation_type),
            headers=payloads.observation_headers(observation),
        )
        return self._observation_result(response, outcome_unknown=True)

    def _create_or_recover(self, observation):
        """Create the history observation; after an unknown outcome, look it up.

        The history request is interactive, so the look-up the caller would
        otherwise do is done here, with the key generated for this request.
        """
        try:
            return self._create(observation, payloads.OBSERVATION_TYPE_VEHICLE_HISTORY)
        except CarpassError as error:
            if not error.outcome_unknown or getattr(error, "request_guid", None):
                raise
            try:
                found = self.find_observation(observation.reference)
            except CarpassError:
                raise error from None
            if found is None:
                raise error from None
            return found

    def _wait_until_processed(self, result):
        """Poll while Car-Pass says ONGOING (an unknown word is not waited on:
        the public client fetches the report right after the create)."""
        for attempt in range(_VEHICLE_HISTORY_POLLS):
            if result.status != Status.ONGOING:
                return result
            self.sleep(self._backoff * (2**attempt))
            result = self.get_status(result.request_guid)
        return result

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------

    def _observation_result(self, response, *, outcome_unknown=False):
        body = self._checked(
            payloads.decode_json, response.content, outcome_unknown=outcome_unknown
        )
        return self._checked(
            payloads.parse_observation_result, body, outcome_unknown=outcome_unknown
        )

    def _checked(self, parse, *args, **kwargs):
        """Run a parser; a protocol error leaves with secrets masked in its answer."""
        try:
            return parse(*args, **kwargs)
        except CarpassProtocolError as error:
            if error.answer:
                error.answer = self._redact(error.answer, limit=None)
            raise

    def take_exchanges(self):
        """The exchanges since the last call of this method, oldest first."""
        exchanges, self.exchanges = self.exchanges, []
        return exchanges

    def _remember(self, method, path, status_code, started, body, answer):
        self.exchanges.append(
            Exchange(
                method=method,
                path=path,
                status_code=status_code,
                duration_ms=int((time.monotonic() - started) * 1000),
                request_body=self._redact(payloads.mask_for_log(body), limit=None),
                answer_body=self._redact(payloads.mask_for_log(answer), limit=None),
            )
        )
        del self.exchanges[:-_MAX_EXCHANGES]

    def _call(
        self,
        method,
        path,
        *,
        params=None,
        body=None,
        headers=None,
        accept=payloads.JSON_MEDIA_TYPE,
    ):
        """Send one request, retrying as the module docstring says."""
        idempotent = method == "GET"
        url = f"{self.base_url}/{path}"
        request_headers = {**self._headers, "Accept": accept, **(headers or {})}
        self._refuse_inside_maintenance_window()
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    json=body,
                    headers=request_headers,
                    auth=self._auth,
                    timeout=self._timeout,
                    verify=True,
                    allow_redirects=False,
                    proxies=self._proxies,
                )
            except requests.RequestException as exc:
                error = _transport_error(exc, idempotent)
                error.__cause__ = exc
                retryable = isinstance(error, CarpassTransientError) and (
                    idempotent or _nothing_was_sent(exc)
                )
                wait = self._backoff * (2**attempt)
                outcome = type(exc).__name__
                self._remember(method, path, None, started, body, None)
            else:
                self._remember(
                    method, path, response.status_code, started, body, response.content
                )
                error = self._http_error(response, idempotent)
                if error is None:
                    _logger.debug(
                        "Car-Pass %s %s: HTTP %s in %.0f ms",
                        method,
                        path,
                        response.status_code,
                        (time.monotonic() - started) * 1000,
                    )
                    return response
                retryable = (
                    idempotent
                    and isinstance(error, CarpassTransientError)
                    and not getattr(error, "maintenance", False)
                )
                wait = max(
                    self._backoff * (2**attempt), getattr(error, "retry_after", 0) or 0
                )
                outcome = f"HTTP {response.status_code}"
            if not retryable or attempt >= self._retries or wait > _MAX_RETRY_WAIT:
                _logger.info("Car-Pass %s %s failed: %s", method, path, outcome)
                raise error
            attempt += 1
            _logger.warning(
                "Car-Pass %s %s failed (%s); retry %d/%d in %.1f s",
                method,
                path,
                outcome,
                attempt,
                self._retries,
                wait,
            )
            self.sleep(wait)

    def _http_error(self, response, idempotent):
        """Map a non-2xx answer to a typed error; None for success."""
        status = response.status_code
        if 200 <= status < 300:
            return None
        server_message, code, errors = payloads.parse_error(response.content)
        server_message = self._redact(server_message)
        errors = [
            FieldError(error.field, error.code, self._redact(error.message))
            for error in errors
        ]
        common = {"status_code": status, "code": code}
        if status == 403 and code == payloads.FORBIDDEN_ORGANISATION_CODE:
            return CarpassOrganisationError(
                server_message
                or "The organisation numbers are not the authenticated user's.",
                fields=[error.field for error in errors if error.field],
                **common,
            )
        if status in (401, 403):
            return CarpassAuthenticationError(
                server_message or f"Car-Pass refused the credentials (HTTP {status}).",
                **common,
            )
        if status in (400, 409, 422):
            message = server_message or f"Car-Pass refused the request (HTTP {status})."
            if not errors:
                errors = [FieldError("", code or "", message)]
            return CarpassValidationError(message, errors=errors, **common)
        if status == 404:
            return CarpassNotFoundError(
                server_message or "Car-Pass does not know this request (HTTP 404).",
                **common,
            )
        if status == 501:
            return CarpassProtocolError(
                server_message or "Car-Pass does not offer this operation (HTTP 501).",
                **common,
            )
        if status == 429 or status >= 500:
            # 503 and 429 mean "not processed"; another 5xx may come after the work.
            return CarpassUnavailableError(
                server_message or f"Car-Pass is unavailable (HTTP {status}).",
                maintenance=payloads.is_maintenance(
                    code,
                    server_message,
                    status,
                    in_window=self._maintenance_clock and in_maintenance_window(),
                ),
                retry_after=_retry_after_seconds(response.headers.get("Retry-After")),
                outcome_unknown=not idempotent and status not in (429, 503),
                **common,
            )
        return CarpassProtocolError(
            f"Car-Pass sent an unexpected answer (HTTP {status}).",
            outcome_unknown=not idempotent and status < 400,
            **common,
        )

    def _redact(self, text, limit=_MAX_MESSAGE_LENGTH):
        text = (text or "")[:limit]
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _refuse_inside_maintenance_window(self):
        """Inside Car-Pass's weekly window, fail at once without a call."""
        if not self._maintenance_clock:
            return
        end = maintenance_window_end()
        if end is None:
            return
        wait = (
            end - belgian_now().astimezone(UTC).replace(tzinfo=None)
        ).total_seconds()
        raise CarpassUnavailableError(
            "Car-Pass is in its weekly maintenance window (Thursday 19:00-24:00).",
            maintenance=True,
            retry_after=max(1, int(wait)),
            code=payloads.MAINTENANCE_ERROR_CODE,
        )


def _raise_unless_history_available(result):
    """Raise when no report can be fetched; the error carries ``request_guid``

    so that the caller may still correct or confirm that history request.
    An unknown status word does not stop the fetch: the public client asks
    for the report right after the create, reading no status at all.
    """
    if result.status in (Status.DONE, Status.UNKNOWN):
        return
    if result.status == Status.ACTION_REQUIRED:
        error = CarpassValidationError(
            "Car-Pass flagged the reading; no vehicle history report was issued.",
            errors=[
                FieldError("odometerReading", issue.code, issue.message)
                for issue in result.open_issues
            ],
            code="ACTION_REQUIRED",
        )
    elif result.status == Status.ONGOING:
        error = CarpassTransientError(
            "Car-Pass is still processing the vehicle history request.",
            code="ONGOING",
        )
    else:
        message = {
            Status.WAITING_FOR_DIV: "The vehicle is not yet registered with Car-Pass.",
            Status.REVIEWING: "Car-Pass is reviewing this request.",
            Status.REJECTED: "Car-Pass rejected the vehicle history request.",
        }[result.status]
        error = CarpassValidationError(
            message,
            errors=[FieldError("vin", result.status.name, message)],
            code=result.status.name,
        )
    error.request_guid = result.request_guid
    raise error


def clean_base_url(base_url):
    """A URL as typed or sent over RPC, without the spaces around it (None stays)."""
    if base_url is None or base_url is False:
        return base_url
    return str(base_url).strip()


def names_a_path(base_url):
    """True when the URL goes past its host (``…/api``); Car-Pass and the
    simulator serve their API under a path, never at the host's root."""
    return bool(urlsplit(base_url or "").path.strip("/"))


def checked_base_url(base_url):
    """Return (normalised URL, is loopback); refuse anything but TLS off-host."""
    parts = urlsplit(base_url or "")
    if parts.username or parts.password:
        raise ValueError("The Car-Pass URL must not contain credentials.")
    if not parts.hostname:
        raise ValueError("The Car-Pass URL has no host.")
    loopback = _is_loopback(parts.hostname)
    if parts.scheme == "http" and not loopback:
        raise ValueError(
            "Plain HTTP is only allowed for a simulator on 127.0.0.1 or localhost."
        )
    if parts.scheme not in ("http", "https"):
        raise ValueError("The Car-Pass URL must start with https://.")
    return base_url.rstrip("/"), loopback


def _is_loopback(hostname):
    if hostname.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _nothing_was_sent(exc):
    """True when the request failed while connecting, before any byte left."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ProxyError):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        return isinstance(reason, NewConnectionError | ConnectTimeoutError)
    return False


def _transport_error(exc, idempotent):
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return CarpassTimeoutError("Car-Pass could not be reached in time.")
    if isinstance(exc, requests.exceptions.Timeout):
        return CarpassTimeoutError(
            "Car-Pass did not answer in time.", outcome_unknown=not idempotent
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return CarpassProtocolError(
            "The secure connection to Car-Pass failed (certificate not trusted?)."
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        if _nothing_was_sent(exc):
            return CarpassUnavailableError("Car-Pass could not be reached.")
        return CarpassUnavailableError(
            "The connection to Car-Pass broke before an answer arrived.",
            outcome_unknown=not idempotent,
        )
    return CarpassProtocolError(
        f"Unexpected failure while talking to Car-Pass ({type(exc).__name__}).",
        outcome_unknown=not idempotent,
    )


def _retry_after_seconds(value):
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    value = (value or "").strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int(moment.timestamp() - time.time()))
