# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors raised by the Car-Pass client.

Every message is safe to show and to log: it never holds a password or an
Authorization header. The Odoo layer maps each class to a translated message.
"""

import json
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


class CarpassOrganisationError(CarpassAuthenticationError):
    """The organisation numbers sent are not the authenticated establishment's (403).

    ``fields`` names what did not match (``payloads.ENTERPRISE_FIELD``,
    ``payloads.ESTABLISHMENT_FIELD``): a settings problem, not the password.
    """

    def __init__(self, message, *, fields=(), **kwargs):
        super().__init__(message, **kwargs)
        self.fields = tuple(fields)


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
    """Car-Pass answered something this client cannot understand or use.

    ``request_guid`` is set when the answer named a usable request GUID: Car-Pass
    then holds the observation whatever else the answer said, and it must never
    be created again. ``answer`` is the answer as safe text for support (ASCII,
    control characters escaped, capped at ANSWER_EXCERPT_LENGTH characters);
    the client masks secrets and personal data in it before raising.
    """

    def __init__(self, message, *, request_guid=None, answer=None, **kwargs):
        super().__init__(message, **kwargs)
        self.request_guid = request_guid
        self.answer = answer_excerpt(answer)


class CarpassLookupUnsupportedError(CarpassError):
    """The look-up of an observation by our reference is not available.

    Raised for any non-2xx answer to the look-up that is not a temporary
    failure (404, 405, 501, other 4xx): the look-up is our own guess, so such an
    answer says nothing about whether the observation arrived. The caller must
    not send again automatically; a person checks at Car-Pass first.
    """


# Answers kept for support are cut to this many characters.
ANSWER_EXCERPT_LENGTH = 4000


def answer_excerpt(answer, limit=ANSWER_EXCERPT_LENGTH):
    """Any answer (bytes, text or decoded JSON) as safe, capped ASCII text.

    Every character that is not printable ASCII is escaped (NUL becomes
    ``\\x00``, a lone surrogate ``\\ud800``), so the text can go into a
    database column and a log line whatever Car-Pass sent. None stays None.
    """
    if answer is None:
        return None
    if isinstance(answer, bytes):
        text = answer[: limit * 2].decode("utf-8", "backslashreplace")
    elif isinstance(answer, str):
        text = answer[: limit * 2]
    else:
        try:
            text = json.dumps(answer, ensure_ascii=True, default=str)
        except (TypeError, ValueError, RecursionError):
            text = repr(answer)
    escaped = "".join(
        character
        if (" " <= character <= "~") or character in "\n\t"
        else character.encode("unicode_escape", "backslashreplace").decode("ascii")
        for character in text[: limit * 2]
    )
    if len(escaped) > limit:
        return escaped[:limit] + "…"
    return escaped
