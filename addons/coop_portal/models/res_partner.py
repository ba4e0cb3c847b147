from urllib.parse import urlencode

from markupsafe import Markup, escape

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

# What a member may change about themselves from the portal (see _coop_portal_update_profile).
PROFILE_FIELDS = (
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "email",
    "phone",
    "coop_contact_channel",
    "coop_newsletter_optin",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    coop_group_visible = fields.Boolean(
        string="Visible to Local Group Members",
        help="The person agreed that the members of their local groups see their name on "
        "the group's page.",
    )

    def _coop_portal_members(self):
        """The memberships this person sees in the portal, as superuser.

        The one ownership check of the portal: their own memberships and those of the
        organisations they are the named representative of, in that cooperative only (an
        organisation may have another representative elsewhere). Working for an
        organisation, or being one of its contacts, gives no right to act for it: the
        representative votes, gives or holds proxies and reads its documents for it.
        Portal routes browse everything else from these records.
        """
        self.ensure_one()
        return (
            self.env["coop.member"]
            .sudo()
            .search(
                ["|", ("partner_id", "=", self.id), ("representative_id", "=", self.id)],
                order="company_id, id",
            )
        )

    def _coop_portal_identities(self):
        """Ids of the partners a portal person acts as: themselves and the organisations
        they represent (their event registrations, local groups, documents)."""
        self.ensure_one()
        represented = (
            self.env["coop.member"].sudo().search([("representative_id", "=", self.id)]).partner_id
        )
        return list({self.id, *represented.ids})

    def _coop_check_portal_self(self):
        if self != self.env.user.partner_id:
            raise AccessError(_("You can only change your own personal data."))

    def _coop_portal_update_profile(self, values):
        """Apply the personal data a member typed in the portal and log it in the chatter.

        :param values: typed values keyed by PROFILE_FIELDS, as the profile route's
            ``parse_profile_form`` reads them: texts stripped and checked (False when
            empty), ``country_id`` an id (None when unreadable, False when empty),
            ``coop_newsletter_optin`` a boolean. Keys missing are left as they are.
        :return: the changed field labels (empty when nothing changed).
        """
        self.ensure_one()
        self._coop_check_portal_self()
        partner = self.sudo()
        vals = {field: values[field] for field in PROFILE_FIELDS if field in values}
        if "coop_newsletter_optin" in vals:
            vals["coop_newsletter_optin"] = bool(vals["coop_newsletter_optin"])
        if "country_id" in vals and vals["country_id"] is not False:
            country_id = vals["country_id"]
            country = self.env["res.country"].browse(country_id).exists() if country_id else None
            if not country:
                raise UserError(_("Choose a country from the list."))
            vals["country_id"] = country.id
        if "coop_contact_channel" in vals and vals["coop_contact_channel"] not in dict(
            self._fields["coop_contact_channel"].selection
        ):
            raise UserError(_("Choose how the cooperative should reach you."))
        if vals.get("email") and not email_normalize(vals["email"]):
            raise UserError(_("%s is not a valid email address.", vals["email"]))
        channel = vals.get("coop_contact_channel", partner.coop_contact_channel)
        email = vals.get("email", partner.email)
        if channel == "email" and not email:
            raise UserError(_("Give an email address, or choose to be reached by paper mail."))
        if channel == "paper" and not all(
            vals.get(f, partner[f]) for f in ("street", "zip", "city")
        ):
            raise UserError(_("Give your full postal address to receive paper mail."))
        changed = {
            field: value
            for field, value in vals.items()
            if (partner[field].id if field == "country_id" else partner[field] or False) != value
        }
        if not changed:
            return []
        before = {field: partner._coop_portal_display(field) for field in changed}
        partner.write(changed)
        lines = Markup("").join(
            Markup("<li>%s : %s → %s</li>")
            % (
                self._fields[field].get_description(self.env)["string"],
                before[field] or "—",
                partner._coop_portal_display(field) or "—",
            )
            for field in changed
        )
        partner.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (escape(_("Personal data changed by the member from the portal:")), lines),
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        return [self._fields[field].get_description(self.env)["string"] for field in changed]

    def _coop_portal_display(self, field):
        value = self[field]
        if field == "country_id":
            return value.name or ""
        if field == "coop_contact_channel":
            return dict(self._fields[field]._description_selection(self.env)).get(value, "")
        if field == "coop_newsletter_optin":
            return _("yes") if value else _("no")
        return value or ""

    def _coop_portal_newsletters(self):
        """The newsletters of the person, by name, for the member space.

        ``received``: the lists their address is subscribed to now (the truth, also
        after an unsubscribe link); ``offered``: what opting in sends them, the
        federation's newsletter and that of each cooperative where they are an active
        member (the sync's rule, res.partner._coop_sync_newsletter).
        """
        self.ensure_one()
        partner = self.sudo()
        general = self.env.ref("coop_engagement.mailing_list_coop_newsletter", False)
        general = general.sudo() if general else self.env["mailing.list"].sudo()
        received = partner._coop_newsletter_received_lists()
        companies = (
            self.env["coop.member"]
            .sudo()
            .search([("partner_id", "=", self.id), ("is_active_member", "=", True)])
            .company_id
        )
        return {
            "received": (received & general).mapped("name")
            + (received - general).sorted("name").mapped("name"),
            "offered": general.mapped("name")
            + [company._coop_newsletter_list_name() for company in companies],
        }

    # ------------------------------------------------------------------
    # Engagement: skills, availability, themes, local groups (/my/engagement)
    # ------------------------------------------------------------------
    def _coop_portal_update_engagement(
        self, skill_ids, theme_ids, availability, note, group_visible=False
    ):
        """Set what the member offers; unknown or archived ids are refused, not ignored.

        :param skill_ids: ids as ``parse_ids`` reads them (None for an unreadable one).
        :param theme_ids: same.
        :param note: the availability details as ``parse_text`` reads them.
        """
        self.ensure_one()
        self._coop_check_portal_self()
        partner = self.sudo()
        Skill = self.env["coop.skill"].sudo()
        Theme = self.env["coop.engagement.theme"].sudo()

        def records(model, ids, label):
            # None stands for a value that could not be read as an id: refused, not dropped.
            wanted = set(ids)
            found = model.search([("id", "in", list(wanted - {None}))]) if wanted else model
            if None in wanted or len(found) != len(wanted):
                raise UserError(_("Choose %s from the list.", label))
            return found

        skills = records(Skill, skill_ids, _("your skills"))
        themes = records(Theme, theme_ids, _("your themes"))
        selection = dict(partner._fields["coop_availability"].selection)
        if availability and availability not in selection:
            raise UserError(_("Choose your availability from the list."))
        partner.write(
            {
                "coop_skill_ids": [(6, 0, skills.ids)],
                "coop_theme_ids": [(6, 0, themes.ids)],
                "coop_availability": availability or False,
                "coop_availability_note": note or False,
                "coop_group_visible": bool(group_visible),
            }
        )
        partner._message_log(body=_("Skills and availability updated by the member."))
        return True

    def _coop_portal_local_groups(self):
        """(my group memberships, suggested groups) within the person's active cooperatives."""
        self.ensure_one()
        companies = self._coop_portal_members().filtered("is_active_member").company_id
        mine = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search([("partner_id", "=", self.id), ("company_id", "in", companies.ids)])
        )
        suggested = self.env["coop.local.group"].sudo()._coop_suggest(self).get(self.id)
        suggested = (suggested or self.env["coop.local.group"]).filtered(
            lambda g: g.company_id in companies and g not in mine.local_group_id
        )
        return mine, suggested

    def _coop_portal_join_group(self, group_id):
        self.ensure_one()
        self._coop_check_portal_self()
        companies = self._coop_portal_members().filtered("is_active_member").company_id
        group = self.env["coop.local.group"].sudo().browse(group_id or [])
        if not group.exists() or not group.active or group.company_id not in companies:
            raise UserError(_("Choose a local group of your cooperative."))
        return group.action_join(self.sudo())

    def _coop_portal_leave_group(self, group_id):
        self.ensure_one()
        self._coop_check_portal_self()
        Membership = self.env["coop.local.group.membership"].sudo()
        membership = (
            Membership.search([("partner_id", "=", self.id), ("local_group_id", "=", group_id)])
            if group_id
            else Membership
        )
        if not membership:
            raise UserError(_("You are not a member of this local group."))
        if membership.role == "coordinator":
            raise UserError(
                _("You coordinate this group: ask your moderator to hand it over before leaving.")
            )
        membership.unlink()
        return True

    def _coop_portal_volunteer(self, call_id):
        """Sign up for an open action call of one of the person's cooperatives."""
        self.ensure_one()
        self._coop_check_portal_self()
        companies = self._coop_portal_members().filtered("is_active_member").company_id
        call = self.env["coop.action.call"].sudo().browse(call_id or [])
        if not call.exists() or call.company_id not in companies:
            raise UserError(_("Choose an action call of your cooperative."))
        if call.state not in ("open", "full"):
            raise UserError(_("This action call is not open any more."))
        volunteer = call.volunteer_ids.filtered(lambda v: v.partner_id == self)
        if volunteer.state in ("volunteered", "confirmed", "done"):
            raise UserError(_("You already signed up for this action call."))
        if volunteer:
            volunteer.action_volunteer()
        else:
            volunteer = (
                self.env["coop.action.call.volunteer"]
                .sudo()
                .create({"action_call_id": call.id, "partner_id": self.id, "state": "volunteered"})
            )
        call.message_post(
            body=_("%(person)s volunteered from the member space.", person=self.name),
            subtype_xmlid="mail.mt_note",
        )
        return volunteer

    # Nothing loaded from outside (issue #23 §3). Odoo's pages (the event page's "Get
    # directions", the registration's address) link an address to Google Maps, and the
    # website may embed a static map from Google. Members refuse big-tech trackers: the
    # address stays written on the page, its link opens OpenStreetMap only when the
    # member clicks it, and no map image is ever embedded from another site.
    def google_map_link(self, zoom=10):
        self.ensure_one()
        address = ", ".join(
            part
            for part in (
                self.street,
                " ".join(p for p in (self.zip, self.city) if p),
                self.country_id.name,
            )
            if part
        )
        return "https://www.openstreetmap.org/search?" + urlencode({"query": address})

    def google_map_img(self, zoom=8, width=298, height=298):
        return False
