from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReportPrintDelay(TransactionCase):
    """The addon's PDFs are rendered without Odoo's print delay; other reports keep it."""

    def test_our_reports_skip_the_delay_others_keep_it(self):
        reports = self.env["ir.actions.report"]
        self.env["ir.config_parameter"].sudo().set_param("report.print_delay", "1000")
        captured = {}
        build = type(reports)._build_wkhtmltopdf_args

        def capture(records, *args, **kwargs):
            captured["args"] = build(records, *args, **kwargs)
            raise StopIteration  # wkhtmltopdf itself is not needed to read the arguments

        for report_ref, delay in (
            ("credit_collections.action_report_followup_statement", "0"),
            ("account.account_invoices", "1000"),
        ):
            with self.subTest(report=report_ref):
                self.patch(type(reports), "_build_wkhtmltopdf_args", capture)
                with self.assertRaises(StopIteration):
                    reports._run_wkhtmltopdf(["<html/>"], report_ref=report_ref)
                args = captured["args"]
                self.assertEqual(args[args.index("--javascript-delay") + 1], delay)
