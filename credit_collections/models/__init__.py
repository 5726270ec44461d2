from . import credit_demo_portfolio, credit_limit_request, credit_partner_risk, res_partner
