/** @odoo-module **/

import { registry } from "@web/core/registry";

// The moderator opens her dashboard: a chart first, the figures behind it in the pivot,
// then the preparation of the coming assembly from the dashboard's menu.
registry.category("web_tour.tours").add("coop_moderator_dashboard_tour", {
    url: "/odoo/action-coop_engagement.coop_engagement_company_report_action",
    steps: () => [
        {
            content: "The dashboard opens on the capital chart",
            trigger: ".o_graph_view .o_graph_renderer canvas",
            timeout: 30000,
        },
        {
            content: "Read the figures behind the chart",
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the capital",
            trigger: ".o_pivot_view .o_pivot th:contains('Capital at Year End')",
            timeout: 30000,
        },
        {
            content: "Open the reporting menu",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open the assembly preparation",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Assembly Preparation')",
            run: "click",
        },
        {
            content: "The assembly preparation opens on a chart too",
            trigger: ".o_breadcrumb:contains('Assembly Preparation')",
            timeout: 30000,
        },
        {
            content: "Its chart is drawn",
            trigger: ".o_graph_view .o_graph_renderer canvas",
            timeout: 30000,
        },
    ],
});
