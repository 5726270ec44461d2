"""The ladders a batch of follow-ups climbs, read once per batch rather than once per customer:
the run decides for hundreds of customers who share a handful of delinquency categories."""

from typing import NamedTuple


class Ladder(NamedTuple):
    category: object  # credit.delinquency.category (empty: none matched)
    policy: object  # credit.followup.policy (empty without a category)
    levels: object  # credit.followup.level, the policy's levels by offset


class Ladders(dict):
    """``ladders[category_id]``: the ``Ladder`` of a delinquency category (``None``: none),
    read on first use."""

    def __init__(self, env):
        super().__init__()
        self.env = env

    def __missing__(self, category_id):
        category = self.env["credit.delinquency.category"].browse(category_id)
        policy = category.policy_id
        ladder = self[category_id] = Ladder(
            category, policy, policy.level_ids.sorted("offset_days")
        )
        return ladder
