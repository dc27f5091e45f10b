# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The vehicle history report: the same content as a PDF and as a public page."""

import html
from dataclasses import dataclass, field
from datetime import date

from .activities import ACTIVITIES
from .pdf import render_pdf

TEXTS = {
    "NL": {
        "title": "Car-Pass voertuiggeschiedenis",
        "vin": "Chassisnummer (VIN)",
        "first_use": "Eerste ingebruikname",
        "issued": "Opgemaakt op",
        "valid_until": "Geldig tot",
        "request": "Aanvraag",
        "readings": "Kilometerstanden",
        "works": "Uitgevoerde werken",
        "none": "geen",
        "public_url": "Publieke pagina",
        "disclaimer": "SIMULATOR - geen echt Car-Pass-document",
    },
    "FR": {
        "title": "Historique du véhicule Car-Pass",
        "vin": "Numéro de châssis (VIN)",
        "first_use": "Première mise en circulation",
        "issued": "Établi le",
        "valid_until": "Valable jusqu'au",
        "request": "Demande",
        "readings": "Relevés kilométriques",
        "works": "Travaux effectués",
        "none": "aucun",
        "public_url": "Page publique",
        "disclaimer": "SIMULATEUR - pas un vrai document Car-Pass",
    },
    "EN": {
        "title": "Car-Pass vehicle history report",
        "vin": "Vehicle identification number (VIN)",
        "first_use": "First use",
        "issued": "Issued on",
        "valid_until": "Valid until",
        "request": "Request",
        "readings": "Odometer readings",
        "works": "Work done",
        "none": "none",
        "public_url": "Public page",
        "disclaimer": "SIMULATOR - not a real Car-Pass document",
    },
    "DE": {
        "title": "Car-Pass Fahrzeughistorie",
        "vin": "Fahrgestellnummer (VIN)",
        "first_use": "Erstzulassung",
        "issued": "Erstellt am",
        "valid_until": "Gültig bis",
        "request": "Anfrage",
        "readings": "Kilometerstände",
        "works": "Durchgeführte Arbeiten",
        "none": "keine",
        "public_url": "Öffentliche Seite",
        "disclaimer": "SIMULATOR - kein echtes Car-Pass-Dokument",
    },
}


@dataclass
class HistoryReport:
    request_guid: str
    vin: str
    first_use_date: str | None
    issued: date
    valid_until: date
    public_url: str
    readings: list[tuple[str, int]] = field(default_factory=list)
    # (date, activity codes, job lines)
    works: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def _facts(report, texts):
    return [
        (texts["vin"], report.vin),
        (texts["first_use"], report.first_use_date or "-"),
        (texts["issued"], report.issued.isoformat()),
        (texts["valid_until"], report.valid_until.isoformat()),
        (texts["request"], report.request_guid),
    ]


def _work_text(language, codes, lines):
    labels = [ACTIVITIES[code][language] for code in codes if code in ACTIVITIES]
    return "; ".join(labels + lines)


def render_report_pdf(report, language):
    texts = TEXTS[language]
    lines = [texts["disclaimer"], ""]
    lines += [f"{label}: {value}" for label, value in _facts(report, texts)]
    lines += ["", f"{texts['readings']}:"]
    lines += [f"  {day}: {km} km" for day, km in report.readings]
    if not report.readings:
        lines.append(f"  {texts['none']}")
    lines += ["", f"{texts['works']}:"]
    lines += [
        f"  {day}  {_work_text(language, codes, job_lines)}"
        for day, codes, job_lines in report.works
    ]
    if not report.works:
        lines.append(f"  {texts['none']}")
    lines += ["", f"{texts['public_url']}: {report.public_url}"]
    return render_pdf(f"{texts['title']} - {report.vin}", lines)


def render_report_html(report, language):
    texts = TEXTS[language]
    escape = html.escape
    facts = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
        for label, value in _facts(report, texts)
    )
    readings = (
        "".join(
            f"<tr><td>{escape(day)}</td><td>{km}</td></tr>"
            for day, km in report.readings
        )
        or f"<tr><td colspan='2'>{escape(texts['none'])}</td></tr>"
    )
    works = (
        "".join(
            f"<li>{escape(day)}: {escape(_work_text(language, codes, job_lines))}</li>"
            for day, codes, job_lines in report.works
        )
        or f"<li>{escape(texts['none'])}</li>"
    )
    return (
        f"<!DOCTYPE html>\n<html lang='{language.lower()}'><head><meta charset='utf-8'>"
        f"<title>{escape(texts['title'])} - {escape(report.vin)}</title></head>"
        f"<body><h1>{escape(texts['title'])}</h1>"
        f"<p><strong>{escape(texts['disclaimer'])}</strong></p>"
        f"<table>{facts}</table>"
        f"<h2>{escape(texts['readings'])}</h2>"
        f"<table><tr><th>date</th><th>km</th></tr>{readings}</table>"
        f"<h2>{escape(texts['works'])}</h2><ul>{works}</ul>"
        f"</body></html>\n"
    )
