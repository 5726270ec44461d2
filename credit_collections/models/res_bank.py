from odoo import api, models
from odoo.exceptions import ValidationError

from ..tools.kyc_identifier import InvalidIdentifier, compact_identifier


class ResBank(models.Model):
    _inherit = "res.bank"

    @api.constrains("bic")
    def _check_bic(self):
        for bank in self.filtered("bic"):
            try:
                compact_identifier("bic", bank.bic)
            except InvalidIdentifier as error:
                raise ValidationError(str(error)) from error
