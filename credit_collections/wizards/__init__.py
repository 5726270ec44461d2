from . import credit_hold_release_wizard
from . import credit_dispute_wizard
from . import credit_followup_run_wizard
from . import credit_aged_receivable_wizard
from . import credit_late_charge_waive
