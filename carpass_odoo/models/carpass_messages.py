# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Translated texts for what the plain-Python protocol layer reports in English.

The one table from a protocol exception (or a check finding) to the user's message:
every model and wizard turns errors into words here.
"""

from odoo.tools.misc import format_date, format_datetime, formatLang

from ..carpass import checks, explanations, payloads, units
from ..carpass.clock import BELGIAN_TIME
from ..carpass.exceptions import (
    CarpassAuthenticationError,
    CarpassNotFoundError,
    CarpassOrganisationError,
    CarpassProtocolError,
    CarpassTimeoutError,
    CarpassTransientError,
    CarpassUnavailableError,
    CarpassValidationError,
    FieldError,
)
from ..carpass.maintenance import try_again_at


def format_number(env, number):
    """A whole number as the user's language writes it: 158.421 (nl_BE), 158,421 (en)."""
    return formatLang(env, number, digits=0)


def format_day(env, day):
    """A calendar date in the user's language's date format (res.lang)."""
    return format_date(env, day)


def format_moment(env, moment):
    """An instant (naive UTC, as Odoo stores it) in Belgian time, written as the
    user's language writes a short date and time: ``1/12/26 21:30`` (nl_BE)."""
    return format_datetime(env, moment, tz=BELGIAN_TIME.key, dt_format="short")


def maintenance_retry_moment(env, error):
    """When Car-Pass, in maintenance, asked to be called again, in the user's
    language and Belgian time; None when it did not say."""
    moment = try_again_at(getattr(error, "retry_after", None))
    return format_moment(env, moment) if moment else None


def format_km(env, kilometres):
    """A distance in km in the user's language: ``158.421 km`` for nl_BE."""
    return env._("%(number)s km", number=format_number(env, kilometres))


def format_distance(env, kilometres, odometer_unit=units.KILOMETERS):
    """A distance in km as the vehicle's dashboard shows it.

    A miles dashboard reads miles, with Car-Pass's km in brackets:
    ``98.437 mi (158.421 km)``; a km dashboard reads ``158.421 km``.
    """
    if odometer_unit != units.MILES:
        return format_km(env, kilometres)
    return env._(
        "%(miles)s mi (%(km)s)",
        miles=format_number(env, units.from_km(kilometres, units.MILES)),
        km=format_km(env, kilometres),
    )


def finding_message(env, finding, odometer_unit=units.KILOMETERS):
    """The finding's text in the user's language, distances in the dashboard's unit.

    The English templates live in the plain-Python checks module, wrapped in a no-op
    ``_lt`` so that Odoo's translation export picks them up for this addon; dates and
    numbers are written as the user's language writes them (res.lang).
    """
    return finding_text(
        env, finding.code, finding.params, finding.message, odometer_unit
    )


def finding_text(env, code, params, fallback, odometer_unit=units.KILOMETERS):
    """A finding's text from its ``code`` and ``params`` (as stored on a remark),
    in the reader's language; ``fallback`` when they do not make one."""
    template = checks.MESSAGES.get(code)
    if template is None or not isinstance(params, dict):
        return fallback
    try:
        return checks.render_message(
            env._(template),
            params,
            distance=lambda km: format_distance(env, km, odometer_unit),
            day=lambda day: format_day(env, day),
            number=lambda number: format_number(env, number),
        )
    except (KeyError, TypeError, ValueError):
        return fallback


def organisation_error_message(env, error, company=None):
    """Car-Pass's 403 on the organisation numbers: which number to check.

    ``company``: the establishment that called, to name its numbers.
    """
    _ = env._
    establishment = (company and company.carpass_establishment_number) or "?"
    if (
        payloads.ESTABLISHMENT_FIELD in error.fields
        and payloads.ENTERPRISE_FIELD not in error.fields
    ):
        return _(
            "Car-Pass answered that establishment %(establishment)s is not the one "
            "of the credentials: check the establishment number in the settings.",
            establishment=establishment,
        )
    return _(
        "Car-Pass answered that the enterprise number %(enterprise)s does not "
        "belong to establishment %(establishment)s: check the enterprise number in "
        "the settings.",
        enterprise=(company and company._carpass_enterprise()) or "?",
        establishment=establishment,
    )


