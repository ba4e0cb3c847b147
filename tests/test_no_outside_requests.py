"""Nothing loaded from outside (issue #23 §3): on every public and member page, the
member's browser talks only to the cooperative's own server.

One Chromium (Odoo's test browser) per visitor — anonymous, a member (Bernard) and a
moderator (Nadia) — walks through every website and member page: the pages of the coop
routes, read from Odoo's routing map (a new route is visited as soon as it exists, or must
be listed below with the reason it is not a page), and Odoo's own pages the members use
(home, login, password reset, signup, events, forum, account).

Odoo's test browser pauses every request (DevTools ``Fetch.enable``) and hands the ones to
another host to ``fetch_proxy``: they are recorded there, answered with a 404, and the test
fails listing them. What the network does not show is read from each page's DOM: a
``<link rel=preconnect>`` to another host opens a connection without a request, a lazy
image below the fold is never fetched in a headless run, and a link to Google Maps is a
tracker one click away.
"""

import json
import re

from odoo.tests import ChromeBrowser, tagged

from odoo.addons.coop_portal.tests.common import CoopPortalCase

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
# Coop routes answered with a file, or that only act (a POST form is their GET page).
NOT_PAGES = {
    "/my/cooperative/<int:member_id>/attestation/<int:year>": "PDF",
    "/my/cooperative/<int:member_id>/certificate": "PDF",
    "/my/assemblies/<int:voter_id>/convocation": "PDF",
    "/my/assemblies/<int:voter_id>/minutes": "PDF",
    "/my/assemblies/<int:voter_id>/document/<int:attachment_id>": "file download",
    "/my/documents/<int:document_id>/download": "file download",
    "/event/<int:event_id>/coop/waitlist": "form action, redirects to the event page",
    "/event/<int:event_id>/coop/waitlist/leave": "form action, redirects to the event page",
    "/cooperative/groups/<int:group_id>/volunteer": "form action, redirects to the group",
    # Calendar feeds (iCalendar files read by calendar apps, not browsers).
    "/my/calendar/<string:token>.ics": "iCalendar file (a member's private feed)",
    "/cooperative/<int:company_id>/calendar.ics": "iCalendar file (a cooperative's feed)",
    "/cooperative/groups/<int:group_id>/calendar.ics": "iCalendar file (a group's feed)",
    # The next pages of a list: the template of its first page, visited.
    "/my/cooperative/<int:member_id>/page/<int:page>": "the member page, paged",
    "/my/documents/page/<int:page>": "/my/documents, paged",
}
# Odoo's own pages of the website and the member space.
PUBLIC_PAGES = (
    "/",
    "/contactus",
    "/web/login",
    "/web/reset_password",
    "/web/signup",
    "/event",
    "/event/{public_event}",
    "/event/{public_event}/register",
    "/forum",
    # The news (issue #25 §7); a post's page is a coop route (values below).
    "/blog",
)
MEMBER_PAGES = (
    "/my",
    "/my/account",
    "/my/security",
    "/event/{members_event}",
    "/forum/{forum}",
    "/forum/{forum}/{post}",
    # A members-only post of Bernard's cooperative.
    "/blog/{members_news_blog}/{members_news_post}",
)

# Every URL a page holds that the browser loads by itself (styles, scripts, fonts, images,
# frames, preconnections), plus links to Google (Maps, its short links): an outside host in
# any of them is reported with the page.
DOM_SCAN = r"""
(() => {
    const loopback = %(loopback)s;
    const found = new Set();
    const check = (url, what) => {
        if (!url) { return; }
        let parsed;
        try { parsed = new URL(url, document.baseURI); } catch { return; }
        if (!["http:", "https:"].includes(parsed.protocol)) { return; }
        if (!loopback.includes(parsed.hostname)) { found.add(`${what} ${parsed.href}`); }
    };
    const loads = ["stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch",
                   "modulepreload", "icon", "apple-touch-icon", "manifest"];
    for (const link of document.querySelectorAll("link[href]")) {
        const rels = (link.rel || "").toLowerCase().split(/\s+/);
        if (rels.some((rel) => loads.includes(rel))) { check(link.href, `<link rel=${link.rel}>`); }
    }
    const sources = "script, img, iframe, embed, video, audio, source, track";
    for (const el of document.querySelectorAll(sources.replace(/(\w+)/g, "$1[src]"))) {
        check(el.getAttribute("src"), `<${el.tagName.toLowerCase()}>`);
    }
    for (const el of document.querySelectorAll("img[srcset], source[srcset]")) {
        for (const part of el.getAttribute("srcset").split(",")) {
            check(part.trim().split(/\s+/)[0], `<${el.tagName.toLowerCase()} srcset>`);
        }
    }
    for (const el of document.querySelectorAll("object[data]")) { check(el.data, "<object>"); }
    for (const el of document.querySelectorAll("style, [style]")) {
        const css = el.tagName === "STYLE" ? el.textContent : el.getAttribute("style");
        for (const match of css.matchAll(/url\(\s*['"]?(https?:[^'")\s]+)/g)) {
            check(match[1], "CSS url()");
        }
    }
    for (const a of document.querySelectorAll("a[href]")) {
        const host = new URL(a.href, document.baseURI).hostname;
        if (/(^|\.)(google\.[a-z.]+|goo\.gl|googleapis\.com)$/.test(host)) {
            found.add(`<a> ${a.href}`);
        }
    }
    return JSON.stringify([...found].sort());
})()
"""
# The page has loaded and its network is quiet: lazy-loaded bundles (the groups map) and
# fonts have been asked for.
QUIET = """
new Promise((resolve) => {
    let last = -1, still = 0;
    const started = Date.now();
    const tick = () => {
        const count = performance.getEntriesByType("resource").length;
        still = count === last ? still + 1 : 0;
        last = count;
        if ((document.readyState === "complete" && still >= 2) || Date.now() - started > 4000) {
            resolve(true);
        } else {
            setTimeout(tick, 100);
        }
    };
    tick();
})
"""


