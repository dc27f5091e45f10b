# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PDF reports with the wkhtmltopdf that Debian ships (0.12.6 built on an unpatched Qt).

That build converts one HTML document per call and ignores ``--header-html`` and
``--footer-html``. Odoo passes one body file per record in a single call, so printing a
selection makes it exit with code 1 and an empty PDF (``EmptyFileError`` when Odoo reads
it), whatever the report. With that build only, each body is converted on its own and
the PDFs are merged; the patched build (0.12.6.1, "with patched qt") keeps Odoo's single
call. See docs/deployment-reports.md.
"""

import functools
import io
import logging
import subprocess

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from ..carpass.wkhtmltopdf import converts_one_document

_logger = logging.getLogger(__name__)


@functools.cache
def wkhtmltopdf_takes_one_document():
    """Whether the installed wkhtmltopdf converts only one HTML document per call.

    Asked once per server process (the binary does not change while it runs).

    :return: True for a build on an unpatched Qt (e.g. Debian's ``0.12.6``), see
        :func:`converts_one_document`; False for the patched build or when no
        wkhtmltopdf runs (Odoo then reports the missing binary itself).
    """
    binary = _get_wkhtmltopdf_bin()
    if not binary:
        return False
    try:
        version = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    takes_one = converts_one_document(version)
    if takes_one:
        _logger.info(
            "%s is built on an unpatched Qt: reports are rendered one record at a "
            "time, without header and footer.",
            version.strip(),
        )
    return takes_one


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Render a selection of the addon's records one by one, when needed.

        Only with a wkhtmltopdf that takes one document, and only for reports on this
        addon's models (``carpass.*``): each record then gets its own PDF and its own
        attachment, whatever its number of pages, as Odoo gives them with the patched
        build. Other reports keep Odoo's flow; :meth:`_run_wkhtmltopdf` converts their
        pages one by one. A selection holding the same record twice is one merged
        document, as in Odoo.
        """
        if not (
            res_ids
            and len(res_ids) > 1
            and wkhtmltopdf_takes_one_document()
            and self._get_report(report_ref).model.startswith("carpass.")
        ):
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        collected_streams = {}
        for res_id in res_ids:
            streams = super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=[res_id]
            )
            if len(res_ids) == len(set(res_ids)):
                collected_streams.update(streams)
            else:
                collected_streams.setdefault(False, []).extend(
                    stream_data["stream"] for stream_data in streams.values()
                )
        if False in collected_streams:
            merged = self._merge_pdfs(collected_streams[False])
            return {False: {"stream": merged, "attachment": None}}
        return collected_streams

    @api.model
    def _run_wkhtmltopdf(
        self, bodies, report_ref=False, header=None, footer=None, **options
    ):
        """Convert one body per call and merge when wkhtmltopdf takes one document.

        Header and footer are left out with that build: it ignores them anyway, with a
        warning in the log at every print. ``options`` are Odoo's other keyword
        arguments (landscape, paper format, viewport), passed on as they are.

        :return: the PDF, as bytes
        """
        if not wkhtmltopdf_takes_one_document():
            return super()._run_wkhtmltopdf(
                bodies, report_ref=report_ref, header=header, footer=footer, **options
            )
        pdfs = [
            super(IrActionsReport, self)._run_wkhtmltopdf(
                [body], report_ref=report_ref, **options
            )
            for body in bodies
        ]
        if len(pdfs) == 1:
            return pdfs[0]
        streams = [io.BytesIO(pdf) for pdf in pdfs]
        return self._merge_pdfs(streams).getvalue()
