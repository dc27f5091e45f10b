# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""carpass/inputs.py: what each cleaner accepts, converts and refuses. Plain pytest."""

import math
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass import inputs  # noqa: E402

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.binary(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dates(),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def test_integers_convert_like_odoo_and_stay_in_range():
    assert inputs.clean_int(" 42 ") == 42
    assert inputs.clean_int("-7") == -7
    assert inputs.clean_int(None) == 0
    assert inputs.clean_int(12.0) == 12
    for value in (2**31, "9" * 40, "12a", 1.5, True, float("nan"), 1e12, [], "٣"):
        with pytest.raises(inputs.InvalidInput):
            inputs.clean_int(value)


def test_text_refuses_controls_surrogates_and_length():
    assert inputs.clean_text("a\nb", multiline=True) == "a\nb"
    assert inputs.clean_text("") == ""
    assert inputs.clean_text(None) is False
    for value, multiline in (
        ("a\nb", False),
        ("a\x00b", True),
        ("\ud800", True),
        ("x" * (inputs.MAX_TEXT_LENGTH + 1), True),
        (123, False),
    ):
        with pytest.raises(inputs.InvalidInput):
            inputs.clean_text(value, multiline=multiline)


def test_dates():
    assert inputs.clean_date("2026-01-31") == date(2026, 1, 31)
    assert inputs.clean_date("") is False
    for value in ("2026-02-30", "yesterday", 0, [], 20260101):
        with pytest.raises(inputs.InvalidInput):
            inputs.clean_date(value, required=True)
    with pytest.raises(inputs.InvalidInput):
        inputs.clean_date(date(1900, 1, 1), minimum=date(2000, 1, 1))


def test_floats_records_choices_booleans():
    assert inputs.clean_float("1.5") == 1.5
    assert inputs.clean_record_id([3, "name"]) == 3
    assert inputs.clean_choice("km", ["km", "miles"]) == "km"
    assert inputs.clean_boolean(1) is True
    assert inputs.clean_commands([(6, 0, [3, 4]), (4, 5)]) == (
        [(6, 0, [3, 4]), (4, 5)],
        [3, 4, 5],
    )
    for call in (
        lambda: inputs.clean_float(float("inf")),
        lambda: inputs.clean_float(1e300),
        lambda: inputs.clean_record_id(-1),
        lambda: inputs.clean_record_id("3"),
        lambda: inputs.clean_choice("parsec", ["km", "miles"]),
        lambda: inputs.clean_boolean("false"),
        lambda: inputs.clean_commands(""),
        lambda: inputs.clean_commands([(6, 0, "1")]),
        lambda: inputs.clean_commands([(9, 1)]),
    ):
        with pytest.raises(inputs.InvalidInput):
            call()


@settings(max_examples=600, deadline=None)
@given(value=ANY_VALUE)
def test_every_cleaner_returns_a_storable_value_or_refuses(value):
    """Whatever comes in: a value of the right type, or InvalidInput, nothing else."""
    cleaners = (
        (inputs.clean_int, int),
        (inputs.clean_float, float),
        (inputs.clean_text, str),
        (inputs.clean_date, date),
        (inputs.clean_boolean, bool),
        (inputs.clean_record_id, int),
    )
    for cleaner, kind in cleaners:
        try:
            cleaned = cleaner(value)
        except inputs.InvalidInput as error:
            assert error.reason in inputs.REASONS
            continue
        assert cleaned is False or isinstance(cleaned, kind)
        if kind is int and cleaned is not False:
            assert inputs.INT_MIN <= cleaned <= inputs.INT_MAX
        if kind is float:
            assert math.isfinite(cleaned)
        if kind is str and cleaned:
            cleaned.encode("utf-8")
            assert "\x00" not in cleaned
