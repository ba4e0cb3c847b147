/** @odoo-module **/

import { registry } from "@web/core/registry";

// Set a date or datetime-local field (typing into them depends on the browser's locale).
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

function inAWeek() {
    const day = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    return day.toISOString().slice(0, 10);
}

// Bernard coordinates the Valence group: he proposes two evenings to the group's members
// and answers himself (Monday if need be, Tuesday yes).
registry.category("web_tour.tours").add("coop_portal_group_time_poll_tour", {
    url: "/cooperative/groups",
    steps: () => [
        {
            content: "Bernard opens his local group's page",
            trigger: "h3 a:contains('Valence Drôme')",
            run: "click",
        },
        {
            content: "The coordinator finds a date with the group",
            trigger: "a:contains('Find a date with the group')",
            run: "click",
        },
        {
            trigger: "#coop_poll_name",
            run: "edit Réunion de janvier",
        },
        setValue("#coop_poll_slot_1", "2027-01-11T18:00"),
        setValue("#coop_poll_slot_2", "2027-01-12T18:00"),
        setValue("#coop_poll_date_close", inAWeek()),
        {
            content: "Ask the group",
            trigger: "button:contains('Ask the group')",
            run: "click",
        },
        {
            content: "Monday: if need be",
            trigger: "fieldset.coop_poll_slot:first input[value=maybe]",
            run: "click",
        },
        {
            content: "Tuesday: yes",
            trigger: "fieldset.coop_poll_slot:last input[value=yes]",
            run: "click",
        },
        {
            trigger: "button:contains('Send my answer')",
            run: "click",
        },
        {
            content: "The answer is recorded and the best slot shows",
            trigger: ".coop_poll_best_slot",
        },
    ],
});

// Romain, a member of the group, answers (Monday no, Tuesday yes): Tuesday stays best.
registry.category("web_tour.tours").add("coop_portal_group_time_poll_answer_tour", {
    url: "/my/assemblies",
    steps: () => [
        {
            content: "Romain opens the group's poll from My votes",
            trigger: "h3 a:contains('Réunion de janvier')",
            run: "click",
        },
        {
            content: "Monday: no",
            trigger: "fieldset.coop_poll_slot:first input[value=no]",
            run: "click",
        },
        {
            content: "Tuesday: yes",
            trigger: "fieldset.coop_poll_slot:last input[value=yes]",
            run: "click",
        },
        {
            trigger: "button:contains('Send my answer')",
            run: "click",
        },
        {
            content: "Tuesday is the best slot",
            trigger: ".coop_poll_best_slot:contains('Tuesday')",
        },
    ],
});
