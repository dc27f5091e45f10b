# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Telling the patched wkhtmltopdf build from a distribution's. Plain pytest, no Odoo."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "carpass_odoo"))

from carpass.wkhtmltopdf import converts_one_document  # noqa: E402


@pytest.mark.parametrize(
    "version_output",
    [
        "wkhtmltopdf 0.12.6\n",  # Debian 12, Ubuntu 22.04
        "wkhtmltopdf 0.12.5\n",
        "wkhtmltopdf 0.12.4",
    ],
)
def test_distribution_builds_convert_one_document(version_output):
    assert converts_one_document(version_output)


@pytest.mark.parametrize(
    "version_output",
    [
        "wkhtmltopdf 0.12.6.1 (with patched qt)\n",  # wkhtmltopdf.org, as Odoo documents
        "wkhtmltopdf 0.12.5 (with patched qt)\n",
        "WKHTMLTOPDF 0.12.6.1 (WITH PATCHED QT)",
    ],
)
def test_patched_builds_convert_many_documents(version_output):
    assert not converts_one_document(version_output)


@pytest.mark.parametrize("version_output", ["", "\n", None])
def test_no_output_is_left_to_odoo(version_output):
    assert not converts_one_document(version_output)
