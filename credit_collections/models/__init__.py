from . import credit_risk_policy
from . import credit_kyc_template
from . import credit_kyc_item
from . import credit_limit_request
from . import credit_partner_risk
from . import res_partner
from . import credit_demo_portfolio
from . import sale_order
