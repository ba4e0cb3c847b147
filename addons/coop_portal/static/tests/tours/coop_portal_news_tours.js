/** @odoo-module **/

import { registry } from "@web/core/registry";

// Romain coordinates the Valence group, which the moderator lets publish its news: he
// publishes a members-only post from the group's page (the Python test then checks that
// Bernard, a member of the group, finds it on /my).
registry.category("web_tour.tours").add("coop_portal_news_tour", {
    url: "/cooperative/groups",
    steps: () => [
        {
            content: "Romain opens his local group's page",
            trigger: "h3 a:contains('Valence Drôme')",
            run: "click",
        },
        {
            content: "The coordinator publishes news for the group",
            trigger: "a.o_coop_group_news_new",
            run: "click",
        },
        {
            trigger: "#coop_news_name",
            run: "edit Réunion publique sur le solaire",
        },
        {
            trigger: "#coop_news_content",
            run: "edit Jeudi à 19 h, salle des fêtes : le projet de toiture solaire.",
        },
        {
            content: "For the members of the group only",
            trigger: "#coop_news_members",
            run: "click",
        },
        {
            content: "Publish",
            trigger: "button:contains('Publish the news')",
            run: "click",
        },
        {
            content: "The news is published on the group's blog",
            trigger: ".o_coop_group_news_done:contains('Your news is published')",
        },
    ],
});
