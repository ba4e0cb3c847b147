from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from .common import coop_layout, coop_members, coop_partner, parse_id, search_text

DOCUMENTS_PAGE_SIZE = 20


class CoopDocuments(CustomerPortal):
    """The cooperative's document library: what each member may read, and nothing else."""

    def _coop_document_domain(self):
        partner = coop_partner()
        if request.env.user._is_public():
            return request.env["coop.document"]._portal_domain(partner)
        return request.env["coop.document"]._portal_domain(partner, coop_members())

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "coop_document_count" in counters:
            Document = request.env["coop.document"]
            values["coop_document_count"] = Document.sudo().search_count(
                Document._portal_domain(coop_partner(), coop_members())
            )
        return values

    @http.route(
        ["/my/documents", "/my/documents/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def coop_documents(self, page=1, search="", category="", year="", company="", **kw):
        Document = request.env["coop.document"].sudo()
        base = self._coop_document_domain()
        domain = list(base)
        search = search_text(search)
        if search:
            domain += ["|", ("name", "ilike", search), ("description", "ilike", search)]
        # A filter that is no id (or year) filters nothing.
        filters = {
            field: parse_id(value)
            for field, value in (("category_id", category), ("year", year), ("company_id", company))
        }
        filters = {field: value for field, value in filters.items() if value}
        domain += [(field, "=", value) for field, value in filters.items()]
        # One pass over what the member may read gives the filters' choices and, unless
        # a text search is typed, the number of documents too (no second count).
        facets = Document._read_group(base, ["category_id", "year", "company_id"], ["__count"])
        if search:
            total = Document.search_count(domain)
        else:
            total = sum(
                count
                for category_rec, year_value, company_rec, count in facets
                if filters.get("category_id", category_rec.id) == category_rec.id
                and filters.get("year", year_value) == year_value
                and filters.get("company_id", company_rec.id) == company_rec.id
            )
        pager = portal_pager(
            url="/my/documents",
            url_args={"search": search, "category": category, "year": year, "company": company},
            total=total,
            page=page,
            step=DOCUMENTS_PAGE_SIZE,
        )
        documents = Document.search(domain, limit=DOCUMENTS_PAGE_SIZE, offset=pager["offset"])
        values = coop_layout(
            self,
            "coop_documents",
            documents=documents,
            pager=pager,
            search=search,
            category=category,
            year=year,
            company=company,
            categories=sorted({f[0] for f in facets}, key=lambda c: (c.sequence, c.id)),
            years=sorted({f[1] for f in facets}, reverse=True),
            companies=sorted({f[2] for f in facets}, key=lambda c: c.name),
            total=total,
        )
        return request.render("coop_portal.portal_my_documents", values)

    @staticmethod
    def _coop_is_prefetch():
        """A request the browser made ahead of the member, or only for the headers.

        Reading a document counts in the member's engagement, so a download link must not
        count when a browser prefetches it (Chrome sends Sec-Purpose, Firefox X-Moz) or asks
        only for its headers. Crawlers and mail link scanners are anonymous: they count
        nothing anyway.
        """
        httprequest = request.httprequest
        if httprequest.method == "HEAD":
            return True
        purpose = " ".join(
            httprequest.headers.get(name, "")
            for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
        ).lower()
        return "prefetch" in purpose or "preview" in purpose

    @http.route(
        ["/my/documents/<int:document_id>/download"], type="http", auth="public", website=True
    )
    def coop_document_download(self, document_id, **kw):
        partner = coop_partner()
        document = (
            request.env["coop.document"]
            .sudo()
            .search([("id", "=", document_id), *self._coop_document_domain()], limit=1)
        )
        if not document:
            raise request.not_found()
        content, mimetype, filename = document._portal_content()
        if not request.env.user._is_public() and not self._coop_is_prefetch():
            document._portal_log_read(partner)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype or "application/octet-stream"),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
