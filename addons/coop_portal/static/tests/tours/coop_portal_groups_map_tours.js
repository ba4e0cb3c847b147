/** @odoo-module **/

import { registry } from "@web/core/registry";

// A visitor opens the local groups page, clicks the marker of Valence Drôme on the map and
// follows the link of its popup to the group's page. No tile server in tests: the map
// shows the markers only.
registry.category("web_tour.tours").add("coop_portal_groups_map_tour", {
    url: "/cooperative/groups",
    steps: () => [
        {
            content: "The markers are on the map, with no tile requested",
            trigger: ".o_coop_groups_map:not(:has(.leaflet-tile)) .leaflet-marker-icon",
        },
        {
            content: "Click the marker of Valence",
            trigger: ".o_coop_groups_map .leaflet-marker-icon[title^='Valence Drôme']",
            run: "click",
        },
        {
            content: "Its popup links to the group's page",
            trigger: ".o_coop_groups_map .leaflet-popup-content a:contains('Valence Drôme')",
            run: "click",
        },
        {
            content: "The group's page",
            trigger: "h1:contains('Valence Drôme')",
        },
    ],
});
