"""The security groups the code checks, by xml id: for ``has_group`` and fields' ``groups``."""

INTERNAL_USERS = "base.group_user"
COLLECTIONS_USER = "credit_collections.group_collections_user"
CREDIT_MANAGER = "credit_collections.group_credit_manager"
