"""Risk rows learn whether their customer has active early warnings: the customer's form
looks its warnings up only then."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE credit_partner_risk risk
           SET has_active_warnings = TRUE
         WHERE EXISTS (SELECT 1 FROM credit_risk_warning warning
                        WHERE warning.partner_id = risk.partner_id
                          AND warning.company_id = risk.company_id
                          AND warning.active)
        """
    )
