/** @odoo-module **/

import { registry } from "@web/core/registry";

// The moderator ("chargée de vie coopérative") opens her local group, writes to its
// members and sends the message.
registry.category("web_tour.tours").add("coop_group_mailing_tour", {
    url: "/odoo/action-coop_engagement.coop_local_group_action",
    steps: () => [
        {
            content: "Open the local group",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Group Die')",
            run: "click",
        },
        {
            content: "Write to the group",
            trigger: ".o_form_view button[name=action_coop_group_mailing]",
            run: "click",
        },
        {
            content: "The message goes to the group's list",
            trigger: ".o_field_widget[name=contact_list_ids]:contains('Tour Group Die')",
        },
        {
            content: "The message leaves from the group's address",
            trigger: ".o_field_widget[name=email_from] input:value(die@example.org)",
        },
        {
            content: "Write the subject",
            trigger: ".o_field_widget[name=subject] input",
            run: "edit Back-to-school meeting",
        },
        {
            content: "Write the message",
            trigger: ".o_field_html[name=body_html] .odoo-editor-editable div.o-paragraph",
            run: "editor See you on Monday at the town hall.",
        },
        {
            content: "Send",
            trigger: ".o_form_view button[name=action_launch]",
            run: "click",
        },
        {
            content: "Confirm the sending",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The message is queued",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Queue')",
        },
        {
            content: "Back to the group",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Tour Group Die')",
            run: "click",
        },
        {
            content: "Open the group's messages",
            trigger: ".o_form_view button[name=action_coop_view_group_mailings]",
            run: "click",
        },
        {
            content: "The message is listed",
            trigger: ".o_list_view .o_data_row:contains('Back-to-school meeting')",
        },
    ],
});
