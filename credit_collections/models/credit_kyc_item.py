from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import split_every

from ..tools.groups import CREDIT_MANAGER
from ..tools.kyc_identifier import InvalidIdentifier, compact_identifier
from ..tools.kyc_services import CheckFailed, bureau_score, vies_check
from .credit_kyc_template import CHECK_TYPES, EXTERNAL_CHECK_TYPES, IDENTIFIER_TYPES

# Written by the external checks only (as superuser), never by a user or a client.
CHECK_RESULT_FIELDS = {"external_score", "checked_on", "check_attempts"}
HTTP_BATCH = 20  # external checks committed in small batches: each may wait for a timeout


class CreditKycItem(models.Model):
    """One thing to collect or check about a customer, in one company.

    Personal data: only Collections Users and Credit Managers may read these records; the
    customer's derived KYC status is what salespeople see.
    """

    _name = "credit.kyc.item"
    _description = "KYC Checklist Item"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, id"  # a customer's checklist; the list of every checklist sorts by customer
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    template_item_id = fields.Many2one("credit.kyc.template.item", ondelete="set null")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    check_type = fields.Selection(CHECK_TYPES, required=True, default="document")
    required = fields.Boolean(default=True)
    validity_months = fields.Integer(help="Months a verification stays valid; zero for no expiry.")
    state = fields.Selection(
        [
            ("missing", "Missing"),
            ("submitted", "Submitted"),
            ("verified", "Verified"),
            ("rejected", "Rejected"),
            ("expired", "Expired"),
            ("check_failed", "Check failed"),
        ],
        default="missing",
        required=True,
        tracking=True,
        index=True,
    )
    value = fields.Char(
        tracking=True, help="The identifier, stored in its compact canonical form once valid."
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    verified_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    verified_on = fields.Date(readonly=True, tracking=True)
    expires_on = fields.Date(compute="_compute_expires_on", store=True, index=True)
    note = fields.Text(help="Why the item was rejected, or anything the next reviewer should know.")
    external_score = fields.Float(readonly=True, help="The credit bureau's score, 0 to 100.")
    check_attempts = fields.Integer(readonly=True, help="Failed attempts of the external check.")
    checked_on = fields.Datetime(readonly=True)

    @api.depends("verified_on", "validity_months")
    def _compute_expires_on(self):
        for item in self:
            item.expires_on = (
                item.verified_on + relativedelta(months=item.validity_months)
                if item.verified_on and item.validity_months
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(CHECK_RESULT_FIELDS & vals.keys() for vals in vals_list):
            raise AccessError(self.env._("Scores and check results come from the external check."))
        partners = self.env["res.partner"].browse([vals.get("partner_id") for vals in vals_list])
        for vals, partner in zip(vals_list, partners, strict=True):
            if vals.get("value"):
                vals["value"] = self._compact_value(
                    vals.get("check_type", "document"), vals["value"], partner
                )
        return super().create(vals_list)

    def write(self, vals):
        self._guard_protected_write(vals)
        if "value" not in vals and "check_type" not in vals:
            return super().write(vals)
        for item in self:  # the value is validated against the type it ends up with
            value = vals.get("value", item.value)
            item_vals = dict(vals)
            if value:
                check_type = vals.get("check_type", item.check_type)
                item_vals["value"] = self._compact_value(check_type, value, item.partner_id)
            super(CreditKycItem, item).write(item_vals)
        return True

    def _guard_protected_write(self, vals):
        """Check results come from the check, what is required from a Credit Manager, and an
        item stays in its company."""
        if self.env.su:
            return
        if CHECK_RESULT_FIELDS & vals.keys():
            raise AccessError(self.env._("Scores and check results come from the external check."))
        if "company_id" in vals and any(item.company_id.id != vals["company_id"] for item in self):
            raise AccessError(self.env._("A KYC item stays in the company it was created in."))
        if "required" in vals and not self.env.user.has_group(CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager changes what KYC requires."))

    @api.model
    def _compact_value(self, check_type, value, partner):
        if check_type not in IDENTIFIER_TYPES:
            return value
        try:
            return compact_identifier(check_type, value, partner.country_id.code)
        except InvalidIdentifier as error:
            raise ValidationError(str(error)) from error

    def action_submit(self):
        self._refuse_without_content(
            self.env._("Attach a document or enter the identifier before submitting: %(items)s")
        )
        self.state = "submitted"

    def action_verify(self):
        self._refuse_without_content(self.env._("Nothing to verify yet for: %(items)s"))
        self.write(
            {
                "state": "verified",
                "verified_by_id": self.env.uid,
                "verified_on": fields.Date.context_today(self),
            }
        )

    def _refuse_without_content(self, message):
        """Refuse, with ``message`` naming them, items with neither identifier nor document."""
        if empty := self.filtered(lambda item: not (item.value or item.attachment_ids)):
            raise UserError(message % {"items": ", ".join(empty.mapped("name"))})

    def action_reject(self):
        if missing := self.filtered(lambda item: not item.note):
            raise UserError(
                self.env._(
                    "Write in the note why %(items)s is rejected.",
                    items=", ".join(missing.mapped("name")),
                )
            )
        self.write({"state": "rejected", "verified_by_id": False, "verified_on": False})

    def action_run_check(self):
        """Ask the external service (VIES, credit bureau) now; a failure is recorded, not raised."""
        for item in self.filtered(lambda item: item.check_type in EXTERNAL_CHECK_TYPES):
            policy = self.env["credit.risk.policy"]._for_company(item.company_id).sudo()
            try:
                values = getattr(item, f"_run_{item.check_type}_check")(policy)
            except CheckFailed as failure:
                item._record_check_failure(str(failure))
                continue
            item.sudo().write(  # check results are written by the check only
                values
                | {
                    "checked_on": fields.Datetime.now(),
                    "check_attempts": 0,
                    "verified_by_id": self.env.uid,
                    "verified_on": fields.Date.context_today(self),
                }
            )
        return True

    def _run_vies_check(self, policy):
        vat = self._partner_vat()
        if not policy.vies_url:
            raise CheckFailed("no VIES address is configured in the risk policy")
        valid, details = vies_check(policy.vies_url, vat, policy.check_timeout)
        if not valid:
            return {"state": "rejected", "value": vat, "note": f"VIES: {vat} is not valid."}
        return {"state": "verified", "value": vat, "note": f"VIES: valid. {details}".strip()}

    def _run_bureau_check(self, policy):
        if not policy.bureau_url:
            raise CheckFailed("no credit bureau is configured in the risk policy")
        score = bureau_score(
            policy.bureau_url,
            policy.bureau_token,
            policy.bureau_score_path or "score",
            self._partner_vat(),
            policy.check_timeout,
        )
        return {"state": "verified", "external_score": score, "note": f"Bureau score {score:g}."}

    def _partner_vat(self):
        """The customer's VAT number: its checklist's, else the one on the customer."""
        vat_item = self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("check_type", "=", "vat"),
                ("value", "!=", False),
            ],
            limit=1,
        )
        vat = vat_item.value or self.partner_id.vat
        if not vat:
            raise CheckFailed("the customer has no VAT number to check")
        try:
            return self._compact_value("vat", vat, self.partner_id)
        except ValidationError as error:
            raise CheckFailed(str(error)) from error

    def _record_check_failure(self, message):
        self.sudo().write(
            {
                "state": "check_failed",
                "check_attempts": self.check_attempts + 1,
                "checked_on": fields.Datetime.now(),
                "note": message,
            }
        )
        self.message_post(body=self.env._("External check failed: %(error)s", error=message))

    @api.model
    def _cron_reassess(self):
        self._reassess(progress=self.env["ir.cron"]._commit_progress)

    @api.model
    def _reassess(self, progress, batch_size=500):
        """Expire outdated verifications, warn verifiers of those about to expire.

        Both steps select only what is left to do, so a run cut short resumes and a second run
        the same day changes nothing. ``progress(done)`` follows each batch. Failed external
        checks are retried, up to the policy's attempts.
        """
        today = fields.Date.context_today(self)
        for company in self._companies_with_items(["check_failed"]):
            attempts = self.env["credit.risk.policy"]._for_company(company).check_max_attempts
            failed = self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "check_failed"),
                    ("check_attempts", "<", attempts),
                ]
            )
            for batch in split_every(HTTP_BATCH, failed.ids, self.browse):
                batch.action_run_check()
                progress(len(batch))
        expired = self.search([("state", "=", "verified"), ("expires_on", "<", today)])
        for batch in split_every(batch_size, expired.ids, self.browse):
            batch.write({"state": "expired"})
            progress(len(batch))
        for company in self._companies_with_items(["verified"]):
            notice = self.env["credit.risk.policy"]._for_company(company).kyc_expiry_notice_days
            expiring = self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "verified"),
                    ("expires_on", "<=", today + relativedelta(days=notice)),
                    ("activity_ids", "=", False),
                ]
            )
            for batch in split_every(batch_size, expiring.ids, self.browse):
                for item in batch:
                    item.activity_schedule(
                        "mail.mail_activity_data_todo",
                        date_deadline=item.expires_on,
                        user_id=item.verified_by_id.id or self.env.uid,
                        summary=self.env._("KYC item expires on %(date)s", date=item.expires_on),
                    )
                progress(len(batch))

    def _companies_with_items(self, states):
        groups = self._read_group([("state", "in", states)], ["company_id"])
        return self.env["res.company"].union(*(company for (company,) in groups))

    def _is_valid_on(self, day):
        self.ensure_one()
        return self.state == "verified" and not (self.expires_on and self.expires_on < day)
