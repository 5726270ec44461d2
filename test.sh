#!/usr/bin/env bash
# Runs the whole test suite of credit_collections and its delivery bridge with pytest-odoo on a fresh throwaway database:
# installs the addon, upgrades it once (the upgrade path is part of what is tested), runs pytest.
# Extra arguments go to pytest (e.g. ./test.sh -k credit_limit).
source "$(dirname "$0")/tools/setup.sh"
setup_all wkhtmltopdf chromium

TEST_DB=${TEST_DB:-credit_collections_test_$$}
drop_test_db() { [ -n "${KEEP_DB:-}" ] || dropdb --if-exists "$TEST_DB"; }
trap drop_test_db EXIT

dropdb --if-exists "$TEST_DB"
ADDONS=credit_collections,credit_collections_stock
# Odoo's demo payment provider: the customer's tour pays with it, as a customer would with a
# real one (it is a test fixture of Odoo's payment module, not a dependency of the addon).
TEST_ONLY=payment_demo
say "installing $ADDONS and $TEST_ONLY in the fresh database $TEST_DB"
odoo_bin -d "$TEST_DB" -i "$ADDONS,$TEST_ONLY" --stop-after-init --log-level=warn \
    || die "installing $ADDONS failed (see the log above)"
say "upgrading $ADDONS in $TEST_DB"
odoo_bin -d "$TEST_DB" -u "$ADDONS" --stop-after-init --log-level=warn \
    || die "upgrading $ADDONS failed (see the log above)"

say "running the tests"
set +e
(cd "$REPO_DIR" && "$VENV_DIR/bin/pytest" --odoo-config "$ODOO_CONF" --odoo-database "$TEST_DB" \
    --odoo-http credit_collections credit_collections_stock "$@")
status=$?
set -e
[ $status -ne 5 ] || die "pytest collected no tests"
exit $status
