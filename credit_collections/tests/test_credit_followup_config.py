from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupConfiguration(FollowupCommon):
    """Ladders are strictly ordered and every level does something sensible."""

    def _level(self, **values):
        return self.env["credit.followup.level"].create(
            {"policy_id": self.standard.id, "name": "Extra", **values}
        )

    def test_default_ladder_follows_practice(self):
        self.assertEqual(sorted(self.levels), [-7, 1, 7, 15, 30, 60])
        self.assertTrue(self.levels[7].send_sms)
        self.assertTrue(self.levels[15].schedule_call)
        self.assertEqual(self.levels[30].effect, "hold")
        self.assertTrue(self.levels[30].send_letter)
        self.assertEqual(self.levels[60].effect, "suspend")
        self.assertTrue(self.levels[60].agency_handoff)

    def test_bad_levels_are_refused_with_a_reason(self):
        cases = {
            "unique_offset": {"offset_days": 7, "schedule_call": True},
            "choose its email template": {"offset_days": 3, "send_email": True},
            "choose its SMS template": {"offset_days": 3, "send_sms": True},
            "does nothing": {"offset_days": 3},
            "order the levels by severity": {"offset_days": 90, "effect": "hold"},
            "check_min_amount": {
                "offset_days": 3,
                "schedule_call": True,
                "min_amount": -1,
            },
        }
        for message, values in cases.items():
            with self.subTest(message=message):
                with self.assertRaises(Exception) as caught:
                    self._level(**values)
                self.assertIn(message, str(caught.exception))

    def test_category_criteria_are_percentages(self):
        with self.assertRaises(Exception) as caught:
            self.env["credit.delinquency.category"].create(
                {"name": "Odd", "policy_id": self.standard.id, "late_share_above": 150}
            )
        self.assertIn("check_criteria", str(caught.exception))
