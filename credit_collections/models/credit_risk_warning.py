from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

WARNING_KINDS = [
    ("downgrade", "Grade or score fell"),
    ("trend", "Pays later than before"),
    ("limit", "Near its credit limit"),
    ("late", "An invoice is long overdue"),
    ("broken", "Broke a promise"),
]


class CreditRiskWarning(models.Model):
    """A customer's situation took a turn for the worse: an early warning, raised once when its
    condition starts to hold and kept active (the *Watchlist*) until it no longer does.

    Found set-based with every refresh of the figures (``_detect``, one statement per batch),
    from the policy's thresholds. Most conditions are states (an invoice long overdue, an
    exposure near the limit, slower payments): their warning clears when they end. Two are
    changes from the previous day's figures (a grade or score drop, a broken promise): their
    warning lasts until the customer recovers (its score back where it was; nothing overdue).
    A partial unique index keeps one active warning per customer and kind, so nothing is
    raised twice while it lasts. The salesperson gets an activity and the Credit Managers a
    note on the customer, except for what a customer's first check finds: it tells how the
    customer stands, not a change (after an install, nobody is flooded)."""

    _name = "credit.risk.warning"
    _description = "Credit Early Warning"
    _order = "raised_on desc, id desc"
    _rec_name = "kind"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    kind = fields.Selection(WARNING_KINDS, required=True, readonly=True)
    details = fields.Json(readonly=True, help="The figures behind the warning.")
    reason = fields.Char(compute="_compute_reason")
    raised_on = fields.Date(required=True, readonly=True)
    cleared_on = fields.Date(readonly=True, help="The first day its condition no longer held.")
    notified = fields.Boolean(
        readonly=True, help="The salesperson and the Credit Managers were told."
    )
    active = fields.Boolean(default=True, readonly=True)

    _active_unique = models.UniqueIndex("(partner_id, company_id, kind) WHERE active")

    @api.depends("kind", "details")
    def _compute_reason(self):
        for warning in self:
            warning.reason = warning._describe(warning.details or {})

    def _describe(self, details):
        match self.kind:
            case "downgrade":
                return self.env._(
                    "Grade %(from_grade)s to %(to_grade)s, score %(from_score)s to %(to_score)s.",
                    **details,
                )
            case "trend":
                return self.env._(
                    "Pays %(days)s days later over the last quarter than before it.", **details
                )
            case "limit":
                return self.env._(
                    "Exposure %(exposure)s is %(share)s%% of its credit limit of %(limit)s.",
                    exposure=self._amount(details["exposure"]),
                    limit=self._amount(details["limit"]),
                    share=round(100 * details["exposure"] / details["limit"]),
                )
            case "late":
                return self.env._("An invoice is %(days)s days overdue.", **details)
            case "broken":
                return self.env._(
                    "Broke %(count)s promise(s) to pay or payment plan(s).", **details
                )
        return ""

    def _amount(self, amount):
        return self.currency_id.format(amount)

    @api.model
    def _detect(self, company, partner_ids, today):
        """Raise the warnings whose condition holds for these customers' fresh figures and
        clear those whose condition no longer does; tell of the raised ones."""
        if not partner_ids:
            return
        rows = self.env.execute_query(self._detect_query(company, partner_ids, today))
        self.invalidate_model()
        self._flag_risk_rows(company, partner_ids)
        self.browse(warning_id for warning_id, notified in rows if notified)._notify()

    @api.model_create_multi
    def create(self, vals_list):
        warnings = super().create(vals_list)
        warnings._flag_own_risk_rows()
        return warnings

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals:
            self._flag_own_risk_rows()
        return result

    def _flag_own_risk_rows(self):
        self.flush_model(["partner_id", "company_id", "active"])
        for company, warnings in self.grouped("company_id").items():
            self._flag_risk_rows(company, warnings.partner_id.ids)

    @api.model
    def _flag_risk_rows(self, company, partner_ids):
        """Tell these customers' risk rows in ``company`` whether they have active warnings
        (``has_active_warnings``), rewriting only the rows whose answer changed."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE credit_partner_risk risk
                   SET has_active_warnings = NOT COALESCE(risk.has_active_warnings, FALSE)
                 WHERE risk.company_id = %s AND risk.partner_id = ANY(%s)
                   AND COALESCE(risk.has_active_warnings, FALSE) <> EXISTS (
                       SELECT 1 FROM credit_risk_warning warning
                        WHERE warning.partner_id = risk.partner_id
                          AND warning.company_id = risk.company_id
                          AND warning.active)
                """,
                company.id,
                list(partner_ids),
            )
        )
        self.env["credit.partner.risk"].invalidate_model(["has_active_warnings"])

    def _detect_query(self, company, partner_ids, today):
        policy = self.env["credit.risk.policy"]._for_company(company)
        partners = self.env["res.partner"].with_company(company)
        return SQL(
            """
            WITH conditions AS MATERIALIZED (
                SELECT risk.partner_id, warning.kind, warning.details,
                       COALESCE(risk.warnings_checked, FALSE) AS notified
                  FROM credit_partner_risk risk
                 CROSS JOIN LATERAL (  -- a look-up per customer, not a scan of every partner
                       SELECT COALESCE((partner.credit_limit ->> %(company_key)s)::numeric,
                                       %(default_limit)s) AS credit_limit
                         FROM res_partner partner WHERE partner.id = risk.partner_id
                        LIMIT 1  -- kept a look-up: not flattened into a join
                 ) customer
                 CROSS JOIN LATERAL (VALUES
                     ('downgrade',
                      (%(grade_steps)s > 0
                       AND ascii(risk.grade) - ascii(risk.previous_grade) >= %(grade_steps)s)
                      OR (%(score_drop)s > 0
                          AND risk.previous_score - risk.score >= %(score_drop)s),
                      jsonb_build_object('from_grade', risk.previous_grade, 'to_grade', risk.grade,
                                         'from_score', risk.previous_score,
                                         'to_score', risk.score)),
                     ('trend', %(trend_days)s > 0 AND risk.trend_days >= %(trend_days)s,
                      jsonb_build_object('days', ROUND(risk.trend_days::numeric))),
                     ('limit',
                      %(limit_share)s > 0 AND customer.credit_limit > 0
                      AND risk.exposure >= customer.credit_limit * %(limit_share)s / 100.0,
                      jsonb_build_object('exposure', risk.exposure,
                                         'limit', customer.credit_limit)),
                     ('late', %(days_late)s > 0 AND risk.oldest_days_late >= %(days_late)s,
                      jsonb_build_object('days', risk.oldest_days_late)),
                     ('broken',
                      %(broken)s AND risk.broken_promise_count > risk.previous_broken_promise_count,
                      jsonb_build_object('count', risk.broken_promise_count
                                                  - risk.previous_broken_promise_count))
                 ) AS warning(kind, holds, details)
                 WHERE risk.company_id = %(company_id)s AND risk.partner_id = ANY(%(partner_ids)s)
                   AND warning.holds
            ),
            checked AS (
                UPDATE credit_partner_risk SET warnings_checked = TRUE
                 WHERE company_id = %(company_id)s AND partner_id = ANY(%(partner_ids)s)
                   AND warnings_checked IS NOT TRUE
            ),
            ended AS (  -- a set difference, hashed: no nested loop over the conditions
                SELECT partner_id, kind FROM credit_risk_warning
                 WHERE company_id = %(company_id)s AND active
                   AND partner_id = ANY(%(partner_ids)s)
                EXCEPT
                SELECT partner_id, kind FROM conditions
            ),
            cleared AS (
                UPDATE credit_risk_warning warning
                   SET active = FALSE, cleared_on = %(today)s,
                       write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                  FROM ended, credit_partner_risk risk
                 WHERE warning.partner_id = ended.partner_id AND warning.kind = ended.kind
                   AND warning.company_id = %(company_id)s AND warning.active
                   AND risk.partner_id = warning.partner_id
                   AND risk.company_id = %(company_id)s
                   AND NOT CASE warning.kind  -- a change lasts until the customer recovers
                       WHEN 'downgrade'
                       THEN COALESCE(risk.score < (warning.details ->> 'from_score')::int, FALSE)
                       WHEN 'broken'
                       THEN risk.overdue_amount > 0 AND risk.broken_promise_count > 0
                       ELSE FALSE END
            )
            INSERT INTO credit_risk_warning (partner_id, company_id, kind, details, raised_on,
                                             notified, active, create_uid, create_date,
                                             write_uid, write_date)
            SELECT partner_id, %(company_id)s, kind, details, %(today)s, notified, TRUE,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM conditions
            ON CONFLICT (partner_id, company_id, kind) WHERE active DO NOTHING
            RETURNING id, notified
            """,
            partner_ids=list(partner_ids),
            company_id=company.id,
            company_key=str(company.id),
            default_limit=partners._fields["credit_limit"].get_company_dependent_fallback(partners),
            today=today,
            uid=self.env.uid,
            grade_steps=policy.warn_grade_steps,
            score_drop=policy.warn_score_drop,
            trend_days=policy.warn_trend_days,
            limit_share=policy.warn_limit_share if company.account_use_credit_limit else 0,
            days_late=policy.warn_days_late,
            broken=policy.warn_broken_promise,
        )

    def _notify(self):
        """Per customer: an activity for its salesperson (a Credit Manager when it has none)
        and a note on it addressed to the company's Credit Managers, with every reason."""
        managers = self.env.ref("credit_collections.group_credit_manager").sudo().all_user_ids
        for (partner, company), warnings in self.grouped(
            lambda warning: (warning.partner_id, warning.company_id)
        ).items():
            told = managers.filtered(lambda user, company=company: company in user.company_ids)
            body = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % warning.reason for warning in warnings
            )
            summary = self.env._("Credit warning")
            customer = partner.sudo().with_company(company)
            customer.message_post(
                body=body,
                subject=summary,
                partner_ids=told.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
            assignee = partner.user_id or told[:1]
            if assignee:
                customer.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=assignee.id, summary=summary, note=body
                )
