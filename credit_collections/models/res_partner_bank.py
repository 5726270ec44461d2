import re

from odoo import api, models
from odoo.exceptions import ValidationError

from ..tools.kyc_identifier import InvalidIdentifier, compact_identifier

IBAN_SHAPE = re.compile(r"^[A-Za-z]{2}\d{2}")


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.constrains("acc_number")
    def _check_acc_number_iban(self):
        """An account number shaped like an IBAN must be one (checksum included).

        Odoo's base_iban only formats numbers it already finds valid; an IBAN with a typo would
        otherwise be filed as a plain account number and fail at the first payment.
        """
        for account in self:
            number = (account.acc_number or "").replace(" ", "")
            if IBAN_SHAPE.match(number):
                try:
                    compact_identifier("iban", number)
                except InvalidIdentifier as error:
                    raise ValidationError(str(error)) from error
