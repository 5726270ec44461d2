import { registry } from "@web/core/registry";

// Data comes from test_credit_invoice_forecast_tour.py: one open invoice of a new customer.

registry.category("web_tour.tours").add("credit_invoice_forecast_collector", {
    steps: () => [
        {
            content: "The forecast opens as a graph by expected week",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The amount expected is in the pivot",
            trigger: ".o_pivot .o_pivot_cell_value:contains(750.00)",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Each invoice says when and why",
            trigger: ".o_data_row:contains(Forecast Customer):contains(No paid invoice yet)",
        },
        {
            content: "Open the invoice",
            trigger: ".o_data_row:contains(Forecast Customer) td[name=move_id]",
            run: "click",
        },
    ],
});

registry.category("web_tour.tours").add("credit_invoice_forecast_plan", {
    steps: () => [
        {
            content: "The list shows both customers' invoices before filtering",
            trigger: ".o_list_view .o_data_row:contains(Unplanned Customer)",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep the invoices under a payment plan",
            trigger: ".o-dropdown-item:contains(Under Payment Plan)",
            run: "click",
        },
        {
            content: "The filter is applied",
            trigger: ".o_searchview_facet:contains(Under Payment Plan)",
        },
        {
            content: "The planned invoice says which instalment settles it",
            trigger:
                ".o_data_row:contains(Planned Customer):contains(Under a payment plan: settled by its instalment of)",
        },
        {
            content: "The other customer's invoice is filtered out",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Unplanned Customer)))",
        },
    ],
});

registry.category("web_tour.tours").add("credit_invoice_forecast_large", {
    steps: () => [
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The large invoice says why it is expected later",
            trigger:
                ".o_data_row:contains(Large Customer):contains(a large invoice for this customer (4.5 times its usual): its large ones were paid 30 days late)",
        },
        {
            content: "Open the optional columns",
            trigger: ".o_optional_columns_dropdown_toggle",
            run: "click",
        },
        {
            content: "Show the size against the usual invoice",
            trigger: ".o-dropdown-item:contains(Size against Usual) input",
            run: "click",
        },
        {
            content: "The column shows the ratio",
            trigger: ".o_data_row:contains(Large Customer) td[name=size_ratio]:contains(4.5)",
        },
    ],
});
