"""The README's screenshots (issue #26 §5), taken in Chromium by this test.

Each run opens the member space, an assembly and the moderator's dashboard as the people
who use them, and checks that the browser really painted each page (a PNG of the expected
size with more than a few colours). With COOP_SCREENSHOTS=<dir> (``make screenshots``), the
PNGs are also written there: docs/screenshots/ in the README.
"""

import base64
import io
import json
import os
from pathlib import Path
from unittest.mock import patch

from PIL import Image

from odoo.tests import HttpCase, common, tagged

WIDTH, HEIGHT = 1280, 800

# Clicks the item to open if any (an element of `click.selector` whose data-name is
# `click.name`), waits until `selector` is on the page, then lets the browser paint. Odoo's
# browser_js then takes the picture (ScreenshotBrowser below).
SCRIPT = """
(async () => {
    const click = %(click)s;
    const selector = %(selector)s;
    const deadline = Date.now() + 90000;
    const find = async (lookup, what) => {
        for (;;) {
            const found = lookup();
            if (found) {
                return found;
            }
            if (Date.now() > deadline) {
                throw new Error(`screenshot: ${what} never appeared`);
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
    };
    try {
        if (click) {
            const item = await find(
                () => [...document.querySelectorAll(click.selector)].find(
                    (element) => element.dataset.name === click.name
                ),
                click.name
            );
            item.click();
        }
        await find(() => document.querySelector(selector), selector);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        console.log("test successful");
    } catch (error) {
        console.error(error.message);
    }
})();
"""


class ScreenshotBrowser(common.ChromeBrowser):
    """Odoo's test browser, which also captures the page once the test code succeeded."""

    def _wait_code_ok(self, code, timeout, error_checker=None):
        super()._wait_code_ok(code, timeout, error_checker=error_checker)
        result = self._websocket_request(
            "Page.captureScreenshot", params={"format": "png"}, timeout=60
        )
        self.test_case.coop_screenshot = base64.b64decode(result["data"])


@tagged("post_install", "-at_install")
class TestReadmeScreenshots(HttpCase):
    browser_size = f"{WIDTH}x{HEIGHT}"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.bernard_voter = cls.env["coop.assembly.voter"].search(
            [
                ("assembly_id", "=", ref("coop_governance.coop_assembly_ara_upcoming").id),
                ("member_id", "=", ref("coop_membership.member_bernard_roux").id),
            ]
        )

    def screenshot(self, name, url, login, selector, click=None):
        """Open `url` as `login` (and `click` an item), wait for `selector`, return the PNG
        (and save it)."""
        self.coop_screenshot = None
        code = SCRIPT % {"click": json.dumps(click), "selector": json.dumps(selector)}
        with patch.object(common, "ChromeBrowser", ScreenshotBrowser):
            self.browser_js(url, code, login=login, timeout=180)
        png = self.coop_screenshot
        self.assertTrue(png, f"{name}: the browser gave no screenshot")
        image = Image.open(io.BytesIO(png))
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.size, (WIDTH, HEIGHT))
        # A blank or half-loaded page has a handful of colours; a painted one, hundreds.
        colours = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
        self.assertGreater(len(colours), 100, f"{name}: the page looks blank")
        target = os.environ.get("COOP_SCREENSHOTS")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            (Path(target) / f"{name}.png").write_bytes(png)
        return png

    def dashboard_url(self):
        """The first chart of the dashboard menu (before the Dashboards app sheet)."""
        menu = self.env.ref(
            "coop_engagement.coop_dashboard_menu", raise_if_not_found=False
        ) or self.env.ref("coop_engagement.coop_engagement_company_report_menu")
        while not menu.action and menu.child_id:
            menu = menu.child_id.sorted("sequence")[0]
        self.assertTrue(menu.action, "the dashboard menu opens a view")
        return f"/odoo/action-{menu.action.id}"

    def test_member_space(self):
        """Bernard, member in Valence, opens his member space: his cooperative and shares."""
        self.screenshot("member_space", "/my/cooperative", "bernard", "#wrap h1, #wrap h2")

    def test_assembly(self):
        """Bernard opens the coming general assembly: agenda, convocation, proxy."""
        self.assertTrue(self.bernard_voter, "Bernard is convened to the demo's assembly")
        self.screenshot(
            "assembly", f"/my/assemblies/{self.bernard_voter.id}", "bernard", "#wrap h1"
        )

    def test_moderator_dashboard(self):
        """Nadia, moderator in Auvergne-Rhône-Alpes, opens her dashboard: its charts drawn."""
        nadia = self.env["res.users"].search([("login", "=", "nadia")])
        sheet = self.env.ref(
            "coop_engagement.spreadsheet_dashboard_coop_life", raise_if_not_found=False
        )
        if sheet:  # the cooperative-life sheet of Odoo's Dashboards app
            name = sheet.with_context(lang=nadia.lang).name
            self.screenshot(
                "dashboard",
                "/odoo/dashboards",
                "nadia",
                ".o_renderer .o-figure canvas",
                click={"selector": ".o_search_panel_category_value", "name": name},
            )
        else:
            self.screenshot(
                "dashboard",
                self.dashboard_url(),
                "nadia",
                ".o_action_manager .o_view_controller .o_content",
            )
