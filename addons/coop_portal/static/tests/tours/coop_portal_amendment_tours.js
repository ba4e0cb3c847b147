/** @odoo-module **/

import { registry } from "@web/core/registry";

// Hélène amends a resolution of her convened assembly from its page, then publishes the
// amendment for co-signature (issue #24 §5).
registry.category("web_tour.tours").add("coop_portal_amendment_tour", {
    url: "/my/assemblies",
    steps: () => [
        {
            content: "Hélène opens her assembly in Île-de-France",
            trigger: "a:contains(\"Assemblée générale d'Île-de-France\")",
            run: "click",
        },
        {
            content: "The members may amend until the window closes",
            trigger: ".o_coop_amendment_window",
        },
        {
            content: "She proposes an amendment to the solar roofs budget",
            trigger: ".o_coop_resolution:contains('Budget des toitures solaires') .o_coop_propose_amendment a",
            run: "click",
        },
        {
            content: "The form says what it amends",
            trigger: ".o_coop_amended:contains('Budget des toitures solaires')",
        },
        { trigger: "#coop_proposal_name", run: "edit Porter le budget à 250 000 euros" },
        {
            content: "She rewrites the text in the website editor",
            trigger: ".o_coop_editor_ready [aria-labelledby='coop_proposal_body_label'] p",
            run: "editor Le budget des toitures est de 250 000 euros.",
        },
        {
            trigger: ".o_coop_editor_ready [aria-labelledby='coop_proposal_body_label']:contains('250 000')",
        },
        { trigger: "button[type='submit']:contains('Save the draft')", run: "click" },
        {
            content: "Her draft amendment is saved",
            trigger: "h1:contains('Edit my amendment')",
        },
        { trigger: "button:contains('Publish for co-signature')", run: "click" },
        {
            content: "The amendment is open for co-signature",
            trigger: ".alert-success:contains('Your proposal is published')",
        },
        {
            trigger: ".o_coop_amended:contains('Budget des toitures solaires')",
        },
    ],
});
