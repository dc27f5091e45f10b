# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a failed call means for a report: try again by itself, or ask a person.

Plain decisions on the protocol's exceptions, so that no guess about the
Car-Pass API can report a reading twice:
- a look-up Car-Pass does not answer (CarpassLookupUnsupportedError) says
  nothing about whether the observation arrived: nothing is sent again by
  itself, a person checks at Car-Pass and then sends again by hand;
- an answer naming a usable request GUID but otherwise unusable means
  Car-Pass holds the observation: its GUID is kept and nothing is repeated by
  itself (a person's "send" asks for its status first);
- every other failure is tried again by itself, at most MAX_AUTOMATIC_ATTEMPTS
  times in a row, then it waits for a person.
"""

from dataclasses import dataclass

from .exceptions import (
    CarpassLookupUnsupportedError,
    CarpassProtocolError,
    CarpassTransientError,
)

# Automatic attempts (sends, look-ups) in a row before a report waits for a
# person; with the 1, 2, 4 ... minute backoff capped at 4 hours this spans
# about a day.
MAX_AUTOMATIC_ATTEMPTS = 12


@dataclass(frozen=True)
class FailurePlan:
    """What to do after a failed call.

    ``retry``: the retry cron may try again by itself (after the backoff).
    ``outcome_unknown``: Car-Pass may hold the observation; never create it
    again without looking it up or a person's word.
    ``check_at_carpass``: a person must check at Car-Pass before it is sent
    again (the look-up is unavailable).
    ``attempts_exhausted``: the automatic attempts are used up.
    ``request_guid``: the GUID an otherwise unusable answer named, or None.
    """

    retry: bool
    outcome_unknown: bool
    check_at_carpass: bool = False
    attempts_exhausted: bool = False
    request_guid: str | None = None


def plan_after_failure(error, *, outcome_was_unknown, attempts):
    """The plan for ``error`` (a CarpassError) after ``attempts`` automatic
    attempts in a row (this one included); ``outcome_was_unknown`` is the
    registration's state before the call."""
    request_guid = (
        error.request_guid if isinstance(error, CarpassProtocolError) else None
    )
    if request_guid:
        # Car-Pass holds it: what it holds is asked (status) before anything
        # else is sent, and only when a person asks for it.
        return FailurePlan(retry=False, outcome_unknown=True, request_guid=request_guid)
    if isinstance(error, CarpassLookupUnsupportedError):
        return FailurePlan(retry=False, outcome_unknown=True, check_at_carpass=True)
    outcome_unknown = outcome_was_unknown or error.outcome_unknown
    retry = isinstance(error, CarpassTransientError) or outcome_unknown
    if retry and attempts >= MAX_AUTOMATIC_ATTEMPTS:
        return FailurePlan(
            retry=False,
            outcome_unknown=outcome_unknown,
            check_at_carpass=outcome_unknown,
            attempts_exhausted=True,
        )
    return FailurePlan(retry=retry, outcome_unknown=outcome_unknown)
