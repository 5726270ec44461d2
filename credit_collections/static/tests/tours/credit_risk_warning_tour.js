import { registry } from "@web/core/registry";

// Data comes from test_credit_risk_warning_tour.py: "Slipping Customer" has an invoice 40 days
// overdue (an early warning), "Calm Customer" one a day overdue (none).

const watchlistFilter = [
    {
        content: "Open the filters",
        trigger: ".o_searchview_dropdown_toggler",
        run: "click",
    },
    {
        content: "Keep the watchlist",
        trigger: ".o-dropdown-item:contains(Watchlist)",
        run: "click",
    },
];

registry.category("web_tour.tours").add("credit_risk_warning_collector", {
    steps: () => [
        {
            content: "Drop the default filter",
            trigger: ".o_searchview .o_facet_remove",
            run: "click",
        },
        ...watchlistFilter,
        {
            content: "The slipping customer is on the watchlist, the calm one is not",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Calm Customer))) .o_data_row:contains(Slipping Customer) td[name=partner_id]",
            run: "click",
        },
        {
            content: "Its follow-up tells why",
            trigger: ".o_form_view div[name=warning_ids] .o_data_row:contains(An invoice is 40 days overdue.)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_risk_warning_salesperson", {
    steps: () => [
        ...watchlistFilter,
        {
            content: "The slipping customer is on the watchlist, the calm one is not",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Calm Customer))) .o_data_row:contains(Slipping Customer) td[name=complete_name]",
            run: "click",
        },
        {
            content: "Open the credit tab",
            trigger: ".o_notebook .nav-link:contains(Credit)",
            run: "click",
        },
        {
            content: "The salesperson reads the reason",
            trigger:
                ".o_form_view div[name=credit_listed_warning_ids] .o_data_row:contains(An invoice is 40 days overdue.)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_risk_warning_manager", {
    steps: () => [
        {
            content: "The warnings list says who and why",
            trigger: ".o_data_row:contains(Slipping Customer):contains(An invoice is 40 days overdue.)",
        },
        {
            content: "Open the warning",
            trigger: ".o_data_row:contains(Slipping Customer) td[name=reason]",
            run: "click",
        },
        {
            content: "It is read-only and names the salesperson told",
            trigger: ".o_form_view .o_form_readonly div[name=salesperson_id]:contains(cc_salesperson)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_risk_warning_policy", {
    steps: () => [
        {
            content: "Warn of an invoice 45 days overdue, not 30",
            trigger: ".o_form_view div[name=warn_days_late] input",
            run: "edit 45",
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
