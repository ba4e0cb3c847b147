/** @odoo-module **/

import { registry } from "@web/core/registry";

// Hugo has never logged in: his directory uid and password open his member space.
registry.category("web_tour.tours").add("coop_auth_ldap_activation_tour", {
    url: "/web/login",
    steps: () => [
        {
            content: "Type the directory uid",
            trigger: "input#login",
            run: "edit hugo",
        },
        {
            content: "Type the directory password",
            trigger: "input#password",
            run: "edit hugo-dir-pw",
        },
        {
            content: "Log in",
            trigger: "button:contains('Log in')",
            run: "click",
        },
        {
            content: "He lands in his member space, on his cooperative",
            trigger: "#coop_home_title",
        },
        {
            content: "Under his own name",
            trigger: ".o_portal_my_home:contains('Hugo Lacroix'), header:contains('Hugo Lacroix')",
        },
    ],
});
