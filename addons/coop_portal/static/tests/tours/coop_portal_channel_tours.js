/** @odoo-module **/

import { registry } from "@web/core/registry";

// Claire opens her college's discussion (Odoo's Discuss, full page) from her member
// space and writes to it.
registry.category("web_tour.tours").add("coop_portal_college_channel_tour", {
    steps: () => [
        {
            content: "Her discussions, in her member space",
            trigger: "#discussions a:contains('Consommateurs')",
            run: "click",
        },
        {
            content: "Her college's discussion is open",
            trigger: ".o-mail-Discuss .o-mail-Thread",
        },
        {
            content: "It is her college's (the name field is read-only for her)",
            trigger: ".o-mail-Discuss-header",
            run() {
                const name = document.querySelector(".o-mail-Discuss-threadName").value;
                if (!name.includes("Consommateurs")) {
                    console.error(`not her college's discussion: ${name}`);
                }
            },
        },
        {
            content: "She writes to her college",
            trigger: ".o-mail-Composer-input",
            run: "edit Bonjour à tout le collège des consommateurs !",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "Her message is in the discussion",
            trigger: ".o-mail-Message-body:contains('Bonjour à tout le collège des consommateurs')",
        },
    ],
});

// Bernard coordinates the Valence group: he removes a member's message from its discussion.
registry.category("web_tour.tours").add("coop_portal_group_channel_moderation_tour", {
    steps: () => [
        {
            content: "Open the actions of Nadia's message",
            trigger: ".o-mail-Message:contains('Annonce commerciale hors sujet')",
            run: "hover && click .o-mail-Message:contains('Annonce commerciale') [title='Expand']",
        },
        {
            content: "He may delete it: he coordinates the group",
            trigger: ".o-mail-Message-moreMenu [title='Delete'], .o-mail-Message [title='Delete']",
            run: "click",
        },
        {
            trigger: ".modal button:contains('Confirm')",
            run: "click",
        },
        {
            content: "The message is gone from the discussion",
            trigger: ".o-mail-Thread:not(:has(.o-mail-Message:contains('Annonce commerciale')))",
        },
    ],
});
