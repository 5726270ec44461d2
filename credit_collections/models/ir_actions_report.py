import functools
import logging

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _wkhtml

_logger = logging.getLogger(__name__)

REPORT_PREFIX = "credit_collections."


@functools.cache
def _log_slow_path():
    _logger.warning(
        "wkhtmltopdf %s at %s is built on an unpatched Qt: follow-up PDFs render one process per "
        "document, without the letterhead's header and footer. Put a build on patched Qt first "
        "on Odoo's PATH (the project's set-up does).",
        _wkhtml().version,
        _wkhtml().bin,
    )


class IrActionsReport(models.Model):
    """How wkhtmltopdf renders: the addon's reports without Odoo's print delay, and several
    documents in one process when the build allows it."""

    _inherit = "ir.actions.report"

    @api.model
    def _renders_several_documents_at_once(self):
        """Whether one wkhtmltopdf call can render a batch (a build on patched Qt, which also
        prints the letterhead); otherwise each PDF is its own process, logged once."""
        if not _wkhtml().is_patched_qt:
            _log_slow_path()
        return _wkhtml().is_patched_qt

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        if report_ref and self._get_report(report_ref).report_name.startswith(REPORT_PREFIX):
            self = self.with_context(credit_no_print_delay=True)
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        """The addon's reports are plain QWeb with no JavaScript to wait for: no print delay
        (``report.print_delay``, a second by default, most of a follow-up PDF's time)."""
        command_args = super()._build_wkhtmltopdf_args(*args, **kwargs)
        if self.env.context.get("credit_no_print_delay") and "--javascript-delay" in command_args:
            command_args[command_args.index("--javascript-delay") + 1] = "0"
        return command_args
