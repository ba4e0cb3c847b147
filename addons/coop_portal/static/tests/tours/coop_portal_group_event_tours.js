/** @odoo-module **/

import { registry } from "@web/core/registry";

// Set a datetime-local field (typing into it depends on the browser's locale).
function setValue(selector, value) {
    return {
        content: `${selector} = ${value}`,
        trigger: selector,
        run: function () {
            const input = document.querySelector(selector);
            input.value = value;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

// Romain coordinates the Valence group: he creates a workshop for the group, which waits
// for the moderator's approval (given by Nadia in the Python test after the tour).
registry.category("web_tour.tours").add("coop_portal_group_event_tour", {
    url: "/cooperative/groups",
    steps: () => [
        {
            content: "Romain opens his local group's page",
            trigger: "h3 a:contains('Valence Drôme')",
            run: "click",
        },
        {
            content: "The coordinator creates an event for the group",
            trigger: "a.o_coop_group_event_new",
            run: "click",
        },
        {
            trigger: "#coop_event_name",
            run: "edit Atelier rénovation énergétique",
        },
        setValue("#coop_event_begin", "2031-03-14T18:00"),
        setValue("#coop_event_end", "2031-03-14T20:00"),
        {
            trigger: "#coop_event_description",
            run: "edit Isoler sa maison : retours d'expérience.",
        },
        {
            content: "Create the event",
            trigger: "button:contains('Create the event')",
            run: "click",
        },
        {
            content: "It waits for the moderators' approval",
            trigger: ".o_coop_group_event_done:contains('sent to the moderators')",
        },
        {
            content: "And is listed among the group's events waiting for approval",
            trigger: "#coop_group_events_pending ~ ul:contains('Atelier rénovation énergétique')",
        },
    ],
});
