# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which wkhtmltopdf build prints the reports. Plain Python, never imports odoo.

wkhtmltopdf.org's builds (e.g. 0.12.6.1, the one Odoo documents) are linked to a patched
Qt and say so in ``wkhtmltopdf --version``: "wkhtmltopdf 0.12.6.1 (with patched qt)".
Distribution packages (Debian's and Ubuntu's "wkhtmltopdf 0.12.6") use the system's
unpatched Qt: they convert one HTML document per call and ignore --header-html and
--footer-html ("This version of wkhtmltopdf is built against an unpatched version of
QT, and does not support more than one input document.").
"""


def converts_one_document(version_output):
    """Whether the build that printed ``version_output`` converts one document per call.

    :param version_output: what ``wkhtmltopdf --version`` wrote on stdout (str)
    :return: True for a build on an unpatched Qt; False for a patched build, and for
        an empty output (no usable binary: Odoo reports that itself).
    """
    text = (version_output or "").strip().lower()
    return bool(text) and "with patched qt" not in text
