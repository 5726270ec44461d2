import { registry } from "@web/core/registry";

// Data comes from test_credit_group_tour.py: "Tour Parent" owes 4,000.00 in the company.

registry.category("web_tour.tours").add("credit_group_manager", {
    steps: () => [
        {
            content: "Create a credit group",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Holding",
        },
        {
            content: "Give it a limit",
            trigger: ".o_field_widget[name=credit_limit] input",
            run: "edit 5000",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: nothing owed yet, all of the limit available",
            trigger: ".o_form_saved .o_field_widget[name=available]:contains(5,000.00)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_group_member", {
    steps: () => [
        {
            content: "Open the Credit tab",
            trigger: "a[name=credit_collections]",
            run: "click",
        },
        {
            content: "Put the customer in the group",
            trigger: ".o_field_widget[name=credit_group_id] input",
            run: "edit Tour Holding",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Holding)",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, and logged in the chatter",
            trigger: ".o-mail-Message:contains(Credit group in)",
        },
    ],
});
