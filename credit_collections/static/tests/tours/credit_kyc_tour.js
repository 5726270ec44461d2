import { registry } from "@web/core/registry";

// Data comes from test_credit_kyc_tour.py: "Vetted Customer" has the EU business checklist,
// its VAT number moved to the end, nothing verified yet.

const openCreditTab = [
    {
        content: "Open the credit tab",
        trigger: ".o_notebook .nav-link:contains(Credit)",
        run: "click",
    },
];

registry.category("web_tour.tours").add("credit_kyc_collector", {
    steps: () => [
        ...openCreditTab,
        {
            content: "The checklist is in its order: the registration number first now",
            trigger:
                "div[name=kyc_item_ids] .o_data_row:first-child:contains(Company registration number)",
        },
        {
            content: "The VAT number last",
            trigger: "div[name=kyc_item_ids] .o_data_row:last:contains(VAT number)",
        },
        {
            content: "Nothing verified: incomplete",
            trigger: "div[name=kyc_status]:contains(Incomplete)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_kyc_checklists", {
    steps: () => [
        {
            content: "Every item, not only those to verify",
            trigger: ".o_searchview_facet:contains(To Verify) .o_facet_remove",
            run: "click",
        },
        {
            content: "Open the customer's checklist, grouped by customer",
            trigger: ".o_group_header:contains(Vetted Customer)",
            run: "click",
        },
        {
            content: "Its items in the checklist's order",
            trigger: ".o_data_row:first:contains(Vetted Customer):contains(Company registration number)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_kyc_salesperson", {
    steps: () => [
        ...openCreditTab,
        {
            content: "The salesperson reads the status, not the checklist and its documents",
            trigger:
                ".o_form_view:not(:has(div[name=kyc_item_ids])) div[name=kyc_status]:contains(Incomplete)",
        },
    ],
});
