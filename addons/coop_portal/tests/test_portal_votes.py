import threading

from odoo import api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.coop_governance.tests.test_concurrency import ConcurrentVoteData
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestPortalVotes(CoopPortalCase):
    """My votes: assemblies, ballots, proxies, polls."""

    def vote_form(self, voter, choices, represented=None, confirm=True):
        data = {f"choice_{r.id}": c for r, c in choices.items()}
        if represented:
            data["represented_id"] = str(represented.id)
        if confirm:
            data["confirm"] = "1"
        return self.post_form(
            f"/my/assemblies/{voter.id}/vote", data, form_url=f"/my/assemblies/{voter.id}"
        )

    def test_assembly_page_and_documents(self):
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        listing = self.url_open("/my/assemblies").text
        self.assertIn(f"/my/assemblies/{voter.id}", listing)
        page = self.url_open(f"/my/assemblies/{voter.id}").text
        for resolution in self.assembly.resolution_ids.filtered(lambda r: r.state == "proposed"):
            self.assertIn(resolution.name.replace("'", "&#39;"), page)
        response = self.url_open(f"/my/assemblies/{voter.id}/convocation")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # No minutes before the assembly is closed.
        self.assertEqual(self.url_open(f"/my/assemblies/{voter.id}/minutes").status_code, 404)

    def test_assembly_routes_check_ownership(self):
        voter = self.voter(self.member_bernard)
        attachment = self.env["ir.attachment"].create(
            {
                "name": "Rapport de gestion.pdf",
                "raw": b"%PDF-1.4 test",
                "mimetype": "application/pdf",
            }
        )
        self.assembly.document_ids = [(4, attachment.id)]
        other = self.env["ir.attachment"].create({"name": "Secret.txt", "raw": b"secret"})
        routes = [
            f"/my/assemblies/{voter.id}",
            f"/my/assemblies/{voter.id}/convocation",
            f"/my/assemblies/{voter.id}/proxy",
            f"/my/assemblies/{voter.id}/document/{attachment.id}",
        ]
        self.authenticate("bernard", "bernard")
        for url in routes:
            self.assertEqual(self.url_open(url).status_code, 200, url)
        # Another attachment through Bernard's own census line: not a document of the assembly.
        response = self.url_open(f"/my/assemblies/{voter.id}/document/{other.id}")
        self.assertEqual(response.status_code, 404)
        for login in ("romain", "claire"):  # same cooperative, other cooperative
            self.authenticate(login, login)
            for url in routes:
                with self.subTest(login=login, url=url):
                    response = self.url_open(url)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn("Bernard", response.text)
        self.authenticate(None, None)
        for url in routes:
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), url)
        # Anonymous form posts (with a valid public CSRF token) change nothing either.
        token = self.csrf("/cooperative/join")
        for url, data in [
            (f"/my/assemblies/{voter.id}/proxy", {"withdraw": "1"}),
            (f"/my/assemblies/{voter.id}/vote", {"confirm": "1"}),
        ]:
            response = self.url_open(url, data=dict(data, csrf_token=token), allow_redirects=False)
            self.assertIn(response.status_code, (302, 303, 400), url)
        self.assertEqual(self.voter(self.member_hugo).proxy_holder_id, voter)

    def test_vote_on_every_resolution_with_confirmation_and_receipt(self):
        resolutions = self.open_votes()
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        choices = {}
        for resolution in resolutions:
            if resolution.kind == "election":
                candidacy = resolution.candidacy_ids[:1]
                choices[resolution] = str(candidacy.id)
            else:
                choices[resolution] = "yes"
        # Step 1: the confirmation page, nothing stored yet.
        page = self.vote_form(voter, choices, confirm=False).text
        self.assertIn('name="confirm"', page)
        Ballot = self.env["coop.ballot"]
        self.assertFalse(Ballot.search_count([("voter_id", "=", voter.id)]))
        # Step 2 (elections need the marker field the form carries).
        data = {f"choice_{r.id}": c for r, c in choices.items()}
        data.update({f"choice_{r.id}_voted": "1" for r in resolutions if r.kind == "election"})
        data["confirm"] = "1"
        receipt = self.post_form(
            f"/my/assemblies/{voter.id}/vote", data, form_url=f"/my/assemblies/{voter.id}"
        ).text
        ballots = Ballot.search([("voter_id", "=", voter.id)])
        self.assertEqual(len(ballots), len(resolutions))
        self.assertEqual(set(ballots.mapped("channel")), {"online"})
        for ballot in ballots:
            self.assertIn(ballot.receipt[:16], receipt)
        # A secret ballot keeps no choice next to the voter.
        secret = ballots.filtered("secret")
        self.assertTrue(secret)
        self.assertFalse(any(secret.mapped("choice")) or any(secret.mapped("approvals")))
        page = self.url_open(f"/my/assemblies/{voter.id}").text
        self.assertIn("You voted", page)
        self.assertNotIn('class="o_coop_vote_form"', page)
        # A second ballot is refused, nothing more stored.
        again = self.vote_form(voter, {resolutions[0]: "no"}).text
        self.assertIn("already voted", again)
        self.assertEqual(Ballot.search_count([("voter_id", "=", voter.id)]), len(resolutions))

    def test_bad_votes_store_nothing(self):
        Ballot = self.env["coop.ballot"]
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        resolution = self.assembly.resolution_ids.filtered(lambda r: r.kind == "motion")[0]
        # Convened, not open: no vote.
        response = self.vote_form(voter, {resolution: "yes"})
        self.assertIn("This was not recorded", response.text)
        resolutions = self.open_votes()
        motion = resolutions.filtered(lambda r: r.kind == "motion")[0]
        election = resolutions.filtered(lambda r: r.kind == "election")[0]
        foreign = self.env["coop.candidacy"].search([("resolution_id", "!=", election.id)], limit=1)
        cases = [
            ({motion: "maybe"}, "yes, no or abstain"),
            ({}, "at least one resolution"),
        ]
        for choices, message in cases:
            with self.subTest(choices=choices):
                response = self.vote_form(voter, choices)
                self.assertIn(message, response.text)
        if foreign:
            data = {f"choice_{election.id}": str(foreign.id), f"choice_{election.id}_voted": "1",
                    "confirm": "1"}  # fmt: skip
            response = self.post_form(
                f"/my/assemblies/{voter.id}/vote", data, form_url=f"/my/assemblies/{voter.id}"
            )
            self.assertIn("standing candidates", response.text)
        # All or nothing: a valid choice next to a refused one stores neither.
        response = self.vote_form(voter, {motion: "yes", resolutions[-1]: "nonsense"})
        self.assertIn("This was not recorded", response.text)
        self.assertEqual(Ballot.search_count([("voter_id", "=", voter.id)]), 0)
        # Someone else's census line in the URL.
        romain_voter = self.voter(self.member_romain)
        self.authenticate("romain", "romain")
        data = {f"choice_{motion.id}": "yes", "confirm": "1",
                "csrf_token": self.csrf(f"/my/assemblies/{romain_voter.id}")}  # fmt: skip
        response = self.url_open(f"/my/assemblies/{voter.id}/vote", data=data)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Ballot.search_count([("voter_id", "=", voter.id)]), 0)

    def test_member_who_left_cannot_vote(self):
        resolutions = self.open_votes()
        voter = self.voter(self.member_romain)
        # Romain leaves after the census was frozen.
        self.member_leaves(self.member_romain)
        self.authenticate("romain", "romain")
        page = self.url_open(f"/my/assemblies/{voter.id}").text
        self.assertNotIn('class="o_coop_vote_form"', page)
        response = self.vote_form(
            voter, {resolutions.filtered(lambda r: r.kind == "motion")[0]: "yes"}
        )
        self.assertIn("has ended", response.text)
        self.assertFalse(self.env["coop.ballot"].search_count([("voter_id", "=", voter.id)]))

    def test_proxy_give_search_withdraw_and_vote_for(self):
        bernard = self.voter(self.member_bernard)
        romain = self.voter(self.member_romain)
        hugo = self.voter(self.member_hugo)
        self.assertEqual(hugo.proxy_holder_id, bernard, "demo: Hugo gave his proxy to Bernard")
        self.authenticate("romain", "romain")
        url = f"/my/assemblies/{romain.id}/proxy"
        # Search by name (never a full list), then by member number.
        self.assertNotIn('name="holder_id"', self.url_open(url).text)
        self.assertNotIn('name="holder_id"', self.url_open(url + "?q=Be").text)
        found = self.url_open(url + "?q=Roux").text
        self.assertIn(f'name="holder_id" value="{bernard.id}"', found)
        # Not a directory: Bernard holds a proxy and may not give his, so finds nobody.
        self.assertFalse(bernard._portal_proxy_candidates("Blanc"))
        self.assertTrue(romain._portal_proxy_candidates("Roux"))
        found = self.url_open(url + f"?q={bernard.member_number}").text
        self.assertIn(f'name="holder_id" value="{bernard.id}"', found)
        # Members of other cooperatives are not proposed.
        self.assertNotIn('name="holder_id"', self.url_open(url + "?q=Claire").text)
        # Refusals: oneself, a member who gave their proxy (no chains), another coop's voter.
        claire_voters = self.Voter.search([("member_id", "=", self.member_claire.id)])
        for holder_id, message in [
            (romain.id, "yourself"),
            (hugo.id, "no chains"),
            (claire_voters[:1].id or 999999, "members of your cooperative"),
            ("abc", "members of your cooperative"),
        ]:
            with self.subTest(holder=holder_id):
                response = self.post_form(url, {"holder_id": holder_id})
                self.assertIn("This was not recorded", response.text)
                self.assertIn(message, response.text)
                self.assertFalse(romain.proxy_holder_id)
        self.post_form(url, {"holder_id": bernard.id})
        self.assertEqual(romain.proxy_holder_id, bernard)
        self.assertEqual(romain.attendance, "represented")
        page = self.url_open(f"/my/assemblies/{romain.id}").text
        self.assertIn("Withdraw my proxy", page)
        # Withdraw, give again.
        self.post_form(url, {"withdraw": "1"}, form_url=f"/my/assemblies/{romain.id}")
        self.assertFalse(romain.proxy_holder_id)
        self.post_form(url, {"holder_id": bernard.id})
        # The cap of the statutes: Bernard holds Hugo's and Romain's proxies.
        self.assertEqual(bernard.proxy_count, 2)
        self.assembly.company_id.coop_proxy_max = 2
        agnes_member = self.env.ref("coop_membership.member_agnes_faure")
        agnes = self.voter(agnes_member)
        create_portal_user(
            self.env, "agnes.faure", agnes_member.partner_id, agnes_member.company_id
        )
        self.authenticate("agnes.faure", "agnes.faure")
        response = self.post_form(f"/my/assemblies/{agnes.id}/proxy", {"holder_id": bernard.id})
        self.assertIn("maximum set by the statutes", response.text)
        self.assertFalse(agnes.proxy_holder_id)
        # Bernard votes for the two members he represents.
        resolutions = self.open_votes()
        motion = resolutions.filtered(lambda r: r.kind == "motion")[0]
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/assemblies/{bernard.id}").text
        self.assertIn("Proxies I hold", page)
        self.vote_form(bernard, {motion: "no"}, represented=romain)
        ballot = self.env["coop.ballot"].search([("voter_id", "=", romain.id)])
        self.assertEqual((ballot.channel, ballot.cast_by_id), ("proxy", bernard))
        # Romain, represented, cannot vote himself; Bernard cannot vote for Claire.
        self.authenticate("romain", "romain")
        second_motion = resolutions.filtered(lambda r: r.kind == "motion")[1]
        response = self.vote_form(romain, {second_motion: "yes"})
        self.assertIn("is represented by", response.text)
        self.authenticate("bernard", "bernard")
        data = {f"choice_{motion.id}": "yes", "confirm": "1", "represented_id": str(agnes.id),
                "csrf_token": self.csrf(f"/my/assemblies/{bernard.id}")}  # fmt: skip
        response = self.url_open(f"/my/assemblies/{bernard.id}/vote", data=data)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.env["coop.ballot"].search_count([("voter_id", "=", agnes.id)]))

    def test_poll_answer_and_results(self):
        poll = self.env.ref("coop_governance.coop_poll_ara_workshop").copy(
            {"name": "Date du prochain atelier"}
        )
        poll = poll.with_user(self.gov_officer)
        poll.action_open()
        self.authenticate("bernard", "bernard")
        url = f"/my/polls/{poll.id}/{self.member_bernard.id}"
        self.assertIn(url, self.url_open("/my/assemblies").text)
        Participation = self.env["coop.poll.participation"]
        option = poll.option_ids[0]
        for bad in (["999999"], [], ["x"]):
            with self.subTest(options=bad):
                data = {"option_id": bad[0]} if bad else {}
                response = self.post_form(url, data)
                self.assertIn("This was not recorded", response.text)
        self.assertFalse(Participation.search_count(
            [("poll_id", "=", poll.id), ("member_id", "=", self.member_bernard.id)]))  # fmt: skip
        self.post_form(url, {"option_id": option.id})
        mine = [("poll_id", "=", poll.id), ("member_id", "=", self.member_bernard.id)]
        self.assertEqual(Participation.search_count(mine), 1)
        page = self.url_open(url).text
        self.assertIn("You answered", page)
        self.assertIn("published when the poll closes", page)
        # The poll is anonymous: results are published once 5 members answered (the
        # cooperative's threshold), else they would tell who chose what.
        others = self.env["coop.member"].search(
            poll._audience_domain() + [("id", "!=", self.member_bernard.id)], limit=4
        )
        self.assertEqual(len(others), 4)
        for member in others:
            poll.answer(member, option)
        poll.action_close()
        page = self.url_open(url).text
        self.assertIn(option.name.replace("'", "&#39;"), page)
        self.assertIn("Results", page)
        # A member of the same cooperative with Bernard's membership id: not found.
        self.authenticate("romain", "romain")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertIn(
            f"/my/polls/{poll.id}/{self.member_romain.id}", self.url_open("/my/assemblies").text
        )
        # Anonymous: to the login page.
        self.authenticate(None, None)
        response = self.url_open(url, allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
        # Another cooperative's member: the poll does not exist for her.
        self.authenticate("claire", "claire")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(
            self.url_open(f"/my/polls/{poll.id}/{self.member_claire.id}").status_code, 404
        )


@tagged("post_install", "-at_install")
class TestPortalConcurrentBallots(ConcurrentVoteData, TransactionCase):
    """Two submissions of the same ballot from the member space at once: one is kept."""

    @mute_logger("odoo.sql_db")
    def test_concurrent_vote_double_submit(self):
        with superuser_setup("arrange: a committed open vote for two concurrent submissions"):
            company_id, assembly_id, resolution_id, voter_id = self._setup_committed()
        try:
            with db_connect(self.env.cr.dbname).cursor() as cr:
                env = self._env(cr)
                voter = env["coop.assembly.voter"].browse(voter_id)
                user = create_portal_user(
                    env,
                    f"concurrent_{voter_id}",
                    voter.partner_id,
                    env["res.company"].browse(company_id),
                )
                cr.commit()  # pylint: disable=invalid-commit
            barrier = threading.Barrier(2)
            outcomes = []

            def submit():
                with db_connect(self.env.cr.dbname).cursor() as cr:
                    env = api.Environment(cr, user.id, {})
                    barrier.wait()
                    try:
                        env["coop.assembly.voter"].browse(voter_id)._portal_vote(
                            {resolution_id: "yes"}
                        )
                        cr.commit()  # pylint: disable=invalid-commit
                        outcomes.append("ok")
                    except UserError as e:
                        cr.rollback()
                        outcomes.append(str(e))
                    except Exception as e:  # noqa: BLE001 - serialization failure: Odoo retries
                        cr.rollback()
                        outcomes.append(type(e).__name__)

            threads = [threading.Thread(target=submit) for _i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            self.assertEqual(outcomes.count("ok"), 1, outcomes)
            with db_connect(self.env.cr.dbname).cursor() as cr:
                cr.execute("SELECT count(*) FROM coop_ballot WHERE voter_id = %s", [voter_id])
                self.assertEqual(cr.fetchone()[0], 1)
        finally:
            with db_connect(self.env.cr.dbname).cursor() as cr:
                cr.execute("DELETE FROM res_users WHERE login = %s", [f"concurrent_{voter_id}"])
                cr.commit()  # pylint: disable=invalid-commit
            self._cleanup(company_id, assembly_id)
