/** @odoo-module **/

import { registry } from "@web/core/registry";

// Bernard stands in the board election from his assembly's page.
registry.category("web_tour.tours").add("coop_portal_candidacy_tour", {
    steps: () => [
        {
            content: "Bernard writes his statement to the members",
            trigger: "form.o_coop_stand_form textarea[name='statement']",
            run: "edit Je veux rapprocher le conseil des groupes locaux.",
        },
        {
            content: "He stands as a candidate",
            trigger: "form.o_coop_stand_form button[type='submit']",
            run: "click",
        },
        {
            content: "The board checks his eligibility before publishing it",
            trigger: ".alert-success:contains('Your candidacy is recorded')",
        },
        {
            content: "He may still withdraw while the window is open",
            trigger: "button:contains('Withdraw my candidacy')",
        },
    ],
});
