# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Translated texts for what the plain-Python protocol layer reports in English."""

from ..carpass import checks
from ..carpass.exceptions import (
    CarpassAuthenticationError,
    CarpassNotFoundError,
    CarpassProtocolError,
    CarpassTimeoutError,
    CarpassUnavailableError,
    CarpassValidationError,
)


def finding_message(env, finding):
    """The finding's text in the user's language.

    The English templates live in the plain-Python checks module, wrapped in a no-op
    ``_lt`` so that Odoo's translation export picks them up for this addon.
    """
    template = checks.MESSAGES.get(finding.code)
    if template is None:
        return finding.message
    try:
        return env._(template) % finding.params
    except (KeyError, TypeError, ValueError):
        return finding.message


def carpass_error_message(env, error):
    """Turn a protocol exception into a message for the user, in their language."""
    _ = env._
    if isinstance(error, CarpassAuthenticationError):
        return _(
            "Car-Pass refused the credentials: check the establishment number and the password."
        )
    if isinstance(error, CarpassValidationError):
        details = "; ".join(
            f"{item.field}: {item.message}" if item.field else item.message
            for item in error.errors
        )
        return _(
            "Car-Pass refused the data: %(details)s", details=details or error.message
        )
    if isinstance(error, CarpassNotFoundError):
        return _("Car-Pass does not know this request.")
    if isinstance(error, CarpassUnavailableError) and error.maintenance:
        return _(
            "Car-Pass is in its maintenance window (Thursday 19:00-24:00); "
            "the report will be sent again later."
        )
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
