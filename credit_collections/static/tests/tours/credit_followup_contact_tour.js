import { registry } from "@web/core/registry";

// Data comes from test_followup_contact.py: "AP Desk", a contact of "Parent Group".

registry.category("web_tour.tours").add("credit_followup_contact_collector", {
    steps: () => [
        {
            content: "Mark the contact as the one reminders go to",
            trigger: ".o_form_view div[name=credit_followup_contact] input",
            run: "click",
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

registry.category("web_tour.tours").add("credit_followup_contact_salesperson", {
    steps: () => [
        {
            content: "A salesperson sees the contact, not the follow-up box",
            trigger:
                ".o_form_view:has(div[name=function]):not(:has(div[name=credit_followup_contact]))",
        },
    ],
});
