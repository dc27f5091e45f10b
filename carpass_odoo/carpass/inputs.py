# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Type and range checks of every value the addon accepts from outside.

Values reach the models from forms, JSON-RPC and XML-RPC: a reading may come as
``"50000"``, ``1e12`` or ``None``, a VIN as ``123`` or with a NUL byte. These
functions return the value the database can store, or raise ``InvalidInput``
with a reason code (``REASONS``) the Odoo layer turns into a message in the
user's language. Nothing here imports Odoo.
"""

import math
import unicodedata
from datetime import date, datetime

# PostgreSQL's INTEGER column.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# A float beyond this loses the unit: no reading, threshold or amount gets near it.
FLOAT_LIMIT = 1e15
# Longer text is refused: no note, reason or description needs more.
MAX_TEXT_LENGTH = 10_000
# One-line fields (a VIN, a note, a URL) stay short.
MAX_CHAR_LENGTH = 1_000
# What the addon itself stores (an answer kept for support) is capped before.
MAX_STORED_TEXT_LENGTH = 1_000_000
# Line breaks and tabs are text; every other control character is not.
MULTILINE_CONTROLS = frozenset("\n\r\t")

NOT_TEXT = "not_text"
CONTROL_CHARACTERS = "control_characters"
TOO_LONG = "too_long"
NOT_INTEGER = "not_integer"
OUT_OF_RANGE = "out_of_range"
NOT_NUMBER = "not_number"
NOT_DATE = "not_date"
REQUIRED = "required"
NOT_CHOICE = "not_choice"
NOT_BOOLEAN = "not_boolean"
NOT_RECORD = "not_record"
REASONS = (
    NOT_TEXT,
    CONTROL_CHARACTERS,
    TOO_LONG,
    NOT_INTEGER,
    OUT_OF_RANGE,
    NOT_NUMBER,
    NOT_DATE,
    REQUIRED,
    NOT_CHOICE,
    NOT_BOOLEAN,
    NOT_RECORD,
)


class InvalidInput(ValueError):
    """A value of the wrong type or out of range.

    ``reason`` is one of ``REASONS``; ``limit`` the bound that was crossed (a
    length, a number) or None.
    """

    def __init__(self, reason, limit=None):
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


def is_empty(value):
    """False, None and empty strings or lists: what Odoo stores as NULL."""
    return value is None or value is False or value in ("", [], ())


def clean_text(value, multiline=False, max_length=None):
    """A str PostgreSQL stores as typed (an empty one too), or False for None/False.

    Refuses non-strings, NUL and other control characters (line breaks and tabs
    are allowed in ``multiline`` text), lone surrogates, and text longer than
    ``max_length`` characters (default: MAX_TEXT_LENGTH for multiline text,
    MAX_CHAR_LENGTH otherwise).
    """
    if value is None or value is False:
        return False
    if not isinstance(value, str):
        raise InvalidInput(NOT_TEXT)
    allowed = MULTILINE_CONTROLS if multiline else frozenset()
    for character in value:
        if character in allowed:
            continue
        if unicodedata.category(character) in ("Cc", "Cs"):
            raise InvalidInput(CONTROL_CHARACTERS)
    limit = max_length or (MAX_TEXT_LENGTH if multiline else MAX_CHAR_LENGTH)
    if len(value) > limit:
        raise InvalidInput(TOO_LONG, limit)
    return value


def clean_int(value, minimum=INT_MIN, maximum=INT_MAX):
    """An int within [minimum, maximum]; empty gives 0, as Odoo stores it.

    Accepts an int, a float with no fraction and a string of digits (with an
    optional sign), as Odoo's Integer field converts them; refuses booleans,
    other strings, fractions, infinities and NaN.
    """
    if value is None or value is False:
        return 0
    if isinstance(value, bool):
        raise InvalidInput(NOT_INTEGER)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits or not digits.isascii() or not digits.isdigit():
            raise InvalidInput(NOT_INTEGER)
        if len(digits) > 12:
            raise InvalidInput(OUT_OF_RANGE, maximum)
        value = int(text)
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise InvalidInput(NOT_INTEGER)
        if abs(value) > FLOAT_LIMIT:
            raise InvalidInput(OUT_OF_RANGE, maximum)
        value = int(value)
    elif not isinstance(value, int):
        raise InvalidInput(NOT_INTEGER)
    if not minimum <= value <= maximum:
        raise InvalidInput(OUT_OF_RANGE, maximum if value > maximum else minimum)
    return value


def clean_float(value, limit=FLOAT_LIMIT):
    """A finite float of absolute value at most ``limit``; empty gives 0.0."""
    if value is None or value is False:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(NOT_NUMBER)
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(NOT_NUMBER) from None
    if not math.isfinite(number):
        raise InvalidInput(NOT_NUMBER)
    if abs(number) > limit:
        raise InvalidInput(OUT_OF_RANGE, limit)
    return number


def clean_date(value, required=False, minimum=None, maximum=None):
    """A date (from a date or an ISO ``YYYY-MM-DD`` string) or False when empty.

    Refuses other types and strings, empty values when ``required``, and dates
    outside [minimum, maximum] when given.
    """
    if is_empty(value) or value == 0:
        if required:
            raise InvalidInput(REQUIRED)
        return False
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        text = value.strip()[:10]
        if len(text) != 10 or not text.isascii():
            raise InvalidInput(NOT_DATE)
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(NOT_DATE) from None
    elif not isinstance(value, date):
        raise InvalidInput(NOT_DATE)
    if minimum and value < minimum:
        raise InvalidInput(OUT_OF_RANGE, minimum)
    if maximum and value > maximum:
        raise InvalidInput(OUT_OF_RANGE, maximum)
    return value


def clean_datetime(value, required=False):
    """A datetime (from a datetime or an ISO ``YYYY-MM-DD HH:MM:SS`` string) or False."""
    if is_empty(value) or value == 0:
        if required:
            raise InvalidInput(REQUIRED)
        return False
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str) or not value.isascii() or len(value) > 32:
        raise InvalidInput(NOT_DATE)
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(NOT_DATE) from None


def clean_boolean(value):
    """A bool from a bool, 0/1 or None."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise InvalidInput(NOT_BOOLEAN)


