from collections import defaultdict
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.groups import CREDIT_MANAGER, INTERNAL_USERS
from .credit_risk_policy import GRADES


class CreditCheck(NamedTuple):
    """What the hold rules judge a document on: its invoiced customer in the document's
    company, the company's hold settings (``credit.risk.policy._hold_settings``), the
    customer's figures, its exposure with the documents let through alongside, and what the
    document adds to the exposure (company currency)."""

    partner: object
    policy: object
    risk: object
    exposure: float
    amount: float


# The customer's figures the hold rules read, fetched with the check's freshness query.
RULE_FIGURES = ["exposure", "overdue_amount", "oldest_days_late", "grade", "score"]
# What the hold rules read of the customers (read alone, not whole records); the parent for
# the credit group a subsidiary shares.
CUSTOMER_FIELDS = [
    "credit_limit",
    "credit_hold",
    "credit_hold_note",
    "credit_group_id",
    "parent_id",
]
# Written only by the credit check (as superuser) or by a Credit Manager's release.
CREDIT_HOLD_FIELDS = {
    "credit_hold",
    "credit_hold_reasons",
    "credit_released_by_id",
    "credit_released_on",
    "credit_release_reason",
    "credit_released_amount",
    "credit_released_currency_id",
    "credit_released_customer_id",
    "credit_release_consumed",
}


