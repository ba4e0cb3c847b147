from odoo import fields
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestForumEngagement(CoopPortalCase):
    """Questions and answers in a cooperative's forum are engagement activities of its
    members (degree 4, takes part in debates), shown on the moderators' dashboard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.member_romain.company_id
        cls.forum = cls.company._coop_forum()
        cls.user_hugo = create_portal_user(
            cls.env, "hugo_forum", cls.member_hugo.partner_id, cls.company
        )
        cls.user_nadia = cls.env.ref("coop_membership.user_nadia_chevalier")  # moderates ARA
        # Staff of the cooperative who is no member of it.
        cls.staff = create_user(
            cls.env,
            "staff_forum_ara",
            "base.group_user,coop_membership.group_coop_user",
            cls.company,
        )
        cls.Activity = cls.env["coop.engagement.activity"]

    def ask(self, user, name="Quel fournisseur d'électricité ?"):
        return (
            self.env["forum.post"]
            .with_user(user)
            .create({"forum_id": self.forum.id, "name": name, "content": "<p>Vos avis ?</p>"})
        )

    def answer(self, user, thread, text="<p>Une coopérative, bien sûr.</p>"):
        return (
            self.env["forum.post"]
            .with_user(user)
            .create({"forum_id": self.forum.id, "parent_id": thread.id, "content": text})
        )

    def activities(self, thread, kind=None):
        domain = [("res_model", "=", "forum.post"), ("res_id", "=", thread.id)]
        if kind:
            domain.append(("activity_type", "=", kind))
        return self.Activity.search(domain)

    def test_question_and_answer_raise_members_to_degree_4(self):
        """Romain asks a question, Hugo answers it on the website and Bernard comments:
        a question for Romain, a debate each for Hugo and Bernard, once per thread, and
        the registry's recomputation puts Romain and Hugo at degree 4."""
        self.assertLess(self.member_romain.democratic_level, 4)
        self.assertLess(self.member_hugo.democratic_level, 4)
        question = self.ask(self.user_romain)
        asked = self.activities(question)
        self.assertEqual(asked.mapped("activity_type"), ["question_asked"])
        self.assertEqual(asked.member_id, self.member_romain)
        self.assertEqual(asked.date, fields.Date.context_today(asked))
        # Hugo answers through the website, twice: one debate.
        self.authenticate("hugo_forum", "hugo_forum")
        url = f"/forum/{self.forum.id}/{question.id}"
        for text in ("<p>Une coopérative.</p>", "<p>Et locale.</p>"):
            response = self.post_form(f"{url}/reply", {"content": text}, form_url=url)
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(question.child_ids), 2)
        debate = self.activities(question, "debate")
        self.assertEqual(debate.member_id, self.member_hugo)
        # Bernard comments on Hugo's answer through the website.
        self.authenticate("bernard", "bernard")
        answer = question.child_ids[0]
        response = self.post_form(
            f"/forum/{self.forum.id}/post/{answer.id}/comment",
            {"comment": "D'accord avec Hugo."},
            form_url=url,
        )
        self.assertEqual(response.status_code, 200)
        debate = self.activities(question, "debate")
        self.assertEqual(debate.member_id, self.member_hugo | self.member_bernard)
        self.member_romain.with_user(self.officer_ara).action_recompute_engagement()
        self.assertEqual(self.member_romain.democratic_level, 4)
        self.assertEqual(self.member_hugo.democratic_level, 4)
        self.assertTrue(self.member_hugo.is_very_active)

    def test_no_activity_for_staff_or_the_cooperative_threads(self):
        """A staff member who is no member asks and answers: nothing is counted; the
        thread the cooperative opens for a resolution is nobody's question, but the
        members who answer there take part in a debate."""
        question = self.ask(self.staff, "Horaires de la permanence")
        self.answer(self.staff, question)
        self.assertFalse(self.activities(question))
        # A member answering the staff's question does take part in a debate.
        self.answer(self.user_romain, question)
        self.assertEqual(self.activities(question).mapped("activity_type"), ["debate"])
        resolution = self.env.ref("coop_governance.coop_resolution_ara_statutes")
        thread = resolution.coop_forum_post_id
        self.assertTrue(thread)
        self.assertFalse(self.activities(thread, "question_asked"))
        self.answer(self.user_hugo, thread)
        self.assertIn(self.member_hugo, self.activities(thread, "debate").member_id)

    def test_hidden_or_deleted_posts_leave_no_phantom(self):
        """Nadia hides Hugo's only answer: his debate is taken back, and given back when
        she shows it again; she deletes Romain's question: its activities go with it."""
        question = self.ask(self.user_romain)
        answer = self.answer(self.user_hugo, question)
        self.assertTrue(self.activities(question, "debate"))
        answer.with_user(self.user_nadia).write({"active": False})
        self.assertFalse(self.activities(question, "debate"))
        self.assertTrue(self.activities(question, "question_asked"))
        answer.with_user(self.user_nadia).write({"active": True})
        self.assertEqual(self.activities(question, "debate").member_id, self.member_hugo)
        # Hugo's comment, deleted by himself, no longer counts either.
        comment = question.with_user(self.user_romain).message_post(
            body="Merci", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(len(self.activities(question, "debate")), 2)
        question.with_user(self.user_romain).unlink_comment(comment.id)
        self.assertEqual(self.activities(question, "debate").member_id, self.member_hugo)
        question.with_user(self.user_nadia).unlink()
        self.assertFalse(self.activities(question))
        self.assertFalse(
            self.Activity.search([("res_model", "=", "forum.post"), ("res_id", "=", answer.id)])
        )

    def test_moderator_dashboard_counts_members_acts(self):
        """Nadia's cooperative life dashboard counts this year's forum questions,
        debates, proposal authors, co-signatures, candidacies and poll answers, and her
        activity list finds them by kind."""
        question = self.ask(self.user_romain)
        self.answer(self.user_hugo, question)
        self.answer(self.user_bernard, question)
        self.company.write(
            {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 5}
        )
        Proposal = self.env["coop.proposal"].with_user(self.user_bernard)
        proposal = Proposal._member_create(
            self.member_bernard, {"name": "Un jardin", "body": "<p>Un jardin.</p>"}
        )
        proposal._member_add_coauthor(self.member_bernard, self.member_romain.id)
        proposal._member_publish(self.member_bernard)
        proposal.with_user(self.user_hugo)._member_sign(self.member_hugo)
        with superuser_setup("arrange: a candidacy and a poll answer, whose feeds are tested"):
            self.Activity._coop_log(
                [
                    {
                        "partner_id": self.member_hugo.partner_id.id,
                        "company_id": self.company.id,
                        "activity_type": kind,
                        "res_model": model,
                        "res_id": 1,
                    }
                    for kind, model in (
                        ("board_candidacy", "coop.candidacy"),
                        ("vote_cast", "coop.poll"),
                    )
                ]
            )
        year = str(fields.Date.context_today(self.Activity).year)
        row = (
            self.env["coop.engagement.company.report"]
            .with_user(self.user_nadia)
            .search([("company_id", "=", self.company.id), ("year", "=", year)])
        )
        self.assertEqual(len(row), 1)
        # Demo data adds its own acts of the year: compare with what the registry holds.
        self.env.cr.execute(
            """SELECT activity_type, res_model, COUNT(*) FROM coop_engagement_activity
                WHERE company_id = %s AND EXTRACT(YEAR FROM date) = %s
             GROUP BY 1, 2""",
            [self.company.id, int(year)],
        )
        counts = {}
        for kind, model, n in self.env.cr.fetchall():
            counts[kind, model] = n
        self.assertGreaterEqual(row.forum_question_count, 1)
        self.assertEqual(row.forum_question_count, counts[("question_asked", "forum.post")])
        self.assertEqual(
            row.debate_count, sum(n for (kind, _m), n in counts.items() if kind == "debate")
        )
        self.assertGreaterEqual(row.debate_count, 2)
        self.assertGreaterEqual(row.proposal_author_count, 2)  # Bernard and Romain
        self.assertGreaterEqual(row.cosignature_count, 1)  # Hugo
        self.assertGreaterEqual(row.candidacy_count, 1)
        self.assertEqual(row.poll_answer_count, counts[("vote_cast", "coop.poll")])
        # Her activity list finds them, with the dashboard's filters.
        Activity = self.Activity.with_user(self.user_nadia)
        forum_acts = Activity.search([("activity_type", "in", ("question_asked", "debate"))])
        self.assertIn(self.member_romain, forum_acts.member_id)
        self.assertIn(self.member_hugo, forum_acts.member_id)
        self.assertEqual(forum_acts.company_id, self.company)
