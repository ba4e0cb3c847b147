import re

from odoo.exceptions import MissingError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestForumProbe(TransactionCase):
    """Over RPC, a post of a forum one may not read answers like a post that does not exist."""

    def test_moderating_another_cooperatives_post_names_nothing(self):
        """Claire (Centre) calls 'validate' on a post of ARA's forum and on a missing id:
        the same error, in which ARA's name does not appear."""
        ara = self.env.ref("coop_membership.coop_company_ara")
        post = self.env["forum.post"].search([("forum_id", "=", ara._coop_forum().id)], limit=1)
        self.assertTrue(post, "the demo has threads in ARA's forum")
        claire = self.env.ref("coop_portal.user_claire_martin")
        Post = self.env["forum.post"].with_user(claire)
        missing = Post.search([], order="id desc", limit=1).sudo().id + 1000

        def refusal(post_id):
            with self.assertRaises(MissingError) as caught:
                Post.browse(post_id).validate()
            return re.sub(r"\d+", "N", str(caught.exception))

        self.assertEqual(refusal(post.id), refusal(missing))
        self.assertNotIn(ara.name, refusal(post.id))
