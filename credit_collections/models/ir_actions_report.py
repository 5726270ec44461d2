from odoo import models

REPORT_PREFIX = "credit_collections."


class IrActionsReport(models.Model):
    """The addon's reports are plain QWeb with no JavaScript to wait for: wkhtmltopdf renders
    them without Odoo's print delay (``report.print_delay``, a second by default), which is most
    of a follow-up PDF's time. Other reports keep the delay."""

    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        if report_ref and self._get_report(report_ref).report_name.startswith(REPORT_PREFIX):
            self = self.with_context(credit_no_print_delay=True)
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(*args, **kwargs)
        if self.env.context.get("credit_no_print_delay") and "--javascript-delay" in command_args:
            command_args[command_args.index("--javascript-delay") + 1] = "0"
        return command_args
