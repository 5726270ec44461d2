{
    "name": "Credit & Collections: Deliveries",
    "summary": "Credit holds on outgoing deliveries of customers on hold",
    "version": "19.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-collections/credit_collections",
    "author": "credit_collections developers",
    "license": "LGPL-3",
    "depends": ["credit_collections", "sale_stock"],
    "data": [
        "security/credit_collections_stock_security.xml",
        "views/stock_picking_views.xml",
        "views/credit_risk_policy_views.xml",
    ],
    "demo": ["demo/credit_collections_stock_demo.xml"],
    "assets": {
        "web.assets_tests": ["credit_collections_stock/static/tests/tours/*.js"],
    },
    "auto_install": True,
}
