from odoo import api, fields, models

# Advisory lock space of the late-charges run (``pg_try_advisory_xact_lock(space, customer)``):
# two workers never charge the same customer at once.
CHARGE_LOCK_SPACE = 0x43434C43


class CreditLateCharge(models.Model):
    """One charge for paying late: the interest of one invoice for one month, the fixed
    compensation of one late invoice, or the fee of one follow-up communication.

    Written by the late-charges run (``credit_late_charge_run.py``) in the transaction that
    posts the customer invoice charging it; the unique indexes make a second writer of the same
    charge fail instead of charging twice. A Credit Manager may waive it (a credit note).
    """

    _name = "credit.late.charge"
    _description = "Late-Payment Charge"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "kind"

    kind = fields.Selection(
        [
            ("interest", "Interest"),
            ("compensation", "Compensation"),
            ("fee", "Follow-up Fee"),
        ],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("charged", "Charged"), ("waived", "Waived")],
        default="charged",
        required=True,
        readonly=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(string="Charged On", required=True, readonly=True)
    line_id = fields.Many2one(
        "account.move.line", string="Late Item", readonly=True, index=True, ondelete="restrict"
    )
    invoice_id = fields.Many2one(
        "account.move", string="Late Invoice", readonly=True, index=True, ondelete="restrict"
    )
    communication_id = fields.Many2one(
        "credit.followup.communication",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    period_start = fields.Date(string="Month", readonly=True, help="Interest: the month charged.")
    date_from = fields.Date(string="Interest From", readonly=True)
    date_to = fields.Date(string="Interest To", readonly=True)
    amount = fields.Monetary(readonly=True)
    computation = fields.Text(readonly=True, help="How the amount was computed.")
    move_id = fields.Many2one(
        "account.move",
        string="Charge Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Charge Line", readonly=True, ondelete="restrict"
    )
    waive_reason = fields.Text(readonly=True)
    waive_move_id = fields.Many2one(
        "account.move", string="Waiver Credit Note", readonly=True, ondelete="restrict"
    )

    _interest_once = models.UniqueIndex(
        "(line_id, period_start) WHERE kind = 'interest'",
        "An invoice's interest is charged once per month.",
    )
    _compensation_once = models.UniqueIndex(
        "(line_id) WHERE kind = 'compensation'",
        "A late invoice's compensation is charged once.",
    )
    _fee_once = models.UniqueIndex(
        "(communication_id) WHERE kind = 'fee'",
        "A communication's fee is charged once.",
    )

    @api.depends("kind", "invoice_id", "communication_id", "period_start")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"].selection)
        for charge in self:
            subject = charge.invoice_id.name or charge.communication_id.level_id.name or ""
            charge.display_name = " ".join(
                filter(
                    None,
                    [
                        kinds.get(charge.kind),
                        subject,
                        charge.period_start and charge.period_start.strftime("%Y-%m"),
                    ],
                )
            )

    def action_waive(self):
        """The waiver wizard (a Credit Manager gives the reason)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive Charges"),
            "res_model": "credit.late.charge.waive",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_charge_ids": self.filtered(lambda c: c.state == "charged").ids},
        }
