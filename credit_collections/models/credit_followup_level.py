from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditFollowupLevel(models.Model):
    """One rung of a follow-up ladder: what is done when a customer's invoices reach it.

    A level is reached by an open invoice when it is ``offset_days`` past its due date (negative:
    before it), provided what is owed on the invoices that reached it, less the customer's
    unapplied credits, is at least ``min_amount``. Levels of a ladder are ordered by their offset.
    """

    _name = "credit.followup.level"
    _description = "Follow-up Level"
    _order = "policy_id, offset_days, id"

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one(
        "credit.followup.policy", string="Ladder", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    offset_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Negative for a courtesy reminder before the due date.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    min_amount = fields.Monetary(
        string="Minimum Amount",
        help="In the currency of the company dunned (a shared ladder: of each company): "
        "smaller balances do not reach this level.",
    )
    fee_amount = fields.Monetary(
        string="Fee",
        help="Charged to the customer once per communication of this level, on the next "
        "late-charges run after it went out (in the currency of the company dunned).",
    )
    trigger = fields.Selection(
        [("auto", "Automatic"), ("manual", "Manual")],
        required=True,
        default="auto",
        help="Manual: the run marks the customer for a collector, who sends it from the "
        "follow-up screen.",
    )
    skippable = fields.Boolean(
        help="A customer whose invoices are already past later levels goes beyond this one "
        "without it being sent (a courtesy reminder, say). Other levels are never skipped: "
        "each is sent before the next.",
    )
    send_email = fields.Boolean(string="Email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "credit.followup.communication")],
    )
    send_sms = fields.Boolean(string="SMS")
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "credit.followup.communication")],
    )
    schedule_call = fields.Boolean(
        string="Phone Call", help="A call activity for the customer's collector."
    )
    send_letter = fields.Boolean(
        string="Demand Letter",
        help="A formal demand letter rendered as PDF, attached to the email and to the customer.",
    )
    agency_handoff = fields.Boolean(
        string="Agency Hand-off",
        help="The statement goes to the collection agency (if set) and a Credit Manager gets an "
        "activity to hand the file over.",
    )
    agency_partner_id = fields.Many2one("res.partner", string="Collection Agency")
    agency_fee_rate = fields.Float(
        string="Agency Fee (%)",
        help="The agency's fee on what it recovers, recorded on each case it is handed.",
    )
    effect = fields.Selection(
        [("none", "None"), ("hold", "Credit hold"), ("suspend", "Suspend account")],
        required=True,
        default="none",
        help="Credit hold: new orders are held for a Credit Manager. Suspension: the same, and "
        "the customer's follow-up is handed off (no further automatic reminders).",
    )

    _unique_offset = models.Constraint(
        "UNIQUE (policy_id, offset_days)",
        "Two levels of a ladder cannot share the same number of days: levels are strictly "
        "ordered by it.",
    )
    _check_min_amount = models.Constraint(
        "CHECK (min_amount >= 0)", "A level's minimum amount cannot be negative."
    )
    _check_fee_amount = models.Constraint(
        "CHECK (fee_amount IS NULL OR fee_amount >= 0)", "A level's fee cannot be negative."
    )
    _check_offset_days = models.Constraint(
        "CHECK (offset_days BETWEEN -365 AND 3650)",
        "A level comes at most a year before the due date and ten years after it.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for level in self:
            level.currency_id = (level.company_id or self.env.company).currency_id

    @api.constrains(
        "send_email",
        "mail_template_id",
        "send_sms",
        "sms_template_id",
        "schedule_call",
        "send_letter",
        "agency_handoff",
        "effect",
    )
    def _check_channels(self):
        for level in self:
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._("Level %s sends an email: choose its email template.", level.name)
                )
            if level.send_sms and not level.sms_template_id:
                raise ValidationError(
                    self.env._("Level %s sends an SMS: choose its SMS template.", level.name)
                )
            if not level._actions():
                raise ValidationError(
                    self.env._(
                        "Level %s does nothing: give it a channel (email, SMS, call, letter, "
                        "agency) or an effect.",
                        level.name,
                    )
                )

    @api.constrains("offset_days", "effect", "policy_id")
    def _check_effects_escalate(self):
        """A lighter effect after a heavier one would release customers as they age."""
        rank = {"none": 0, "hold": 1, "suspend": 2}
        for policy in self.policy_id:
            strongest = "none"
            for level in policy.level_ids.sorted("offset_days"):
                if level.effect != "none" and rank[level.effect] < rank[strongest]:
                    raise ValidationError(
                        self.env._(
                            "Level %(level)s of ladder %(ladder)s puts a credit hold after a "
                            "level that suspends the account: order the levels by severity.",
                            level=level.name,
                            ladder=policy.name,
                        )
                    )
                strongest = max(strongest, level.effect, key=rank.get)

    def _actions(self):
        """The channels and effect of the level, as labels (for messages and checks)."""
        self.ensure_one()
        labels = [
            self.env._("email") if self.send_email else None,
            self.env._("SMS") if self.send_sms else None,
            self.env._("call") if self.schedule_call else None,
            self.env._("demand letter") if self.send_letter else None,
            self.env._("agency hand-off") if self.agency_handoff else None,
            dict(self._fields["effect"]._description_selection(self.env)).get(self.effect)
            if self.effect != "none"
            else None,
        ]
        return [label for label in labels if label]

    def _next_step(self, current, target):
        """Of these levels (a ladder, in order), the level to reach now on the way from
        ``current`` to ``target`` (``current`` possibly empty): one level at a time, except
        over the levels marked as skippable."""
        for level in self:
            if current and level.offset_days <= current.offset_days:
                continue
            if level.offset_days >= target.offset_days or not level.skippable:
                return level
        return target
