/** @odoo-module **/

import { registry } from "@web/core/registry";

// Bernard, registered to a coming fair, orders flyers for his stand from the event page
// (started there by the Python test, hence no url of its own: the event's page depends on
// the event the test creates); the moderator sends them after the tour.
registry.category("web_tour.tours").add("coop_portal_kit_tour", {
    steps: () => [
        {
            content: "Bernard orders a communication kit for the event",
            trigger: "a.o_coop_kit_event_link",
            run: "click",
        },
        {
            content: "The event is chosen already",
            // An option is never "visible" to the tour: checked on the list's chosen value.
            trigger: "#coop_kit_event:has(option[selected]:contains('Foire bio de Crest'))",
        },
        {
            content: "His address is filled in already",
            trigger: "#coop_kit_street[value='14 rue Madier de Montjau']",
        },
        {
            content: "He asks for 150 flyers",
            trigger: ".o_coop_kit_form label:contains('Devenez sociétaire') + input",
            run: "edit 150",
        },
        {
            trigger: "#coop_kit_note",
            run: "edit Stand à l'entrée de la foire.",
        },
        {
            content: "Order the kit",
            trigger: ".o_coop_kit_form button[type=submit]",
            run: "click",
        },
        {
            content: "The order is recorded, to do",
            trigger: ".alert-success:contains('Your order is recorded')",
        },
        {
            trigger: ".o_coop_kit_state:contains('To do')",
        },
    ],
});
