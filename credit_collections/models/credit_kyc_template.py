from odoo import api, fields, models

CHECK_TYPES = [
    ("document", "Document"),
    ("vat", "VAT number"),
    ("company_registry", "Company registration number"),
    ("iban", "IBAN"),
    ("bic", "BIC"),
    ("lei", "LEI"),
    ("vies", "EU VAT check (VIES)"),
    ("bureau", "Credit bureau score"),
]
EXTERNAL_CHECK_TYPES = {"vies", "bureau"}
IDENTIFIER_TYPES = {"vat", "company_registry", "iban", "bic", "lei"}


class CreditKycTemplate(models.Model):
    """What to collect before extending credit, by customer type and country."""

    _name = "credit.kyc.template"
    _description = "KYC Checklist Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to use the template in every company."
    )
    customer_type = fields.Selection(
        [("company", "Company"), ("person", "Individual")], required=True, default="company"
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        help="Leave empty, with no country group, for customers of any country.",
    )
    country_group_ids = fields.Many2many(
        "res.country.group",
        string="Country Groups",
        help="Customers of a country of these groups (the European Union, say) get this "
        "template too.",
    )
    item_ids = fields.One2many("credit.kyc.template.item", "template_id", string="Items", copy=True)

    @api.model
    def _for_partner(self, partner):
        """The first template matching the customer's type and country, in the current company."""
        customer_type = "company" if partner.is_company else "person"
        templates = self.search(
            [
                ("customer_type", "=", customer_type),
                ("company_id", "in", [False, self.env.company.id]),
            ]
        )
        return templates.filtered(
            lambda template: template._fits_country(partner.country_id)
        ).sorted(lambda template: (not template._countries(), template.sequence))[:1]

    def _countries(self):
        """The countries the template is for; empty: any country."""
        self.ensure_one()
        return self.country_ids | self.country_group_ids.country_ids

    def _fits_country(self, country):
        countries = self._countries()
        return not countries or country in countries
