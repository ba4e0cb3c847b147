from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as a11y
from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalPollTypes(CoopPortalCase):
    """/my/polls/<poll>/<member>: members answer ranked, score, time and consent polls
    with the keyboard-friendly forms; bad answers are refused with a clear message and
    store nothing."""

    def _poll(self, choice_type, options=("Solar roof", "Wind farm", "Heat network"), **vals):
        """A poll of the Auvergne-Rhône-Alpes cooperative opened by its governance officer."""
        now = fields.Datetime.now()
        poll = (
            self.env["coop.poll"]
            .with_user(self.gov_officer)
            .create(
                {
                    "name": f"Poll {choice_type}",
                    "company_id": self.member_bernard.company_id.id,
                    "choice_type": choice_type,
                    "date_open": now - timedelta(hours=1),
                    "date_close": now + timedelta(days=7),
                    "option_ids": [
                        (0, 0, option if isinstance(option, dict) else {"name": option})
                        for option in options
                    ],
                    **vals,
                }
            )
        )
        poll.action_open()
        return poll

    def _answered(self, poll, member):
        return self.env["coop.poll.participation"].search_count(
            [("poll_id", "=", poll.id), ("member_id", "=", member.id)]
        )

    def test_ranked_ballot_with_duplicates_or_gaps_is_refused(self):
        """Bernard ranks with select boxes; duplicate ranks, gaps and forged options are
        refused and nothing is stored; a valid ranking is recorded once."""
        poll = self._poll("ranked")
        solar, wind, heat = poll.option_ids.ids
        self.authenticate("bernard", "bernard")
        url = f"/my/polls/{poll.id}/{self.member_bernard.id}"
        page = self.url_open(url).text
        self.assertIn(f'name="option_{solar}"', page)
        self.assertIn("Not ranked", page)
        for data, message in (
            ({f"option_{solar}": "1", f"option_{wind}": "1"}, "share a rank"),
            ({f"option_{solar}": "1", f"option_{wind}": "3"}, "without gaps"),
            ({f"option_{solar}": "un"}, "rank number"),
            ({f"option_{solar}": "1", "option_999999": "2"}, "among the options"),
            ({}, "at least one"),
        ):
            with self.subTest(data=data):
                response = self.post_form(url, data)
                self.assertIn("This was not recorded", response.text)
                self.assertIn(message, response.text)
        self.assertFalse(self._answered(poll, self.member_bernard))
        self.post_form(url, {f"option_{wind}": "1", f"option_{solar}": "2", f"option_{heat}": ""})
        self.assertEqual(self._answered(poll, self.member_bernard), 1)
        response = self.post_form(url, {f"option_{solar}": "1"})
        self.assertIn("already answered", response.text)
        self.assertEqual(self._answered(poll, self.member_bernard), 1)

    def test_score_out_of_range_and_closed_poll(self):
        """A score of 6 is refused; after closing, no answer is taken any more."""
        poll = self._poll("score", options=("Solar roof", "Wind farm"))
        solar, wind = poll.option_ids.ids
        self.authenticate("bernard", "bernard")
        url = f"/my/polls/{poll.id}/{self.member_bernard.id}"
        self.assertIn(f'id="coop_option_{solar}_5"', self.url_open(url).text)
        response = self.post_form(url, {f"option_{solar}": "6", f"option_{wind}": "2"})
        self.assertIn("score from 0 to 5", response.text)
        self.assertFalse(self._answered(poll, self.member_bernard))
        poll.action_close()
        response = self.post_form(url, {f"option_{solar}": "4", f"option_{wind}": "2"})
        self.assertIn("is not open", response.text)
        self.assertFalse(self._answered(poll, self.member_bernard))

    def test_consent_block_without_reason_and_foreign_poll(self):
        """A block with no reason is refused; a member outside the cooperative gets 404."""
        poll = self._poll("consent", options=())
        self.authenticate("bernard", "bernard")
        url = f"/my/polls/{poll.id}/{self.member_bernard.id}"
        self.assertIn('id="coop_consent_reason"', self.url_open(url).text)
        response = self.post_form(url, {"consent": "block", "reason": "  "})
        self.assertIn("needs a reason", response.text)
        self.assertFalse(self._answered(poll, self.member_bernard))
        self.post_form(url, {"consent": "block", "reason": "Pas de budget\nvoté."})
        response = self.env["coop.poll.response"].search([("poll_id", "=", poll.id)])
        self.assertEqual((response.consent, response.reason), ("block", "Pas de budget\nvoté."))
        self.authenticate("claire", "claire")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(
            self.url_open(f"/my/polls/{poll.id}/{self.member_claire.id}").status_code, 404
        )

    def test_time_poll_shows_the_best_slot(self):
        """Two members answer a named time poll; the best slot shows on the page."""
        poll = self._poll(
            "time",
            options=(
                {"name": "Lundi 11 janvier, 18 h", "slot": datetime(2027, 1, 11, 17)},
                {"name": "Mardi 12 janvier, 18 h", "slot": datetime(2027, 1, 12, 17)},
            ),
        )
        monday, tuesday = poll.option_ids.ids
        for login, member, answers in (
            ("bernard", self.member_bernard, {monday: "maybe", tuesday: "yes"}),
            ("romain", self.member_romain, {monday: "no", tuesday: "yes"}),
        ):
            self.authenticate(login, login)
            url = f"/my/polls/{poll.id}/{member.id}"
            self.post_form(url, {f"option_{o}": a for o, a in answers.items()})
            self.assertEqual(self._answered(poll, member), 1)
        page = self.url_open(url).text
        self.assertIn("Best slot:", page)
        self.assertIn("Mardi 12 janvier, 18 h", page.split("Best slot:")[1][:200])


