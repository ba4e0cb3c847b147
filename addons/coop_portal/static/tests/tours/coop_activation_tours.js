/** @odoo-module **/

import { registry } from "@web/core/registry";

// The test opens these tours on a URL carrying what the member holds: the link of an
// email, or the number and code read from a printed letter (?number=...&code=...).
function letter() {
    return new URLSearchParams(window.location.search);
}

// Claire follows the link of her welcome email, chooses a password, and her member space
// opens: her shares are one click away.
registry.category("web_tour.tours").add("coop_activation_claire_tour", {
    steps: () => [
        {
            content: "The signup page knows her login",
            trigger: "form input[name=login][value='claire.dumas@example.org']",
        },
        {
            content: "Choose a password",
            trigger: "form input[name=password]",
            run: "edit Tours-Energie-2026",
        },
        {
            trigger: "form input[name=confirm_password]",
            run: "edit Tours-Energie-2026",
        },
        {
            trigger: "form button[type=submit]",
            run: "click",
        },
        {
            content: "Her member space opens: she goes to her shares",
            trigger: "#coop_home_title ~ .row a[href='/my/cooperative']",
            run: "click",
        },
        {
            trigger: "h1:contains('My shares')",
        },
        {
            content: "Her share is listed",
            trigger: ".o_coop_history tbody tr",
        },
    ],
});

// Marcel types the member number and the code of his paper letter, chooses a login and a
// password: his member space opens on his shares.
registry.category("web_tour.tours").add("coop_activation_marcel_tour", {
    steps: () => {
        const params = letter();
        return [
            {
                content: "His cooperative",
                trigger: "select#coop_ac_company",
                run: "selectByLabel Centre-Val de Loire",
            },
            {
                content: "The member number of the letter",
                trigger: "input#coop_ac_number",
                run: `edit ${params.get("number")}`,
            },
            {
                content: "The code of the letter, typed in lower case",
                trigger: "input#coop_ac_code",
                run: `edit ${(params.get("code") || "").toLowerCase()}`,
            },
            {
                content: "A login of his choice",
                trigger: "input#coop_ac_login",
                run: "edit marcel.bonnet",
            },
            {
                trigger: "input#coop_ac_password",
                run: "edit Joue-les-Tours-37",
            },
            {
                trigger: "input#coop_ac_confirm",
                run: "edit Joue-les-Tours-37",
            },
            {
                trigger: "form.o_coop_activate_code button[type=submit]",
                run: "click",
            },
            {
                content: "His member space shows his shares",
                trigger: ".o_coop_history tbody tr",
            },
        ];
    },
});
