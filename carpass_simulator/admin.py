# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The /_admin/* endpoints: test and demo control, no authentication, loopback only."""

from .routing import Route
from .seed import add_establishment, add_vehicle
from .service import ApiError


def health(simulator, request):
    return 200, {"ok": True}


def reset(simulator, request):
    simulator.reset()
    return 200, {"ok": True}


def stats(simulator, request):
    with simulator.storage.transaction():
        return 200, simulator.storage.stats()


def get_settings(simulator, request):
    return 200, simulator.service.settings()


def update_settings(simulator, request):
    simulator.update_settings(request.json())
    return 200, simulator.service.settings()


def get_faults(simulator, request):
    return 200, {"rates": simulator.faults.config(), "queue": simulator.faults.queue()}


def set_faults(simulator, request):
    simulator.set_faults(request.json())
    return get_faults(simulator, request)


def queue_faults(simulator, request):
    simulator.queue_faults(request.json().get("faults"))
    return get_faults(simulator, request)


def clear_faults(simulator, request):
    simulator.clear_faults()
    return get_faults(simulator, request)


def get_answers(simulator, request):
    return 200, {"queue": simulator.answer_queue()}


def queue_answers(simulator, request):
    simulator.queue_answers(request.json().get("answers"))
    return get_answers(simulator, request)


def list_vehicles(simulator, request):
    storage = simulator.storage
    with storage.transaction():
        vehicles = storage.list_vehicles(request.query.get("vin", "").upper() or None)
        for vehicle in vehicles:
            vehicle["pending_div"] = bool(vehicle["pending_div"])
            vehicle["readings"] = storage.history_readings(vehicle["vin"])
    return 200, vehicles


def create_vehicle(simulator, request):
    with simulator.storage.transaction():
        vin = add_vehicle(simulator.storage, request.json())
    request.query["vin"] = vin
    return list_vehicles(simulator, request)


def register_vehicle(simulator, request):
    vin = request.params["vin"].upper()
    with simulator.storage.transaction():
        if not simulator.storage.set_pending_div(vin, False):
            raise ApiError(404, "NOT_FOUND", f"Unknown vehicle {vin}.")
    request.query["vin"] = vin
    return list_vehicles(simulator, request)


def list_establishments(simulator, request):
    with simulator.storage.transaction():
        return 200, simulator.storage.list_establishments()


def create_establishment(simulator, request):
    with simulator.storage.transaction():
        add_establishment(simulator.storage, request.json())
        return 200, simulator.storage.list_establishments()


def list_observations(simulator, request):
    storage = simulator.storage
    with storage.transaction():
        observations = storage.list_observations(
            request.query.get("vin", "").upper() or None
        )
        for observation in observations:
            observation["issues"] = storage.issues_of(observation["guid"])
    return 200, observations


ROUTES = (
    Route("GET", "/_admin/health", health),
    Route("POST", "/_admin/reset", reset),
    Route("GET", "/_admin/stats", stats),
    Route("GET", "/_admin/settings", get_settings),
    Route("POST", "/_admin/settings", update_settings),
    Route("GET", "/_admin/faults", get_faults),
    Route("POST", "/_admin/faults", set_faults),
    Route("POST", "/_admin/faults/queue", queue_faults),
    Route("POST", "/_admin/faults/clear", clear_faults),
    Route("GET", "/_admin/answers", get_answers),
    Route("POST", "/_admin/answers", queue_answers),
    Route("GET", "/_admin/vehicles", list_vehicles),
    Route("POST", "/_admin/vehicles", create_vehicle),
    Route("POST", "/_admin/vehicles/{vin}/register", register_vehicle),
    Route("GET", "/_admin/establishments", list_establishments),
    Route("POST", "/_admin/establishments", create_establishment),
    Route("GET", "/_admin/observations", list_observations),
)