def carpass_error_message(env, error, company=None):
    """Turn a protocol exception into a message for the user, in their language.

    ``company``: the establishment that called Car-Pass, named in the messages
    about its settings.
    """
    _ = env._
    if isinstance(error, CarpassOrganisationError):
        return organisation_error_message(env, error, company)
    if isinstance(error, CarpassAuthenticationError):
        return _(
            "Car-Pass refused the credentials: check the establishment number and the password."
        )
    if isinstance(error, CarpassValidationError):
        return _(
            "Car-Pass refused the data: %(details)s",
            details=refusal_details(env, error),
        )
    if isinstance(error, CarpassNotFoundError):
        return _("Car-Pass does not know this request.")
    if isinstance(error, CarpassUnavailableError) and error.maintenance:
        if moment := maintenance_retry_moment(env, error):
            return _(
                "Car-Pass is in maintenance and asks to try again from %(moment)s "
                "(Belgian time); the report will be sent again then.",
                moment=moment,
            )
        return _("Car-Pass is in maintenance; the report will be sent again later.")
    if isinstance(error, CarpassTimeoutError):
        return _(
            "Car-Pass did not answer in time; the report will be checked and sent again."
        )
    if isinstance(error, CarpassUnavailableError):
        return _(
            "Car-Pass cannot be reached right now; the report will be sent again later."
        )
    if isinstance(error, CarpassProtocolError):
        return _(
            "Car-Pass gave an unexpected answer; the report will be checked again later."
        )
    return _("Car-Pass error: %(message)s", message=error.message)


def refusal_details(env, error):
    """What Car-Pass refused, field by field, in the user's language.

    A known error code is explained (Car-Pass's English text stays in the call's
    exchange, for support); otherwise the field is named and Car-Pass's own words
    are quoted as such.
    """
    _ = env._
    parts = []
    for item in error.errors or [FieldError("", error.code or "", error.message)]:
        label = explanations.field_name(item.field)
        field = _(label) if label else item.field
        template = explanations.explain_field_error(item.code)
        if template:
            explained = _(template)
            parts.append(
                explained % {"field": field or _("data")}
                if "%(field)s" in template
                else explained
            )
        elif field:
            parts.append(
                _(
                    "the %(field)s (Car-Pass's words: “%(words)s”)",
                    field=field,
                    words=item.message or item.code,
                )
            )
        else:
            parts.append(
                _("Car-Pass's words: “%(words)s”", words=item.message or item.code)
            )
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts)


def remarks_text(env, issues):
    """Car-Pass's remarks (``payloads`` issues) in the user's language: a known code's
    meaning, else Car-Pass's own words quoted as such."""
    parts = []
    for issue in issues:
        if issue.code in explanations.ISSUE_EXPLANATIONS:
            parts.append(issue_explanation(env, issue.code)[0])
        else:
            parts.append(
                env._(
                    "Car-Pass's words: “%(words)s”", words=issue.message or issue.code
                )
            )
    return " ".join(parts)


def history_error_message(env, error, vin, reading, company=None):
    """A failed vehicle-history request as a message that says what to do next.

    Nothing is retried for a history: the user asks again. ``vin`` and ``reading``
    (km) are the ones sent, by ``company``.
    """
    _ = env._
    if isinstance(error, CarpassValidationError):
        if error.code == "WAITING_FOR_DIV":
            return _(
                "Car-Pass does not know the vehicle %(vin)s yet: its registration "
                "at the DIV is still pending. Request the history once the "
                "vehicle is registered.",
                vin=vin,
            )
        if error.code == "ACTION_REQUIRED":
            # Car-Pass's remarks, explained by their code (its English text stays
            # in the call's exchange).
            details = remarks_text(env, error.errors)
            return _(
                "Car-Pass flagged the reading %(reading)s km and issued no "
                "history (%(details)s). Check the VIN and the odometer, then "
                "request the history again.",
                reading=format_number(env, reading),
                details=details or error.message,
            )
    if isinstance(error, CarpassNotFoundError):
        return _(
            "Car-Pass does not know the vehicle %(vin)s or lost the request: "
            "check the VIN and request the history again.",
            vin=vin,
        )
    if isinstance(error, CarpassUnavailableError) and error.maintenance:
        if moment := maintenance_retry_moment(env, error):
            return _(
                "Car-Pass is in maintenance and issues no history now. Request it "
                "again from %(moment)s (Belgian time).",
                moment=moment,
            )
        return _(
            "Car-Pass is in maintenance and issues no history now. Request it "
            "again later."
        )
    if isinstance(error, CarpassTransientError):
        return _(
            "Car-Pass cannot be reached right now; no history was issued. "
            "Request it again in a few minutes."
        )
    return carpass_error_message(env, error, company)


def issue_explanation(env, code, source="carpass"):
    """An issue's (meaning, what to do, action) in the user's language.

    ``code`` is Car-Pass's issue code or a local check's; see carpass/explanations.py.
    The meaning is empty for a local finding, whose message already explains it.
    """
    explanation = explanations.explain_issue(code, source)
    params = explanations.explanation_params(code)
    meaning = env._(explanation.meaning) % params if explanation.meaning else ""
    return meaning, env._(explanation.todo) % params, explanation.action
