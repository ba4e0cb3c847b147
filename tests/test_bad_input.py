"""Bad input: every entry point that takes user input, fed generated garbage (issue #14 §4).

Property-based (Hypothesis, pinned in requirements.txt): each entry point gets at least 100
generated inputs mixing valid values with negative, zero and huge numbers, floats, NaN and
infinities where whole numbers are expected, strings where numbers or records are
expected, None, lists, dicts, records of another cooperative, ids that do not exist,
closed assemblies, Unicode (emoji, right-to-left, combining marks), control characters,
very long strings and SQL/HTML/JavaScript payloads.

The property: every input is either refused with a clear error (a ``UserError``: also
``ValidationError``, ``AccessError``, ``MissingError``) that stored nothing, or stored as
given (text stripped at most), and shown escaped. A psycopg2 error, a KeyError, an
AttributeError or a TypeError from inside the ORM fails the test: it would be a 500 for a
member. The forms behind the portal routes never answer 500, never show a traceback and
never echo a payload unescaped.

Reproducible: derandomized, no example database (no .hypothesis folder).
"""

import re
import shutil
import tempfile
from contextlib import closing
from datetime import date, datetime
from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.role_guard import superuser_setup
from odoo.addons.coop_portal.controllers.common import parse_id, parse_ids, parse_quantity
from odoo.addons.coop_portal.controllers.engagement import parse_availability_note
from odoo.addons.coop_portal.controllers.join import parse_join_form
from odoo.addons.coop_portal.controllers.portal import parse_profile_form
from odoo.addons.coop_portal.models.coop_subscription_request import JOIN_CONSENTS

# Hypothesis caches what it reads of the source files in its home directory, even without
# an example database: a temporary one, removed after this module, leaves the tree clean.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="coop-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)


def teardown_module(module):
    set_hypothesis_home_dir(None)
    shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)


EXAMPLES = 100
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)

# ---------------------------------------------------------------------------------------
# Bad values
# ---------------------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    "'; DROP TABLE coop_member;--",
    "1; DELETE FROM res_partner",
    "' OR '1'='1",
    "%",
    "_",
    "\\",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7 * 7 }}",
    "<t t-out='1'/>",
    "Zoé Ñúñez-Ørsted",
    "👩‍👩‍👧‍👦 🌍",
    "שלום עליכם",
    "مرحبا",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301\u0301",
    "\ufeff",
    "𝕏𝕐",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "a\rb",
    "a\nb",
    "\t",
    " ",
    "",
    "１２",
    "٣",
    "²",
    "Ⅷ",
    "1.5",
    "1e3",
    "-1",
    "0",
    "+5",
    " 7 ",
    "0x10",
    "1_000",
    "NaN",
    "inf",
    "1" + "0" * 30,
    "9" * 12,
    "2025-02-30",
    "31/12/2025",
    "0000-00-00",
    "é" * 300,
]
texts = st.one_of(
    st.sampled_from(PAYLOADS),
    st.just(100_000).map(lambda n: "x" * n),
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=4),
)
big_ints = st.one_of(
    st.integers(-(10**30), 10**30),
    st.sampled_from([0, -1, -(2**31) - 1, 2**31 - 1, 2**31, 2**63, 10**30]),
)
floats = st.floats(allow_nan=True, allow_infinity=True)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.lists(st.integers(-3, 10**6), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(()),
)
# Anything a caller could pass where one value is expected.
anything = st.one_of(big_ints, floats, texts, junk)
bad_dates = st.one_of(
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2025-02-30", "31/12/2025", "", "0000-00-00", "9999-12-31", "hier"]),
    anything,
)


def maybe(valid, bad=anything):
    """One of the ``valid`` values, or a bad one."""
    return st.one_of(st.sampled_from(valid), bad) if valid else bad


def spoiled(valid, bad=None, max_bad=2):
    """Dicts of plausible values (drawn from ``valid[key]``, a list or a strategy), up to
    ``max_bad`` of them replaced by a bad value (``bad[key]``, else anything); keys only in
    ``bad`` are extra fields a forged request adds. Mostly-valid inputs carry each bad
    value past the first checks, down to the deeper rules and the store.
    """
    bad = bad or {}
    keys = list(dict.fromkeys([*valid, *bad]))

    @st.composite
    def build(draw):
        values = {
            key: draw(
                choices if isinstance(choices, st.SearchStrategy) else st.sampled_from(choices)
            )
            for key, choices in valid.items()
        }
        for key in draw(st.lists(st.sampled_from(keys), max_size=max_bad, unique=True)):
            values[key] = draw(bad.get(key, anything))
        return values

    return build()


