import html
import re

from odoo import SUPERUSER_ID, api

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def migrate(cr, version):
    """The map's tile server moves from two system parameters to each cooperative.

    Databases installed before asked every member's browser for tiles from
    tile.openstreetmap.org by default (issue #23 §3: nothing loaded from outside). That
    default is dropped; a server the cooperative set itself goes to every cooperative
    that has none yet, with its attribution as plain text. The parameters are removed.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"]
    url = (params.get_param("coop_portal.map_tile_url") or "").strip()
    # The attribution was HTML; the setting is plain text.
    attribution = html.unescape(
        re.sub(r"<[^>]*>", "", params.get_param("coop_portal.map_tile_attribution") or "")
    )
    if url and url != OSM_TILES:
        env["res.company"].search([("coop_map_tile_url", "=", False)]).write(
            {"coop_map_tile_url": url, "coop_map_tile_attribution": attribution}
        )
    params.search(
        [("key", "in", ("coop_portal.map_tile_url", "coop_portal.map_tile_attribution"))]
    ).unlink()