@tagged("post_install", "-at_install")
class TestNoOutsideRequests(CoopPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.user_moderator = ref("coop_membership.user_nadia_chevalier")
        company = cls.member_bernard.company_id
        slug = cls.env["ir.http"]._slug
        Event = cls.env["event.event"]
        forum = company._coop_forum()
        cls.post = cls.env["forum.post"].search(
            [("forum_id", "=", forum.id), ("parent_id", "=", False)], limit=1
        )
        public_event = Event.search(
            [("website_published", "=", True), ("coop_audience", "!=", "members")], limit=1
        )
        members_event = Event.search(
            [("company_id", "=", company.id), ("coop_audience", "=", "members")], limit=1
        )
        cls.group = cls.env["coop.local.group"].search(
            [("company_id", "=", company.id), ("coop_latitude", "!=", 0)], limit=1
        )
        cls.poll = cls.env["coop.poll"].search([("company_id", "=", company.id)], limit=1)
        # The election of Bernard's assembly (its candidacy form) and a draft proposal of
        # his (its page and its editor).
        cls.election = cls.assembly.resolution_ids.filtered(lambda r: r.kind == "election")[:1]
        cls.proposal = cls.env["coop.proposal"]._member_create(
            cls.member_bernard, {"name": "Proposition de Bernard", "body": "<p>Brouillon</p>"}
        )
        # Bernard's private conversation with Romain, who chose to be reachable: its
        # report page, and the "write to" page (issue #25 §2).
        cls.member_romain.partner_id.coop_reachable = True
        cls.chat = cls.member_bernard.partner_id.with_user(cls.user_bernard)._coop_portal_write_to(
            cls.member_romain.partner_id, "Bonjour Romain"
        )
        cls.news = cls.env.ref("coop_portal.blog_post_federation_meeting")
        members_news = cls.env.ref("coop_portal.blog_post_ara_assembly")
        cls.slugs = {
            "public_event": slug(public_event),
            "members_event": slug(members_event),
            "forum": slug(forum),
            "post": slug(cls.post),
            "members_news_blog": slug(members_news.blog_id),
            "members_news_post": slug(members_news),
        }
        assert all(cls.slugs.values()), cls.slugs
        assert cls.group and cls.poll, "the demo data has a mapped local group and a poll"
        assert cls.election, "the demo assembly of Bernard has an election"

    def setUp(self):
        super().setUp()
        self.outside = []

    def fetch_proxy(self, url):
        # Odoo's test browser calls this for every request to another host.
        self.outside.append(url)
        return super().fetch_proxy(url)

    # Pages ------------------------------------------------------------------------------

    def _coop_page_routes(self):
        """The GET routes of the coop modules, the ones that are not pages left out."""
        IrHttp = self.env["ir.http"]
        modules = sorted(self.env.registry._init_modules)
        routes = {}
        for url, endpoint in IrHttp._generate_routing_rules(modules, IrHttp._get_converters()):
            original = getattr(endpoint, "original_endpoint", endpoint)
            if not getattr(original, "__module__", "").startswith("odoo.addons.coop_"):
                continue
            methods = endpoint.routing.get("methods") or ("GET",)
            # JSON-RPC routes answer scripts, not browsers: no page to load.
            if endpoint.routing.get("type") == "json":
                continue
            if "GET" in methods and url not in NOT_PAGES:
                routes[url] = endpoint.routing["auth"]
        return routes

    def _fill(self, pattern, values):
        def value(match):
            name = match.group(1)
            self.assertIn(name, values, f"no value to visit {pattern}: add one to the test")
            return str(values[name])

        return re.sub(r"<(?:[^:>]+:)?([^>]+)>", value, pattern)

    def _pages(self, who):
        """The pages ``who`` (None, "member" or "moderator") visits.

        Anonymous: Odoo's public pages and the public coop routes. Bernard: the website
        as a member, his member space and every coop route with his own ids. Nadia: the
        home page, Odoo's member pages and the coop routes that need no membership (she
        moderates the forum of Bernard's cooperative; its queues are coop routes).
        """
        member = self.member_bernard
        values = {
            "member_id": member.id,
            "voter_id": self.voter(member).id,
            "page": 1,
            "group_id": self.group.id,
            "poll_id": self.poll.id,
            "forum": self.slugs["forum"],
            "post": self.slugs["post"],
            "election_id": self.election.id,
            # A motion of his convened assembly: its amendment form (issue #24 §1).
            "resolution_id": self.assembly.resolution_ids.filtered(
                lambda r: r.kind == "motion" and not r.parent_id
            )[:1].id,
            "proposal_id": self.proposal.id,
            "partner_id": self.member_romain.partner_id.id,
            "channel_id": self.chat.id,
            # His communication kit request (issue #25 §5, demo data).
            "kit_id": self.env.ref("coop_engagement.coop_kit_request_bernard").id,
            # Odoo's news post page, which coop_portal answers (issue #25 §7).
            "blog": self.env["ir.http"]._slug(self.news.blog_id),
            "blog_post": self.env["ir.http"]._slug(self.news),
        }
        personal = ("member_id", "voter_id", "poll_id", "proposal_id", "channel_id", "kit_id")
        # Logged in, the website's pages show a menu of one's own: visited again; the
        # login, signup and reset pages are for visitors only.
        public = {None: PUBLIC_PAGES, "member": ("/", "/event", "/forum")}.get(who, ("/",))
        pages = [page.format(**self.slugs) for page in public]
        for url, auth in self._coop_page_routes().items():
            if (
                (who is None and auth != "user")
                or who == "member"
                or (who == "moderator" and not any(f":{arg}>" in url for arg in personal))
            ):
                pages.append(self._fill(url, values))
        if who:
            pages += [page.format(**self.slugs) for page in MEMBER_PAGES]
        return list(dict.fromkeys(pages))

    # The walk ---------------------------------------------------------------------------

    def _walk(self, login, pages):
        """Visit ``pages`` in one browser; return {page: [outside URLs]}."""
        browser = ChromeBrowser(self)
        found = {}
        try:
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            loopback = json.dumps(LOOPBACK)
            for page in pages:
                del self.outside[:]
                browser.navigate_to(self.base_url() + page, wait_stop=True)
                self.assertTrue(browser._wait_ready(QUIET, timeout=30), f"{page} never loaded")
                result = browser._websocket_request(
                    "Runtime.evaluate",
                    params={"expression": DOM_SCAN % {"loopback": loopback}},
                )["result"]
                urls = sorted(set(self.outside)) + json.loads(result["value"])
                if urls:
                    found[page] = urls
        finally:
            browser.stop()
            self._wait_remaining_requests()
        return found

    def assertNothingFromOutside(self, login, pages):
        found = self._walk(login, pages)
        report = "\n".join(
            f"  {page}\n" + "\n".join(f"      {url}" for url in urls)
            for page, urls in found.items()
        )
        self.assertFalse(found, f"{login or 'anonymous'}: pages that reach another host:\n{report}")

    def test_anonymous_visitor_loads_nothing_from_outside(self):
        """A visitor's browser reaches only the cooperative's server on every public page."""
        pages = self._pages(None)
        self.assertIn("/cooperative/groups", pages)
        self.assertNothingFromOutside(None, pages)

    def test_member_loads_nothing_from_outside(self):
        """Bernard's browser reaches only the cooperative's server on every page of his."""
        pages = self._pages("member")
        self.assertIn(f"/my/cooperative/{self.member_bernard.id}", pages)
        self.assertNothingFromOutside(self.user_bernard.login, pages)

    def test_moderator_loads_nothing_from_outside(self):
        """Nadia, moderator, reaches only the cooperative's server, moderation pages too."""
        pages = self._pages("moderator")
        self.assertIn(f"/forum/{self.slugs['forum']}/validation_queue", pages)
        self.assertNothingFromOutside(self.user_moderator.login, pages)

    def test_the_check_sees_an_outside_request(self):
        """The walk reports a page that loads a font from Google (the check can fail)."""
        self.env["ir.ui.view"].create(
            {
                "name": "coop test: outside font",
                "type": "qweb",
                "inherit_id": self.env.ref("web.layout").id,
                "arch": '<xpath expr="//head" position="inside">'
                '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Inter"/>'
                "</xpath>",
            }
        )
        found = self._walk(None, ["/web/login"])
        self.assertIn(
            "https://fonts.googleapis.com/css?family=Inter", " ".join(found.get("/web/login", []))
        )
