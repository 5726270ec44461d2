from . import credit_demo_portfolio
