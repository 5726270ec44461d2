import { registry } from "@web/core/registry";

// Data comes from test_credit_followup_desk_tour.py: "Desk Customer" owes 300.00 on one invoice
// ten days overdue; the desk was refreshed, so the customer needs action today.

const openCustomer = [
    {
        content: "The customer needs action today",
        trigger: ".o_facet_value:contains(Needs Action Today)",
    },
    {
        content: "Open the customer's follow-up",
        trigger: ".o_data_row td[name=partner_id]:contains(Desk Customer)",
        run: "click",
    },
    {
        content: "Its form is open",
        trigger: ".o_form_view h1:contains(Desk Customer)",
    },
];

registry.category("web_tour.tours").add("credit_followup_desk_collector", {
    steps: () => [
        ...openCustomer,
        {
            content: "A collector cannot put a customer on hold",
            trigger: ".o_form_view:not(:has(button[name=action_credit_hold]))",
        },
        {
            content: "Record a promise to pay",
            trigger: "button[name=action_record_promise]",
            run: "click",
        },
        {
            content: "The dialog shows what is overdue now",
            trigger: ".modal div[name=overdue_now]:contains(300.00)",
        },
        {
            content: "Promise 120.00",
            trigger: ".modal div[name=amount] input",
            run: "edit 120",
        },
        {
            content: "Record it",
            trigger: ".modal .modal-footer button:contains(Record)",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the promises",
            trigger: ".o_notebook a:contains(Promises)",
            run: "click",
        },
        {
            content: "The promise is listed",
            trigger: "div[name=promise_ids] .o_data_row:contains(120.00):contains(Open)",
        },
        {
            content: "Agree a payment plan",
            trigger: "button[name=action_create_plan]",
            run: "click",
        },
        {
            content: "The schedule is shown before saving: three instalments of 100.00",
            trigger: ".modal div[name=schedule_preview] tbody tr:nth-child(3):contains(100.00)",
        },
        {
            content: "Save the plan",
            trigger: ".modal .modal-footer button:contains(Save)",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the payment plans",
            trigger: ".o_notebook a:contains(Payment Plans)",
            run: "click",
        },
        {
            content: "The plan is listed",
            trigger: "div[name=plan_ids] .o_data_row:contains(300.00):contains(Active)",
        },
        {
            content: "Send the level due now",
            trigger: "button[name=action_send_now]:contains(Send Now)",
            run: "click",
        },
        {
            content: "The mail composer is prefilled from the level's template",
            trigger: ".modal div[name=body]:contains(Our records show)",
        },
        {
            content: "The statement is attached",
            trigger: ".modal div[name=attachment_ids]:contains(Statement)",
        },
        {
            content: "The customer is the recipient",
            trigger: ".modal div[name=partner_ids] .o_tag:contains(Desk Customer)",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send_mail]",
            run: "click",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the communications",
            trigger: ".o_notebook a:contains(Communications)",
            run: "click",
        },
        {
            content: "The reminder is done",
            trigger:
                "div[name=communication_ids] .o_data_row:contains(Done) td[name=level_id]:contains(First reminder)",
            run: "click",
        },
        {
            content: "The communication opens, with the email sent",
            trigger: ".modal .o_form_view:contains(Items Covered)",
        },
        {
            content: "Close it",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Sending it again today asks for a confirmation",
            trigger: "button[name=action_send_now]:contains(Send Again)",
        },
        {
            content: "Print the statement",
            trigger: "button[name=action_print_statement]",
            run: "click",
        },
        {
            content: "Still on the form, no error",
            trigger: ".o_form_view h1:contains(Desk Customer)",
        },
        {
            content: "Print the demand letter",
            trigger: "button[name=action_print_letter]",
            run: "click",
        },
        {
            content: "Log a call",
            trigger: "button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The call activity dialog opens for the collector",
            trigger: ".modal div[name=activity_type_id]:contains(Call)",
        },
        {
            content: "Close it",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Mark the invoice disputed",
            trigger: "button[name=action_mark_dispute]",
            run: "click",
        },
        {
            content: "The overdue invoice is proposed",
            trigger: ".modal div[name=move_ids] .o_tag",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Goods damaged on delivery",
        },
        {
            content: "Mark disputed",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("credit_aged_receivables", {
    steps: () => [
        {
            content: "Group the aged receivables by grade",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "By grade",
            trigger: ".o_group_by_menu .o-dropdown-item:contains(Grade)",
            run: "click",
        },
        {
            content: "A grade's group sums money, not scores",
            trigger: ".o_group_header:contains(B) td:contains(300.00)",
        },
        {
            content: "No score is added up",
            trigger: ".o_list_view:not(:has(.o_group_header td[name=score]:not(:empty)))",
        },
        {
            content: "Open the group",
            trigger: ".o_group_header:contains(B)",
            run: "click",
        },
        {
            content: "A row opens the customer",
            trigger: ".o_data_row td[name=partner_id]:contains(Desk Customer)",
            run: "click",
        },
        {
            content: "The customer's form",
            trigger: ".o_form_view:has(div[name=vat]) .o_breadcrumb:contains(Desk Customer)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_followup_desk_manager", {
    steps: () => [
        {
            content: "Preview today's run",
            trigger: ".o_list_view button:contains(Preview & Run)",
            run: "click",
        },
        {
            content: "The preview lists the customer, its level and recipient",
            trigger:
                ".modal .o_data_row:contains(Desk Customer):contains(First reminder):contains(desk@example.com)",
        },
        {
            content: "Run now",
            trigger: ".modal .modal-footer button:contains(Run Now)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button:contains(Ok)",
            run: "click",
        },
        {
            content: "The run started in the background",
            trigger: ".o_notification:contains(Follow-up run started)",
        },
        ...openCustomer,
        {
            content: "Put the customer on hold",
            trigger: "button[name=action_credit_hold]",
            run: "click",
        },
        {
            content: "Confirm the hold",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The on-hold ribbon shows, and only the release button",
            trigger:
                ".o_form_view:has(.ribbon:contains(On Credit Hold)):not(:has(button[name=action_credit_hold]))",
        },
        {
            content: "Release the hold",
            trigger: "button[name=action_credit_release]",
            run: "click",
        },
        {
            content: "Confirm the release",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The ribbon is gone",
            trigger: ".o_form_view:not(:has(.ribbon)):has(button[name=action_credit_hold])",
        },
    ],
});

registry.category("web_tour.tours").add("credit_followup_desk_not_for_collectors", {
    steps: () => [
        {
            content: "The follow-up list is there, without the run button",
            trigger: ".o_list_view:has(.o_data_row):not(:has(button:contains(Preview & Run)))",
        },
    ],
});

registry.category("web_tour.tours").add("credit_followup_desk_after_run", {
    steps: () => [
        {
            content: "Switch to the kanban by level",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The kanban is shown",
            trigger: ".o_kanban_view .o_kanban_renderer",
        },
        {
            content: "Show every customer",
            trigger: ".o_kanban_view .o_searchview .o_facet_remove",
            run: "click",
        },
        {
            content: "The filter is gone",
            trigger: ".o_kanban_view .o_searchview:not(:has(.o_facet_remove))",
        },
        {
            content: "The customer sits in its level's column, with the money owed",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains(First reminder)) .o_kanban_record:contains(Desk Customer):contains(300.00)",
        },
        {
            content: "Unfold the ladder side panel (folded on narrow screens)",
            trigger: ".o_search_panel_sidebar",
            run: "click",
        },
        {
            content: "The side panel lets the collector look at one ladder",
            trigger: ".o_search_panel_section:contains(Ladder) li:contains(Standard ladder) header",
            run: "click",
        },
        {
            content: "Still there, on the standard ladder",
            trigger: ".o_kanban_record:contains(Desk Customer)",
        },
    ],
});

// Data: the first reminder of "Desk Customer" could not be delivered (its email address is
// invalid); the ladder fell back to an SMS.
registry.category("web_tour.tours").add("credit_followup_delivery_problem", {
    steps: () => [
        {
            content: "Show every customer",
            trigger: ".o_list_view .o_searchview .o_facet_remove",
            run: "click",
        },
        {
            content: "The filter is gone",
            trigger: ".o_list_view .o_searchview:not(:has(.o_facet_remove))",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep the customers whose last reminder was not delivered",
            trigger: ".o_filter_menu .o-dropdown-item:contains(Delivery Problems)",
            run: "click",
        },
        {
            content: "The customer is listed, flagged",
            trigger:
                ".o_data_row:contains(Desk Customer) td[name=delivery_problem] input:checked",
        },
        {
            content: "Open it",
            trigger: ".o_data_row td[name=partner_id]:contains(Desk Customer)",
            run: "click",
        },
        {
            content: "The collector has an activity about it",
            trigger: ".o-mail-Activity:contains(Reminder not delivered)",
        },
        {
            content: "Open the communications",
            trigger: ".o_notebook a:contains(Communications)",
            run: "click",
        },
        {
            content: "The reminder is marked not delivered",
            trigger:
                "div[name=communication_ids] .o_data_row td[name=delivery_status]:contains(Delivery Problem)",
            run: "click",
        },
        {
            content: "The communication says why, and what the ladder did instead",
            trigger: ".modal .alert:contains(Not delivered):contains(Desk Customer)",
        },
        {
            content: "The fallback SMS is listed",
            trigger: ".modal .o_notebook a:contains(SMS)",
        },
    ],
});
