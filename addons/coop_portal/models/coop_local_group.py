from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CoopLocalGroup(models.Model):
    _inherit = "coop.local.group"

    coop_latitude = fields.Float(
        string="Latitude",
        digits=(10, 7),
        help="Where the group meets, in decimal degrees (WGS 84), e.g. 47.3941 for Tours. "
        "Groups with coordinates are shown on the map of the local groups page.",
    )
    coop_longitude = fields.Float(
        string="Longitude",
        digits=(10, 7),
        help="Decimal degrees (WGS 84), east positive, e.g. 0.6848 for Tours.",
    )

    def _coop_has_coordinates(self):
        # A Float field reads 0.0 when empty: the point (0, 0) in the Gulf of Guinea counts
        # as "no coordinates", which no French group will ever need.
        self.ensure_one()
        return bool(self.coop_latitude or self.coop_longitude)

    @api.constrains("coop_latitude", "coop_longitude")
    def _check_coop_coordinates(self):
        for group in self:
            lat, lng = group.coop_latitude, group.coop_longitude
            if not lat and not lng:
                continue
            if not lat or not lng:
                raise ValidationError(
                    _(
                        "Local group %(group)s: give both the latitude and the longitude, "
                        "or neither.",
                        group=group.name,
                    )
                )
            if not -90 <= lat <= 90:
                raise ValidationError(
                    _(
                        "Local group %(group)s: the latitude must be between -90 and 90 "
                        "degrees (%(value)s given).",
                        group=group.name,
                        value=lat,
                    )
                )
            if not -180 <= lng <= 180:
                raise ValidationError(
                    _(
                        "Local group %(group)s: the longitude must be between -180 and 180 "
                        "degrees (%(value)s given).",
                        group=group.name,
                        value=lng,
                    )
                )

    # A group has thousands of members: its page reads none of them one by one (the ORM
    # would read every membership and every person whole, 1,000 at a time).
    def _coop_visible_members(self, limit=None):
        """The memberships of this group whose person chose to show their name to its
        members, by name (``coop_shown_name``); and how many they are in all.

        A group of 3,000 would list 1,500 names in one paragraph: the page shows the first
        ``limit`` and says how many more there are (the directory finds the others).
        """
        self.ensure_one()
        shown = [("local_group_id", "=", self.id), ("coop_shown_name", "!=", False)]
        Membership = self.env["coop.local.group.membership"].sudo()
        members = Membership.search_fetch(
            shown, ["coop_shown_name"], order="coop_shown_name, id", limit=limit
        )
        total = len(members)
        if limit and total == limit:
            total = Membership.search_count(shown)
        return members, total

    def _coop_map_markers(self):
        """The map markers of the active groups of ``self`` that have coordinates.

        Plain values for the page's JSON: the member counts come from one grouped read for
        all the groups, not one query per group.
        """
        groups = self.filtered(lambda g: g.active and g._coop_has_coordinates())
        counts = dict(
            self.env["coop.local.group.membership"]
            .sudo()
            ._read_group([("local_group_id", "in", groups.ids)], ["local_group_id"], ["__count"])
        )
        markers = []
        for group in groups:
            count = counts.get(group, 0)
            markers.append(
                {
                    "id": group.id,
                    "name": group.complete_name,
                    "cooperative": group.company_id.name,
                    "url": f"/cooperative/groups/{group.id}",
                    "members": _("%(count)s member", count=count)
                    if count == 1
                    else _("%(count)s members", count=count),
                    "lat": group.coop_latitude,
                    "lng": group.coop_longitude,
                }
            )
        return markers

    def _coop_map_data(self):
        """What the map of the local groups page needs: markers, tiles and labels.

        The tiles come from the tile server of the website's cooperative; none set means
        no tile layer: the markers stay, and the browser fetches nothing from a tile
        server. The attribution is plain text (Leaflet would insert HTML as it is).
        """
        company = self.env["website"].get_current_website().company_id
        tile_url = company.sudo().coop_map_tile_url or ""
        return {
            "markers": self._coop_map_markers(),
            "tile_url": tile_url,
            "attribution": tile_url and company.sudo().coop_map_tile_attribution or "",
            "zoom_in": _("Zoom in"),
            "zoom_out": _("Zoom out"),
        }
