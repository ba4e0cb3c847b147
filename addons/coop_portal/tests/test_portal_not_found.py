from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalNotFound(CoopPortalCase):
    """A page one may not see answers exactly like a missing one, and names nothing."""

    def test_members_only_event_of_another_cooperative_answers_like_a_missing_one(self):
        """Claire (Centre) asks for ARA's members-only workshop and for an event that does
        not exist: the same 404, and nothing of the workshop on the page."""
        workshop = self.env.ref("coop_portal.event_ara_members_workshop")
        missing = self.env["event.event"].search([], order="id desc", limit=1).id + 1000
        for login in (None, "claire"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                hidden = self.url_open(f"/event/{workshop.id}/register")
                absent = self.url_open(f"/event/{missing}/register")
                self.assertEqual(hidden.status_code, 404)
                self.assertEqual(absent.status_code, 404)
                self.assertNotIn(workshop.name, hidden.text)
                # Bernard, a member of ARA, sees it.
        self.authenticate("bernard", "bernard")
        self.assertEqual(self.url_open(f"/event/{workshop.id}/register").status_code, 200)
