# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors raised by the Car-Pass client.

Every message is safe to show and to log: it never holds a password or an
Authorization header. The Odoo layer maps each class to a translated message.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem Car-Pass found in a request, in Car-Pass's own words."""

    field: str
    code: str
    message: str


class CarpassError(Exception):
    """Base class: something went wrong talking to Car-Pass.

    ``outcome_unknown`` is True when the request may have been processed even
    though no usable answer came back; the caller must then look the result up
    (``find_observation`` or ``get_status``) before sending again.
    """

    def __init__(self, message, *, status_code=None, code=None, outcome_unknown=False):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.outcome_unknown = outcome_unknown

    def __str__(self):
        return self.message


class CarpassAuthenticationError(CarpassError):
    """Credentials refused (401) or not allowed for this organisation (403)."""


class CarpassValidationError(CarpassError):
    """Car-Pass refused the data (400/422) or the action in the current state (409)."""

    def __init__(self, message, *, errors=(), **kwargs):
        super().__init__(message, **kwargs)
        self.errors = list(errors)


class CarpassNotFoundError(CarpassError):
    """Unknown request GUID or resource (404)."""


class CarpassTransientError(CarpassError):
    """Temporary failure: try again later."""


class CarpassUnavailableError(CarpassTransientError):
    """Car-Pass answered 5xx/429 or could not be reached."""

    def __init__(self, message, *, maintenance=False, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.maintenance = maintenance
        self.retry_after = retry_after


class CarpassTimeoutError(CarpassTransientError):
    """No answer within the configured timeout."""


class CarpassProtocolError(CarpassError):
    """Car-Pass answered something this client cannot understand."""
