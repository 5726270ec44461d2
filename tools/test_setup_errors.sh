#!/usr/bin/env bash
# Checks that a bad environment stops the commands with one clear line and a non-zero exit.
set -uo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/not-odoo" "$scratch/odoo-18/odoo"
echo "version_info = (18, 0, 0, FINAL, 0, '')" > "$scratch/odoo-18/odoo/release.py"
touch "$scratch/odoo-18/odoo-bin"

failures=0
expect_error() {  # expect_error "<expected text>" VAR=value...
    local expected=$1 output status
    shift
    output=$(env "$@" ./test.sh 2>&1)
    status=$?
    if [ $status -ne 0 ] && grep -q "credit_collections: error: .*$expected" <<< "$output"; then
        echo "ok: $* -> $(grep 'credit_collections: error' <<< "$output")"
    else
        echo "FAILED: $* (exit $status) did not say '$expected':"
        echo "$output" | tail -3
        failures=$((failures + 1))
    fi
}

expect_error "is not an Odoo source tree" "ODOO_SRC=$scratch/not-odoo"
expect_error "holds Odoo 18, this addon needs Odoo 19" "ODOO_SRC=$scratch/odoo-18"
expect_error "PostgreSQL is not reachable" "PGHOST=$scratch/no-socket"
expect_error "could not be cloned" "ODOO_SRC=$scratch/absent" "ODOO_GIT_URL=$scratch/no-repo"
echo "bad-environment checks: $((4 - failures)) of 4 as expected"
[ $failures -eq 0 ]
