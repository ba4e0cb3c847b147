/** @odoo-module **/

import { registry } from "@web/core/registry";

// Bernard reads a resolution of his assembly, opens its discussion in the members'
// forum and answers there before voting.
registry.category("web_tour.tours").add("coop_portal_forum_resolution_tour", {
    url: "/my/assemblies",
    steps: () => [
        {
            content: "Open the convened assembly",
            trigger: "a[href^='/my/assemblies/']:contains('Assemblée générale mixte')",
            run: "click",
        },
        {
            content: "Discuss the members' resolution on a citizen fund",
            trigger:
                "article.o_coop_resolution:contains('fonds citoyen pour les projets') .o_coop_resolution_forum a",
            run: "click",
        },
        {
            content: "The thread of the resolution, in the cooperative's forum",
            trigger: ".o_wforum_post_content:contains('fonds d\\'amorçage')",
        },
        {
            trigger: 'a:contains("Reply").collapsed',
            run: "click",
        },
        {
            content: "Write the answer",
            trigger: ".note-editable p",
            run: "editor Je propose d'en parler au groupe local avant le vote.",
        },
        {
            trigger: ".note-editable:not(:has(br))",
        },
        {
            trigger: 'button:contains("Post Answer")',
            run: "click",
        },
        {
            content: "The answer is published in the thread",
            trigger: ".o_wforum_post_content:contains('en parler au groupe local avant le vote')",
        },
    ],
});
