from . import credit_aged_receivable
from . import credit_collection_kpi
from . import credit_reconcile_suggestion
