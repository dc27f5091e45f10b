# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The standard work descriptions served by GET /api/activities.

The official list was not retrieved; these are the usual garage jobs, with
labels in the languages the simulator speaks.
"""

OTHER = "OTHER"

# code: (nl, fr, en, de)
_LABELS = {
    "PERIODIC_MAINTENANCE": (
        "Periodiek onderhoud",
        "Entretien périodique",
        "Periodic maintenance",
        "Regelmäßige Wartung",
    ),
    "OIL_CHANGE": (
        "Olie en filter verversen",
        "Vidange huile et filtre",
        "Oil and filter change",
        "Öl- und Filterwechsel",
    ),
    "TYRES": (
        "Banden vervangen of herstellen",
        "Remplacement ou réparation des pneus",
        "Tyre replacement or repair",
        "Reifenwechsel oder -reparatur",
    ),
    "BRAKES": (
        "Remmen",
        "Freins",
        "Brakes",
        "Bremsen",
    ),
    "TIMING_BELT": (
        "Distributieriem vervangen",
        "Remplacement de la courroie de distribution",
        "Timing belt replacement",
        "Zahnriemenwechsel",
    ),
    "BATTERY": (
        "Batterij vervangen",
        "Remplacement de la batterie",
        "Battery replacement",
        "Batteriewechsel",
    ),
    "WINDSCREEN": (
        "Voorruit herstellen of vervangen",
        "Réparation ou remplacement du pare-brise",
        "Windscreen repair or replacement",
        "Windschutzscheibe reparieren oder ersetzen",
    ),
    "EXHAUST": (
        "Uitlaatsysteem",
        "Système d'échappement",
        "Exhaust system",
        "Abgasanlage",
    ),
    "CLUTCH": (
        "Koppeling",
        "Embrayage",
        "Clutch",
        "Kupplung",
    ),
    "AIRCO": (
        "Airconditioning",
        "Climatisation",
        "Air conditioning",
        "Klimaanlage",
    ),
    "BODYWORK": (
        "Carrosseriewerk",
        "Travaux de carrosserie",
        "Bodywork",
        "Karosseriearbeiten",
    ),
    "PAINT": (
        "Schilderwerk",
        "Peinture",
        "Paintwork",
        "Lackierung",
    ),
    "DIAGNOSIS": (
        "Diagnose",
        "Diagnostic",
        "Diagnosis",
        "Diagnose",
    ),
    "ODOMETER_REPAIR": (
        "Kilometerteller of instrumentenbord hersteld of vervangen",
        "Réparation ou remplacement du compteur ou du tableau de bord",
        "Odometer or instrument cluster repair or replacement",
        "Kilometerzähler oder Kombiinstrument repariert oder ersetzt",
    ),
    "SUSPENSION": (
        "Ophanging en schokdempers",
        "Suspension et amortisseurs",
        "Suspension and shock absorbers",
        "Fahrwerk und Stoßdämpfer",
    ),
    "STEERING": (
        "Stuurinrichting",
        "Direction",
        "Steering",
        "Lenkung",
    ),
    "LIGHTING": (
        "Verlichting",
        "Éclairage",
        "Lighting",
        "Beleuchtung",
    ),
    "INSPECTION_PREPARATION": (
        "Voorbereiding keuring",
        "Préparation au contrôle technique",
        "Technical inspection preparation",
        "Vorbereitung auf die Hauptuntersuchung",
    ),
    "EV_HYBRID_SYSTEM": (
        "Elektrisch of hybride aandrijfsysteem",
        "Système de propulsion électrique ou hybride",
        "Electric or hybrid drive system",
        "Elektro- oder Hybridantrieb",
    ),
    OTHER: (
        "Andere werken",
        "Autres travaux",
        "Other work",
        "Sonstige Arbeiten",
    ),
}

ACTIVITIES = {
    code: dict(zip(("NL", "FR", "EN", "DE"), labels, strict=True))
    for code, labels in _LABELS.items()
}


def activities_payload(language=None):
    """Every activity with all its labels, or with the one asked for."""
    if language:
        return [
            {"code": code, "description": labels[language]}
            for code, labels in ACTIVITIES.items()
        ]
    return [
        {"code": code, "descriptions": dict(labels)}
        for code, labels in ACTIVITIES.items()
    ]
