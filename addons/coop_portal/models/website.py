from odoo import api, fields, models

HOME_EVENTS = 3
HOME_DOCUMENTS = 4


class Website(models.Model):
    _inherit = "website"

    @api.model
    def _coop_demo_french(self):
        """Demo data: the member space speaks French when French is installed.

        ``make run`` loads fr_FR before the modules; ``make test`` does not, and keeps
        the websites as they are.
        """
        french = self.env["res.lang"]._lang_get("fr_FR")
        if not french or not french.active:
            return
        for website in self.search([]):
            website.language_ids |= french
            website.default_lang_id = french

    def _coop_visitor_company_ids(self):
        """The companies whose public records this website shows its visitors.

        The website's company first (Odoo's own rule), then the cooperatives under it that
        the website's public user works in: a federation's site shows its regional
        cooperatives' public events and pages. Read as superuser: which companies a
        public user works in is configuration, not something the visitor may read.
        """
        self.ensure_one()
        website = self.sudo()
        company = website.company_id
        allowed = set(website.user_id.company_ids.ids)
        below = self.env["res.company"].sudo().search([("id", "child_of", company.id)])
        return company.ids + [cid for cid in below.ids if cid in allowed and cid != company.id]

    def _coop_home_values(self):
        """What the home page shows: the next events, the local groups, the latest documents.

        Events are searched as the visitor (members-only events stay hidden from others by
        their record rules); local groups and documents as the public pages list them:
        every active group of the website's cooperatives, and only the documents published
        for everyone.
        """
        self.ensure_one()
        companies = self.env["res.company"].browse(self._coop_visitor_company_ids())
        events = self.env["event.event"].search(
            [
                ("website_published", "=", True),
                ("date_end", ">=", fields.Datetime.now()),
                *self.website_domain(),
            ],
            order="date_begin, id",
            limit=HOME_EVENTS,
        )
        groups = (
            self.env["coop.local.group"]
            .sudo()
            .search([("active", "=", True), ("company_id", "in", companies.ids)])
        )
        Document = self.env["coop.document"].sudo()
        documents = Document.search(
            [*Document._portal_domain(False), ("company_id", "in", companies.ids)],
            order="published_date desc, id desc",
            limit=HOME_DOCUMENTS,
        )
        return {
            "events": events,
            "groups": groups,
            "map_data": groups._coop_map_data(),
            "documents": documents,
            "cooperatives": companies.filtered("parent_id"),
        }
