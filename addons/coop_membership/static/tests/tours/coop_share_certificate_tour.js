/** @odoo-module **/

import { registry } from "@web/core/registry";

// The officer prints a member's share certificate from the membership form (Print menu).
registry.category("web_tour.tours").add("coop_share_certificate_tour", {
    url: "/odoo/action-coop_membership.coop_member_action",
    steps: () => [
        {
            content: "Open the member from the list of members",
            trigger: ".o_list_view .o_data_row td:contains('Odette Tour')",
            run: "click",
        },
        {
            content: "The membership form of the member is open",
            trigger: ".o_form_view .o_breadcrumb:contains('Odette Tour')",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            // Odoo lists a single report directly in the actions menu but groups several
            // under a "Print" submenu (coop_portal adds the admission letters for officers).
            content: "Open the Print submenu when the member has several reports",
            trigger: ".o-dropdown--menu .fa-print",
            run: async (actions) => {
                const submenu = document.querySelector(
                    ".o-dropdown--menu .o-dropdown--has-parent:has(.fa-print)"
                );
                if (submenu) {
                    await actions.click(submenu);
                }
            },
        },
        {
            content: "Print the share certificate",
            trigger: ".o-dropdown--menu .o_menu_item:contains('Attestation de parts sociales')",
            run: "click",
        },
        {
            // The browser's own record of its requests: the download has come back.
            content: "The certificate is downloaded",
            trigger: "body",
            run: async () => {
                const downloaded = () =>
                    performance
                        .getEntriesByType("resource")
                        .some((entry) => entry.name.includes("/report/download") && entry.responseEnd > 0);
                for (let attempt = 0; attempt < 100 && !downloaded(); attempt++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                if (!downloaded()) {
                    throw new Error("The share certificate was not downloaded.");
                }
            },
        },
        {
            content: "Without error",
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
