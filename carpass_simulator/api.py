# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The /api/* operations, under the same paths as production."""

from . import protocol as p
from .routing import Route


def create_observation(simulator, request, establishment):
    key = request.headers.get(p.IDEMPOTENCY_HEADER)
    return simulator.service.create_observation(establishment, request.json(), key)


def find_observation(simulator, request, establishment):
    key = request.query.get(p.FIND_OBSERVATION_PARAM)
    return simulator.service.find_observation(establishment, key)


def get_status(simulator, request, establishment):
    return simulator.service.get_status(establishment, request.params["guid"])


def vehicle_history(simulator, request, establishment):
    return simulator.service.vehicle_history(
        establishment,
        request.params["guid"],
        request.query.get("language"),
        request.root_url,
    )


def correct(simulator, request, establishment):
    return simulator.service.correct(
        establishment, request.params["guid"], request.json()
    )


def confirm(simulator, request, establishment):
    return simulator.service.confirm(
        establishment, request.params["guid"], request.json()
    )


def manual_correction(simulator, request, establishment):
    return simulator.service.request_manual_correction(
        establishment, request.params["guid"], request.json()
    )


def description(simulator, request, establishment):
    return simulator.service.send_description(
        establishment, request.params["guid"], request.json()
    )


def activities(simulator, request, establishment):
    return simulator.service.activities(request.query.get("language"))


ROUTES = (
    Route("POST", "/api/observation", create_observation),
    Route("GET", "/api/observation", find_observation),
    Route("GET", "/api/observation/{guid}/status", get_status),
    Route("GET", "/api/observation/{guid}/status/vhr", vehicle_history),
    Route("POST", "/api/observation/{guid}/correction", correct),
    Route("POST", "/api/observation/{guid}/confirm", confirm),
    Route("POST", "/api/observation/{guid}/manual-correction", manual_correction),
    Route("POST", "/api/observation/{guid}/description", description),
    Route("GET", "/api/activities", activities),
)
