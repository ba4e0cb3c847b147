"""Two transactions doing the same thing at the same moment: one wins, the other is refused.

Each transaction runs in its own thread on its own database cursor, wrapped in
``odoo.service.model.retrying`` as Odoo wraps every RPC and web request: a serialization
failure is replayed on fresh data, where the business rule refuses the duplicate with its
own message. Two cursors only see committed data, so every test commits what it needs in
the demo cooperatives and removes it at the end, whatever happens.

Already covered elsewhere, not repeated here: two votes of the same voter on a public
resolution (coop_governance TestConcurrentVotes, coop_portal TestPortalConcurrentBallots),
two register numbers given at once (coop_membership TestShareConcurrency).
"""

import functools
import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.coop_governance.tests.test_concurrency import ConcurrentVoteData
from odoo.addons.coop_membership.tests.role_guard import superuser_because, superuser_setup
from odoo.addons.coop_portal.controllers.join import parse_join_form
from odoo.addons.coop_portal.models.coop_subscription_request import JOIN_CONSENTS


class RaceCase(TransactionCase):
    def _cursor(self):
        return db_connect(self.env.cr.dbname).cursor()

    def _race_env(self, cr, user=SUPERUSER_ID, company=None):
        context = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        if company:
            context["allowed_company_ids"] = [company]
        return api.Environment(cr, user, context)

    def _user(self, login):
        return self.env["res.users"].search([("login", "=", login)]).id

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def _race(self, *calls, user=SUPERUSER_ID, company=None):
        """Run each ``call(env)`` in its own transaction, all at once.

        Return one outcome per call: "ok" once committed, else the message of the error
        its last try raised.
        """
        barrier = threading.Barrier(len(calls), timeout=30)
        outcomes = [None] * len(calls)

        def run(index, call):
            try:
                with self._cursor() as cr:
                    env = self._race_env(cr, user, company)
                    cr.execute("SELECT 1")  # every snapshot is taken before anyone writes
                    barrier.wait()
                    try:
                        retrying(functools.partial(call, env), env)
                        outcomes[index] = "ok"
                    except UserError as error:
                        outcomes[index] = error.args[0]
            except Exception as error:  # noqa: BLE001 - reported by the assertions
                outcomes[index] = repr(error)

        threads = [
            threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a transaction hangs")
        return outcomes

    def _assert_one_winner(self, outcomes, refusal):
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        (loser,) = [outcome for outcome in outcomes if outcome != "ok"]
        self.assertRegex(loser, refusal)
        return outcomes.index("ok")

    def _purge(self, partner_ids):
        """Remove what the test committed for these people, register rows included (by SQL:
        nothing else may delete them), then their member-space users, then the people."""
        with superuser_setup("cleanup of committed test data"), self._cursor() as cr:
            env = self._race_env(cr)
            partners = env["res.partner"].browse(partner_ids).exists()
            members = env["coop.member"].search([("partner_id", "in", partners.ids)])
            cr.execute(
                "DELETE FROM coop_share_operation WHERE member_id = ANY(%s)"
                " OR counterpart_member_id = ANY(%s)",
                [members.ids, members.ids],
            )
            env.invalidate_all()
            payments = env["account.payment"].search([("partner_id", "in", partners.ids)])
            payments.action_draft()
            payments.with_context(force_delete=True).unlink()
            moves = env["account.move"].search(
                [
                    "|",
                    ("partner_id", "in", partners.ids),
                    ("line_ids.partner_id", "in", partners.ids),
                ]
            )
            moves.filtered(lambda move: move.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            for model, domain in (
                ("coop.subscription.request", [("partner_id", "in", partners.ids)]),
                ("coop.redemption.request", [("member_id", "in", members.ids)]),
                ("coop.member", [("id", "in", members.ids)]),
            ):
                ids = env[model].search(domain).ids
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", [model, ids]
                )
                if model == "coop.member":
                    for table in ("coop_member_period", "coop_member_college_history"):
                        cr.execute(f"DELETE FROM {table} WHERE member_id = ANY(%s)", [ids])  # noqa: S608
                cr.execute(f'DELETE FROM "{env[model]._table}" WHERE id = ANY(%s)', [ids])  # noqa: S608
            # The payment wizards of _coop_record_payment (transient, vacuumed later).
            cr.execute(
                "DELETE FROM account_payment_register WHERE partner_id = ANY(%s)", [partners.ids]
            )
            env.invalidate_all()
            # The member-space logins made at admission: a contact with a user cannot go.
            env["res.users"].with_context(active_test=False).search(
                [("partner_id", "in", partners.ids)]
            ).unlink()
            partners.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    @mute_logger("odoo.sql_db")
    def _drop_company(self, company_id):
        """Remove a test cooperative, or archive it when other modules still refer to it."""
        with superuser_setup("cleanup of committed test data"), self._cursor() as cr:
            env = self._race_env(cr)
            company = env["res.company"].browse(company_id)
            sequence = company.coop_member_sequence_id
            company.coop_member_sequence_id = False
            sequence.unlink()
            env["coop.college"].search([("company_id", "=", company_id)]).unlink()
            cr.commit()  # pylint: disable=invalid-commit
            try:
                with cr.savepoint():
                    partner = company.partner_id
                    company.unlink()
                    partner.unlink()
            except Exception:  # noqa: BLE001 - e.g. the cooperative's forum refers to it
                company.write({"active": False})
            cr.commit()  # pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestConcurrentMembership(RaceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.centre = cls.env.ref("coop_membership.coop_company_centre")
        cls.share_class = cls.env.ref("coop_membership.share_class_centre")
        cls.college = cls.env.ref("coop_membership.coop_college_centre_cons")

    def _new_member(self, env, name, admit=False, company=None, college=None):
        # One address (hence one member-space login) per person.
        email = f"{name.lower().replace(' ', '.')}@example.org"
        partner = env["res.partner"].create({"name": name, "email": email})
        member = env["coop.member"].create(
            {
                "partner_id": partner.id,
                "company_id": (company or self.centre).id,
                "college_id": (college or self.college).id,
            }
        )
        if admit:
            with superuser_setup("arrange: an admitted member, committed for the race"):
                member.action_admit()
        return member

    def test_same_subscription_accepted_then_paid_twice_at_once(self):
        """Two accountants accept the same request, then record its payment, at once."""
        with self._cursor() as cr:
            env = self._race_env(cr)
            partner = env["res.partner"].create(
                {"name": "Racing Subscriber", "email": "racing.subscriber@example.org"}
            )
            request = env["coop.subscription.request"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.centre.id,
                    "college_id": self.college.id,
                    "share_class_id": self.share_class.id,
                    "quantity": 2,
                }
            )
            with superuser_setup("arrange: a submitted request, committed for the race"):
                request.action_submit()
            cr.commit()  # pylint: disable=invalid-commit
            request_id, partner_id, request_name = request.id, partner.id, request.name
        try:

            def accept(env):
                env["coop.subscription.request"].browse(request_id).action_validate()

            def pay(env):
                env["coop.subscription.request"].browse(request_id)._coop_record_payment()

            sylvie = self._user("sylvie")
            outcomes = self._race(accept, accept, user=sylvie, company=self.centre.id)
            self._assert_one_winner(outcomes, "is Waiting for Payment: this step is not possible")
            with self._cursor() as cr:
                request = self._race_env(cr)["coop.subscription.request"].browse(request_id)
                invoices = self._race_env(cr)["account.move"].search(
                    [("invoice_origin", "=", request_name)]
                )
                self.assertEqual(invoices, request.invoice_id, "one capital release invoice")
                self.assertEqual(request.state, "waiting_payment")

            outcomes = self._race(pay, pay, user=sylvie, company=self.centre.id)
            self._assert_one_winner(outcomes, "is Paid: this step is not possible")
            with self._cursor() as cr:
                env = self._race_env(cr)
                request = env["coop.subscription.request"].browse(request_id)
                payments = request.invoice_id._get_reconciled_payments()
                operations = env["coop.share.operation"].search([("note", "=", request_name)])
                self.assertEqual(len(payments), 1, "one payment recorded")
                self.assertEqual(request.state, "paid")
                self.assertEqual(operations, request.operation_id, "one register operation")
                self.assertEqual((operations.state, operations.quantity), ("confirmed", 2))
                member = request.member_id
                self.assertEqual(member.state, "member")
                self.assertEqual(len(member.period_ids), 1, "admitted once")
        finally:
            self._purge([partner_id])

    def test_admissions_at_once_get_distinct_numbers(self):
        """Two officers admit at once: different people get different numbers; the same
        candidate is admitted once; a new cooperative gets one number sequence."""
        with self._cursor() as cr:
            env = self._race_env(cr)
            candidates = [self._new_member(env, f"Racing Candidate {i}") for i in range(3)]
            first, second, same = (member.id for member in candidates)
            company = env["res.company"].create({"name": "Racing Cooperative"})
            college = env["coop.college"].create(
                {"name": "All", "code": "ALL", "company_id": company.id}
            )
            founders = [
                self._new_member(env, f"Racing Founder {i}", company=company, college=college)
                for i in range(2)
            ]
            newcomers = [member.id for member in founders]
            partner_ids = [member.partner_id.id for member in candidates + founders]
            cr.commit()  # pylint: disable=invalid-commit
            company_id = company.id
        try:

            def admit(member_id, env):
                env["coop.member"].browse(member_id).action_admit()

            officer = self._user("thomas")
            outcomes = self._race(
                functools.partial(admit, first),
                functools.partial(admit, second),
                user=officer,
                company=self.centre.id,
            )
            self.assertEqual(outcomes, ["ok", "ok"])
            outcomes = self._race(
                functools.partial(admit, same),
                functools.partial(admit, same),
                user=officer,
                company=self.centre.id,
            )
            self._assert_one_winner(outcomes, "Admission is not possible for .*Member")
            # The cooperative's first admissions: both create its member sequence.
            outcomes = self._race(
                functools.partial(admit, newcomers[0]), functools.partial(admit, newcomers[1])
            )
            self.assertEqual(outcomes, ["ok", "ok"])
            with self._cursor() as cr:
                env = self._race_env(cr)
                Member = env["coop.member"]
                centre = Member.browse([first, second, same])
                self.assertEqual(centre.mapped("state"), ["member"] * 3)
                self.assertEqual(len(set(centre.mapped("member_number"))), 3)
                self.assertEqual(len(Member.browse(same).period_ids), 1, "admitted once")
                founders = Member.browse(newcomers)
                self.assertEqual(sorted(founders.mapped("member_number")), ["000001", "000002"])
                sequences = env["ir.sequence"].search(
                    [("company_id", "=", company_id), ("code", "=", "coop.member")]
                )
                self.assertEqual(sequences, founders.company_id.coop_member_sequence_id)
                users = env["res.users"].search(
                    [("partner_id", "in", (centre | founders).partner_id.ids)]
                )
                self.assertEqual(len(users), 5, "each admitted person has a member-space login")
        finally:
            self._purge(partner_ids)
            self._drop_company(company_id)

    def test_rate_limit_of_one_address_holds_under_parallel_applications(self):
        """Six different people send the join form at once from one address, whose limit
        is five an hour: five applications are stored, the sixth is refused."""
        public = self.env.ref("base.public_user").id
        ip = "192.0.2.77"  # documentation range: never a real client

        def join(index, env):
            env["coop.subscription.request"]._portal_join(
                parse_join_form(
                    env,
                    {
                        "company_id": str(self.centre.id),
                        "college_id": str(self.college.id),
                        "share_class_id": str(self.share_class.id),
                        "partner_name": f"Parallel Applicant {index}",
                        "email": f"parallel.applicant.{index}@example.org",
                        "quantity": "1",
                        "contact_channel": "email",
                        **dict.fromkeys(JOIN_CONSENTS, "on"),
                    },
                ),
                ip=ip,
            )

        self._forget_applications_from(ip)  # a run stopped halfway left its attempts
        try:
            outcomes = self._race(
                *(functools.partial(join, index) for index in range(6)), user=public
            )
            self.assertEqual(outcomes.count("ok"), 5, outcomes)
            with self._cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM coop_subscription_request WHERE origin_ip = %s", [ip]
                )
                self.assertEqual(cr.fetchone()[0], 5)
        finally:
            with self._cursor() as cr:
                cr.execute(
                    "SELECT partner_id FROM coop_subscription_request WHERE origin_ip = %s", [ip]
                )
                partner_ids = [row[0] for row in cr.fetchall() if row[0]]
            self._purge(partner_ids)
            # The hourly count of the address would refuse the next run's applications.
            self._forget_applications_from(ip, "email:parallel.applicant.%")

    def _forget_applications_from(self, ip, person_keys=None):
        """Remove the rate-limit counts and locks the address and these people left."""
        with self._cursor() as cr:
            cr.execute("DELETE FROM coop_join_attempt WHERE address = %s", [ip])
            cr.execute("DELETE FROM coop_join_address_lock WHERE address = %s", [ip])
            if person_keys:
                cr.execute(
                    "DELETE FROM coop_subscription_person_lock WHERE person_key LIKE %s",
                    [person_keys],
                )
            cr.commit()  # pylint: disable=invalid-commit

    def test_same_person_applies_twice_at_once_on_the_website(self):
        """Someone sends the website's join form twice at once (a double click, two tabs),
        then a member does the same: one application and one contact each, so one
        membership once the officer accepts."""
        public = self.env.ref("base.public_user").id
        officer = self._user("thomas")
        new_email, member_email = "racing.applicant@example.org", "racing.member@example.org"
        with self._cursor() as cr:
            env = self._race_env(cr)
            member = self._new_member(env, "Racing Member", admit=True)
            member.partner_id.email = "Racing.Member@Example.org"
            cr.commit()  # pylint: disable=invalid-commit
            member_id, member_partner = member.id, member.partner_id.id

        def join(email, env):
            env["coop.subscription.request"]._portal_join(
                parse_join_form(
                    env,
                    {
                        "company_id": str(self.centre.id),
                        "college_id": str(self.college.id),
                        "share_class_id": str(self.share_class.id),
                        "partner_name": "Racing Applicant",
                        "email": f" {email.upper()} ",
                        "quantity": "2",
                        "contact_channel": "email",
                        **dict.fromkeys(JOIN_CONSENTS, "on"),
                    },
                )
            )

        try:
            for email in (new_email, member_email):
                outcomes = self._race(
                    functools.partial(join, email), functools.partial(join, email), user=public
                )
                # Both see the thank-you page: it never tells whether an address is known.
                self.assertEqual(outcomes, ["ok", "ok"])
            with self._cursor() as cr:
                env = self._race_env(cr)
                Request = env["coop.subscription.request"]
                newcomer = env["res.partner"].search([("email_normalized", "=", new_email)])
                self.assertEqual(len(newcomer), 1, "one contact for the new applicant")
                for partner_id in (newcomer.id, member_partner):
                    requests = Request.search([("partner_id", "=", partner_id)])
                    self.assertEqual(len(requests), 1, "one application per person")
                    self.assertEqual(requests.state, "submitted")
                    requests.with_user(officer).with_context(
                        allowed_company_ids=[self.centre.id]
                    ).action_validate()
                    self.assertEqual(
                        env["coop.member"].search_count(
                            [
                                (
                                    "partner_id.email_normalized",
                                    "=",
                                    requests.partner_id.email_normalized,
                                )
                            ]
                        ),
                        1,
                    )
                self.assertEqual(
                    Request.search([("partner_id", "=", member_partner)]).member_id.id, member_id
                )
                cr.rollback()
        finally:
            with self._cursor() as cr:
                env = self._race_env(cr)
                partner_ids = (
                    env["res.partner"]
                    .search([("email_normalized", "in", [new_email, member_email])])
                    .ids
                )
                cr.execute(
                    "DELETE FROM coop_subscription_person_lock"
                    " WHERE person_key LIKE %s OR person_key = ANY(%s)",
                    [
                        "email:racing.%",
                        [f"partner:{pid}" for pid in [*partner_ids, member_partner]],
                    ],
                )
                cr.commit()  # pylint: disable=invalid-commit
            self._purge(partner_ids + [member_partner])

    def test_same_shares_redeemed_twice_at_once(self):
        """The board approves twice the same redemption, then two redemptions of the same
        shares, at once: the shares leave the register once."""
        with self._cursor() as cr:
            env = self._race_env(cr)
            member = self._new_member(env, "Racing Holder", admit=True)
            subscription = env["coop.share.operation"].create(
                {
                    "member_id": member.id,
                    "company_id": self.centre.id,
                    "share_class_id": self.share_class.id,
                    "quantity": 4,
                }
            )
            with superuser_setup("arrange: shares held, committed for the race"):
                subscription.action_confirm()
            partner_id = member.partner_id.id
            Request = env["coop.redemption.request"]
            same, first, second = (
                Request.create(
                    {
                        "member_id": member.id,
                        "company_id": self.centre.id,
                        "share_class_id": self.share_class.id,
                        "redemption_type": "partial",
                        "quantity": quantity,
                    }
                ).id
                for quantity in (1, 2, 2)
            )
            cr.commit()  # pylint: disable=invalid-commit
            member_id = member.id
        try:

            def approve(request_id, env):
                env["coop.redemption.request"].browse(request_id).action_approve()

            sylvie = self._user("sylvie")
            outcomes = self._race(
                functools.partial(approve, same),
                functools.partial(approve, same),
                user=sylvie,
                company=self.centre.id,
            )
            self._assert_one_winner(outcomes, "cannot go through this step in its state")
            # 3 shares left: either redemption of 2 may pass, not both.
            outcomes = self._race(
                functools.partial(approve, first),
                functools.partial(approve, second),
                user=sylvie,
                company=self.centre.id,
            )
            winner = self._assert_one_winner(outcomes, "holds 1 shares .*: 2 cannot be redeemed")
            with self._cursor() as cr:
                env = self._race_env(cr)
                operations = env["coop.share.operation"].search([("member_id", "=", member_id)])
                redeemed = env["coop.redemption.request"].browse([same, [first, second][winner]])
                refused = env["coop.redemption.request"].browse([first, second][1 - winner])
                self.assertEqual(redeemed.mapped("state"), ["approved", "approved"])
                self.assertEqual(
                    operations.filtered(lambda op: op.operation_type == "redemption"),
                    redeemed.operation_id,
                    "one register operation per approved redemption",
                )
                self.assertEqual(len(redeemed.move_id), 2)
                self.assertEqual(
                    (refused.state, refused.operation_id, refused.move_id),
                    ("draft", env["coop.share.operation"], env["account.move"]),
                )
                holdings = env["coop.share.operation"]._coop_holdings([member_id])
                self.assertEqual(holdings[(member_id, self.share_class.id)], 1)
        finally:
            self._purge([partner_id])


