{
    "name": "Credit & Collections",
    "summary": "Customer credit risk, credit limits with approval, credit holds, "
    "follow-up ladder and KYC",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-collections/credit_collections",
    "author": "credit_collections developers",
    "license": "LGPL-3",
    "application": True,
    "depends": ["account", "sale_management", "mail"],
    "external_dependencies": {"python": ["python-stdnum", "requests"]},
    "data": [
        "security/credit_collections_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/credit_limit_request_views.xml",
        "views/credit_partner_risk_views.xml",
        "views/credit_risk_policy_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/credit_hold_release_wizard_views.xml",
        "views/credit_collections_menus.xml",
    ],
    "demo": ["demo/credit_collections_demo.xml"],
    "assets": {
        "web.assets_tests": ["credit_collections/static/tests/tours/*.js"],
    },
}
