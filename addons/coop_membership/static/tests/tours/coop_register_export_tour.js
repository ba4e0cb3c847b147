/** @odoo-module **/

import { registry } from "@web/core/registry";

// The accountant exports the register of members and share movements as a spreadsheet,
// from the capital reports of the Reporting menu (the test then reads the file).
registry.category("web_tour.tours").add("coop_register_export_tour", {
    url: "/odoo/action-coop_membership.coop_share_operation_action",
    steps: () => [
        {
            content: "The share register is open",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='coop_membership.coop_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the capital reports",
            trigger: ".dropdown-item[data-menu-xmlid='coop_membership.coop_capital_report_menu']",
            run: "click",
        },
        {
            content: "Choose the register as a spreadsheet",
            trigger: ".modal .o_field_widget[name=report] input[data-value='register_xlsx']",
            run: "click",
        },
        {
            content: "The accountant's cooperative is selected",
            trigger: ".modal .o_field_widget[name=company_ids] .o_tag",
        },
        {
            content: "Download the register",
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        {
            content: "The wizard is saved with its file",
            trigger: ".modal .o_form_saved",
        },
    ],
});
