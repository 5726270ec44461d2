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
