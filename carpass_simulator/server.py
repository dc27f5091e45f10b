# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP plumbing: authentication, maintenance, fault injection, JSON answers."""

import base64
import binascii
import ipaddress
import json
import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import admin, api, profiles
from . import protocol as p
from .faults import BEFORE_HANDLING
from .maintenance import maintenance_retry_after
from .routing import MAX_BODY_BYTES, Request, resolve
from .seed import SeedError
from .service import ApiError
from .settings import SettingsError

_logger = logging.getLogger(__name__)
_AUTH_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Car-Pass simulator"'}


# A client that sends nothing (or less than its Content-Length) is dropped
# after this long, so it never holds a thread.
SOCKET_TIMEOUT_SECONDS = 10.0


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog: connections waiting for accept(). socketserver's 5
    # refuses connections when 40 clients arrive at once.
    request_queue_size = 256

    def __init__(
        self, address, simulator, *, quiet=False, socket_timeout=SOCKET_TIMEOUT_SECONDS
    ):
        self.socket_timeout = socket_timeout
        super().__init__(address, RequestHandler)
        self.simulator = simulator
        self.quiet = quiet

    @property
    def root_url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class RequestHandler(BaseHTTPRequestHandler):
    server_version = "CarpassSimulator/1.0"

    def setup(self):
        # StreamRequestHandler sets ``timeout`` on the connection: reads and
        # writes fail after it, so a silent client never holds a thread.
        self.timeout = self.server.socket_timeout
        super().setup()

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)

    # ------------------------------------------------------------------

    def _dispatch(self, method):
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except ApiError as error:
            self._send_json(error.status, error.body())
            return
        request = Request(
            method=method,
            path=unquote(url.path),
            query=dict(parse_qsl(url.query)),
            headers=self.headers,
            body=body,
            root_url=self.server.root_url,
        )
        if request.path.startswith(p.ADMIN_PREFIX + "/"):
            self._admin(request)
        elif request.path.startswith(p.API_PREFIX + "/"):
            self._api(request)
        elif request.path.startswith(p.PUBLIC_VHR_PREFIX) and method == "GET":
            self._public(request)
        else:
            self._send_json(404, ApiError(404, p.NOT_FOUND, "Not found.").body())

    def _send_injected(self, answer, payload):
        """Send an answer queued through /_admin/answers instead of ``payload``."""
        guid = payload.get("requestGuid") if isinstance(payload, dict) else None
        if answer["raw"] is not None:
            text = answer["raw"].replace("{requestGuid}", guid or "")
        else:
            text = json.dumps(_with_guid(answer["body"], guid))
        self._send(answer["status"], answer["content_type"], text.encode("utf-8"))

    def _read_body(self):
        """The body, or ApiError 400/413; the connection closes after an error,
        since the rest of a refused body would be read as the next request."""
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0:
            self.close_connection = True
            raise ApiError(400, "BAD_REQUEST", "Invalid Content-Length.")
        if size > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(413, "PAYLOAD_TOO_LARGE", "The body is too large.")
        try:
            body = self.rfile.read(size)
        except TimeoutError:
            body = b""
        if len(body) < size:
            self.close_connection = True
            raise ApiError(400, "BAD_REQUEST", "The body is shorter than announced.")
        return body

    # -- /api --------------------------------------------------------------

    def _api(self, request):
        simulator = self.server.simulator
        settings = simulator.service.settings()
        latency = simulator.faults.config()["latency_ms"]
        if latency:
            time.sleep(latency / 1000)
        try:
            route, params = resolve(api.ROUTES, request.method, request.path)
            route_name, route_error = route.template, None
        except ApiError as error:
            route, params, route_name, route_error = None, {}, "(unknown)", error

        retry_after = maintenance_retry_after(settings)
        if retry_after is not None:
            self._record(request, route_name, None, 503, "maintenance")
            self._send_json(
                503,
                ApiError(
                    503,
                    p.MAINTENANCE,
                    "Car-Pass is in its weekly maintenance window.",
                ).body(),
                {"Retry-After": str(retry_after)},
            )
            return

        fault = simulator.faults.next_fault()
        if fault in BEFORE_HANDLING:
            status = int(fault)
            self._record(request, route_name, None, status, fault)
            code = p.INTERNAL_ERROR if status == 500 else p.SERVICE_UNAVAILABLE
            self._send_json(
                status, ApiError(status, code, "Injected server failure.").body()
            )
            return

        establishment = None
        headers = {}
        profile = settings["profile"]
        route_key = f"{request.method} {route_name}"
        try:
            establishment = self._authenticate(request)
            if route_error is not None:
                raise route_error
            if not profiles.offers(profile, route_key):
                raise ApiError(
                    405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here."
                )
            self._check_software_headers(request, settings)
            request.params = params
            status, payload = route.handler(simulator, request, establishment)
        except ApiError as error:
            status, payload, headers = error.status, error.body(), error.headers
        except Exception:
            _logger.exception(
                "simulator failure on %s %s", request.method, request.path
            )
            status = 500
            payload = ApiError(500, p.INTERNAL_ERROR, "Simulator failure.").body()
        self._record(request, route_name, establishment, status, fault)
        payload = profiles.shape_answer(profile, route_key, status, payload)
        injected = simulator.next_answer()
        if injected is not None:
            self._send_injected(injected, payload)
            return

        if fault == "timeout":
            time.sleep(settings["timeout_seconds"])
            self._drop()
        elif fault == "drop":
            self._drop()
        elif fault == "malformed":
            text = json.dumps(payload).encode()
            self._send(200, "application/json", text[: len(text) // 2])
        else:
            self._send_json(status, payload, headers)

    def _authenticate(self, request):
        header = request.headers.get("Authorization") or ""
        scheme, _, encoded = header.partition(" ")
        username = password = None
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode(
                    "utf-8"
                )
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            username, _, password = decoded.partition(":")
        establishment = self.server.simulator.service.authenticate(username, password)
        if establishment is None:
            raise ApiError(
                401,
                p.UNAUTHORIZED,
                "Authentication with the establishment number and password is "
                "required.",
                headers=_AUTH_CHALLENGE,
            )
        return establishment

    def _check_software_headers(self, request, settings):
        if not settings["require_software_headers"]:
            return
        missing = [name for name in p.SOFTWARE_HEADERS if not request.headers.get(name)]
        if missing:
            raise ApiError(
                400,
                p.MISSING_HEADER,
                "The client software headers are required.",
                [
                    {"field": name, "code": p.MISSING_HEADER, "message": "Missing."}
                    for name in missing
                ],
            )

    def _record(self, request, route_name, establishment, status, fault):
        software = "/".join(
            request.headers.get(name) or "" for name in p.SOFTWARE_HEADERS
        )
        storage = self.server.simulator.storage
        with storage.transaction():
            storage.add_api_request(
                request.method,
                route_name,
                establishment["number"] if establishment else None,
                status,
                fault,
                software,
            )

    # -- /_admin and /public -------------------------------------------------

    def _admin(self, request):
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            self._send_json(403, ApiError(403, "FORBIDDEN", "Loopback only.").body())
            return
        try:
            route, params = resolve(admin.ROUTES, request.method, request.path)
            request.params = params
            status, payload = route.handler(self.server.simulator, request)
        except ApiError as error:
            status, payload = error.status, error.body()
        except (SettingsError, SeedError) as error:
            status = 400
            payload = ApiError(400, p.VALIDATION_FAILED, str(error)).body()
        except Exception:
            _logger.exception("simulator failure on %s", request.path)
            status = 500
            payload = ApiError(500, p.INTERNAL_ERROR, "Simulator failure.").body()
        self._send_json(status, payload)

    def _public(self, request):
        guid = request.path[len(p.PUBLIC_VHR_PREFIX) :]
        page = self.server.simulator.service.public_history_page(
            guid, request.query.get("language"), request.root_url
        )
        if page is None:
            self._send(404, "text/html; charset=utf-8", b"<h1>Not found</h1>\n")
        else:
            self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

    # -- answers ---------------------------------------------------------------

    def _send_json(self, status, payload, headers=None):
        body = json.dumps(payload).encode("utf-8")
        self._send(status, "application/json; charset=utf-8", body, headers)

    def _send(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _drop(self):
        """Close the connection without a single byte of answer."""
        self.close_connection = True


def _with_guid(value, guid):
    """``value`` with "{requestGuid}" in its strings replaced by ``guid``."""
    if isinstance(value, str):
        return value.replace("{requestGuid}", guid or "")
    if isinstance(value, dict):
        return {key: _with_guid(item, guid) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_guid(item, guid) for item in value]
    return value
