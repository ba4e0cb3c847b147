/** @odoo-module **/

import { registry } from "@web/core/registry";

// Claire registers for the federation's inter-cooperative evening, then finds the
// webinar link and the event in "My events".
registry.category("web_tour.tours").add("coop_portal_event_registration_tour", {
    steps: () => [
        {
            content: "Open the registration",
            trigger: "button[data-bs-target='#modal_ticket_registration']:visible",
            run: "click",
        },
        {
            content: "One seat",
            trigger: ".o_wevent_registration_single_select select",
            run: "select 1",
        },
        {
            trigger: "#modal_ticket_registration .modal-footer button[type=submit]:enabled",
            run: "click",
        },
        {
            content: "Her name and email are filled in: confirm",
            trigger:
                ".modal#modal_attendees_registration:not(.o_inactive_modal) button[type=submit].btn-primary",
            run: "click",
        },
        {
            content: "Registered",
            trigger: ".o_wereg_confirmed",
        },
        {
            content: "Back on the event page, the webinar link is there for her",
            trigger: "body",
            run: function () {
                const url = window.location.pathname.replace(/\/registration\/success.*$/, "");
                window.location.href = `${url}/register`;
            },
        },
        {
            trigger: ".o_coop_webinar a[href^='https://']",
        },
        {
            content: "My events lists it",
            trigger: "body",
            run: function () {
                window.location.href = "/my/events";
            },
        },
        {
            trigger: "#coop_events_coming ~ ul a:contains('inter-coopératives')",
        },
    ],
});

// Bernard looks for the stand kit in the library and downloads it.
registry.category("web_tour.tours").add("coop_portal_document_tour", {
    url: "/my/documents",
    steps: () => [
        {
            content: "Search the library",
            trigger: "#coop_doc_search",
            run: "edit stand",
        },
        {
            trigger: ".o_coop_document_filters button[type=submit]",
            run: "click",
        },
        {
            content: "The kit is found and served as a PDF",
            trigger: ".o_coop_documents a:contains('Kit stand')",
            run: async function () {
                const link = document.querySelector(".o_coop_documents a");
                const response = await fetch(link.getAttribute("href"));
                const type = response.headers.get("Content-Type");
                if (!response.ok || type !== "application/pdf") {
                    console.error(`the document answered ${response.status} ${type}`);
                }
            },
        },
    ],
});

// Romain volunteers for an action call from his local group's page.
registry.category("web_tour.tours").add("coop_portal_volunteer_tour", {
    steps: () => [
        {
            content: "An action call of the group's sub-group asks for help",
            trigger: "#calls li:contains('Chantier participatif') button:contains('I volunteer')",
            run: "click",
        },
        {
            trigger: ".alert-success:contains('Thank you for volunteering')",
        },
        {
            trigger: "#calls li:contains('Chantier participatif'):contains('You volunteered')",
        },
    ],
});
