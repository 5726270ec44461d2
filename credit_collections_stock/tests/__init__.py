from . import test_credit_hold_stages
from . import test_delivery_credit_hold
from . import test_delivery_credit_hold_tour
from . import test_delivery_credit_hold_rpc
from . import test_demo_held_delivery
