import importlib.util
import json

from lxml import html

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from .common import CoopPortalCase

BUNDLE = "coop_portal.assets_groups_map"


@tagged("post_install", "-at_install")
class TestPortalGroupsMap(CoopPortalCase):
    """The map of /cooperative/groups: one marker per active group with coordinates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.Group = cls.env["coop.local.group"]
        cls.tours = ref("coop_engagement.coop_local_group_tours")
        cls.valence = ref("coop_engagement.coop_local_group_valence")
        cls.labeaume = ref("coop_engagement.coop_local_group_labeaume")
        ara = cls.valence.company_id
        cls.lyon = cls.Group.create(
            {
                "name": "Lyon Croix-Rousse",
                "company_id": ara.id,
                "coop_latitude": 45.7745,
                "coop_longitude": 4.8277,
            }
        )
        # The administrator of the federation's website, who sets its tile server.
        cls.tile_admin = new_test_user(
            cls.env,
            login="tile_admin",
            groups="base.group_user,base.group_system",
            company_id=cls.env["website"].get_current_website().company_id.id,
        )
        cls.nowhere = cls.Group.create({"name": "Groupe sans lieu", "company_id": ara.id})
        cls.closed = cls.Group.create(
            {
                "name": "Ancien groupe de Die",
                "company_id": ara.id,
                "coop_latitude": 44.7536,
                "coop_longitude": 5.3703,
                "active": False,
            }
        )

    def page(self, url="/cooperative/groups"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response.text

    def map_data(self, page):
        found = html.fromstring(page).xpath("//div[contains(@class, 'o_coop_groups_map')]")
        return json.loads(found[0].get("data-map")) if found else None

    def test_markers_of_active_groups_with_coordinates(self):
        page = self.page()
        data = self.map_data(page)
        markers = {m["id"]: m for m in data["markers"]}
        self.assertEqual(
            set(markers), {self.tours.id, self.valence.id, self.labeaume.id, self.lyon.id}
        )
        self.assertEqual(
            markers[self.lyon.id],
            {
                "id": self.lyon.id,
                "name": "Lyon Croix-Rousse",
                "cooperative": self.lyon.company_id.name,
                "url": f"/cooperative/groups/{self.lyon.id}",
                "members": "0 members",
                "lat": 45.7745,
                "lng": 4.8277,
            },
        )
        self.assertEqual(
            markers[self.valence.id]["members"], f"{self.valence.member_count} members"
        )
        # The list still names every active group, with or without a place on the map.
        self.assertIn(f"/cooperative/groups/{self.nowhere.id}", page)
        self.assertNotIn(f"/cooperative/groups/{self.closed.id}", page)
        # No tile server set: no tile layer, nothing requested outside.
        self.assertEqual(data["tile_url"], "")
        self.assertEqual(data["attribution"], "")
        self.assertIn(BUNDLE, page)

    def test_no_tile_server_by_default(self):
        """Out of the box the map asks no tile server: markers on a plain background."""
        website = self.env["website"].get_current_website()
        self.assertFalse(website.company_id.coop_map_tile_url)
        data = self.map_data(self.page())
        self.assertEqual(data["tile_url"], "")
        self.assertEqual(data["attribution"], "")
        self.assertTrue(data["markers"])

    def test_tiles_from_the_cooperative_server(self):
        """The administrator sets the cooperative's tile server: the map uses it, credited."""
        company = self.env["website"].get_current_website().company_id
        url = "https://tiles.example.coop/{z}/{x}/{y}.png"
        company.with_user(self.tile_admin).write(
            {"coop_map_tile_url": url, "coop_map_tile_attribution": "© OpenStreetMap"}
        )
        data = self.map_data(self.page())
        self.assertEqual(data["tile_url"], url)
        self.assertEqual(data["attribution"], "© OpenStreetMap")

    def test_tile_server_set_from_the_settings(self):
        """The administrator sets the tile server in Settings: the map of the site uses it."""
        url = "/tiles/{z}/{x}/{y}.png"
        settings = (
            self.env["res.config.settings"]
            .with_user(self.tile_admin)
            .create({"coop_map_tile_url": url, "coop_map_tile_attribution": "© OpenStreetMap"})
        )
        settings.execute()
        self.assertEqual(self.map_data(self.page())["tile_url"], url)

    def _migrate_to_1_1(self, url, attribution):
        """Run the 18.0.1.1.0 migration on the former system parameters."""
        params = self.env["ir.config_parameter"]
        params.set_param("coop_portal.map_tile_url", url)
        params.set_param("coop_portal.map_tile_attribution", attribution)
        path = file_path("coop_portal/migrations/18.0.1.1.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("coop_portal_migrate_1_1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(params.get_param("coop_portal.map_tile_url"))

    def test_upgrade_drops_the_openstreetmap_default(self):
        """A database upgraded from the OpenStreetMap default asks no tile server any more."""
        self._migrate_to_1_1(
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        )
        self.assertFalse(self.env["res.company"].search([("coop_map_tile_url", "!=", False)]))
        self.assertEqual(self.map_data(self.page())["tile_url"], "")

    def test_upgrade_keeps_the_cooperative_own_tile_server(self):
        """A tile server the cooperative had set moves to its company, credit as plain text."""
        url = "https://tiles.example.coop/{z}/{x}/{y}.png"
        self._migrate_to_1_1(url, '&copy; <a href="https://tiles.example.coop">Nos tuiles</a>')
        data = self.map_data(self.page())
        self.assertEqual(data["tile_url"], url)
        self.assertEqual(data["attribution"], "© Nos tuiles")

    def test_a_tile_server_that_is_no_address_is_refused(self):
        """A tile server without {z}/{x}/{y}, or that is no web address, gets a clear error."""
        company = self.env["website"].get_current_website().company_id
        for url in ("tiles.example.coop/{z}/{x}/{y}.png", "https://tiles.example.coop/tile.png"):
            with self.subTest(url=url):
                with self.assertRaises(ValidationError) as refused:
                    company.with_user(self.tile_admin).write({"coop_map_tile_url": url})
                self.assertIn("{z}, {x} and {y}", str(refused.exception))
                company.invalidate_recordset()
                self.assertFalse(company.coop_map_tile_url)

    def test_no_map_and_no_leaflet_without_coordinates(self):
        self.Group.search([]).write({"coop_latitude": 0, "coop_longitude": 0})
        page = self.page()
        self.assertIsNone(self.map_data(page))
        self.assertNotIn(BUNDLE, page)
        self.assertIn(f"/cooperative/groups/{self.valence.id}", page, "the list stays")

    def test_leaflet_only_on_the_pages_with_the_map(self):
        """Leaflet loads where the map is (the groups list, the home page), nowhere else."""
        self.assertIn(BUNDLE, self.page("/"))
        self.assertNotIn(BUNDLE, self.page("/contactus"))
        self.assertNotIn(BUNDLE, self.page(f"/cooperative/groups/{self.valence.id}"))

    def test_markers_cost_the_same_queries_for_more_groups(self):
        groups = self.Group.search([])
        groups._coop_map_data()  # warm the parameter and translation caches

        def queries(records):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            markers = records._coop_map_data()["markers"]
            return self.cr.sql_log_count - before, len(markers)

        few, few_markers = queries(groups)
        self.Group.create(
            [
                {
                    "name": f"Quartier {i}",
                    "company_id": self.valence.company_id.id,
                    "coop_latitude": 45 + i / 10,
                    "coop_longitude": 4.5,
                }
                for i in range(6)
            ]
        )
        more, more_markers = queries(self.Group.search([]))
        self.assertEqual(more_markers, few_markers + 6)
        self.assertEqual(more, few)

    def test_bad_coordinates_are_refused(self):
        for values in (
            {"coop_latitude": 95, "coop_longitude": 4.9},
            {"coop_latitude": -90.5, "coop_longitude": 4.9},
            {"coop_latitude": 44.9, "coop_longitude": 181},
            {"coop_latitude": 44.9, "coop_longitude": 0},  # one without the other
            {"coop_latitude": 0, "coop_longitude": 4.9},
        ):
            with self.subTest(values=values):
                with self.assertRaises(ValidationError):
                    self.valence.write(values)
                self.valence.invalidate_recordset()
                self.assertAlmostEqual(self.valence.coop_latitude, 44.933393)
                self.assertAlmostEqual(self.valence.coop_longitude, 4.89236)
        with self.assertRaises(ValidationError) as refused:
            self.Group.create(
                {"name": "Moitié", "company_id": self.valence.company_id.id, "coop_latitude": 45}
            )
        self.assertIn("both the latitude and the longitude", str(refused.exception))
        self.assertFalse(
            self.Group.with_context(active_test=False).search([("name", "=", "Moitié")])
        )
        # La Réunion: south and east, within range.
        self.lyon.write({"coop_latitude": -21.1151, "coop_longitude": 55.5364})
        self.assertAlmostEqual(self.lyon.coop_latitude, -21.1151)

    def test_tour_public_visitor_follows_a_marker(self):
        self.start_tour("/cooperative/groups", "coop_portal_groups_map_tour")
