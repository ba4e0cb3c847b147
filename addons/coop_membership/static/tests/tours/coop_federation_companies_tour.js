/** @odoo-module **/

import { registry } from "@web/core/registry";

// The federation's officer logs in for the first time: the member list already shows the
// members of the regional cooperatives, without ticking them in the company switcher.
registry.category("web_tour.tours").add("coop_federation_companies_tour", {
    url: "/odoo/action-coop_membership.coop_member_action",
    steps: () => [
        {
            content: "A member of Auvergne-Rhône-Alpes is listed",
            trigger: ".o_data_row:contains('Bernard Roux')",
        },
        {
            content: "A member of Centre-Val de Loire is listed",
            trigger: ".o_data_row:contains('Claire Martin')",
        },
    ],
});
