from odoo import fields, models


class CreditFollowupPolicy(models.Model):
    """An escalation ladder: the follow-up levels a customer goes through as invoices age.

    Each delinquency category points to a ladder; a customer climbs the ladder of its category.
    A ladder with no company is shared by every company.
    """

    _name = "credit.followup.policy"
    _description = "Follow-up Ladder"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: shared by every company.")
    level_ids = fields.One2many("credit.followup.level", "policy_id", string="Levels", copy=True)
    category_ids = fields.One2many(
        "credit.delinquency.category", "policy_id", string="Delinquency Categories"
    )
    max_attempts = fields.Integer(
        string="Delivery Attempts",
        default=3,
        help="A reminder or SMS that fails (mail server, SMS gateway) is retried by the next "
        "runs this many times in all before it is left failed for a collector to look at.",
    )
    delivery_fallback = fields.Selection(
        [("none", "None"), ("sms", "SMS"), ("letter", "Letter to post")],
        default="sms",
        required=True,
        help="When a reminder's email bounces or fails for good: SMS, the level's SMS text to "
        "the customer's phone (levels that send no SMS); Letter, the demand letter attached to "
        "the communication for the collector to post. The collector gets an activity anyway.",
    )
    min_days_between = fields.Integer(
        string="Days Between Communications",
        default=7,
        help="A customer moves to the next level at the earliest this many days after the "
        "previous one was sent, however late its invoices are.",
    )
    collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain="[('share', '=', False)]",
        help="Collector of the customers on this ladder, unless their category or their "
        "follow-up names another.",
    )

    _check_max_attempts = models.Constraint(
        "CHECK (max_attempts > 0)", "A follow-up ladder needs at least one delivery attempt."
    )
    _check_min_days_between = models.Constraint(
        "CHECK (min_days_between >= 0 AND min_days_between <= 365)",
        "The days between two communications must be between 0 and 365.",
    )
