import functools
import logging
import subprocess

from odoo import models
from odoo.tools.pdf import merge_pdf

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)


@functools.cache
def _wkhtmltopdf_takes_several_documents():
    """Only a wkhtmltopdf built on its patched Qt accepts several input documents.

    Debian's wkhtmltopdf 0.12.6 (unpatched Qt) exits 1 with "unknown error" as soon as it
    is given two input files, and Odoo gives it one per record: printing two certificates,
    a batch of letters or two invoices failed with an empty file.
    """
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version.lower()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, *args, **kwargs):
        if len(bodies) <= 1 or _wkhtmltopdf_takes_several_documents():
            return super()._run_wkhtmltopdf(bodies, *args, **kwargs)
        # One document per call, merged: the batch prints whatever the wkhtmltopdf build.
        _logger.debug("unpatched wkhtmltopdf: %s documents printed one by one", len(bodies))
        return merge_pdf(
            [
                super(IrActionsReport, self)._run_wkhtmltopdf([body], *args, **kwargs)
                for body in bodies
            ]
        )
