import { registry } from "@web/core/registry";

// Data comes from test_credit_aged_receivable_tour.py: "Aging Customer" owed 1,000.00 at the end of
// last month on an invoice 100 days late then, paid since.

registry.category("web_tour.tours").add("credit_aged_receivable_manager", {
    steps: () => [
        {
            content: "Open the Reporting menu",
            trigger: ".o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            content: "Aged receivables at a date",
            trigger: ".dropdown-item:contains(Aged Receivables at a Date)",
            run: "click",
        },
        {
            content: "The end of last month is proposed: open it",
            trigger: ".modal button[name=action_open]",
            run: "click",
        },
        {
            content: "The pivot shows the customer's 1,000.00 as it stood, 91-120 days late",
            trigger: ".o_pivot:has(th:contains(91-120)) td.o_pivot_cell_value:contains(1,000.00)",
        },
        {
            content: "Drill down from the customer's total",
            trigger: ".o_pivot tbody tr:has(th:contains(Aging Customer)) td.o_pivot_cell_value:last",
            run: "click",
        },
        {
            content: "The journal items behind it, with what was open then",
            trigger: ".o_list_view .o_data_row:has(td[name=amount_residual]:contains(1,000.00))",
        },
        {
            content: "Open the invoice",
            trigger: ".o_list_view .o_data_row button[name=action_open_document]",
            run: "click",
        },
        {
            content: "The invoice itself",
            trigger: ".o_form_view .o_breadcrumb .active:contains(INV/)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_aged_receivable_salesperson", {
    steps: () => [
        {
            content: "Open the Reporting menu",
            trigger: ".o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            content: "Today's customer figures are there; aged receivables at a date and KPIs are not",
            trigger:
                ".dropdown-menu:has(.dropdown-item):not(:has(.dropdown-item:contains(at a Date))):not(:has(.dropdown-item:contains(KPIs)))",
        },
    ],
});

registry.category("web_tour.tours").add("credit_collection_kpi_manager", {
    steps: () => [
        {
            content: "Open the Reporting menu",
            trigger: ".o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            content: "The collection KPIs",
            trigger: ".dropdown-item:contains(Collection KPIs)",
            run: "click",
        },
        {
            content: "Last month's row for the whole company, with its DSO and CEI",
            trigger: ".o_list_view .o_data_row:has(td[name=receivable_amount]:contains(1,000.00))",
        },
        {
            content: "The DSO trend",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "A line chart of the DSO by month",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});

registry.category("web_tour.tours").add("credit_score_history_salesperson", {
    steps: () => [
        {
            content: "Open the Credit tab",
            trigger: ".o_notebook a:contains(Credit)",
            run: "click",
        },
        {
            content: "Open the score history",
            trigger: "button[name=action_open_credit_history]",
            run: "click",
        },
        {
            content: "The score month by month",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
