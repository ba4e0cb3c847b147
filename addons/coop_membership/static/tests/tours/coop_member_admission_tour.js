/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A back-office officer registers a candidacy and admits the new member.
registry.category("web_tour.tours").add("coop_member_admission_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Cooperative app",
            trigger: ".o_app[data-menu-xmlid='coop_membership.coop_menu_root']",
            run: "click",
        },
        {
            content: "Create a membership",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the person",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Candidate",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Candidate')",
            run: "click",
        },
        {
            content: "Choose the college",
            trigger: ".o_field_widget[name=college_id] input",
            run: "edit Tour Consumers",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Consumers')",
            run: "click",
        },
        {
            content: "Save the candidacy",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Admit the candidate",
            trigger: ".o_form_saved button[name=action_admit]:contains('Admit'):not(:contains('Re-admit'))",
            run: "click",
        },
        {
            content: "The member number is shown",
            trigger: ".o_field_widget[name=member_number]:contains('0')",
        },
        {
            content: "The status bar says Member",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Member')",
        },
    ],
});
