from . import test_credit_limit_request, test_demo_portfolio, test_module, test_security
