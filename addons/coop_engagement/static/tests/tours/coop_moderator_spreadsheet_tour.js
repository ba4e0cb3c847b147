/** @odoo-module **/

import { registry } from "@web/core/registry";

// The moderator opens the Dashboards app: the cooperative-life dashboard draws its charts
// from the report models (her cooperatives only, by their record rules).
registry.category("web_tour.tours").add("coop_moderator_spreadsheet_tour", {
    url: "/odoo/dashboards",
    steps: () => [
        {
            content: "Open the cooperative-life dashboard",
            trigger: ".o_search_panel_category_value[data-name='Cooperative Life Dashboard']",
            run: "click",
            timeout: 30000,
        },
        {
            content: "It is the dashboard shown",
            trigger: ".o_search_panel_category_value.active[data-name='Cooperative Life Dashboard']",
        },
        {
            content: "Its charts are drawn",
            trigger: ".o_renderer .o-figure canvas",
            timeout: 60000,
        },
        {
            content: "No loading error",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status.error))",
        },
    ],
});
