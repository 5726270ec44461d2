#!/usr/bin/env bash
# Starts Odoo 19 with credit_collections and its demo portfolio on http://localhost:8069
# (login admin / password admin). Creates the demo database on first run, upgrades the addon after.
source "$(dirname "$0")/tools/setup.sh"
setup_all wkhtmltopdf

DEMO_DB=${DEMO_DB:-credit_collections_demo}
HTTP_PORT=${HTTP_PORT:-8069}

if database_exists "$DEMO_DB"; then
    say "upgrading credit_collections in the existing database $DEMO_DB"
    module_args=(-u credit_collections -i credit_collections_stock)
else
    say "creating the database $DEMO_DB with demo data (a few minutes the first time)"
    module_args=(-i credit_collections,credit_collections_stock --with-demo)
fi
say "serving on http://localhost:$HTTP_PORT (login: admin, password: admin)"
exec "$VENV_DIR/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$DEMO_DB" --db-filter "^$DEMO_DB\$" \
    --http-port "$HTTP_PORT" "${module_args[@]}" "$@"