def as_date(value):
    """The date a Date field makes of ``value``, or None if it is no date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return fields.Date.to_date(value)
        except ValueError:
            return None
    return None


class BadInputMixin:
    """Run one input in a savepoint rolled back afterwards and check the property."""

    def watch(self, queries):
        """One number per SQL query (counts of stored rows): the "nothing stored" check."""
        values = []
        for query in queries:
            self.env.cr.execute(query)
            values.append(self.env.cr.fetchone()[0])
        return values

    def attempt(self, call, queries, check=None):
        """Run ``call()`` as its callers do, in a savepoint a refusal rolls back (the
        portal's ``_coop_try``, the transaction of an RPC call).

        Refused: a clear message, and nothing of it left (watched rows as before, no
        invalid value pending in the cache). Stored: ``check(result)``, then everything is
        rolled back for the next example. Returns True when stored.
        """
        with closing(self.env.cr.savepoint()):
            before = self.watch(queries)
            try:
                with self.env.cr.savepoint():
                    result = call()
                    self.env.flush_all()
            except UserError as e:
                message = e.args[0] if e.args else ""
                self.assertIsInstance(message, str)
                self.assertTrue(message.strip(), f"refused without a message: {e!r}")
                self.assertNotIn("Traceback", message)
                self.env.flush_all()
                self.assertEqual(self.watch(queries), before, f"refused ({message}), yet stored")
                return False
            if check:
                check(result)
            return True

    def _open_votes(self):
        """Open the demo assembly with everybody but Bernard, Romain and Hugo remote."""
        with superuser_setup("arrange: the demo assembly open, its resolutions put to the vote"):
            return self._open_votes_as_superuser()

    def _open_votes_as_superuser(self):
        assembly = self.assembly
        assembly.action_open()
        assembly.voter_ids.filtered(
            lambda v: (
                v.attendance == "absent"
                and v.member_id not in (self.bernard | self.romain | self.hugo)
                and not v.proxy_count
            )
        ).action_check_in("remote")
        resolutions = assembly.resolution_ids.filtered(lambda r: r.state == "proposed")
        amendments = resolutions.filtered("parent_id")
        amendments.action_start_vote()
        amendments.action_close_vote()
        (resolutions - amendments).action_start_vote()
        return assembly.resolution_ids

    def assertEnough(self, counter):
        self.assertGreaterEqual(counter["runs"], EXAMPLES, "too few generated inputs")


# ---------------------------------------------------------------------------------------
# Model entry points
# ---------------------------------------------------------------------------------------
@tagged("post_install", "-at_install")
class TestBadInputModels(BadInputMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, tz="UTC"))
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.class_ara = ref("coop_membership.share_class_ara")
        cls.class_centre = ref("coop_membership.share_class_centre")
        cls.college_ara = ref("coop_membership.coop_college_ara_cons")
        cls.college_centre = ref("coop_membership.coop_college_centre_cons")
        cls.officer = ref("coop_membership.user_nadia_chevalier")  # ARA only
        cls.accountant = ref("coop_membership.user_sylvie_morel")  # every cooperative
        cls.gov_officer = new_test_user(
            cls.env,
            login="gov_officer_hypothesis",
            groups="base.group_user,coop_governance.group_governance_officer",
            company_id=cls.ara.id,
            company_ids=[Command.set(cls.ara.ids)],
        )
        cls.bernard = ref("coop_membership.member_bernard_roux")  # ARA, 10 shares
        cls.romain = ref("coop_membership.member_romain_blanc")  # ARA
        cls.hugo = ref("coop_membership.member_hugo_lacroix")  # ARA
        cls.claire = ref("coop_membership.member_claire_martin")  # Centre
        cls.martine = ref("coop_membership.member_martine_vidal")  # ARA, resigning
        cls.francois = ref("coop_membership.member_francois_brun")  # ARA, excluded
        cls.assembly = ref("coop_governance.coop_assembly_ara_upcoming")  # convened
        cls.closed_assembly = ref("coop_governance.coop_assembly_ara_last_year")
        cls.poll = ref("coop_governance.coop_poll_ara_workshop")  # open, anonymous
        cls.missing_id = 2**31 - 7
        cls.user_bernard = ref("coop_portal.user_bernard_roux")
        cls.user_romain = cls.env["res.users"].create(
            {
                "name": cls.romain.partner_id.name,
                "login": "romain.hypothesis",
                "partner_id": cls.romain.partner_id.id,
                "company_id": cls.ara.id,
                "company_ids": [(6, 0, cls.ara.ids)],
                "groups_id": [(6, 0, [ref("base.group_portal").id])],
            }
        )

    # ------------------------------------------------------------------
    # Subscription (office): create, submit, accept
    # ------------------------------------------------------------------
    def test_subscription_request(self):
        base_request = {
            "partner_name": "Jeanne Essai",
            "email": "jeanne.essai@example.org",
            "college_id": self.college_ara.id,
            "share_class_id": self.class_ara.id,
            "quantity": 1,
            "request_date": "2026-01-15",
        }
        counter = {"runs": 0, "stored": 0, "submitted": 0, "invoiced": 0}
        Request = (
            self.env["coop.subscription.request"]
            .with_user(self.officer)
            .with_company(self.ara)
            .with_context(allowed_company_ids=self.ara.ids)
        )
        archived = self.class_ara.copy({"name": "Archivée", "code": "ARX", "active": False})
        queries = [
            "SELECT count(*) FROM coop_subscription_request",
            "SELECT count(*) FROM res_partner",
            "SELECT count(*) FROM coop_member",
            "SELECT count(*) FROM account_move",
            "SELECT count(*) FROM coop_share_operation",
        ]
        ids = [self.missing_id, -1, 0]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "partner_name": ["Jeanne Essai"],
                    "email": ["jeanne.essai@example.org"],
                    "college_id": [
                        self.college_ara.id,
                        self.college_ara.id,
                        self.college_centre.id,
                    ],
                    "share_class_id": [self.class_ara.id, self.class_ara.id, archived.id],
                    "quantity": [1, 3, 2000, 2001],
                    "request_date": ["2026-01-15"],
                },
                {
                    "partner_name": texts,
                    "email": texts,
                    "college_id": maybe([self.college_centre.id, *ids]),
                    "share_class_id": maybe([self.class_centre.id, *ids]),
                    "quantity": big_ints | anything,
                    "request_date": bad_dates,
                    "state": maybe(["paid"]),
                    "member_id": maybe([self.bernard.id]),
                },
            )
        )
        @example({**base_request, "quantity": 10**30})
        @example({**base_request, "share_class_id": "2"})
        @example({**base_request, "request_date": "2025-02-30"})
        def run(vals):
            counter["runs"] += 1

            def check_draft(request):
                self.assertEqual(request.state, "draft")
                self.assertEqual(request.quantity, vals["quantity"])
                self.assertEqual(request.share_class_id.id, vals["share_class_id"])
                self.assertEqual(request.college_id.id, vals["college_id"])
                self.assertEqual(request.request_date, as_date(vals["request_date"]))
                for field in ("partner_name", "email"):
                    self.assertIn(request[field] or "", (vals[field], vals[field].strip()))
                self.assertEqual(request.amount, request.quantity * request.unit_value)
                counter["stored"] += 1
                self.attempt(request.action_submit, queries, lambda _r: check_submitted(request))

            def check_submitted(request):
                self.assertEqual(request.state, "submitted")
                self.assertEqual(request.partner_id.name, request.partner_name)
                counter["submitted"] += 1
                self.attempt(
                    request.with_user(self.accountant).action_validate,
                    queries,
                    lambda _r: check_invoiced(request),
                )

            def check_invoiced(request):
                self.assertEqual(request.state, "waiting_payment")
                self.assertEqual(request.invoice_id.amount_total, request.quantity * 50)
                self.assertEqual(request.member_id.partner_id, request.partner_id)
                counter["invoiced"] += 1

            self.attempt(lambda: Request.create(vals), queries, check_draft)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["invoiced"], "no generated request went through: the test is weak")

    # ------------------------------------------------------------------
    # Redemption (office): create, board approval
    # ------------------------------------------------------------------
    def test_redemption_request(self):
        counter = {"runs": 0, "stored": 0}
        Request = (
            self.env["coop.redemption.request"]
            .with_user(self.accountant)
            .with_company(self.ara)
            .with_context(allowed_company_ids=(self.ara | self.centre).ids)
        )
        queries = [
            "SELECT count(*) FROM coop_redemption_request",
            "SELECT count(*) FROM coop_share_operation",
            "SELECT count(*) FROM account_move",
        ]
        members = [self.bernard.id, self.claire.id, self.martine.id, self.francois.id]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "member_id": members,
                    "share_class_id": [self.class_ara.id, self.class_ara.id, self.class_centre.id],
                    "quantity": [1, 9, 10, 11],
                    "redemption_type": ["partial", "partial", "resignation"],
                    "request_date": ["2026-01-15"],
                    "note": [False, "Demande du membre"],
                },
                {
                    "member_id": maybe([self.missing_id]),
                    "request_date": bad_dates,
                    "note": texts,
                    "loss_per_share": floats | anything,
                    "state": maybe(["paid"]),
                },
            ),
            maybe([None, "2026-01-20"], bad_dates),
        )
        def run(vals, decision_date):
            counter["runs"] += 1

            def check_draft(request):
                self.assertEqual(request.state, "draft")
                self.assertEqual(request.quantity, vals["quantity"])
                self.assertEqual(request.member_id.id, vals["member_id"])
                self.assertEqual(request.request_date, as_date(vals["request_date"]))
                self.assertEqual(request.refund_amount, request.quantity * 50)
                counter["stored"] += 1
                self.attempt(
                    lambda: request.action_approve(decision_date=decision_date),
                    queries,
                    lambda _r: self.assertEqual(request.state, "approved"),
                )

            self.attempt(lambda: Request.create(vals), queries, check_draft)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Transfer of shares between members (office wizard)
    # ------------------------------------------------------------------
    def test_share_transfer(self):
        counter = {"runs": 0, "stored": 0}
        Wizard = (
            self.env["coop.share.transfer.wizard"]
            .with_user(self.accountant)
            .with_company(self.ara)
            .with_context(allowed_company_ids=(self.ara | self.centre).ids)
        )
        queries = ["SELECT count(*) FROM coop_share_operation WHERE state = 'confirmed'"]
        members = [self.bernard.id, self.romain.id, self.claire.id, self.francois.id]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "member_id": members,
                    "counterpart_member_id": members,
                    "share_class_id": [self.class_ara.id, self.class_ara.id, self.class_centre.id],
                    "quantity": [1, 9, 10, 11],
                    "date": ["2026-01-15"],
                    "note": [False, "Accord du conseil"],
                },
                {
                    "member_id": maybe([self.missing_id]),
                    "counterpart_member_id": maybe([self.missing_id]),
                    "date": bad_dates,
                    "note": texts,
                },
            )
        )
        def run(vals):
            counter["runs"] += 1

            def check(_action):
                operation = self.env["coop.share.operation"].search([], limit=1, order="id desc")
                self.assertEqual(
                    (operation.member_id.id, operation.counterpart_member_id.id),
                    (vals["member_id"], vals["counterpart_member_id"]),
                )
                self.assertEqual(operation.quantity, vals["quantity"])
                self.assertEqual(operation.date, as_date(vals["date"]))
                counter["stored"] += 1

            self.attempt(lambda: Wizard.create(vals).action_transfer(), queries, check)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Proxies (office and portal)
    # ------------------------------------------------------------------
    def test_proxy(self):
        counter = {"runs": 0, "stored": 0}
        voters = self.assembly.voter_ids
        bernard, romain, hugo = (
            voters.filtered(lambda v, m=m: v.member_id == m)
            for m in (self.bernard, self.romain, self.hugo)
        )
        queries = [
            "SELECT count(*) FROM coop_assembly_voter WHERE proxy_holder_id IS NOT NULL",
            "SELECT coalesce(sum(proxy_count), 0) FROM coop_assembly_voter",
            "SELECT count(*) FROM coop_assembly_voter WHERE attendance = 'represented'",
        ]
        closed = self.closed_assembly.voter_ids

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    # Bernard holds Hugo's proxy (demo): Romain gives his to Bernard.
                    "giver": [romain],
                    "holder": [bernard, bernard.id, str(bernard.id), f" {bernard.id} "],
                    "portal": [False, True],
                },
                {
                    "giver": st.sampled_from([*closed[:2], bernard, hugo]),
                    "holder": maybe(
                        [
                            *closed[:2],
                            romain,
                            hugo,
                            str(hugo.id),
                            *voters.filtered("proxy_holder_id")[:1],
                            self.missing_id,
                            str(self.missing_id),
                            hugo | romain,
                        ]
                    ),
                },
            )
        )
        @example({"giver": romain, "holder": romain, "portal": False})
        @example({"giver": romain, "holder": bernard.id, "portal": False})
        def run(args):
            counter["runs"] += 1
            giver, holder = args["giver"], args["holder"]
            if args["portal"]:
                owner = giver.member_id.partner_id.user_ids[:1] or self.user_bernard
                call = lambda: giver.with_user(owner)._portal_give_proxy(holder)  # noqa: E731
            else:
                # The governance officer records a proxy handed in on paper.
                call = lambda: giver.with_user(self.gov_officer).action_give_proxy(holder)  # noqa: E731

            def check(_result):
                expected = holder.id if isinstance(holder, models.BaseModel) else int(holder)
                self.assertEqual(giver.proxy_holder_id.id, expected)
                self.assertEqual(giver.attendance, "represented")
                self.assertIn(giver.assembly_id.state, ("convened", "open"))
                holder_voter = giver.proxy_holder_id
                self.assertEqual(holder_voter.proxy_count, len(holder_voter.proxy_ids))
                counter["stored"] += 1

            self.attempt(call, queries, check)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Ballots
    # ------------------------------------------------------------------
    def test_ballot(self):
        counter = {"runs": 0, "stored": 0}
        resolutions = self._open_votes()
        voting = resolutions.filtered(lambda r: r.state == "voting")
        voters = self.assembly.voter_ids.filtered(
            lambda v: v.member_id in (self.bernard | self.romain | self.hugo)
        )
        election = voting.filtered(lambda r: r.kind == "election")
        standing = election.candidacy_ids.ids
        ballot_base = {
            "resolution": voting.filtered(lambda r: r.kind == "motion")[0],
            "voter": voters[0].id,
            "choice": "yes",
            "channel": "online",
            "cast_by": None,
        }
        queries = [
            "SELECT count(*) FROM coop_ballot",
            "SELECT count(*) FROM coop_ballot_secret WHERE used",
            "SELECT count(chain_index) FROM coop_ballot",
        ]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "resolution": list(voting),
                    "voter": [*voters, *voters.ids],
                    "choice": ["yes", "no", "abstain", standing[:1], standing[:2], []],
                    "channel": ["online"],
                    "cast_by": [None],
                },
                {
                    "resolution": st.sampled_from(
                        list((resolutions - voting) | self.closed_assembly.resolution_ids)
                    ),
                    "voter": maybe(
                        [*self.closed_assembly.voter_ids[:2], *self.assembly.voter_ids[:3]]
                    ),
                    "choice": st.one_of(
                        st.lists(st.sampled_from([*standing, self.missing_id, 1]), max_size=4),
                        anything,
                    ),
                    "channel": maybe(["in_room", "postal", "proxy"], texts),
                    "cast_by": maybe(list(voters)),
                },
            )
        )
        @example({**ballot_base, "choice": ["yes"]})
        @example({**ballot_base, "voter": "x"})
        @example({**ballot_base, "channel": ["online"]})
        @example({**ballot_base, "resolution": election, "choice": [[1]]})
        def run(args):
            counter["runs"] += 1
            resolution = args["resolution"]

            def check(ballot):
                self.assertEqual(ballot.resolution_id, resolution)
                voter = args["voter"]
                self.assertEqual(ballot.voter_id.id, getattr(voter, "id", voter))
                self.assertEqual(ballot.channel, args["channel"])
                if resolution.kind == "motion" and not resolution.secret:
                    self.assertEqual(ballot.choice, args["choice"])
                counter["stored"] += 1

            self.attempt(
                # The governance officer records in-room, postal and proxy ballots.
                lambda: resolution.with_user(self.gov_officer).cast_vote(
                    args["voter"], args["choice"], channel=args["channel"], cast_by=args["cast_by"]
                ),
                queries,
                check,
            )

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Poll answers
    # ------------------------------------------------------------------
    def test_poll_answer(self):
        counter = {"runs": 0, "stored": 0}
        closed = self.poll.copy({"name": "Sondage clos"})
        with superuser_setup("arrange: a poll already closed"):
            closed.action_open()
            closed.action_close()
        opt1, opt2, opt3 = self.poll.option_ids[:3]
        queries = [
            "SELECT count(*) FROM coop_poll_participation",
            "SELECT count(*) FROM coop_poll_answer",
            "SELECT coalesce(sum(count), 0) FROM coop_poll_tally",
        ]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "poll": [self.poll],
                    # Romain and Hugo have not answered yet, Bernard has.
                    "member": [self.romain, self.hugo, self.romain.id, self.bernard],
                    "options": [[opt1.id], [opt2.id], opt3, [opt1.id, opt2.id]],
                    "portal": [False, False, True],
                },
                {
                    "poll": st.just(closed),
                    "member": maybe([self.claire, self.francois, self.claire.id]),
                    "options": st.one_of(
                        st.lists(
                            st.sampled_from([*closed.option_ids.ids, self.missing_id, opt1.id]),
                            max_size=3,
                        ),
                        st.just(closed.option_ids[:1]),
                        anything,
                    ),
                },
            )
        )
        @example({"poll": self.poll, "member": "x", "options": 7, "portal": False})
        @example({"poll": self.poll, "member": self.romain.id, "options": ["1"], "portal": False})
        def run(args):
            counter["runs"] += 1
            poll, member, chosen = args["poll"], args["member"], args["options"]
            if args["portal"]:
                # The route passes one of the user's memberships (a forged id is a 404
                # before): the model still checks the owner of any record it gets.
                if not isinstance(member, models.BaseModel):
                    member = self.bernard
                call = lambda: poll.with_user(self.user_bernard)._portal_answer(  # noqa: E731
                    member, chosen
                )
            else:
                call = lambda: poll.answer(member, chosen)  # noqa: E731

            def check(_result):
                self.assertEqual(poll, self.poll)
                answered = self.env["coop.poll.participation"].search(
                    [("poll_id", "=", poll.id)], order="id desc", limit=1
                )
                self.assertEqual(answered.member_id.id, getattr(member, "id", member))
                counter["stored"] += 1

            self.attempt(call, queries, check)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Communication kits (issue #25 §5)
    # ------------------------------------------------------------------
    def test_kit_request(self):
        counter = {"runs": 0, "stored": 0}
        flyers = self.env.ref("coop_engagement.coop_kit_item_ara_flyers")
        kakemono = self.env.ref("coop_engagement.coop_kit_item_ara_kakemono")
        foreign = self.env.ref("coop_engagement.coop_kit_item_centre_flyers")
        items = [flyers.id, kakemono.id, foreign.id, self.missing_id]
        queries = [
            "SELECT count(*) FROM coop_kit_request",
            "SELECT count(*) FROM coop_kit_request_line",
        ]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "lines": [[(flyers.id, 100)], [(flyers.id, 1), (kakemono.id, 1)]],
                    "event_id": [None],
                    "delivery_name": ["Bernard Roux"],
                    "delivery_street": ["14 rue Madier de Montjau"],
                    "delivery_street2": ["", "Bâtiment B"],
                    "delivery_zip": ["26000"],
                    "delivery_city": ["Valence"],
                    "note": ["", "Stand du marché\nsamedi"],
                },
                {
                    "lines": st.one_of(
                        st.lists(st.tuples(st.sampled_from(items), big_ints), max_size=3),
                        st.lists(anything, max_size=2),
                        anything,
                    ),
                    "delivery_name": texts,
                    "delivery_street": texts,
                    "delivery_street2": texts,
                    "delivery_zip": texts,
                    "delivery_city": texts,
                    "note": texts,
                },
            )
        )
        @example({"lines": [(flyers.id, 10**9)], "event_id": None, "note": "\x00"})
        @example({"lines": [(kakemono.id, 1), (kakemono.id, 1)], "event_id": self.missing_id})
        def run(values):
            counter["runs"] += 1
            Kit = self.env["coop.kit.request"].with_user(self.user_bernard)

            def check(kit):
                kit = kit.sudo()
                self.assertEqual(kit.partner_id, self.bernard.partner_id)
                self.assertEqual(kit.company_id, self.ara)
                for line in kit.line_ids:
                    self.assertTrue(1 <= line.quantity <= line.item_id.max_quantity)
                counter["stored"] += 1

            self.attempt(lambda: Kit._coop_portal_create(values), queries, check)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Personal data (member space)
    # ------------------------------------------------------------------
    def test_personal_data(self):
        counter = {"runs": 0, "stored": 0}
        partner = self.user_bernard.partner_id
        countries = self.env["res.country"].search([], limit=3)
        queries = ["SELECT count(*) FROM mail_message"]
        keys = ["street", "street2", "zip", "city", "email", "phone"]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "street": ["12 rue des Lilas", ""],
                    "street2": ["", "Bâtiment B"],
                    "zip": ["26000"],
                    "city": ["Valence", ""],
                    "email": ["bernard@example.org", ""],
                    "phone": ["06 12 34 56 78"],
                    "country_id": [str(c.id) for c in countries] + [""],
                    "coop_contact_channel": ["email", "paper", "none"],
                    "coop_newsletter_optin": ["1", "0"],
                },
                {
                    **dict.fromkeys(keys, texts),
                    "country_id": texts,
                    "coop_contact_channel": texts,
                    "name": texts,
                    "is_company": anything,
                    "user_ids": anything,
                },
                max_bad=3,
            )
        )
        @example({"country_id": "²", "coop_contact_channel": "paper"})
        def run(values):
            counter["runs"] += 1
            old_name = partner.name

            def check(changed):
                for key in keys:
                    if key in values:
                        self.assertEqual(partner[key] or "", values[key].strip())
                self.assertEqual(partner.name, old_name, "the name is not the member's to change")
                if changed:
                    body = str(partner.message_ids[:1].body)
                    self.assertNotIn(SCRIPT, body)
                    self.assertNotIn("<img src=x", body)
                    counter["stored"] += 1

            self.attempt(
                lambda: partner.with_user(self.user_bernard)._coop_portal_update_profile(
                    parse_profile_form(partner.env, values)
                ),
                queries,
                check,
            )

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Member space: more shares, redemption
    # ------------------------------------------------------------------
    def test_portal_subscribe_and_redeem(self):
        counter = {"runs": 0, "stored": 0}
        queries = [
            "SELECT count(*) FROM coop_subscription_request",
            "SELECT count(*) FROM coop_redemption_request",
            "SELECT count(*) FROM account_move",
        ]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "member": [self.bernard],
                    "share_class_id": [str(self.class_ara.id), self.class_ara.id],
                    "quantity": ["1", "2", " 3 ", 2, "9"],
                    "redeem": [False, True],
                },
                {
                    "member": st.sampled_from([self.claire, self.francois]),
                    "share_class_id": maybe(
                        [str(self.class_centre.id), str(self.missing_id), f"{self.class_ara.id}.0"]
                    ),
                    "quantity": st.one_of(
                        st.sampled_from(["0", "-1", "10", "10000", "10001", "9" * 12]),
                        big_ints,
                        anything,
                    ),
                },
            )
        )
        def run(args):
            counter["runs"] += 1
            member = args["member"].with_user(self.user_bernard)
            share_class_id, quantity = args["share_class_id"], args["quantity"]
            # As the route does: the form's values read by the portal's parsers first.
            if args["redeem"]:
                call = lambda: member._portal_request_redemption(  # noqa: E731
                    parse_id(share_class_id), parse_quantity(quantity)
                )
            else:
                call = lambda: member._portal_subscribe(  # noqa: E731
                    parse_id(share_class_id), parse_quantity(quantity)
                )

            def check(request):
                self.assertEqual(request.quantity, int(str(quantity).strip()))
                self.assertEqual(request.share_class_id, self.class_ara)
                self.assertEqual(request.sudo().member_id, self.bernard)
                counter["stored"] += 1

            self.attempt(call, queries, check)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Public application form (model side)
    # ------------------------------------------------------------------
    def test_portal_join(self):
        counter = {"runs": 0, "stored": 0}
        Request = self.env["coop.subscription.request"].with_user(self.env.ref("base.public_user"))
        queries = [
            "SELECT count(*) FROM coop_subscription_request",
            "SELECT count(*) FROM res_partner",
        ]
        centre_ids = [str(self.centre.id), str(self.college_centre.id), str(self.class_centre.id)]

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "company_id": [centre_ids[0]],
                    "college_id": [centre_ids[1], str(self.college_ara.id)],
                    "share_class_id": [centre_ids[2], centre_ids[2], str(self.class_ara.id)],
                    "quantity": ["1", "3"],
                    "partner_name": ["Jeanne Essai"],
                    "email": ["jeanne.essai@example.org", "x@example.org"],
                    "birthdate": ["1980-05-04", ""],
                    "contact_channel": ["email", "paper"],
                    **dict.fromkeys(JOIN_CONSENTS, ["on"]),
                },
                {
                    "company_id": maybe([str(self.ara.id)], texts),
                    "college_id": texts,
                    "share_class_id": texts,
                    "quantity": texts,
                    "partner_name": texts,
                    "email": texts,
                    "birthdate": bad_dates,
                    **dict.fromkeys(("phone", "street", "zip", "city", "origin"), texts),
                },
            ),
            st.sampled_from([None, "10.0.0.1"]),
        )
        def run(values, ip):
            counter["runs"] += 1

            def check(request):
                if not request:  # same address already applied: nothing new, same page
                    return
                self.assertEqual(request.state, "submitted")
                self.assertEqual(request.partner_name, values["partner_name"].strip())
                self.assertEqual(request.quantity, int(values["quantity"]))
                counter["stored"] += 1

            # As the join page does: the form read by its parser, then the model's rules.
            self.attempt(
                lambda: Request._portal_join(parse_join_form(Request.env, values), ip=ip),
                queries,
                check,
            )

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Member space: votes
    # ------------------------------------------------------------------
    def test_portal_vote(self):
        counter = {"runs": 0, "stored": 0}
        resolutions = self._open_votes()
        voting = resolutions.filtered(lambda r: r.state == "voting")
        motions = voting.filtered(lambda r: r.kind == "motion")
        election = voting - motions
        standing = election.candidacy_ids.ids
        voters = self.assembly.voter_ids
        voter = voters.filtered(lambda v: v.member_id == self.bernard)
        hugo = voters.filtered(lambda v: v.member_id == self.hugo)  # Bernard holds his proxy
        queries = ["SELECT count(*) FROM coop_ballot"]
        choice_values = st.one_of(
            st.sampled_from(["yes", "no", "abstain", standing[:1], standing[:2], []]),
            st.lists(st.one_of(st.sampled_from(standing), big_ints, texts), max_size=3),
            anything,
        )
        hashable = st.one_of(big_ints, floats, texts, st.none(), st.booleans())
        ballot = st.fixed_dictionaries(
            {},
            optional={
                motions[0].id: st.sampled_from(["yes", "no", "abstain"]),
                election.id: st.sampled_from([standing[:1], standing[:2], []]),
            },
        )

        @HYPOTHESIS
        @given(
            spoiled(
                {"choices": ballot, "represented": [None, None, hugo]},
                {
                    "choices": st.one_of(
                        st.dictionaries(
                            st.one_of(
                                st.sampled_from(
                                    [*resolutions.ids, *self.closed_assembly.resolution_ids.ids]
                                ),
                                hashable,
                            ),
                            choice_values,
                            max_size=3,
                        ),
                        anything,
                    ),
                    "represented": st.sampled_from([voter, *voters.filtered("proxy_count")]),
                },
                max_bad=1,
            )
        )
        @example({"choices": "yes", "represented": None})
        def run(args):
            counter["runs"] += 1
            represented = args["represented"]

            def check(ballots):
                self.assertEqual(len(ballots), len(args["choices"]))
                self.assertEqual(ballots.voter_id, represented or voter)
                counter["stored"] += 1

            self.attempt(
                lambda: voter.with_user(self.user_bernard)._portal_vote(
                    args["choices"], represented
                ),
                queries,
                check,
            )

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])

    # ------------------------------------------------------------------
    # Member space: engagement (skills, themes, availability, groups, action calls)
    # ------------------------------------------------------------------
    def test_portal_engagement(self):
        counter = {"runs": 0, "stored": 0}
        partner = self.user_bernard.partner_id.with_user(self.user_bernard)
        skills = self.env["coop.skill"].search([], limit=3).ids
        themes = self.env["coop.engagement.theme"].search([], limit=3).ids
        groups = self.env["coop.local.group"].search([]).ids
        calls = self.env["coop.action.call"].search([]).ids
        queries = [
            "SELECT count(*) FROM coop_local_group_membership",
            "SELECT count(*) FROM coop_action_call_volunteer",
        ]
        id_lists = st.lists(
            st.one_of(st.sampled_from([str(i) for i in skills + themes]), texts), max_size=3
        )
        engagement_base = {
            "action": "engagement",
            "skill_ids": [],
            "theme_ids": [],
            "availability": "",
            "note": "",
            "record_id": "",
        }

        @HYPOTHESIS
        @given(
            spoiled(
                {
                    "action": ["engagement", "join", "leave", "volunteer"],
                    "skill_ids": [[str(i) for i in skills[:2]], []],
                    "theme_ids": [[str(i) for i in themes[:1]], []],
                    "availability": ["", "monthly", "weekly"],
                    "note": ["", "Le samedi"],
                    "record_id": [str(i) for i in groups + calls],
                },
                {
                    "skill_ids": id_lists,
                    "theme_ids": id_lists,
                    "availability": texts,
                    "note": texts,
                    "record_id": anything,
                },
            )
        )
        @example({**engagement_base, "skill_ids": ["²"]})
        @example({**engagement_base, "action": "join", "record_id": "²"})
        @example({**engagement_base, "action": "volunteer", "record_id": "9" * 40})
        def run(args):
            action, skill_ids, theme_ids, availability, note, record_id = args.values()
            counter["runs"] += 1
            if action == "engagement":
                call = lambda: partner._coop_portal_update_engagement(  # noqa: E731
                    parse_ids(skill_ids),
                    parse_ids(theme_ids),
                    availability,
                    parse_availability_note(note),
                    True,
                )
            elif action == "join":
                call = lambda: partner._coop_portal_join_group(parse_id(record_id))  # noqa: E731
            elif action == "leave":
                call = lambda: partner._coop_portal_leave_group(parse_id(record_id))  # noqa: E731
            else:
                call = lambda: partner._coop_portal_volunteer(parse_id(record_id))  # noqa: E731

            def check(_result):
                if action == "engagement":
                    self.assertEqual(partner.sudo().coop_availability_note or "", note.strip())
                counter["stored"] += 1

            self.attempt(call, queries, check)

        run()
        self.assertEnough(counter)
        self.assertTrue(counter["stored"])


# ---------------------------------------------------------------------------------------
# HTTP forms
# ---------------------------------------------------------------------------------------
@tagged("post_install", "-at_install")
class TestBadInputForms(BadInputMixin, HttpCase):
    """The portal forms answer every generated post with a page, never a 500."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.bernard = ref("coop_membership.member_bernard_roux")
        cls.romain = ref("coop_membership.member_romain_blanc")
        cls.hugo = ref("coop_membership.member_hugo_lacroix")
        cls.claire = ref("coop_membership.member_claire_martin")
        cls.assembly = ref("coop_governance.coop_assembly_ara_upcoming")
        cls.poll = ref("coop_governance.coop_poll_ara_workshop")
        cls.voter = cls.assembly.voter_ids.filtered(lambda v: v.member_id == cls.bernard)
        cls.env["res.users"].create(
            {
                "name": cls.romain.partner_id.name,
                "login": "romain.hypothesis",
                "password": "romain.hypothesis",
                "partner_id": cls.romain.partner_id.id,
                "company_id": cls.romain.company_id.id,
                "company_ids": [(6, 0, cls.romain.company_id.ids)],
                "groups_id": [(6, 0, [ref("base.group_portal").id])],
            }
        )

    def token(self, url):
        match = re.search(r'csrf_token(?:" value=|: )"([^"]+)"', self.url_open(url).text)
        self.assertTrue(match, f"no CSRF token on {url}")
        return match.group(1)

    def check_page(self, response, values):
        self.assertNotEqual(response.status_code, 500, response.text[:2000])
        self.assertLess(response.status_code, 500)
        self.assertNotIn("Traceback", response.text)
        for value in values:
            if isinstance(value, str) and re.search(r"<[a-zA-Z/!]", value):
                self.assertNotIn(value, response.text, "a payload is echoed unescaped")
        self.assertNotIn(SCRIPT, response.text)

    def post_forms(self, forms, login):
        """forms: [(url, form page, strategy of dicts, SQL queries[, pinned inputs])]."""
        if login:
            self.authenticate(login, login)
        for url, form_url, data_strategy, queries, *pins in forms:
            counter = {"runs": 0}
            run = self._form_property(url, self.token(form_url), data_strategy, queries, counter)
            for pin in pins:
                run = example(pin)(run)
            with mute_logger("odoo.http"):
                run()
            self.assertEnough(counter)

    def _form_property(self, url, token, data_strategy, queries, counter):
        @given(data_strategy)
        def run(data):
            counter["runs"] += 1
            before = self.watch(queries)
            with closing(self.env.cr.savepoint()):
                if url.endswith("?"):  # a search form (GET)
                    response = self.url_open(url + urlencode(data))
                else:
                    response = self.url_open(url, data={**data, "csrf_token": token})
                self.check_page(response, data.values())
                if 'class="alert alert-danger' in response.text:
                    # The form shown again with the reason: a refusal, nothing stored.
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(self.watch(queries), before, url)
                else:
                    counter["accepted"] = counter.get("accepted", 0) + 1
            self.env.invalidate_all()

        return HYPOTHESIS(run)

    def form_values(self, bad=texts, **fields):
        """Form fields as a browser (or a forger) sends them: strings, some of them bad."""
        return spoiled(fields, dict.fromkeys(fields, bad), max_bad=3)

    def test_join_form(self):
        centre = self.env.ref("coop_membership.coop_company_centre")
        college = self.env.ref("coop_membership.coop_college_centre_cons")
        share_class = self.env.ref("coop_membership.share_class_centre")
        data = self.form_values(
            company_id=[str(centre.id)],
            college_id=[str(college.id)],
            share_class_id=[str(share_class.id)],
            quantity=["1", "3"],
            partner_name=["Jeanne Essai"],
            email=["jeanne.essai@example.org"],
            birthdate=["1980-05-04", ""],
            contact_channel=["email"],
            city=["Tours"],
            **dict.fromkeys(JOIN_CONSENTS, ["on"]),
        )
        queries = ["SELECT count(*) FROM coop_subscription_request"]
        self.post_forms([("/cooperative/join", "/cooperative/join", data, queries)], None)

    def test_member_forms(self):
        member = self.bernard
        ara_class = self.env.ref("coop_membership.share_class_ara")
        profile = self.form_values(
            street=["3 rue Haute"],
            zip=["26000"],
            city=["Valence"],
            email=["bernard@example.org"],
            phone=["0600000000"],
            country_id=[str(self.env.ref("base.fr").id)],
            coop_contact_channel=["email", "paper"],
        )
        shares = self.form_values(
            share_class_id=[str(ara_class.id)], quantity=["1", "2"], confirm=["1"]
        )
        engagement = self.form_values(
            availability=["monthly"], availability_note=["Le soir"], group_visible=["1"]
        )
        # Searched by GET: no longer than a URL may be (the web server answers 414 before).
        documents = self.form_values(
            texts.filter(lambda text: len(text) < 1000),
            search=["statuts", ""],
            category=["1", ""],
            year=["2025"],
        )
        self.post_forms(
            [
                (
                    "/my/cooperative/profile",
                    "/my/cooperative/profile",
                    profile,
                    ["SELECT count(*) FROM mail_message"],
                ),
                (
                    f"/my/cooperative/{member.id}/subscribe",
                    f"/my/cooperative/{member.id}/subscribe",
                    shares,
                    ["SELECT count(*) FROM coop_subscription_request"],
                ),
                (
                    f"/my/cooperative/{member.id}/redeem",
                    f"/my/cooperative/{member.id}/redeem",
                    shares,
                    ["SELECT count(*) FROM coop_redemption_request"],
                ),
                (
                    "/my/engagement",
                    "/my/engagement",
                    engagement,
                    ["SELECT count(*) FROM mail_message"],
                ),
                (
                    "/my/documents?",
                    "/my/engagement",
                    documents,
                    [],
                    {"search": "\x00", "year": "²"},
                ),
            ],
            "bernard",
        )
        # Romain has neither answered the poll nor given his proxy yet (Bernard has both).
        romain_voter = self.assembly.voter_ids.filtered(lambda v: v.member_id == self.romain)
        holders = self.assembly.voter_ids.filtered(lambda v: v.member_id != self.romain)
        proxy = self.form_values(holder_id=[str(v.id) for v in holders[:6]], q=["Bernard", ""])
        poll = self.form_values(option_id=[str(o.id) for o in self.poll.option_ids])
        # An amendment to a motion of the assembly (issue #24 §1): a draft, or the reason.
        motion = self.assembly.resolution_ids.filtered(
            lambda r: r.kind == "motion" and not r.parent_id and r.state == "proposed"
        )[:1]
        amendment = self.form_values(
            name=["Amendement", ""], body=["<p>Deux jardins.</p>", "Texte"], rationale=[""]
        )
        amend_url = f"/my/assemblies/{romain_voter.id}/amend/{motion.id}"
        self.post_forms(
            [
                (
                    amend_url,
                    amend_url,
                    amendment,
                    ["SELECT count(*) FROM coop_proposal"],
                ),
                (
                    f"/my/assemblies/{romain_voter.id}/proxy",
                    f"/my/assemblies/{romain_voter.id}/proxy",
                    proxy,
                    ["SELECT count(*) FROM coop_assembly_voter WHERE proxy_holder_id IS NOT NULL"],
                    {"holder_id": "²", "q": "Ber\x00nard"},
                    {"holder_id": "9" * 40, "q": ""},
                ),
                (
                    f"/my/polls/{self.poll.id}/{self.romain.id}",
                    f"/my/polls/{self.poll.id}/{self.romain.id}",
                    poll,
                    ["SELECT count(*) FROM coop_poll_participation"],
                ),
            ],
            "romain.hypothesis",
        )

    def test_vote_form(self):
        resolutions = self._open_votes().filtered(lambda r: r.state == "voting")
        election = resolutions.filtered(lambda r: r.kind == "election")
        standing = [str(c.id) for c in election.candidacy_ids]
        fields_ = {
            f"choice_{r.id}": standing if r == election else ["yes", "no", "abstain"]
            for r in resolutions
        }
        fields_.update({f"choice_{r.id}_voted": ["1"] for r in resolutions})
        fields_["confirm"] = ["1", ""]
        fields_["represented_id"] = [""]
        data = self.form_values(**fields_)
        self.post_forms(
            [
                (
                    f"/my/assemblies/{self.voter.id}/vote",
                    f"/my/assemblies/{self.voter.id}",
                    data,
                    ["SELECT count(*) FROM coop_ballot"],
                    {f"choice_{election.id}": "²", f"choice_{election.id}_voted": "1"},
                )
            ],
            "bernard",
        )
