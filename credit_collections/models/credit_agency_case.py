from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

CASE_FILE_REPORT = "credit_collections.action_report_agency_case_file"
STATEMENT_REPORT = "credit_collections.action_report_followup_partner_statement"
INVOICE_REPORT = "account.account_invoices"


class CreditAgencyCase(models.Model):
    """A customer's overdue items placed with a collection agency by a hand-off level: what
    was placed and when, what the customer has paid since (recovered), and the agency's fee
    on it. The case closes itself when everything placed is paid; a Credit Manager recalls it,
    with a reason the agency is told."""

    _name = "credit.agency.case"
    _description = "Collection Agency Case"
    _inherit = ["mail.thread"]
    _order = "placed_on desc, id desc"
    _rec_name = "partner_id"

    followup_id = fields.Many2one(
        "credit.followup", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        related="followup_id.partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one(related="followup_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    agency_id = fields.Many2one("res.partner", required=True, readonly=True)
    communication_id = fields.Many2one(
        "credit.followup.communication", string="Hand-off", readonly=True
    )
    placed_on = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    line_ids = fields.Many2many(
        "account.move.line", string="Items Placed", readonly=True, copy=False
    )
    amount_placed = fields.Monetary(readonly=True, help="What the items owed when placed.")
    amount_open = fields.Monetary(
        compute="_compute_recovery", store=True, help="What the items placed still owe."
    )
    amount_recovered = fields.Monetary(
        compute="_compute_recovery",
        store=True,
        string="Recovered",
        help="Paid (or credited) on the items placed since the placement.",
    )
    fee_rate = fields.Float(
        string="Fee (%)", readonly=True, help="The agency's fee, on what it recovers."
    )
    fee_due = fields.Monetary(compute="_compute_recovery", store=True)
    state = fields.Selection(
        [
            ("placed", "Placed"),
            ("recovering", "Recovering"),
            ("recalled", "Recalled"),
            ("closed", "Closed"),
        ],
        compute="_compute_recovery",
        store=True,
        tracking=True,
        index=True,
    )
    case_file_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    recalled_on = fields.Date(readonly=True, copy=False)
    recall_reason = fields.Text(tracking=True, copy=False)

    @api.depends("line_ids.amount_residual", "amount_placed", "fee_rate", "recalled_on")
    def _compute_recovery(self):
        for case in self:
            currency = case.currency_id
            case.amount_open = currency.round(sum(case.line_ids.mapped("amount_residual")))
            case.amount_recovered = max(case.amount_placed - case.amount_open, 0.0)
            case.fee_due = currency.round(case.amount_recovered * case.fee_rate / 100)
            if case.recalled_on:
                case.state = "recalled"
            elif currency.is_zero(case.amount_open):
                case.state = "closed"
            elif currency.compare_amounts(case.amount_recovered, 0) > 0:
                case.state = "recovering"
            else:
                case.state = "placed"

    @api.model
    def _place(self, communication):
        """The case of a hand-off ``communication``: its items, with the level's agency."""
        level = communication.level_id
        return self.create(
            {
                "followup_id": communication.followup_id.id,
                "agency_id": level.agency_partner_id.id,
                "communication_id": communication.id,
                "placed_on": communication.date,
                "line_ids": communication.line_ids.ids,
                "amount_placed": sum(communication.line_ids.mapped("amount_residual")),
                "fee_rate": level.agency_fee_rate,
            }
        )

    def _send_file(self):
        """The case file, attached to the case and emailed to the agency: what was done."""
        self.ensure_one()
        self.case_file_id = self.env["ir.attachment"].create(
            {
                "name": self.env._("Case file - %s.pdf", self.partner_id.name),
                "raw": self._case_file_pdf(),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        if not self.agency_id.email:
            return self.env._(
                "case opened with %s (no email: the file is on the case)", self.agency_id.name
            )
        self.with_context(mail_notify_force_send=False).message_post(
            subject=self.env._("Collection file: %s", self.partner_id.name),
            body=self.env._(
                "Please collect %(amount)s from %(customer)s: the file is attached.",
                amount=self.currency_id.format(self.amount_placed),
                customer=self.partner_id.name,
            ),
            partner_ids=self.agency_id.ids,
            attachment_ids=self.case_file_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return self.env._("case opened, file sent to %s", self.agency_id.name)

    def _case_file_pdf(self):
        """One PDF: the case's summary, the customer's statement, then each invoice placed,
        each rendered on its own (Debian's wkhtmltopdf renders one document per process)."""
        reports = self.env["ir.actions.report"].with_context(report_pdf_no_attachment=True)
        documents = [(CASE_FILE_REPORT, self), (STATEMENT_REPORT, self.followup_id)] + [
            (INVOICE_REPORT, invoice) for invoice in self.line_ids.move_id.sorted("name")
        ]
        return merge_pdf(
            [
                reports._render_qweb_pdf_prepare_streams(report, {}, res_ids=record.ids)[record.id][
                    "stream"
                ].getvalue()
                for report, record in documents
            ]
        )

    def action_recall(self):
        """Take the case back from the agency (the customer paid, or settled with us)."""
        for case in self:
            if case.state in ("recalled", "closed"):
                raise UserError(self.env._("%s is already closed or recalled.", case.display_name))
            if not (case.recall_reason or "").strip():
                raise UserError(self.env._("Give the reason for the recall first."))
            case.recalled_on = fields.Date.context_today(case)
            case.message_post(
                body=self.env._(
                    "Case recalled from %(agency)s: %(reason)s",
                    agency=case.agency_id.name,
                    reason=case.recall_reason,
                ),
                partner_ids=case.agency_id.filtered("email").ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True
