from . import credit_demo_portfolio, credit_limit_request
