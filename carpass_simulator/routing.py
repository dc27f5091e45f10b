# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Path templates such as ``/api/observation/{guid}/status`` matched to handlers."""

import json
import re
from dataclasses import dataclass, field

from . import protocol as p
from .service import ApiError

MAX_BODY_BYTES = 1_000_000
# Deeper JSON is refused before parsing (no real request nests more than 3).
MAX_JSON_DEPTH = 32


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: object
    body: bytes
    root_url: str
    params: dict = field(default_factory=dict)

    def json(self):
        """The body as a JSON object; an empty body is an empty object."""
        if not self.body.strip():
            return {}
        if json_depth(self.body) > MAX_JSON_DEPTH:
            raise ApiError(
                400, p.MALFORMED_JSON, f"The body nests deeper than {MAX_JSON_DEPTH}."
            )
        try:
            value = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            value = None
        if not isinstance(value, dict):
            raise ApiError(400, p.MALFORMED_JSON, "The body is not a JSON object.")
        return value


def json_depth(body):
    """How deep the arrays and objects of a JSON text nest (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


class Route:
    def __init__(self, method, template, handler):
        self.method = method
        self.template = template
        self.handler = handler
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._regex = re.compile(f"^{pattern}$")

    def match(self, path):
        found = self._regex.match(path)
        return found.groupdict() if found else None


def resolve(routes, method, path):
    """Return (route, path parameters) or raise a 404/405 ApiError."""
    path_known = False
    for route in routes:
        params = route.match(path)
        if params is None:
            continue
        if route.method == method:
            return route, params
        path_known = True
    if path_known:
        raise ApiError(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed here.")
    raise ApiError(404, p.NOT_FOUND, "No such operation.")
