from . import (
    test_credit_limit_request,
    test_credit_partner_risk,
    test_demo_portfolio,
    test_module,
    test_security,
)
from . import test_sale_credit_hold
from . import test_credit_hold_tour
from . import test_credit_kyc
from . import test_credit_kyc_external
