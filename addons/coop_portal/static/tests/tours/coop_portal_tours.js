/** @odoo-module **/

import { registry } from "@web/core/registry";

// A tour step that checks a link serves a PDF (the browser would only download it).
function expectPdf(selector) {
    return {
        content: `${selector} serves a PDF`,
        trigger: selector,
        run: async function () {
            const href = document.querySelector(selector).getAttribute("href");
            const response = await fetch(href);
            const type = response.headers.get("Content-Type");
            if (!response.ok || type !== "application/pdf") {
                console.error(`${href} answered ${response.status} ${type}`);
            }
        },
    };
}

// Claire, 1 share in Tours: downloads her certificate, subscribes 2 shares, gives a proxy.
registry.category("web_tour.tours").add("coop_portal_claire_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open My shares from the member space",
            trigger: "#coop_home_title ~ .row a[href='/my/cooperative']",
            run: "click",
        },
        {
            content: "Her single share is listed",
            trigger: ".o_coop_history tbody tr",
        },
        expectPdf("a.o_coop_certificate"),
        {
            content: "Subscribe more shares",
            trigger: "a:contains('Subscribe more shares')",
            run: "click",
        },
        {
            content: "Two shares",
            trigger: "input[name=quantity]",
            run: "edit 2",
        },
        {
            trigger: ".o_coop_form button[type=submit]",
            run: "click",
        },
        {
            content: "The request is recorded and waits for its payment",
            trigger: ".alert-success:contains('subscription is recorded')",
        },
        {
            trigger: "#requests td:contains('Waiting for Payment')",
        },
        {
            content: "Go to My votes",
            trigger: "nav.o_coop_space_nav a[href='/my/assemblies']",
            run: "click",
        },
        {
            trigger: "a.btn:contains('See the assembly')",
            run: "click",
        },
        {
            content: "Give a proxy",
            trigger: "a:contains('Give a proxy')",
            run: "click",
        },
        {
            content: "Search a fellow member by name",
            trigger: "input[name=q]",
            run: "edit Mercier",
        },
        {
            trigger: "form[role=search] button[type=submit]",
            run: "click",
        },
        {
            trigger: "li:contains('Paul Mercier') button:contains('Give my proxy')",
            run: "click",
        },
        {
            content: "The proxy is recorded and can be withdrawn",
            trigger: ".alert-success:contains('proxy is recorded')",
        },
        {
            trigger: "button:contains('Withdraw my proxy')",
        },
    ],
});

// Bernard, 10 shares in Valence: votes on every resolution of the open assembly.
registry.category("web_tour.tours").add("coop_portal_bernard_vote_tour", {
    url: "/my/assemblies",
    steps: () => [
        {
            content: "Open the assembly to vote",
            trigger: "a.btn:contains('Vote')",
            run: "click",
        },
        {
            content: "For on every motion",
            trigger: ".o_coop_vote_form input[type=radio][value=yes]",
            run: function () {
                for (const radio of document.querySelectorAll(
                    ".o_coop_vote_form input[type=radio][value=yes]"
                )) {
                    radio.click();
                }
            },
        },
        {
            content: "Approve the first candidate of the election",
            trigger: ".o_coop_vote_form input[type=checkbox]",
            run: "click",
        },
        {
            trigger: ".o_coop_vote_form button:contains('Check my vote')",
            run: "click",
        },
        {
            content: "The choices are shown back before they count",
            trigger: "h1:contains('Confirm')",
        },
        {
            trigger: "button:contains('Confirm my vote')",
            run: "click",
        },
        {
            content: "A receipt per resolution",
            trigger: "h1:contains('Your vote is recorded')",
        },
        {
            trigger: ".o_coop_receipt tbody tr code",
        },
        {
            trigger: "a:contains('Back to the assembly')",
            run: "click",
        },
        {
            content: "Nothing left to vote",
            trigger: "p:contains('You voted')",
            run: function () {
                if (document.querySelector(".o_coop_vote_form")) {
                    console.error("the vote form is still offered after voting");
                }
            },
        },
    ],
});

// Hélène belongs to two cooperatives: she switches from one to the other.
registry.category("web_tour.tours").add("coop_portal_helene_switch_tour", {
    url: "/my/cooperative",
    steps: () => [
        {
            content: "One tab per cooperative, the first one open",
            trigger: "nav.o_coop_tabs .nav-link.active:contains('Centre-Val de Loire')",
        },
        {
            content: "Switch to the other cooperative",
            trigger: "nav.o_coop_tabs .nav-link:not(.active):contains('Île-de-France')",
            run: "click",
        },
        {
            content: "Its membership is shown",
            trigger: "#coop_membership_title:contains('Île-de-France')",
        },
        {
            trigger: "nav.o_coop_tabs .nav-link.active:contains('Île-de-France')",
        },
        {
            content: "And back",
            trigger: "nav.o_coop_tabs .nav-link:not(.active):contains('Centre-Val de Loire')",
            run: "click",
        },
        {
            trigger: "#coop_membership_title:contains('Centre-Val de Loire')",
        },
    ],
});
