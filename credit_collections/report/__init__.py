from . import credit_aged_receivable
