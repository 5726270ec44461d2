import { registry } from "@web/core/registry";

// Data comes from test_credit_hold_tour.py: a quotation over the customer's credit limit.

registry.category("web_tour.tours").add("credit_hold_salesperson", {
    steps: () => [
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view button[name=action_confirm]:not(.btn-primary):visible",
            run: "click",
        },
        {
            content: "The order is on credit hold, with its reasons",
            trigger: ".alert-danger:contains(Credit hold):contains(exceed the credit limit)",
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

registry.category("web_tour.tours").add("credit_hold_manager", {
    steps: () => [
        {
            content: "Open the release dialog",
            trigger: "button[name=action_credit_release_wizard]",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Strategic customer, paying on delivery",
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
            content: "The release is in the chatter",
            trigger: ".o-mail-Message:contains(Credit hold released)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_hold_salesperson_confirms", {
    steps: () => [
        {
            content: "Confirm the released order",
            trigger: ".o_form_view button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
    ],
});
