import { registry } from "@web/core/registry";

// Data comes from test_delivery_credit_hold_tour.py: the delivery of an order whose customer
// has since gone 60 days overdue.

registry.category("web_tour.tours").add("credit_delivery_hold_warehouse", {
    steps: () => [
        {
            content: "Validate the delivery",
            trigger: ".o_form_view button[name=button_validate]:visible",
            run: "click",
        },
        {
            content: "The delivery is on credit hold, with its reasons",
            trigger: ".alert-danger:contains(Credit hold):contains(overdue by 60 days)",
        },
        {
            content: "A warehouse user cannot release it",
            trigger: ".o_form_view:not(:has(button[name=action_credit_release_wizard]))",
        },
        {
            content: "Ask a Credit Manager for a release",
            trigger: "button[name=action_credit_request_release]",
            run: "click",
        },
        {
            content: "The request is in the chatter",
            trigger: ".o-mail-Message:contains(asked for a credit release)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_delivery_hold_manager", {
    steps: () => [
        {
            content: "Open the release dialog",
            trigger: "button[name=action_credit_release_wizard]",
            run: "click",
        },
        {
            content: "The dialog shows why the delivery is held",
            trigger: ".modal div[name=hold_reasons]:contains(overdue by 60 days)",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Paid by bank transfer this morning",
        },
        {
            content: "Release",
            trigger: ".modal button[name=action_release]",
            run: "click",
        },
        {
            content: "The hold is gone",
            trigger: ".o_form_view:not(:has(.alert-danger:contains(Credit hold)))",
        },
        {
            content: "Validate the delivery",
            trigger: ".o_form_view button[name=button_validate]:visible",
            run: "click",
        },
        {
            content: "The delivery is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_delivery_released_order_warehouse", {
    steps: () => [
        {
            content: "Validate the delivery of the order a Credit Manager released",
            trigger: ".o_form_view button[name=button_validate]:visible",
            run: "click",
        },
        {
            content: "The order's release lets it go: done, no hold",
            trigger:
                ".o_form_view:not(:has(.alert-danger:contains(Credit hold))) .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_delivery_release_days_policy", {
    steps: () => [
        {
            content: "The policy says how long an order's release covers its deliveries",
            trigger: ".o_form_view div[name=delivery_release_days] input",
            run: "edit 3",
        },
        {
            content: "Deliveries no longer held",
            trigger: ".o_form_view div[name=hold_deliveries] input",
            run: "click",
        },
        {
            content: "The days are hidden with the holds",
            trigger: ".o_form_view:not(:has(div[name=delivery_release_days]))",
        },
        {
            content: "Deliveries held again",
            trigger: ".o_form_view div[name=hold_deliveries] input",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_view div[name=delivery_release_days] input",
            run: () => document.querySelector(".o_form_button_save").click(),
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
