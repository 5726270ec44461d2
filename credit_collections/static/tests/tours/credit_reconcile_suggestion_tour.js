import { registry } from "@web/core/registry";

// Data comes from test_credit_reconcile_suggestion_tour.py: "Double Paid" owes an invoice of
// 640.00 and has a credit note of 640.00, both open.

registry.category("web_tour.tours").add("credit_reconcile_suggestion_collector", {
    steps: () => [
        {
            content: "The credit note is matched with the invoice of the same amount",
            trigger: ".o_data_row:contains(Double Paid):contains(640.00):contains(Same amount)",
        },
        {
            content: "Apply it",
            trigger: ".o_data_row:contains(Double Paid) button[name=action_apply]",
            run: "click",
        },
        {
            content: "Nothing is left to reconcile",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Double Paid)))",
        },
    ],
});
