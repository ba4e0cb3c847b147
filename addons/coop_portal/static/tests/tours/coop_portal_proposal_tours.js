/** @odoo-module **/

import { registry } from "@web/core/registry";

// Bernard drafts a proposal, invites Romain (found by name) as co-author and publishes it.
registry.category("web_tour.tours").add("coop_portal_proposal_draft_tour", {
    url: "/my/assemblies",
    steps: () => [
        {
            content: "Bernard opens the members' proposals",
            trigger: "nav a[href='/my/proposals']",
            run: "click",
        },
        {
            content: "He drafts a proposal",
            trigger: "a[href='/my/proposals/new']",
            run: "click",
        },
        { trigger: "#coop_proposal_name", run: "edit Un jardin partagé" },
        {
            content: "He writes the text in the website editor",
            trigger: ".o_coop_editor_ready [aria-labelledby='coop_proposal_body_label'] p",
            run: "editor Créer un jardin partagé à Valence.",
        },
        {
            trigger: "[aria-labelledby='coop_proposal_rationale_label'] p",
            run: "editor Pour cultiver ensemble.",
        },
        { trigger: "[aria-labelledby='coop_proposal_rationale_label']:not(:has(br))" },
        { trigger: "button[type='submit']:contains('Save the draft')", run: "click" },
        {
            content: "The saved text is back in the editor",
            trigger: ".o_coop_editor_ready [aria-labelledby='coop_proposal_body_label']:contains('jardin partagé à Valence')",
        },
        {
            content: "He looks for Romain among the members",
            trigger: "#coop_proposal_q",
            run: "edit Romain",
        },
        { trigger: "form[role='search'] button[type='submit']", run: "click" },
        { trigger: "button:contains('Invite Romain')", run: "click" },
        {
            content: "Romain is a co-author",
            trigger: "section[aria-labelledby='coop_proposal_coauthors'] p:contains('Romain')",
        },
        { trigger: "button:contains('Publish for co-signature')", run: "click" },
        {
            content: "The proposal is open for co-signature",
            trigger: ".alert-success:contains('Your proposal is published')",
        },
    ],
});

// A member co-signs the proposal from its page.
registry.category("web_tour.tours").add("coop_portal_proposal_sign_tour", {
    url: "/my/proposals",
    steps: () => [
        { trigger: "a:contains('Un jardin partagé')", run: "click" },
        { trigger: "button:contains('Co-sign this proposal')", run: "click" },
        {
            content: "The signature is recorded",
            trigger: ".alert-success:contains('Your signature is recorded')",
        },
    ],
});
