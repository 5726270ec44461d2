from . import test_module
from . import test_security
from . import test_credit_limit_request
from . import test_demo_portfolio
