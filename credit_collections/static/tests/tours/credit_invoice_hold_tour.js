import { registry } from "@web/core/registry";

// Data comes from test_credit_invoice_hold_tour.py: a draft invoice taking the customer over its
// credit limit, in a company whose policy holds such invoices.

registry.category("web_tour.tours").add("credit_invoice_hold_accountant", {
    steps: () => [
        {
            content: "Confirm the invoice",
            trigger: ".o_form_view button[name=action_post]:visible",
            run: "click",
        },
        {
            content: "The invoice is on credit hold, with its reasons",
            trigger: ".alert-danger:contains(Credit hold):contains(exceeds the credit limit)",
        },
        {
            content: "An accountant cannot release it",
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

registry.category("web_tour.tours").add("credit_invoice_hold_manager", {
    steps: () => [
        {
            content: "Open the release dialog",
            trigger: "button[name=action_credit_release_wizard]",
            run: "click",
        },
        {
            content: "The dialog shows why the invoice is held",
            trigger: ".modal div[name=hold_reasons]:contains(exceeds the credit limit)",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Paid in cash at the counter",
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
            content: "Confirm the invoice",
            trigger: ".o_form_view button[name=action_post]:visible",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Posted)",
        },
    ],
});
