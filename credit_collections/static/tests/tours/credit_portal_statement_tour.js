import { registry } from "@web/core/registry";

// Data comes from test_portal_statement_tour.py: "Portal Customer" owes two invoices. The
// customer opens its reminder's link, without a login.

function inDays(days) {
    return new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);
}

registry.category("web_tour.tours").add("credit_portal_statement", {
    steps: () => [
        {
            content: "The statement lists the customer's invoices and what it owes",
            trigger: "table[name=statement_lines] tfoot:contains(1,000.00)",
        },
        {
            content: "Each invoice can be paid through its own page",
            trigger: "table[name=statement_lines] tr:contains(700.00) a.o_credit_pay",
        },
        {
            content: "Promise a date in ten days",
            trigger: "form[name=promise] input[name=promise_date]",
            run() {
                this.anchor.value = inDays(10);
            },
        },
        {
            content: "Promise the amount",
            trigger: "form[name=promise] input[name=amount]",
            run: "edit 700",
        },
        {
            content: "Send the promise",
            trigger: "form[name=promise] button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is recorded",
            trigger: ".alert-success:contains(your promise to pay is recorded)",
        },
        {
            content: "Say what is wrong with the other invoice",
            trigger: "form[name=dispute] textarea[name=reason]",
            run: "edit Wrong quantity delivered",
        },
        {
            content: "Choose the second invoice (the one due last)",
            trigger: "form[name=dispute] select[name=invoice_id]",
            run: "selectByIndex 1",
        },
        {
            content: "Send the dispute",
            trigger: "form[name=dispute] button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The invoice is under review",
            trigger: "table[name=statement_lines] tr:contains(Under review)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_portal_statement_pay", {
    steps: () => [
        {
            content: "Tick the late invoice",
            trigger: "table[name=statement_lines] tr:contains(700.00) input.o_credit_pay_select",
            run: "click",
        },
        {
            content: "Tick the recent one",
            trigger: "table[name=statement_lines] tr:contains(300.50) input.o_credit_pay_select",
            run: "click",
        },
        {
            content: "Pay both in one payment",
            trigger: "button.o_credit_pay_selected",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The payment page lists the two invoices and their total",
            trigger: "table[name=invoices_to_pay] .o_credit_pay_total:contains(1,000.50)",
        },
        {
            content: "The third invoice is not paid",
            trigger: "table[name=invoices_to_pay]:not(:contains(45.00))",
        },
        {
            content: "Choose Odoo's demo payment method",
            trigger: "#o_payment_form[data-amount='1000.5'] [name=o_payment_radio]",
            run: "click",
        },
        {
            content: "Enter the (test) card",
            trigger: "input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the statement once paid: only the third invoice is left",
            trigger: "table[name=statement_lines] tfoot:contains(45.00)",
            timeout: 30000,
        },
        {
            content: "The paid invoices are gone from it",
            trigger: "table[name=statement_lines]:not(:contains(700.00))",
        },
    ],
});
