from . import credit_limit_request
from . import credit_demo_portfolio
