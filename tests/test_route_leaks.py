"""Every route of the member space and the cooperative website, probed with forged ids
(issue #14 §3): zero leaks.

The routes are read from Odoo's routing map: every route whose endpoint the coop modules
define (a new route is probed as soon as it exists; a path argument without a forged value
fails the test), plus the website pages of Odoo that show a cooperative's members-only
content (its forum, a members-only event).

Bernard Roux (cooperative A) owns the ids. Three visitors use them:
    anonymous  no session
    claire     a member of another cooperative (B)
    romain     another member of Bernard's cooperative (on the routes that carry Bernard's
               own membership, vote or document; the group pages and the forum of their
               cooperative are theirs too)
Each answer must be a refusal (303 to the login page, 403, 404), or, for a public page or a
form that shows its error on the page, a 200 page; never one of Bernard's secrets (his name,
member number, email, street, the amount of his capital) in the body, and nothing stored
(business tables counted, Bernard's membership untouched). The secrets are taken from what
Bernard himself sees on the same routes, so the check is known to be able to fail.
"""

import logging
import re
from urllib.parse import urlparse

from odoo.tests import tagged
from odoo.tools import SQL, formatLang, mute_logger

from odoo.addons.coop_portal.tests.common import CoopPortalCase

_logger = logging.getLogger(__name__)

# Path arguments that carry someone's own records: a fellow member must not use them.
PERSONAL_ARGS = {
    "member_id",
    "voter_id",
    "attachment_id",
    "document_id",
    "proposal_id",
    "channel_id",
    "kit_id",
}
# Routes that answer a visitor with a page (public by design, or a form that shows its
# refusal): 200 is fine there, as long as nothing leaks and nothing is stored.
PAGE_ROUTES = {
    "/cooperative/groups",
    "/cooperative/groups/<int:group_id>",
    "/cooperative/groups/<int:group_id>/volunteer",
    # Public calendar feeds: a cooperative's and a group's published public events.
    "/cooperative/<int:company_id>/calendar.ics",
    "/cooperative/groups/<int:group_id>/calendar.ics",
    "/cooperative/join",
}
# Odoo's own website pages showing a cooperative's members-only content.
WEBSITE_ROUTES = (
    "/forum/{forum_slug}",
    "/forum/{forum_slug}/{post_slug}",
    "/event/{event_slug}",
    "/event/{event_slug}/register",
)
TRACE_TABLES = (
    "coop_action_call_volunteer",
    "coop_assembly_voter",
    "coop_ballot",
    "coop_ballot_secret",
    "coop_local_group_membership",
    "coop_poll_answer",
    "coop_poll_participation",
    "coop_redemption_request",
    "coop_subscription_request",
    "event_registration",
    "forum_post",
    "mail_message",
)


