from collections import defaultdict
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.groups import CREDIT_MANAGER, INTERNAL_USERS
from .credit_risk_policy import GRADES


class CreditCheck(NamedTuple):
    """What the hold rules judge an order on: its invoiced customer in the order's company,
    the company's policy, the customer's figures, its exposure with the orders confirmed
    alongside, and the order's amount (company currency)."""

    partner: object
    policy: object
    risk: object
    exposure: float
    amount: float


# The customer's figures the hold rules read, fetched with the check's freshness query.
RULE_FIGURES = ["company_id", "exposure", "overdue_amount", "oldest_days_late", "grade", "score"]
# What the hold rules read of the customers and of the policy (read alone, not whole records).
CUSTOMER_FIELDS = ["credit_limit", "credit_hold", "credit_hold_note"]
POLICY_FIELDS = [
    "hold_over_limit",
    "hold_overdue",
    "hold_overdue_days",
    "hold_grade",
    "hold_worst_grade",
    "hold_kyc",
    "kyc_free_exposure",
]
# Orders the credit check let through in this transaction (kept with the transaction, out of
# reach of a client's context): their confirmation's own write of the state is not checked again.
CHECKED_ORDERS = "credit_collections.checked_orders"
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


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_hold = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Confirmation blocked by credit.",
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
        help="The release covers one confirmation of the order up to this amount, in this "
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

    @api.depends(
        "order_line.price_total", "credit_hold", "credit_released_by_id", "credit_released_amount"
    )
    def _compute_partner_credit_warning(self):
        """Odoo's credit banner on quotations, told by the credit rules: what confirming would
        hold the quotation for (limit, overdue, grade, KYC), from the customer's figures.
        Held, or released for this amount: no warning (the hold banner, or the release, says)."""
        result = super()._compute_partner_credit_warning()
        for order in self.filtered(lambda order: order.state in ("draft", "sent")):
            if order.credit_hold or order._credit_release_covers() or not order.partner_id:
                order.partner_credit_warning = ""
                continue
            partner = order._credit_customer().with_company(order.company_id)
            risk = partner.credit_risk_id.sudo()
            reasons = order.sudo()._credit_hold_reasons(risk)
            order.partner_credit_warning = (
                self.env._(
                    "Confirming will put this quotation on credit hold:\n%(reasons)s",
                    reasons="\n".join(reasons),
                )
                if reasons
                else ""
            )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        """Holds and releases are set by the credit check and a Credit Manager's release only:
        an order is never created (or duplicated) released."""
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
        if vals.get("state") == "sale" and not self.env.su:
            self._credit_check_state_write()
        result = super().write(vals)
        if "order_line" in vals and any(order.state == "sale" for order in self):
            self._credit_mark_stale()  # a confirmed order's amount changed
        return result

    def _credit_check_state_write(self):
        """A write of ``state='sale'`` (RPC, import) confirms: the quotations it confirms go
        through the credit check first, unless this transaction's confirmation checked them."""
        checked = self.env.cr.precommit.data.get(CHECKED_ORDERS, set())
        quotations = self.filtered(
            lambda order: order.state in ("draft", "sent") and order.id not in checked
        )
        if blocked := quotations._credit_check():
            raise UserError(
                self.env._(
                    "Confirm the orders with their Confirm button: %(orders)s",
                    orders="\n".join(
                        f"{order.name}: {order.credit_hold_reasons}" for order in blocked
                    ),
                )
            )

    def action_confirm(self):
        """Hold the orders the credit rules block, confirm the others.

        A held order is written and logged, not refused with an error: the hold and its reasons
        must survive, so the salesperson can ask for a release.
        """
        blocked = self._credit_check()
        to_confirm = self - blocked
        self.env.cr.precommit.data.setdefault(CHECKED_ORDERS, set()).update(to_confirm.ids)
        result = super(SaleOrder, to_confirm).action_confirm() if to_confirm else True
        if not blocked:
            return result
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Credit hold"),
                "message": "\n\n".join(
                    f"{order.name}: {order.credit_hold_reasons}" for order in blocked
                ),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _confirmation_error_message(self):
        """Every confirmation path refuses an order still on credit hold."""
        message = super()._confirmation_error_message()
        if message or not self.credit_hold:
            return message
        return self.env._(
            "%(order)s is on credit hold: %(reasons)s Ask a Credit Manager to release it.",
            order=self.name,
            reasons=self.credit_hold_reasons,
        )

    def _action_confirm(self):
        """A confirmed order counts in its customer's exposure at once, in the confirming
        transaction: added to the figures the check just read, not recomputed."""
        self.filtered("credit_released_by_id").sudo().credit_release_consumed = True
        result = super()._action_confirm()
        risks = self.env["credit.partner.risk"].sudo()
        for company, orders in self.grouped("company_id").items():
            risks._add_confirmed_orders(company, orders)
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._credit_mark_stale()
        return result

    def _credit_confirmed_amounts(self):
        """``{order: amount}`` of the confirmed orders among these, before a change."""
        return {order: order.amount_total for order in self if order.state == "sale"}

    def _credit_check_growth(self, amounts_before):
        """Refuse the growth of confirmed orders the credit rules would hold.

        A Credit Manager's change goes through (logged); so does growth within a release.
        """
        grown = self.filtered(
            lambda order: (
                order in amounts_before
                and order.currency_id.compare_amounts(order.amount_total, amounts_before[order]) > 0
                and not order._credit_release_covers()
            )
        )
        if not grown or self.env.su:
            return
        if self.env.user.has_group(CREDIT_MANAGER):
            for order in grown:
                order.message_post(
                    body=self.env._(
                        "Confirmed order raised from %(before)s to %(after)s by a Credit Manager.",
                        before=order._credit_format(amounts_before[order], order.currency_id),
                        after=order._credit_format(order.amount_total, order.currency_id),
                    )
                )
            return
        risks = grown._credit_refreshed_risks(force=True)  # counting the grown amount
        for order in grown:
            # The refreshed exposure counts this order, grown already: it is not added again.
            reasons = order._credit_hold_reasons(
                risks[order._credit_key()], accepted=-order._credit_amount_company_currency()
            )
            if reasons:
                raise UserError(
                    self.env._(
                        "%(order)s is confirmed: raising it to %(amount)s needs a Credit "
                        "Manager.\n%(reasons)s\nAsk a Credit Manager to make the change, or "
                        "to raise the customer's credit limit.",
                        order=order.name,
                        amount=order._credit_format(order.amount_total, order.currency_id),
                        reasons="\n".join(reasons),
                    )
                )

    def _credit_customer(self):
        """The customer whose credit an order uses: who is invoiced, as the exposure counts
        it (the commercial partner of the invoice address)."""
        return (self.partner_invoice_id or self.partner_id).commercial_partner_id

    def _credit_partners(self):
        """The customers whose figures these orders move: who is invoiced, and who orders
        (a change of invoice address moves both)."""
        return (self.partner_id | self.partner_invoice_id).commercial_partner_id

    def _credit_mark_stale(self):
        self.env["credit.partner.risk"].sudo()._mark_stale(
            {
                company.id: set(orders._credit_partners().ids)
                for company, orders in self.grouped("company_id").items()
            }
        )

    def action_credit_request_release(self):
        """Ask the company's Credit Managers, by activity, to release this held order."""
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
            "context": {"default_order_id": self.id},
        }

    def action_credit_limit_request(self):
        """Open a limit change request covering the customer's exposure and this order."""
        self.ensure_one()
        partner = self._credit_customer().with_company(self.company_id)
        needed = partner.credit_exposure + self._credit_amount_company_currency()
        return partner.action_credit_limit_request(
            requested_limit=self.company_id.currency_id.round(needed),
            reason=self.env._("To confirm %(order)s.", order=self.name),
        )

    def _credit_release(self, reason):
        """Release this held order once, up to its current amount. Credit Managers only."""
        self.ensure_one()
        if not self.env.user.has_group(CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can release a credit hold."))
        self.write(
            {
                "credit_hold": False,
                "credit_released_by_id": self.env.uid,
                "credit_released_on": fields.Datetime.now(),
                "credit_release_reason": reason,
                "credit_released_amount": self.amount_total,
                "credit_released_currency_id": self.currency_id.id,
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
                "Credit hold released by %(user)s for this confirmation, up to %(amount)s: "
                "%(reason)s",
                user=self.env.user.name,
                amount=self._credit_format(self.amount_total, self.currency_id),
                reason=reason,
            ),
            partner_ids=(self.user_id - self.env.user).partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _credit_check(self):
        """Evaluate the credit rules; hold and log the orders they block, lift stale holds.

        Orders confirmed together count against their customer's credit one after the other.

        :return: the orders on hold
        """
        pending = self.filtered(lambda order: order.state in ("draft", "sent"))
        pending._credit_fetch()
        risks = pending._credit_refreshed_risks()
        pending._credit_fetch()  # what a recompute of stale figures invalidated, if any
        accepted = defaultdict(float)  # amounts let through in this batch, per customer
        blocked = self.browse()
        for order in pending:
            key = order._credit_key()
            reasons = (
                []
                if order._credit_release_covers()
                else order._credit_hold_reasons(risks[key], accepted[key])
            )
            if reasons:
                order._credit_hold("\n".join(reasons))
                blocked |= order
                continue
            if order.credit_hold:
                order.sudo().write({"credit_hold": False, "credit_hold_reasons": False})
            accepted[key] += order._credit_amount_company_currency()
        return blocked

    def _credit_fetch(self):
        """Read what the rules judge on in narrow queries: a partner or a policy has many
        columns, of which the check needs a handful."""
        for company, orders in self.grouped("company_id").items():
            partners = (orders.partner_id | orders.partner_invoice_id).with_company(company)
            partners.sudo().fetch(["commercial_partner_id", *CUSTOMER_FIELDS])
            if parents := partners.commercial_partner_id - partners:  # ordered by contacts
                parents.sudo().fetch(CUSTOMER_FIELDS)
            self.env["credit.risk.policy"]._for_company(company).fetch(POLICY_FIELDS)

    def _credit_key(self):
        return self._credit_customer(), self.company_id

    def _credit_refreshed_risks(self, force=False):
        """The customers' figures as they stand now, ``{(customer, company): figures}``: a hold
        must not rest on last night's numbers. A stored row is used when it is fresh (computed
        today, nothing marked it stale since: see ``credit_partner_risk_freshness.py``); the
        others, all with ``force``, are recomputed in one statement per company."""
        risks = self.env["credit.partner.risk"].sudo()
        today = fields.Date.context_today(self)
        for company, orders in self.grouped("company_id").items():
            customer_ids = orders._credit_customer().ids
            if force:
                risks |= risks._refresh(company, customer_ids, today)
            else:
                risks |= risks._current_rows(company, customer_ids, today, RULE_FIGURES)
        return {(risk.partner_id, risk.company_id): risk for risk in risks}

    def _credit_release_covers(self):
        """A release covers one confirmation of this order, for its customer, in its currency,
        up to its amount: a change of customer or currency needs a new release."""
        return (
            self.credit_released_by_id
            and not self.credit_release_consumed
            and self.credit_released_customer_id == self._credit_customer()
            and self.credit_released_currency_id == self.currency_id
            and self.currency_id.compare_amounts(self.amount_total, self.credit_released_amount)
            <= 0
        )

    def _credit_hold(self, reasons):
        self.sudo().write({"credit_hold": True, "credit_hold_reasons": reasons})
        self.message_post(body=self.env._("Credit hold:\n%(reasons)s", reasons=reasons))

    def _credit_hold_reasons(self, risk, accepted=0.0):
        """Why the credit rules block this order, each reason with its figures; [] if none.

        :param risk: the customer's current figures
        :param accepted: what other orders of the customer, confirmed with this one, add
        """
        self.ensure_one()
        company = self.company_id
        check = CreditCheck(
            partner=self._credit_customer().with_company(company),
            policy=self.env["credit.risk.policy"]._for_company(company),
            risk=risk,
            exposure=risk.exposure + accepted,
            amount=self._credit_amount_company_currency(),
        )
        return [reason for rule in self._credit_rules() for reason in rule(check)]

    def _credit_rules(self):
        """The hold rules, each a method taking a ``CreditCheck`` and returning its reasons:
        a module adds its own by extending this list."""
        return [
            self._credit_rule_customer_hold,
            self._credit_rule_limit,
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
            for held in (check.partner | self.partner_id.commercial_partner_id).sudo()
            if held.with_company(company).credit_hold
        ]

    def _credit_rule_limit(self, check):
        """This order and the exposure exceed Odoo's credit limit of the customer."""
        company = self.company_id
        limit = check.partner.sudo().credit_limit
        total = check.amount + check.exposure
        if not (check.policy.hold_over_limit and company.account_use_credit_limit and limit):
            return []
        if company.currency_id.compare_amounts(total, limit) <= 0:
            return []
        return [
            self.env._(
                "This order (%(amount)s) and the exposure (%(exposure)s) exceed the "
                "credit limit of %(limit)s by %(excess)s.",
                amount=self._credit_format(check.amount),
                exposure=self._credit_format(check.exposure),
                limit=self._credit_format(limit),
                excess=self._credit_format(total - limit),
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
                "KYC is %(status)s and this order brings the exposure to %(total)s, above the "
                "%(allowed)s allowed without KYC.",
                status=dict(partner._fields["kyc_status"].selection)[partner.kyc_status].lower(),
                total=self._credit_format(total),
                allowed=self._credit_format(policy.kyc_free_exposure),
            )
        ]

    def _credit_amount_company_currency(self):
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            self.date_order or fields.Date.context_today(self),
        )

    def _credit_format(self, amount, currency=None):
        currency = currency or self.company_id.currency_id
        return currency.format(amount)