@tagged("post_install", "-at_install")
class TestPortalGroupTimePollTour(CoopPortalCase):
    """A local group finds a date with a time poll, in Chromium."""

    def test_local_group_finds_a_date(self):
        """Bernard, coordinator of Valence, proposes two evenings from the group's page
        and answers; Romain, member of the group, answers; Tuesday is the best slot."""
        valence = self.env.ref("coop_engagement.coop_local_group_valence")
        with superuser_setup("arrange: Romain belongs to the Valence group"):
            self.env["coop.local.group.membership"].create(
                {"local_group_id": valence.id, "partner_id": self.member_romain.partner_id.id}
            )
        self.start_tour("/cooperative/groups", "coop_portal_group_time_poll_tour", login="bernard")
        poll = self.env["coop.poll"].search([("local_group_id", "=", valence.id)])
        self.assertEqual((poll.choice_type, poll.state), ("time", "open"))
        self.assertEqual(len(poll.option_ids), 2)
        self.start_tour("/my/assemblies", "coop_portal_group_time_poll_answer_tour", login="romain")
        self.assertEqual(poll.participation_count, 2)
        rows = poll.get_set_results()["rows"]
        self.assertEqual((rows[0]["option"].slot.day, rows[0]["yes"]), (12, 2))
        # Romain may not close the group's poll; Bernard, its coordinator, does.
        self.authenticate("romain", "romain")
        close = f"/my/polls/{poll.id}/close"
        form = f"/my/polls/{poll.id}/{self.member_romain.id}"
        response = self.post_form(close, {"member_id": self.member_romain.id}, form_url=form)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(poll.state, "open")
        self.authenticate("bernard", "bernard")
        form = f"/my/polls/{poll.id}/{self.member_bernard.id}"
        self.assertIn("Close the poll", self.url_open(form).text)
        self.post_form(close, {"member_id": self.member_bernard.id}, form_url=form)
        self.assertEqual(poll.state, "closed")

    def test_only_coordinators_reach_the_form(self):
        """Romain, not a coordinator, gets 404 on the group's "find a date" page; a form
        with fewer than two slots is refused and creates nothing."""
        valence = self.env.ref("coop_engagement.coop_local_group_valence")
        url = f"/cooperative/groups/{valence.id}/polls/new"
        self.authenticate("romain", "romain")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("bernard", "bernard")
        self.assertIn(
            "Find a date with the group", self.url_open(f"/cooperative/groups/{valence.id}").text
        )
        response = self.post_form(
            url, {"name": "Réunion", "slot_1": "2027-01-11T18:00", "date_close": "2099-01-01"}
        )
        self.assertIn("at least two slots", response.text)
        self.assertFalse(self.env["coop.poll"].search_count([("local_group_id", "=", valence.id)]))


@tagged("post_install", "-at_install")
class TestPortalPollTypesAccessibility(a11y.AxeAuditMixin, TestPortalPollTypes):
    """The new poll pages, checked by axe-core in Chromium (no serious or critical
    violation), as in test_portal_accessibility."""

    # Only the audit below runs here, not the flows of the parent class again.
    test_ranked_ballot_with_duplicates_or_gaps_is_refused = None
    test_score_out_of_range_and_closed_poll = None
    test_consent_block_without_reason_and_foreign_poll = None
    test_time_poll_shows_the_best_slot = None

    def test_poll_pages_are_accessible(self):
        """Bernard's ranked, score, time (with its results) and consent poll pages and the
        coordinator's "find a date" form have no serious or critical axe violation."""
        time_poll = self._poll(
            "time",
            options=(
                {"name": "Lundi 18 h", "slot": datetime(2027, 1, 11, 17)},
                {"name": "Mardi 18 h", "slot": datetime(2027, 1, 12, 17)},
            ),
        )
        monday, tuesday = time_poll.option_ids.ids
        time_poll.answer_set(self.member_romain, {monday: "no", tuesday: "yes"})
        polls = [self._poll("ranked"), self._poll("score"), self._poll("consent", options=())]
        valence = self.env.ref("coop_engagement.coop_local_group_valence")
        for url in [
            *(f"/my/polls/{poll.id}/{self.member_bernard.id}" for poll in [*polls, time_poll]),
            f"/cooperative/groups/{valence.id}/polls/new",
        ]:
            with self.subTest(url=url):
                self.assert_accessible(url, login="bernard")
