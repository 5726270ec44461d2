"""Grades became records (``credit.risk.grade``): each policy's grades from its former
``grade_*_min``, ``limit_multiplier_*`` and ``kyc_review_months_*`` columns."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

from odoo.addons.credit_collections.models.credit_risk_grade import DEFAULT_GRADES


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    has_columns = sql.column_exists(cr, "credit_risk_policy", "limit_multiplier_a")
    for policy in env["credit.risk.policy"].search([("grade_ids", "=", False)]):
        grades = []
        for grade, min_score, multiplier, review_months in DEFAULT_GRADES:
            if has_columns:
                letter = grade.lower()
                min_column = SQL.identifier(f"grade_{letter}_min") if grade != "E" else SQL("0")
                [(min_score, multiplier, review_months)] = env.execute_query(
                    SQL(
                        "SELECT %s, %s, %s FROM credit_risk_policy WHERE id = %s",
                        min_column,
                        SQL.identifier(f"limit_multiplier_{letter}"),
                        SQL.identifier(f"kyc_review_months_{letter}"),
                        policy.id,
                    )
                )
            grades.append(
                {
                    "policy_id": policy.id,
                    "grade": grade,
                    "min_score": min_score,
                    "limit_multiplier": multiplier,
                    "kyc_review_months": review_months,
                }
            )
        env["credit.risk.grade"].create(grades)
