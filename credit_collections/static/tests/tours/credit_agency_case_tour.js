import { registry } from "@web/core/registry";

// Data comes from test_credit_agency_case_tour.py: "Handed Tour" placed with
// "Tour Agency" for 1,500.00, of which 600.00 paid since.

registry.category("web_tour.tours").add("credit_agency_case_collector", {
    steps: () => [
        {
            content: "The case is listed with what was recovered and the fee",
            trigger:
                ".o_data_row:contains(Handed Tour):contains(Tour Agency):contains(600.00):contains(120.00)",
        },
        {
            content: "Graph the cases by agency",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});

registry.category("web_tour.tours").add("credit_agency_case_recall", {
    steps: () => [
        {
            content: "Open the case",
            trigger: ".o_data_row:contains(Handed Tour) td[name=partner_id]",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".o_field_widget[name=recall_reason] textarea",
            run: "edit Settled directly with us",
        },
        {
            content: "Recall it",
            trigger: "button[name=action_recall]",
            run: "click",
        },
        {
            content: "Recalled",
            trigger: ".o_statusbar_status button.active:contains(Recalled), .o_field_widget[name=recalled_on]:not(:empty)",
        },
    ],
});
