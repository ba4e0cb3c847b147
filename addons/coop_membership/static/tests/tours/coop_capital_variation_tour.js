/** @odoo-module **/

import { registry } from "@web/core/registry";

// An accountant reads the capital variation of the cooperative by year, then as a graph.
registry.category("web_tour.tours").add("coop_capital_variation_tour", {
    url: "/odoo/action-coop_membership.coop_capital_variation_action",
    steps: () => [
        {
            // Flows only: opening and closing capital do not add up across years.
            content: "The pivot shows the subscriptions of each year",
            trigger: ".o_pivot thead th:contains('Subscriptions')",
        },
        {
            content: "One row per year, 2025 among them",
            trigger: ".o_pivot tbody th:contains('2025')",
        },
        {
            content: "Switch to the graph",
            trigger: "button.o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The capital curve is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
