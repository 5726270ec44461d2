from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.groups import CREDIT_MANAGER, INTERNAL_USERS


class ResPartner(models.Model):
    """A customer's credit group in each company: set by a Credit Manager, logged."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_group_id = fields.Many2one(
        "credit.group",
        company_dependent=True,
        copy=False,
        help="The group whose limit this customer shares with the other members, in this "
        "company: its orders are held when the group would go over the group's limit.",
        groups=INTERNAL_USERS,
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("credit_group_id") for vals in vals_list):
            self._check_credit_group_right()
        return super().create(vals_list)

    def write(self, vals):
        if "credit_group_id" not in vals:
            return super().write(vals)
        self._check_credit_group_right()
        before = {partner: partner.credit_group_id for partner in self}
        result = super().write(vals)
        for partner in self:
            if partner.credit_group_id != before[partner]:
                partner.message_post(
                    body=self.env._(
                        "Credit group in %(company)s: %(before)s → %(after)s.",
                        company=self.env.company.name,
                        before=before[partner].name or self.env._("none"),
                        after=partner.credit_group_id.name or self.env._("none"),
                    )
                )
        return result

    def _credit_group(self):
        """The customer's credit group in the current company: its own, else the nearest
        parent company's (a subsidiary shares its parent's group unless given its own)."""
        self.ensure_one()
        partner = self.sudo()
        while partner and not partner.credit_group_id:
            partner = partner.parent_id
        return partner.credit_group_id

    def _check_credit_group_right(self):
        if not (self.env.su or self.env.user.has_group(CREDIT_MANAGER)):
            raise AccessError(
                self.env._("Only a Credit Manager can put a customer in a credit group.")
            )
