from . import credit_hold_release_wizard
