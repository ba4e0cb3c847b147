/** @odoo-module **/

import { registry } from "@web/core/registry";

// Issue #25 §2: two members who chose to be reachable exchange a private message.
// Romain finds Bernard in the member directory and writes to him: the member space
// opens their Discuss direct chat, where his message is shown.
registry.category("web_tour.tours").add("coop_portal_message_write_tour", {
    steps: () => [
        {
            content: "Search the directory by skill",
            trigger: "select[name=skill]",
            run: "selectByLabel Electrical work",
        },
        {
            trigger: ".o_coop_directory_search button[type=submit]",
            run: "click",
        },
        {
            content: "Bernard is listed: write to him",
            trigger: ".o_coop_directory_entry a.o_coop_write:contains('Bernard')",
            run: "click",
        },
        {
            trigger: "textarea[name=body]",
            run: "edit Bonjour Bernard, on va ensemble à l'atelier ?",
        },
        {
            trigger: ".o_coop_message_form button[type=submit]",
            run: "click",
        },
        {
            content: "The Discuss chat shows the message",
            trigger: ".o-mail-Message-body:contains('on va ensemble')",
        },
    ],
});

// Bernard opens the conversation from his private messages and answers in the chat.
registry.category("web_tour.tours").add("coop_portal_message_reply_tour", {
    steps: () => [
        {
            content: "Romain's conversation is listed: open it",
            trigger: ".o_coop_chats li:contains('Romain') a[href^='/discuss/channel/']",
            run: "click",
        },
        {
            trigger: ".o-mail-Message-body:contains('on va ensemble')",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Avec plaisir, rendez-vous à 18 h !",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "His answer is in the chat",
            trigger: ".o-mail-Message-body:contains('rendez-vous à 18 h')",
        },
    ],
});
