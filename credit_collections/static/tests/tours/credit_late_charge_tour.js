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

registry.category("web_tour.tours").add("credit_late_charge_policy", {
    steps: () => [
        {
            content: "Charge interest to business customers",
            trigger: ".o_form_view div[name=interest_b2b] input",
            run: "click",
        },
        {
            content: "Its margin shows, 8 points by default",
            trigger: ".o_form_view div[name=interest_b2b_margin] input:value(8.00)",
        },
        {
            content: "Add a reference rate",
            trigger: ".o_form_view div[name=interest_rate_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Its rate",
            trigger: ".o_form_view div[name=interest_rate_ids] .o_selected_row div[name=rate] input",
            run: "edit 3.5",
        },
        {
            content: "Reminder links last two weeks",
            trigger: ".o_form_view div[name=portal_link_days] input",
            run: "edit 14",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
