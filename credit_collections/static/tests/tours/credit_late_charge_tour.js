import { registry } from "@web/core/registry";

// Data comes from test_credit_late_charge_tour.py: "Charged Business" with three months of
// interest charged on one invoice.

registry.category("web_tour.tours").add("credit_late_charge_waive", {
    steps: () => [
        {
            content: "Each charge says how it was computed",
            trigger:
                ".o_data_row:contains(Charged Business):contains(Interest on):contains(at 10.00% for 30 days)",
        },
        {
            content: "Open the first month's interest",
            trigger: ".o_data_row:contains(Charged Business) td[name=partner_id]",
            run: "click",
        },
        {
            content: "Waive it",
            trigger: ".o_form_view button[name=action_waive]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Goodwill: first delay",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The charge is waived, with its reason and credit note",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Waived)) div[name=waive_reason]:contains(Goodwill: first delay)",
        },
        {
            content: "The credit note is there",
            trigger: ".o_form_view div[name=waive_move_id] a:contains(RINV)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_late_charge_read_only", {
    steps: () => [
        {
            content: "Open a charge",
            trigger: ".o_data_row:contains(Charged Business) td[name=partner_id]",
            run: "click",
        },
        {
            content: "It reads how the charge was computed, and cannot waive it",
            trigger:
                ".o_form_view:not(:has(button[name=action_waive])) div[name=computation]:contains(Interest on)",
        },
    ],
});
