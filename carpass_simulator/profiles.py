# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Answer profiles: how much the simulated Car-Pass says.

"full" answers everything the addon's guesses expect (docs/carpass-api.md).
"minimal" answers exactly as little as the one public client relies on
(reference, appendix C): a create answer holding only ``requestGuid``, error
bodies with only ``status`` and ``message``, no look-up by reference, a
vehicle history answer in JSON without a PDF, and status words the addon does
not know. A client that works against both works whatever the real answers
add to the minimal ones.
"""

from . import protocol as p

PROFILES = ("full", "minimal")

# Status words of the minimal profile: the headings of the spec where they
# exist, words of no known list where the spec gives none.
MINIMAL_STATUS_WORDS = {
    p.ONGOING: "ONGOING",
    p.WAITING_FOR_DIV: "WAITING_FOR_DIV",
    p.REVIEWING: "REVIEWING",
    p.REJECTED: "REJECTED",
    p.ACTION_REQUIRED: "TO_BE_CHECKED",
    p.DONE: "PROCESSED",
}

CREATE_ROUTE = "POST /api/observation"
LOOKUP_ROUTE = "GET /api/observation"
HISTORY_ROUTE = "GET /api/observation/{guid}/status/vhr"
OBSERVATION_ROUTES = (
    "GET /api/observation/{guid}/status",
    "POST /api/observation/{guid}/correction",
    "POST /api/observation/{guid}/confirm",
    "POST /api/observation/{guid}/manual-correction",
)


def offers(profile, route):
    """False for an operation the profile does not offer (answered 405)."""
    return not (profile == "minimal" and route == LOOKUP_ROUTE)


def shape_answer(profile, route, status, payload):
    """The payload as the profile answers it (``route`` is "METHOD /template")."""
    if profile != "minimal" or not isinstance(payload, dict):
        return payload
    if status >= 400:
        return {"status": status, "message": payload.get("message", "")}
    if route == CREATE_ROUTE:
        return {"requestGuid": payload["requestGuid"]}
    if route in OBSERVATION_ROUTES:
        return {
            "requestGuid": payload["requestGuid"],
            "status": MINIMAL_STATUS_WORDS.get(payload["status"], payload["status"]),
        }
    if route == HISTORY_ROUTE:
        return {"requestGuid": payload["requestGuid"]}
    return payload
