import re

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..controllers.common import parse_id, parse_ids, parse_quantity, parse_text, search_text
from ..controllers.portal import COOP_COUNTERS
from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalControllers(CoopPortalCase):
    """One controller per file, each subclassing Odoo's own: Odoo merges them into one
    portal, so that every override runs and every page keeps its breadcrumb."""

    def test_every_home_counter_comes_from_its_controller(self):
        """Bernard's /my asks for every counter of "My cooperative" at once: his shares
        (portal.py) and his documents (documents.py) are both counted."""
        self.authenticate("bernard", "bernard")
        one_by_one = {
            name: self.make_jsonrpc_request("/my/counters", {"counters": [name]})[name]
            for name in COOP_COUNTERS
        }
        together = self.make_jsonrpc_request("/my/counters", {"counters": list(COOP_COUNTERS)})
        self.assertEqual({name: together[name] for name in COOP_COUNTERS}, one_by_one)
        self.assertEqual(one_by_one["coop_membership_count"], 1)
        self.assertEqual(one_by_one["coop_share_count"], self.member_bernard.share_count)
        self.assertTrue(one_by_one["coop_document_count"])
        self.assertIn('id="coop_home_title"', self.url_open("/my").text)

    def test_each_page_keeps_its_breadcrumb(self):
        """Each page of the member space, whichever file serves it, shows where Bernard is."""
        self.authenticate("bernard", "bernard")
        for url, crumb in (
            (f"/my/cooperative/{self.member_bernard.id}/subscribe", "Subscribe shares"),
            ("/my/engagement", "My engagement"),
            ("/my/events", "My events"),
            ("/my/documents", "Documents"),
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                active = re.findall(r'breadcrumb-item active">\s*([^<]+?)\s*<', response.text)
                self.assertEqual(active, [crumb])

    def test_form_values_are_read_one_way(self):
        """What a form sends becomes an id, a number of shares or a text, or a clear
        refusal; an id that cannot be one matches nothing."""
        self.assertEqual(parse_id(" 42 "), 42)
        for raw in ("", "4.2", "²", "١", "-3", "0", "99999999999", None, True, ["1"]):
            with self.subTest(raw=raw):
                self.assertIsNone(parse_id(raw))
        self.assertEqual(parse_ids(["3", "x", "5"]), [3, None, 5])
        self.assertEqual(parse_quantity(" 7 "), 7)
        for raw, message in (
            ("0", "at least 1"),
            ("trois", "whole number"),
            ("٣", "whole number"),
            ("1e9", "whole number"),
            ("10001", "contact your cooperative"),
        ):
            with self.subTest(raw=raw), self.assertRaisesRegex(UserError, message):
                parse_quantity(raw)
        self.assertEqual(parse_text("  Tours ", "City"), "Tours")
        self.assertIs(parse_text("   ", "City"), False)
        with self.assertRaisesRegex(UserError, "control characters from City"):
            parse_text("Tours\x00", "City")
        with self.assertRaisesRegex(UserError, "City is too long"):
            parse_text("x" * 257, "City")
        self.assertEqual(search_text(" Ber\x00nard\x07 "), "Bernard")