def clean_choice(value, choices, required=False):
    """One of ``choices`` (an iterable of keys), or False when empty."""
    if is_empty(value):
        if required:
            raise InvalidInput(REQUIRED)
        return False
    if not isinstance(value, str) or value not in set(choices):
        raise InvalidInput(NOT_CHOICE)
    return value


def clean_record_id(value, required=False):
    """A record id (positive int) or False when empty.

    Odoo's forms may send a pair ``(id, name)`` or a dict ``{"id": ...}``.
    """
    if isinstance(value, list | tuple) and len(value) == 2:
        value = value[0]
    elif isinstance(value, dict):
        value = value.get("id")
    if is_empty(value) or value == 0:
        if required:
            raise InvalidInput(REQUIRED)
        return False
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(NOT_RECORD)
    if not 0 < value <= INT_MAX:
        raise InvalidInput(NOT_RECORD)
    return value


def clean_commands(value):
    """Odoo's x2many commands (or a plain list of ids); returns (commands, ids).

    Each command is a list or tuple: ``(0, 0, values)`` create, ``(1, id, values)``
    update, ``(2, id)``/``(3, id)``/``(4, id)`` delete, unlink, link, ``(5,)``
    clear, ``(6, 0, ids)`` set. ``ids`` are the ids the commands name, to check
    that they exist. Anything else raises InvalidInput(NOT_RECORD).
    """
    if value is None or value is False:
        return False, []
    if not isinstance(value, list | tuple):
        raise InvalidInput(NOT_RECORD)
    ids = []
    for command in value:
        if isinstance(command, int) and not isinstance(command, bool):
            ids.append(clean_record_id(command, required=True))
            continue
        if not isinstance(command, list | tuple) or not command:
            raise InvalidInput(NOT_RECORD)
        code = command[0]
        if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 6:
            raise InvalidInput(NOT_RECORD)
        if code in (1, 2, 3, 4):
            if len(command) < 2:
                raise InvalidInput(NOT_RECORD)
            ids.append(clean_record_id(command[1], required=True))
        if code in (0, 1) and (len(command) < 3 or not isinstance(command[2], dict)):
            raise InvalidInput(NOT_RECORD)
        if code == 6:
            if len(command) < 3 or not isinstance(command[2], list | tuple):
                raise InvalidInput(NOT_RECORD)
            ids.extend(clean_record_id(item, required=True) for item in command[2])
    return value, ids
