import { registry } from "@web/core/registry";

// Data comes from test_credit_limit_request_tour.py: "Limit Customer" with a 1,000.00 limit
// and an open invoice of 250.00.

registry.category("web_tour.tours").add("credit_limit_request_salesperson", {
    steps: () => [
        {
            content: "Open the Credit tab",
            trigger: ".o_notebook a:contains(Credit)",
            run: "click",
        },
        {
            content: "The limit is shown read-only next to the exposure",
            trigger: "div[name=credit_limit_amount]:contains(1,000.00)",
        },
        {
            content: "The aging of the company's open invoice is listed",
            trigger: "div[name=credit_company_risk_ids] .o_data_row:contains(250.00)",
        },
        {
            content: "Ask for a limit change",
            trigger: "button[name=action_credit_limit_request]",
            run: "click",
        },
        {
            content: "The request shows the customer's figures as money",
            trigger: ".modal div[name=current_limit]:contains(1,000.00)",
        },
        {
            content: "Ask for 5,000",
            trigger: ".modal div[name=requested_limit] input",
            run: "edit 5000",
        },
        {
            content: "Say why",
            trigger: ".modal div[name=reason] textarea",
            run: "edit New framework contract",
        },
        {
            content: "Submit",
            trigger: ".modal button[name=action_submit]",
            run: "click",
        },
        {
            content: "The salesperson is told it went to the Credit Managers",
            trigger: ".o_notification:contains(Request sent to the Credit Managers)",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("credit_limit_request_manager", {
    steps: () => [
        {
            content: "The request shows the figures, amounts formatted as money",
            trigger: ".o_form_view div[name=requested_limit]:contains(5,000.00)",
        },
        {
            content: "Approve",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Approved)",
        },
    ],
});
