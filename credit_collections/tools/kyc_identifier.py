"""Validation of customer identifiers with python-stdnum: compact form or a clear error."""

from importlib.machinery import SourceFileLoader

import stdnum
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module


def _restore_stdnum_loader():
    """Give ``stdnum`` back a loader that can read its bundled number databases.

    Odoo 19 imports stdnum through its monkey-patching import hook, whose loader has no
    resource reader: stdnum modules with data files (IBAN, LEI, ...) then fail to import with
    "Can't open orphan path" (the failure of odoo/odoo#275302 with stdnum.at.tin).
    """
    spec = stdnum.__spec__
    if not hasattr(spec.loader, "get_resource_reader"):
        spec.loader = SourceFileLoader(spec.name, spec.origin)


_restore_stdnum_loader()

from stdnum import bic, iban, lei  # noqa: E402  (needs the loader restored)

# Company registration numbers stdnum knows, by country code.
COMPANY_REGISTRIES = {
    "be": "vat",  # the KBO/BCE number is the VAT number
    "de": "handelsregisternummer",
    "es": "cif",
    "fr": "siren",
    "it": "iva",
    "nl": "btw",
    "pl": "regon",
    "pt": "nipc",
}
EXAMPLES = {
    "vat": "BE0477472701",
    "iban": "BE71 0961 2345 6769",
    "bic": "GEBABEBB",
    "lei": "529900T8BM49AURSDO55",
}


class InvalidIdentifier(ValueError):
    """The identifier is not valid; the message says which format was expected."""


def compact_identifier(kind, value, country_code=None):
    """Return ``value`` in its compact canonical form, or raise :class:`InvalidIdentifier`.

    :param kind: ``vat``, ``company_registry``, ``iban``, ``bic`` or ``lei``
    :param country_code: the customer's country, for VAT numbers without prefix and registries
    """
    country_code = (country_code or "").lower()
    if kind == "vat" and country_code in eu_vat.MEMBER_STATES and not value.strip()[:2].isalpha():
        value = country_code.upper() + value.strip()  # the canonical form carries the prefix
    module, expected = _module(kind, value, country_code)
    if module is None:
        return value.strip()  # a registry stdnum does not know: kept as typed
    try:
        return module.validate(value)
    except StdnumError as error:
        raise InvalidIdentifier(f"{value!r} is not a valid {expected}: {error}") from error


def _module(kind, value, country_code):
    if kind == "vat":
        prefix = value.strip()[:2].lower()
        if prefix.isalpha() and prefix in eu_vat.MEMBER_STATES | {"el"}:
            return eu_vat, f"EU VAT number with its country prefix (e.g. {EXAMPLES['vat']})"
        module = get_cc_module(country_code, "vat") if country_code else None
        if module is None:
            return eu_vat, f"VAT number with its country prefix (e.g. {EXAMPLES['vat']})"
        return module, _describe(module)
    if kind == "company_registry":
        name = COMPANY_REGISTRIES.get(country_code)
        module = get_cc_module(country_code, name) if name else None
        return module, module and _describe(module)
    modules = {"iban": iban, "bic": bic, "lei": lei}
    return modules[kind], f"{_describe(modules[kind])} (e.g. {EXAMPLES[kind]})"


def _describe(module):
    """The first line of the stdnum module's docstring: the number's full name."""
    return (module.__doc__ or module.__name__).strip().splitlines()[0].rstrip(".")