@tagged("post_install", "-at_install")
class TestRouteLeaks(CoopPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.company_a = ref("coop_membership.coop_company_ara")
        member = cls.member_bernard
        partner = member.partner_id
        # Bernard shows his name to his local group's members: others must not see it.
        partner.coop_group_visible = True
        cls.voter_bernard = cls.voter(cls, member)
        assembly = cls.voter_bernard.assembly_id
        if not assembly.document_ids:
            assembly.document_ids = cls.env["ir.attachment"].create(
                {"name": "ordre_du_jour.txt", "raw": b"Ordre du jour"}
            )
        group = (
            cls.env["coop.local.group.membership"]
            .search([("partner_id", "=", partner.id)], limit=1)
            .local_group_id
        )
        cls.group = group or cls.env["coop.local.group"].search(
            [("company_id", "=", cls.company_a.id)], limit=1
        )
        cls.group.action_join(partner)
        poll = cls.env["coop.poll"].search([("company_id", "=", cls.company_a.id)], limit=1)
        event = cls.env["event.event"].search(
            [("company_id", "=", cls.company_a.id), ("coop_audience", "=", "members")], limit=1
        )
        forum = cls.company_a._coop_forum()
        post = cls.env["forum.post"].search(
            [("forum_id", "=", forum.id), ("parent_id", "=", False)], limit=1
        )
        # The election of his assembly (a candidacy form), and his own draft proposal: only
        # its authors see a draft.
        election = assembly.resolution_ids.filtered(lambda r: r.kind == "election")[:1]
        assert election, "the demo assembly has no election"
        proposal = cls.env["coop.proposal"]._member_create(
            member, {"name": "Proposition de Bernard", "body": "<p>Brouillon</p>"}
        )
        # His private conversation with Hugo, who chose to be reachable (issue #25 §2).
        cls.member_hugo.partner_id.coop_reachable = True
        chat = partner.with_user(cls.user_bernard)._coop_portal_write_to(
            cls.member_hugo.partner_id, "Bonjour Hugo"
        )
        news = cls.env["blog.post"].search(
            [("coop_company_id", "=", cls.company_a.id), ("coop_audience", "=", "members")],
            limit=1,
        )
        years = member._portal_attestation_years()
        slug = cls.env["ir.http"]._slug
        # The forged value of each path argument: Bernard's, or his cooperative's.
        cls.values = {
            "member_id": member.id,
            "voter_id": cls.voter_bernard.id,
            "election_id": election.id,
            # A motion of his convened assembly: its amendment form (issue #24 §1).
            "resolution_id": assembly.resolution_ids.filtered(
                lambda r: r.kind == "motion" and not r.parent_id
            )[:1].id,
            "proposal_id": proposal.id,
            "partner_id": partner.id,
            "channel_id": chat.id,
            # His communication kit request (issue #25 §5, demo data).
            "kit_id": cls.env.ref("coop_engagement.coop_kit_request_bernard").id,
            "attachment_id": assembly.document_ids[:1].id,
            "year": years[0] if years else 2024,
            "page": 1,
            "poll_id": poll.id,
            "group_id": cls.group.id,
            "event_id": event.id,
            "forum": slug(forum),
            "post": slug(post),
            "company_id": cls.company_a.id,
            # A members-only news post of his cooperative (issue #25 §7): coop_portal
            # answers 404 on Odoo's post page for whoever may not read it.
            "blog": slug(news.blog_id),
            "blog_post": slug(news),
            # A private calendar link is its own credential, not an id: a guessed one.
            "token": "x" * 43,
        }
        cls.website_values = {
            "forum_slug": slug(forum),
            "post_slug": slug(post),
            "event_slug": slug(event),
        }
        # What a form would send, with ids of Bernard's cooperative.
        share_class = cls.env["coop.share.class"].search(
            [("company_id", "=", cls.company_a.id)], limit=1
        )
        call = cls.env["coop.action.call"].search(
            [("company_id", "=", cls.company_a.id), ("state", "in", ("open", "full"))], limit=1
        )
        cls.form = {
            "share_class_id": share_class.id,
            "quantity": "1",
            "confirm": "1",
            "holder_id": cls.voter(cls, cls.member_hugo).id,
            "option_id": poll.option_ids[:1].id,
            "call_id": call.id,
            "group_id": cls.group.id,
            **{f"choice_{r.id}": "yes" for r in assembly.resolution_ids},
            # "Activate my account": Bernard's cooperative and number, his email (a link
            # goes to the address on file, never to the visitor), a made-up code. The
            # number without its leading zeros (the form takes it so): the page shows back
            # what the visitor typed, never the number on file.
            "company_id": cls.company_a.id,
            "member_number": member.member_number.lstrip("0"),
            "proof": partner.email,
            "code": "ABCDE-FGHJK",
            "login": "forged.login@example.org",
            "password": "forged-password-123",
            "confirm_password": "forged-password-123",
            # A candidacy's statement, a proposal's title and text.
            "statement": "Forged statement",
            "name": "Forged proposal",
            "body": "Forged text",
        }
        cls.secrets = {
            "name": partner.name,
            "member number": member.member_number,
            "email": partner.email,
            "street": partner.street,
            "capital": formatLang(cls.env, member.share_amount),
        }
        assert all(cls.secrets.values()), cls.secrets
        cls.routes = cls._coop_routes()

    @classmethod
    def _coop_routes(cls):
        """{path pattern: (methods, auth, arguments)} of the routes the coop modules define."""
        IrHttp = cls.env["ir.http"]
        modules = sorted(cls.env.registry._init_modules)
        routes = {}
        for url, endpoint in IrHttp._generate_routing_rules(modules, IrHttp._get_converters()):
            original = getattr(endpoint, "original_endpoint", endpoint)
            # JSON-RPC routes answer scripts, with their own error answers: each is probed
            # by its own test (the invoice payment: test_portal_online_payment.py).
            if endpoint.routing.get("type") == "json":
                continue
            if getattr(original, "__module__", "").startswith("odoo.addons.coop_"):
                # A route open to any method is probed with GET; POST where it says so.
                routes[url] = (
                    set(endpoint.routing.get("methods") or ("GET",)),
                    endpoint.routing["auth"],
                    set(re.findall(r"<(?:[^:>]+:)?([^>]+)>", url)),
                )
        return routes

    def _document_refused_to(self, partner, members):
        """A published document of cooperative A that Bernard reads and ``partner`` not."""
        Document = self.env["coop.document"]
        mine = Document.search(Document._portal_domain(self.member_bernard.partner_id))
        theirs = Document.search(Document._portal_domain(partner, members))
        return (mine - theirs)[:1]

    def _shown(self, body):
        """The labels of Bernard's secrets found in ``body`` (whole words: his member
        number 000001 is not in another cooperative's R0000011)."""
        return {
            label
            for label, secret in self.secrets.items()
            if re.search(rf"(?<![\w.,]){re.escape(secret)}(?![\w])", body)
        }

    def _url(self, pattern, values):
        return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), pattern)

    def _trace(self):
        counts = SQL(", ").join(
            SQL("(SELECT count(*) FROM %s)", SQL.identifier(table)) for table in TRACE_TABLES
        )
        self.env.cr.execute(
            SQL(
                "SELECT %s, (SELECT write_date FROM coop_member WHERE id = %s)",
                counts,
                self.member_bernard.id,
            )
        )
        return self.env.cr.fetchone()

    def _csrf(self):
        return self.csrf("/cooperative/groups")

    def _probe(self, method, url):
        with mute_logger("odoo.http", "odoo.addons.website.models.ir_http"):
            if method == "POST":
                data = dict(self.form, csrf_token=self._csrf())
                return self.url_open(url, data=data, allow_redirects=False)
            return self.url_open(url, allow_redirects=False)

    def _probes(self, visitor):
        """(route, method, url) a visitor tries with Bernard's ids."""
        partner = self.env.ref("base.public_partner") if visitor is None else visitor.partner_id
        members = partner._coop_portal_members() if visitor else None
        document = self._document_refused_to(partner, members)
        fellow = visitor == self.user_romain
        for pattern, (methods, _auth, arguments) in sorted(self.routes.items()):
            if fellow and not arguments & PERSONAL_ARGS:
                continue  # their own pages: not a forged id
            missing = arguments - set(self.values) - {"document_id"}
            self.assertFalse(missing, f"{pattern}: no forged value for {missing}")
            if "document_id" in arguments:
                if not document:
                    continue  # nothing Bernard reads that this visitor may not
                values = dict(self.values, document_id=document.id)
            else:
                values = self.values
            url = self._url(pattern, values)
            if "GET" in methods:
                yield pattern, "GET", url
            # POST-only forms without an id (the visitor's group choice, "Activate my
            # account") are posted too, with Bernard's data in the form.
            if "POST" in methods and (arguments or "GET" not in methods):
                yield pattern, "POST", url
        if not fellow:
            for pattern in WEBSITE_ROUTES:
                yield pattern, "GET", pattern.format(**self.website_values)

    def _check(self, visitor_name, pattern, method, response, before, seen):
        where = f"{visitor_name} {method} {pattern} → {response.status_code}"
        status = response.status_code
        if status in (301, 302, 303):
            location = urlparse(response.headers.get("Location", "")).path
            self.assertEqual(location, "/web/login", f"{where}: redirected to {location}")
        elif status == 200:
            # The visitor's own space (no id in the path), a public page, a form's error.
            ids = self.routes[pattern][2] - {"page"} if pattern in self.routes else {pattern}
            self.assertTrue(pattern in PAGE_ROUTES or not ids, where)
        else:
            self.assertIn(status, (403, 404), where)
        body = response.content.decode("utf-8", "replace")
        leaked = self._shown(body)
        self.assertFalse(leaked, f"{where}: the body shows Bernard's {leaked}")
        self.assertEqual(self._trace(), before, f"{where}: something was stored")
        seen.add(pattern)
        return status

    def test_bernard_sees_his_secrets(self):
        """The control: on his own pages, Bernard sees what the others must not."""
        self.authenticate("bernard", "bernard")
        shown = set()
        for url in (
            f"/my/cooperative/{self.member_bernard.id}",
            f"/my/cooperative/{self.member_bernard.id}/certificate",
            f"/cooperative/groups/{self.group.id}",
            "/my/cooperative/profile",
        ):
            shown |= self._shown(self.url_open(url).text)
        self.assertEqual(shown, set(self.secrets), "the secrets are not what Bernard sees")

    def test_routes_with_forged_ids_leak_nothing(self):
        self.assertGreater(len(self.routes), 30, "the coop routes were not found")
        seen, statuses = set(), {}
        for visitor_name, visitor in (
            ("anonymous", None),
            ("claire", self.user_claire),
            ("romain", self.user_romain),
        ):
            if visitor is None:
                self.authenticate(None, None)
            else:
                self.authenticate(visitor.login, visitor.login)
            probes = 0
            for pattern, method, url in self._probes(visitor):
                before = self._trace()
                response = self._probe(method, url)
                status = self._check(visitor_name, pattern, method, response, before, seen)
                statuses.setdefault(f"{method} {pattern}", {})[visitor_name] = status
                probes += 1
            _logger.info("%s: %s probes", visitor_name, probes)
        report = "\n".join(
            f"{route:<75} "
            + " ".join(
                f"{statuses[route].get(v, '-'):>9}" for v in ("anonymous", "claire", "romain")
            )
            for route in sorted(statuses)
        )
        header = f"{'route (Bernard’s ids)':<75} {'anonymous':>9} {'claire':>9} {'romain':>9}"
        print(f"\nRoutes probed with forged ids\n{header}\n{report}\n")  # noqa: T201
        self.assertFalse(set(self.routes) - seen, "routes never probed")