@tagged("post_install", "-at_install")
@superuser_because(
    "transactions and locks of the urn, not rights: committed data in a throwaway "
    "cooperative; who may record in-room ballots and close votes is tested in coop_governance"
)
class TestConcurrentSecretBallot(ConcurrentVoteData, RaceCase):
    """The same voter's secret ballot sent twice at once: one participation, one slot."""

    @mute_logger("odoo.sql_db")  # the cleanup may only archive the test cooperative
    def test_same_secret_ballot_twice_at_once(self):
        company_id, assembly_id, resolution_id, voter_id = self._setup_committed(secret=True)
        try:

            def vote(choice, env):
                env["coop.resolution"].browse(resolution_id).cast_vote(voter_id, choice, "in_room")

            outcomes = self._race(functools.partial(vote, "yes"), functools.partial(vote, "no"))
            winner = self._assert_one_winner(outcomes, "already voted")
            with self._cursor() as cr:
                cr.execute("SELECT COUNT(*) FROM coop_ballot WHERE voter_id = %s", [voter_id])
                self.assertEqual(cr.fetchone()[0], 1, "one participation")
                cr.execute(
                    "SELECT choice FROM coop_ballot_secret WHERE resolution_id = %s AND used",
                    [resolution_id],
                )
                self.assertEqual(cr.fetchall(), [(["yes", "no"][winner],)], "one urn slot used")
                env = self._race_env(cr)
                resolution = env["coop.resolution"].browse(resolution_id)
                resolution.action_close_vote()
                self.assertEqual(resolution.expressed_count, 1)
                check = resolution.assembly_id.verify_audit_chain()
                self.assertTrue(check["ok"], check["message"])
                cr.rollback()
        finally:
            self._cleanup(company_id, assembly_id)

    @mute_logger("odoo.sql_db")
    def test_different_voters_at_once_never_wait_or_fail(self):
        """Thousands vote in the last hour: two voters casting at the same moment must both
        be stored at the first try (no lock shared by every voter, nothing to replay), and
        their ballots take their places in the audit chain afterwards."""
        company_id, assembly_id, resolution_id, _voter_id = self._setup_committed(secret=True)
        try:
            with self._cursor() as cr:
                cr.execute(
                    "SELECT id FROM coop_assembly_voter WHERE assembly_id = %s ORDER BY id",
                    [assembly_id],
                )
                voters = [row[0] for row in cr.fetchall()]
            barrier = threading.Barrier(2, timeout=30)
            outcomes = [None, None]

            def vote(index):
                try:
                    with self._cursor() as cr:
                        env = self._race_env(cr)
                        cr.execute("SELECT 1")  # both snapshots before any ballot
                        barrier.wait()
                        resolution = env["coop.resolution"].browse(resolution_id)
                        resolution.cast_vote(voters[index], ("yes", "no")[index], "in_room")
                        env.flush_all()
                        barrier.wait()  # both ballots written, neither committed yet
                    outcomes[index] = "ok"
                except Exception as error:  # noqa: BLE001 - reported by the assertion
                    outcomes[index] = repr(error)

            threads = [threading.Thread(target=vote, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            self.assertEqual(outcomes, ["ok", "ok"])
            with self._cursor() as cr:
                cr.execute(
                    "SELECT count(*), count(chain_index) FROM coop_ballot WHERE assembly_id = %s",
                    [assembly_id],
                )
                self.assertEqual(cr.fetchone(), (2, 0), "stored, not linked yet")
                cr.execute(
                    "SELECT choice FROM coop_ballot_secret WHERE resolution_id = %s AND used "
                    "ORDER BY choice DESC",
                    [resolution_id],
                )
                self.assertEqual(cr.fetchall(), [("yes",), ("no",)])
                env = self._race_env(cr)
                env["coop.assembly"]._cron_link_ballots()
                cr.execute(
                    "SELECT chain_index FROM coop_ballot WHERE assembly_id = %s ORDER BY id",
                    [assembly_id],
                )
                self.assertEqual(cr.fetchall(), [(1,), (2,)])
                check = env["coop.assembly"].browse(assembly_id).verify_audit_chain()
                self.assertTrue(check["ok"], check["message"])
                cr.rollback()
        finally:
            self._cleanup(company_id, assembly_id)

    @mute_logger("odoo.sql_db")
    def test_ballot_committed_while_the_vote_closes_is_never_left_out(self):
        """The close began (its snapshot) before a ballot being cast committed: its tally
        cannot see that ballot, so the close is refused, and closing again counts it."""
        company_id, assembly_id, resolution_id, voter_id = self._setup_committed()
        try:
            cast, committed = threading.Event(), threading.Event()
            outcomes = {}

            def vote():
                try:
                    with self._cursor() as cr:
                        env = self._race_env(cr)
                        resolution = env["coop.resolution"].browse(resolution_id)
                        resolution.cast_vote(voter_id, "yes", "in_room")
                        env.flush_all()
                        cast.set()
                    outcomes["vote"] = "ok"
                except Exception as error:  # noqa: BLE001 - reported by the assertion
                    outcomes["vote"] = repr(error)
                finally:
                    cast.set()
                    committed.set()

            def close():
                try:
                    with self._cursor() as cr:
                        env = self._race_env(cr)
                        cr.execute("SELECT 1")  # the close's snapshot: before the commit
                        cast.wait(30)
                        committed.wait(30)
                        env["coop.resolution"].browse(resolution_id).action_close_vote()
                    outcomes["close"] = "ok"
                except UserError as error:
                    outcomes["close"] = error.args[0]
                except Exception as error:  # noqa: BLE001 - reported by the assertion
                    outcomes["close"] = repr(error)

            threads = [threading.Thread(target=close), threading.Thread(target=vote)]
            threads[0].start()
            time.sleep(0.5)  # the close's transaction begins first
            threads[1].start()
            for thread in threads:
                thread.join(60)
            self.assertEqual(outcomes["vote"], "ok")
            self.assertRegex(outcomes["close"], "close it again")
            with self._cursor() as cr:
                env = self._race_env(cr)
                resolution = env["coop.resolution"].browse(resolution_id)
                self.assertEqual(resolution.state, "voting", "nothing closed")
                resolution.action_close_vote()
                self.assertEqual(resolution.yes_count, 1, "the late ballot is counted")
                cr.rollback()
        finally:
            self._cleanup(company_id, assembly_id)