class CreditHoldMixin(models.AbstractModel):
    """A document the credit rules can hold where it creates or moves exposure: an order at
    confirmation, a delivery at validation, an invoice at posting.

    The rules live here, once, each a method (``_credit_rules``); a document says who its
    customer is, what it adds to the exposure and what a release of it covers. A held document
    keeps its hold and reasons on the record; a Credit Manager releases it once, with a reason.
    """

    _name = "credit.hold.mixin"
    _description = "Credit Hold"

    credit_hold = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Blocked by credit.",
        groups=INTERNAL_USERS,
    )
    credit_hold_reasons = fields.Text(readonly=True, copy=False, groups=INTERNAL_USERS)
    credit_released_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, groups=INTERNAL_USERS
    )
    credit_released_on = fields.Datetime(readonly=True, copy=False, groups=INTERNAL_USERS)
    credit_release_reason = fields.Text(
        readonly=True, copy=False, tracking=True, groups=INTERNAL_USERS
    )
    credit_released_amount = fields.Monetary(
        currency_field="credit_released_currency_id",
        readonly=True,
        copy=False,
        help="The release covers one pass of the document up to this amount, in this "
        "currency, for this customer.",
        groups=INTERNAL_USERS,
    )
    credit_released_currency_id = fields.Many2one(
        "res.currency", readonly=True, copy=False, groups=INTERNAL_USERS
    )
    credit_released_customer_id = fields.Many2one(
        "res.partner",
        readonly=True,
        copy=False,
        help="The customer whose credit the release was given for (the invoiced one).",
        groups=INTERNAL_USERS,
    )
    credit_release_consumed = fields.Boolean(readonly=True, copy=False, groups=INTERNAL_USERS)

    # What each document tells the rules -------------------------------------------------

    def _credit_customer(self):
        """The customer whose credit the document uses: who is invoiced, as the exposure
        counts it (a commercial partner)."""
        return self.partner_id.commercial_partner_id

    def _credit_partners(self):
        """The customers whose own hold stops the document: who is invoiced, and who buys."""
        return self._credit_customer() | self.partner_id.commercial_partner_id

    def _credit_contacts(self):
        """The document's partners, whose commercial partners the rules read."""
        return self.partner_id

    def _credit_amount_company_currency(self):
        """What letting the document through adds to the exposure: nothing by default, the
        document being counted already (a confirmed order's delivery, a draft invoice)."""
        self.ensure_one()
        return 0.0

    def _credit_release_basis(self):
        """``(amount, currency)`` a release of the document covers: a larger document, or one
        in another currency, needs a new release."""
        self.ensure_one()
        return self.amount_total, self.currency_id

    def _credit_exemption(self, accepted):
        """Why the document passes although the rules would hold it (e.g. it is paid in
        advance), or ``""``. Asked only of a document the rules block.

        :param accepted: what other documents of the customer, let through in this check, add
        """
        return ""

    # The check -------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Holds and releases are set by the credit check and a Credit Manager's release only:
        a document is never created (or duplicated) released."""
        if not self.env.su and any(CREDIT_HOLD_FIELDS & vals.keys() for vals in vals_list):
            raise AccessError(
                self.env._("Credit holds and releases are set by the credit check and releases.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if (
            CREDIT_HOLD_FIELDS & vals.keys()
            and not self.env.su
            and not self.env.user.has_group(CREDIT_MANAGER)
        ):
            raise AccessError(self.env._("Only a Credit Manager can change a credit hold."))
        return super().write(vals)

    def _credit_check(self):
        """Hold and log the documents the credit rules block, lift stale holds.

        :return: the documents on hold
        """
        blocked = self.browse()
        for document, reasons in self._credit_verdicts().items():
            if reasons:
                document._credit_hold("\n".join(reasons))
                blocked |= document
            elif document.credit_hold:
                document.sudo().write({"credit_hold": False, "credit_hold_reasons": False})
        return blocked

    def _credit_verdicts(self):
        """``{document: reasons}``, the reasons the rules block each document for ([] when it
        passes). Documents checked together count against their customer's credit one after
        the other."""
        risks = self._credit_current_risks()
        accepted = defaultdict(float)  # amounts let through in this batch, per customer
        verdicts = {}
        for document in self:
            key = document._credit_key()
            reasons = (
                []
                if document._credit_release_covers()
                else document._credit_hold_reasons(risks[key], accepted[key])
            )
            if reasons and (exemption := document._credit_exemption(accepted[key])):
                document.message_post(
                    body=self.env._(
                        "Not held: %(exemption)s The credit rules said: %(reasons)s",
                        exemption=exemption,
                        reasons=" ".join(reasons),
                    )
                )
                reasons = []
            if not reasons:
                accepted[key] += document._credit_amount_company_currency()
            verdicts[document] = reasons
        return verdicts

    def _credit_checked_ids(self):
        """Ids of the documents of this model the credit check let through in this transaction,
        kept with the transaction (out of reach of a client's context): the stage's own inner
        steps (a write of the state, ``_post``, ``_action_done``) do not judge them again."""
        return self.env.cr.precommit.data.setdefault(
            f"credit_collections.checked.{self._name}", set()
        )

    def _credit_refuse_blocked(self, message):
        """Raise ``message`` with the documents the rules block and their reasons; the
        others are marked checked. For the paths that cannot keep a hold (code, crons): the
        stage's button holds and tells instead."""
        verdicts = self._credit_verdicts()
        if blocked := [(document, reasons) for document, reasons in verdicts.items() if reasons]:
            raise UserError(
                "\n".join(
                    [message]
                    + [
                        f"{document.display_name}: {' '.join(reasons)}"
                        for document, reasons in blocked
                    ]
                )
            )
        self._credit_checked_ids().update(self.ids)

    def _credit_hold_notification(self):
        """What the user who tried sees when these documents were put on hold."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Credit hold"),
                "message": "\n\n".join(
                    f"{document.display_name}: {document.credit_hold_reasons}" for document in self
                ),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _credit_current_risks(self, force=False):
        """The customers' figures as they stand now, ``{(customer, company): figures}``: a hold
        must not rest on last night's numbers. Fresh rows (computed today, nothing marked them
        stale since: see ``credit_partner_risk_freshness.py``) come with the customers in one
        query per company; the others, all with ``force``, are recomputed in one statement."""
        risk_model = self.env["credit.partner.risk"].sudo()
        risks = risk_model
        for company, documents in self.grouped("company_id").items():
            current = (
                risk_model
                if force
                else risk_model._fresh_rows_with_customers(
                    company, documents._credit_contacts(), CUSTOMER_FIELDS, RULE_FIGURES
                )
            )
            if stale := documents._credit_customer() - current.partner_id:
                current |= risk_model._refresh(company, stale.ids, fields.Date.context_today(self))
                documents._credit_fetch_customers(company)  # the recompute invalidated them
            customers = documents._credit_customer().with_company(company)
            if groups := self.env["credit.group"].union(*(c._credit_group() for c in customers)):
                groups._refresh_members(fields.Date.context_today(self))
            risks |= current
        return {(risk.partner_id, risk.company_id): risk for risk in risks}

    def _credit_fetch_customers(self, company):
        """Read what the rules judge the customers on in narrow queries: a partner has many
        columns, of which the check needs a handful."""
        contacts = self._credit_contacts().with_company(company)
        contacts.sudo().fetch(["commercial_partner_id", *CUSTOMER_FIELDS])
        if parents := contacts.commercial_partner_id - contacts:  # ordered by contacts
            parents.sudo().fetch(CUSTOMER_FIELDS)

    def _credit_key(self):
        return self._credit_customer(), self.company_id

    def _credit_hold(self, reasons):
        self.sudo().write({"credit_hold": True, "credit_hold_reasons": reasons})
        self.message_post(body=self.env._("Credit hold:\n%(reasons)s", reasons=reasons))

    def _credit_hold_reasons(self, risk, accepted=0.0):
        """Why the credit rules block this document, each reason with its figures; [] if none.

        :param risk: the customer's current figures
        :param accepted: what other documents of the customer, let through with this one, add
        """
        self.ensure_one()
        company = self.company_id
        check = CreditCheck(
            partner=self._credit_customer().with_company(company),
            policy=self.env["credit.risk.policy"]._hold_settings(company),
            risk=risk,
            exposure=risk.exposure + accepted,
            amount=self._credit_amount_company_currency(),
        )
        return [reason for rule in self._credit_rules() for reason in rule(check)]

    # The rules -------------------------------------------------------------------------

    def _credit_rules(self):
        """The hold rules, each a method taking a ``CreditCheck`` and returning its reasons:
        a module adds its own by extending this list."""
        return [
            self._credit_rule_customer_hold,
            self._credit_rule_limit,
            self._credit_rule_group_limit,
            self._credit_rule_overdue,
            self._credit_rule_grade,
            self._credit_rule_kyc,
        ]

    def _credit_rule_customer_hold(self, check):
        """A Credit Manager or the ladder put the customer (or the invoiced one) on hold."""
        company = self.company_id
        return [
            self.env._(
                "%(customer)s is on credit hold: %(note)s",
                customer=held.display_name,
                note=held.credit_hold_note or self.env._("no note"),
            )
            for held in (check.partner | self._credit_partners()).sudo()
            if held.with_company(company).credit_hold
        ]

    def _credit_rule_limit(self, check):
        """The exposure, with what this document adds, exceeds Odoo's credit limit."""
        company = self.company_id
        limit = check.partner.sudo().credit_limit
        total = check.amount + check.exposure
        if not (check.policy.hold_over_limit and company.account_use_credit_limit and limit):
            return []
        if company.currency_id.compare_amounts(total, limit) <= 0:
            return []
        figures = {
            "amount": self._credit_format(check.amount),
            "exposure": self._credit_format(check.exposure),
            "limit": self._credit_format(limit),
            "excess": self._credit_format(total - limit),
        }
        if check.amount:
            return [
                self.env._(
                    "This order (%(amount)s) and the exposure (%(exposure)s) exceed the "
                    "credit limit of %(limit)s by %(excess)s.",
                    **figures,
                )
            ]
        return [
            self.env._(
                "The exposure (%(exposure)s) exceeds the credit limit of %(limit)s by %(excess)s.",
                **figures,
            )
        ]

    def _credit_rule_group_limit(self, check):
        """The customer's credit group, with what this document adds, owes more than the
        group's limit: the other members' exposures and the customer's own."""
        group = check.partner._credit_group()
        if not (check.policy.hold_over_limit and group.credit_limit):
            return []
        others = group._members_exposure(excluding=check.partner)
        total = others + check.exposure + check.amount
        if self.company_id.currency_id.compare_amounts(total, group.credit_limit) <= 0:
            return []
        return [
            self.env._(
                "The credit group %(group)s owes %(total)s with this (%(amount)s): over the "
                "group's limit of %(limit)s by %(excess)s.",
                group=group.name,
                total=self._credit_format(total),
                amount=self._credit_format(check.amount),
                limit=self._credit_format(group.credit_limit),
                excess=self._credit_format(total - group.credit_limit),
            )
        ]

    def _credit_rule_overdue(self, check):
        """An invoice is overdue by more than the policy allows."""
        policy, risk = check.policy, check.risk
        if not (policy.hold_overdue and risk.oldest_days_late > policy.hold_overdue_days):
            return []
        return [
            self.env._(
                "An invoice is overdue by %(days)s days (more than %(allowed)s); "
                "%(overdue)s is overdue in all.",
                days=risk.oldest_days_late,
                allowed=policy.hold_overdue_days,
                overdue=self._credit_format(risk.overdue_amount),
            )
        ]

    def _credit_rule_grade(self, check):
        """The customer's risk grade is worse than the policy accepts."""
        policy, risk = check.policy, check.risk
        worst = GRADES.index(policy.hold_worst_grade)
        if not (policy.hold_grade and risk.grade and GRADES.index(risk.grade) > worst):
            return []
        return [
            self.env._(
                "Risk grade %(grade)s (score %(score)s) is worse than %(allowed)s: %(why)s",
                grade=risk.grade,
                score=risk.score,
                allowed=policy.hold_worst_grade,
                why=risk.score_reasons.replace("\n", "; "),
            )
        ]

    def _credit_rule_kyc(self, check):
        """KYC is incomplete and the exposure goes above what is allowed without it."""
        partner, policy = check.partner, check.policy
        total = check.exposure + check.amount
        if (
            not policy.hold_kyc
            or self.company_id.currency_id.compare_amounts(total, policy.kyc_free_exposure) <= 0
            or partner.kyc_status == "complete"  # a compute: read only when it matters
        ):
            return []
        return [
            self.env._(
                "KYC is %(status)s and the exposure comes to %(total)s, above the "
                "%(allowed)s allowed without KYC.",
                status=dict(partner._fields["kyc_status"].selection)[partner.kyc_status].lower(),
                total=self._credit_format(total),
                allowed=self._credit_format(policy.kyc_free_exposure),
            )
        ]

    # Releases --------------------------------------------------------------------------

    def _credit_release_covers(self):
        """A release covers one pass of this document, for its customer, in its currency, up
        to its amount: a change of customer or currency needs a new release."""
        return not self.credit_release_consumed and self._credit_release_still_fits()

    def _credit_release_still_fits(self):
        """The document was released and is still what the release was given for: same
        customer and currency, its amount within the released one."""
        if not self.credit_released_by_id:
            return False
        amount, currency = self._credit_release_basis()
        return (
            self.credit_released_customer_id == self._credit_customer()
            and self.credit_released_currency_id == currency
            and currency.compare_amounts(amount, self.credit_released_amount) <= 0
        )

    def _credit_passed(self):
        """The documents went through: their releases are spent, their holds lifted."""
        self.filtered("credit_released_by_id").sudo().credit_release_consumed = True
        self.filtered("credit_hold").sudo().write(
            {"credit_hold": False, "credit_hold_reasons": False}
        )

    def action_credit_request_release(self):
        """Ask the company's Credit Managers, by activity, to release this held document."""
        self.ensure_one()
        for manager in self.company_id._credit_managers():
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Credit release requested"),
                note=self.credit_hold_reasons,
            )
        self.message_post(
            body=self.env._(
                "%(user)s asked for a credit release: %(reasons)s",
                user=self.env.user.name,
                reasons=self.credit_hold_reasons,
            )
        )
        return True

    def action_credit_release_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release Credit Hold"),
            "res_model": "credit.hold.release.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def _credit_release(self, reason):
        """Release this held document once, up to its current amount. Credit Managers only."""
        self.ensure_one()
        if not self.env.user.has_group(CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can release a credit hold."))
        amount, currency = self._credit_release_basis()
        self.write(
            {
                "credit_hold": False,
                "credit_released_by_id": self.env.uid,
                "credit_released_on": fields.Datetime.now(),
                "credit_release_reason": reason,
                "credit_released_amount": amount,
                "credit_released_currency_id": currency.id,
                "credit_released_customer_id": self._credit_customer().id,
                "credit_release_consumed": False,
            }
        )
        self.activity_feedback(
            ["mail.mail_activity_data_todo"],
            feedback=self.env._("Released: %(reason)s", reason=reason),
        )
        self.message_post(
            body=self.env._(
                "Credit hold released by %(user)s for one pass, up to %(amount)s: %(reason)s",
                user=self.env.user.name,
                amount=self._credit_format(amount, currency),
                reason=reason,
            ),
            partner_ids=(self._credit_owner() - self.env.user).partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _credit_owner(self):
        """Who is told of a release: the document's responsible user."""
        return self.user_id

    def _credit_format(self, amount, currency=None):
        currency = currency or self.company_id.currency_id
        return currency.format(amount)
