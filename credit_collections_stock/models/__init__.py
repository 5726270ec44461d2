from . import credit_risk_policy
from . import stock_picking
