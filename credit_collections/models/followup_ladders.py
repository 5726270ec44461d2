"""The ladders a batch of follow-ups climbs, read once per batch rather than once per customer:
the run decides for hundreds of customers who share a handful of delinquency categories."""

from typing import NamedTuple


class Ladder(NamedTuple):
    category: object  # credit.delinquency.category (empty: none matched)
    policy: object  # credit.followup.policy (empty without a category)
    levels: object  # credit.followup.level, the policy's levels by offset
    above: dict  # {level id (False: none reached): the ladder's levels above it, in order}


class Ladders(dict):
    """``ladders[category_id]``: the ``Ladder`` of a delinquency category (``None``: none),
    read on first use."""

    def __init__(self, env):
        super().__init__()
        self.env = env

    def __missing__(self, category_id):
        category = self.env["credit.delinquency.category"].browse(category_id)
        policy = category.policy_id
        levels = policy.level_ids.sorted("offset_days")
        ladder = self[category_id] = Ladder(category, policy, levels, _levels_above(levels))
        return ladder


def _levels_above(levels):
    """For each level of ``levels`` and for none (offset 0), the levels of higher offset: what
    every customer of the ladder would otherwise filter out of it on its own."""
    offsets = {level.id: level.offset_days for level in levels}
    return {
        reached: levels.browse(
            [level_id for level_id, offset in offsets.items() if offset > offsets.get(reached, 0)]
        )
        for reached in [False, *offsets]
    }
