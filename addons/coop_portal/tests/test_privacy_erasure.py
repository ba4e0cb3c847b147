import subprocess
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessDenied, AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_because, superuser_setup

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestPrivacyErasure(CoopPortalCase):
    """Erasure of personal data and the retention job (issue #26 §2, GDPR art. 17)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ara = cls.member_romain.company_id
        cls.Request = cls.env["coop.erasure.request"]
        cls.accountant_ara = create_user(
            cls.env,
            "accountant_ara_gdpr",
            "base.group_user,coop_membership.group_coop_accountant",
            cls.ara,
        )
        centre = cls.member_claire.company_id
        cls.officer_centre = create_user(
            cls.env,
            "officer_centre_gdpr",
            "base.group_user,coop_membership.group_coop_officer",
            centre,
        )
        # A candidate of ARA, never admitted, with a login and a newsletter contact.
        cls.candidate = cls.env["res.partner"].create(
            {
                "name": "Zoé Candidate",
                "email": "zoe.candidate@example.org",
                "phone": "+33 6 11 22 33 44",
                "street": "3 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "coop_newsletter_optin": True,
            }
        )
        cls.candidate_membership = cls.env["coop.member"].create(
            {
                "partner_id": cls.candidate.id,
                "company_id": cls.ara.id,
                "college_id": cls.member_romain.college_id.id,
            }
        )
        cls.user_candidate = create_portal_user(cls.env, "zoe_candidate", cls.candidate, cls.ara)
        cls.mailing_list = cls.env["mailing.list"].create({"name": "Lettre GDPR test"})
        cls.env["mailing.contact"].create(
            {
                "name": "Zoé C.",
                "email": "Zoe.Candidate@example.org",
                "list_ids": [(4, cls.mailing_list.id)],
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def requests_of(self, partner):
        return self.Request.search([("partner_id", "=", partner.id)])

    def erase(self, login, data=None):
        """Post the erasure form as ``login`` (ticked unless ``data`` says otherwise)."""
        self.authenticate(login, login)
        data = {"erasure_confirmed": "1"} if data is None else data
        return self.post_form("/my/privacy/erase", data)

    def register(self):
        """The register of ARA, as the accountant prints it: (values, PDF text)."""
        wizard = (
            self.env["coop.capital.report.wizard"]
            .with_user(self.accountant_ara)
            .create(
                {
                    "company_ids": [(6, 0, self.ara.ids)],
                    "report": "register_pdf",
                    "date_from": "2000-01-01",
                    "date_to": fields.Date.today(),
                }
            )
        )
        return wizard._register_report_values(), wizard

    def leave_long_ago(self, member, years):
        """Arrange a membership that ended ``years`` years ago."""
        today = fields.Date.today()
        with superuser_setup("a membership ended years ago (dates the actions do not take)"):
            member._lifecycle_write(
                {
                    "state": "resigned",
                    "admission_date": min(
                        member.admission_date, today - relativedelta(years=years + 2)
                    ),
                    "exit_date": today - relativedelta(years=years),
                }
            )

    # ------------------------------------------------------------------
    # Member space
    # ------------------------------------------------------------------
    def test_candidate_is_anonymised_at_once(self):
        """Zoé, a candidate never admitted, asks for the erasure of her data in the member
        space: she is anonymised at once, her login closed, her newsletter contact gone;
        she can no longer sign in, so no download of her data either."""
        self.authenticate("zoe_candidate", "zoe_candidate")
        page = self.url_open("/my/cooperative").text
        self.assertIn('href="/my/privacy/erase"', page)
        form = self.url_open("/my/privacy/erase").text
        self.assertIn('name="erasure_confirmed"', form)
        # The box left unticked: refused, nothing stored.
        response = self.erase("zoe_candidate", data={})
        self.assertIn("Tick the box", response.text)
        self.assertFalse(self.requests_of(self.candidate))
        self.assertEqual(self.candidate.name, "Zoé Candidate")

        response = self.erase("zoe_candidate")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your data are erased", response.text)
        partner = self.candidate.with_context(active_test=False)
        self.assertNotIn("Zoé", partner.name)
        self.assertIn(f"{partner.id:06d}", partner.name)
        for field in ("email", "phone", "street", "zip", "city"):
            self.assertFalse(partner[field], field)
        self.assertFalse(partner.coop_newsletter_optin)
        self.assertEqual(partner.coop_anonymised_date, fields.Date.today())
        user = self.user_candidate.with_context(active_test=False)
        self.assertFalse(user.active)
        self.assertNotIn("zoe", user.login)
        self.assertFalse(
            self.env["mailing.contact"]
            .with_context(active_test=False)
            .search([("email_normalized", "=", "zoe.candidate@example.org")])
        )
        request = self.requests_of(self.candidate)
        self.assertEqual((request.state, request.source), ("done", "portal"))
        # Odoo's privacy log keeps the trace, with the name and address masked.
        log = self.env["privacy.log"].search([("additional_note", "=", partner.name)])
        self.assertEqual(log.anonymized_name, "Z** C********")
        # The old login is gone: no session, no download of anybody's data.
        with self.assertRaises(AccessDenied), mute_logger("odoo.addons.base.models.res_users"):
            self.authenticate("zoe_candidate", "zoe_candidate")
        self.authenticate(None, None)
        response = self.url_open("/my/privacy/export", data={}, allow_redirects=False)
        self.assertNotEqual(response.headers.get("Content-Type"), "application/zip")
        # What is left of her, as the export would gather it, names nobody.
        raw = str(partner._coop_personal_data_private())
        self.assertNotIn("Zoé", raw)
        self.assertNotIn("zoe.candidate", raw)

    def test_member_within_retention_is_postponed(self):
        """Bernard, an active member, asks for the erasure of his data: the request is
        recorded as postponed and the page tells him why; nothing of him changes."""
        partner = self.member_bernard.partner_id
        before = partner.read(["name", "email", "street", "phone"])
        response = self.erase("bernard")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your erasure request is recorded.", response.text)
        self.assertIn("while you are a member", response.text)
        request = self.requests_of(partner)
        self.assertEqual(request.state, "postponed")
        self.assertFalse(request.postponed_until)
        self.assertEqual(partner.read(["name", "email", "street", "phone"]), before)
        self.assertTrue(self.user_bernard.active)
        # Asking again makes no second request; the form is not offered while it waits.
        self.assertNotIn('name="erasure_confirmed"', self.url_open("/my/privacy/erase").text)
        self.erase("bernard")
        self.assertEqual(self.requests_of(partner), request)

    def test_former_member_within_retention_waits_for_its_date(self):
        """Romain left 3 years ago: the officer records his erasure request by phone; it
        is postponed to his exit date plus 10 years. The officer may refuse it only with
        a reason."""
        self.leave_long_ago(self.member_romain, 3)
        partner = self.member_romain.partner_id
        name = partner.name
        action = partner.with_user(self.officer_ara).action_coop_request_erasure()
        request = self.Request.browse(action["res_id"]).with_user(self.officer_ara)
        self.assertEqual(request.state, "postponed")
        self.assertEqual(
            request.postponed_until, self.member_romain.exit_date + relativedelta(years=10)
        )
        self.assertIn(fields.Date.to_string(request.postponed_until), request.postpone_reason)
        self.assertEqual(partner.name, name)
        with self.assertRaisesRegex(UserError, "reason"):
            request.action_refuse()
        request.refusal_reason = "Litige en cours sur le remboursement"
        request.action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertEqual(partner.name, name)

    def test_former_member_past_retention_keeps_the_register(self):
        """Romain left 11 years ago; the officer applies his erasure request: he is
        anonymised, the register keeps his member number and shows the pseudonym, and
        every total of the register stays the same."""
        self.leave_long_ago(self.member_romain, 11)
        partner = self.member_romain.partner_id
        number = self.member_romain.member_number
        shares, capital = self.member_romain.share_count, self.member_romain.share_amount
        self.assertTrue(shares, "Romain holds shares in the demo register")
        values_before, _wizard = self.register()
        with superuser_setup("a message Romain wrote on his membership"):
            message = self.member_romain.message_post(
                body="Je quitte la coopérative, merci à tous.",
                author_id=partner.id,
                email_from=partner.email_formatted,
                message_type="comment",
            )
        with superuser_setup("Romain had shown his name to his group and in the directory"):
            group = self.env.ref("coop_engagement.coop_local_group_valence")
            group_membership = group.action_join(partner)
            partner.write({"coop_group_visible": True, "coop_directory_visible": True})
        self.assertEqual(group_membership.coop_shown_name, "Romain Blanc")
        self.assertTrue(self.member_romain.coop_directory_visible)
        partner.with_user(self.officer_ara).action_coop_request_erasure()
        # The copies the group page and the directory read are gone with his choices.
        self.assertFalse(group_membership.coop_shown_name)
        self.assertFalse(self.member_romain.coop_directory_visible)
        # His message stays, signed with the pseudonym, without his address.
        self.assertTrue(message.exists())
        self.assertEqual(message.author_id.name, partner.name)
        self.assertFalse(message.email_from)
        self.assertIn(number, partner.name)
        self.assertNotIn("Romain", partner.name)
        self.assertFalse(partner.email)
        self.assertEqual(self.member_romain.member_number, number)
        self.member_romain.invalidate_recordset()
        self.assertEqual(
            (self.member_romain.share_count, self.member_romain.share_amount), (shares, capital)
        )
        values_after, wizard = self.register()
        for total in ("total_shares", "total_amount", "total_net_shares", "total_change"):
            self.assertEqual(values_after[total], values_before[total], total)
        self.assertEqual(len(values_after["members"]), len(values_before["members"]))
        row = next(m for m in values_after["members"] if m[1] == number)
        self.assertEqual(row[2], partner.name)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_user(self.accountant_ara)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("coop_membership.action_report_share_register", wizard.ids)
        )
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn(partner.name, text)
        self.assertNotIn("Romain Blanc", text)

    # ------------------------------------------------------------------
    # Nobody else's erasure
    # ------------------------------------------------------------------
    def test_nobody_requests_another_persons_erasure(self):
        """Claire cannot request Bernard's erasure (the route takes no id, the model
        refuses), nor can an officer of another cooperative; nothing is stored."""
        bernard = self.member_bernard.partner_id
        self.authenticate("claire", "claire")
        # A forged id in the form is ignored: without the confirmation, nothing happens.
        self.post_form("/my/privacy/erase", {"partner_id": bernard.id})
        with self.assertRaises(AccessError):
            bernard.with_user(self.user_claire)._coop_portal_request_erasure()
        with self.assertRaises(AccessError):
            bernard.with_user(self.officer_centre).action_coop_request_erasure()
        self.assertFalse(self.Request.search([]).filtered(lambda r: r.partner_id == bernard))
        self.assertFalse(self.requests_of(self.user_claire.partner_id))
        # Claire reads no request of anyone else either.
        with superuser_setup("Bernard's postponed request"):
            self.Request._coop_request(bernard, "back_office")
        self.assertFalse(self.Request.with_user(self.user_claire).search([]))

    def test_erasure_needs_the_csrf_token(self):
        """A form posted from another site (no CSRF token) erases nothing."""
        self.authenticate("zoe_candidate", "zoe_candidate")
        with mute_logger("odoo.http"):
            response = self.url_open("/my/privacy/erase", data={"erasure_confirmed": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.requests_of(self.candidate))
        self.assertEqual(self.candidate.name, "Zoé Candidate")

    # ------------------------------------------------------------------
    # Retention job
    # ------------------------------------------------------------------
    def _person(self, name, company, admitted=None, exit_years=None):
        """A person with a membership of ``company``: a candidate, or admitted
        ``admitted`` years ago and gone ``exit_years`` years ago."""
        partner = self.env["res.partner"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '.')}@example.org"}
        )
        member = self.env["coop.member"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "college_id": self.member_romain.college_id.id,
            }
        )
        if admitted is not None:
            member.with_user(self.officer_ara).action_admit(
                fields.Date.today() - relativedelta(years=admitted)
            )
            if exit_years is not None:
                self.leave_long_ago(member, exit_years)
        return partner

    def _refused_applicant(self, name):
        """A person whose application the officer refused."""
        partner = self.env["res.partner"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '.')}@example.org"}
        )
        share_class = self.env["coop.share.class"].search(
            [("company_id", "=", self.ara.id)], limit=1
        )
        request = self.env["coop.subscription.request"].create(
            {
                "partner_id": partner.id,
                "company_id": self.ara.id,
                "college_id": self.member_romain.college_id.id,
                "share_class_id": share_class.id,
                "quantity": 1,
            }
        )
        request.with_user(self.officer_ara).action_submit()
        self.env["coop.subscription.reject.wizard"].with_user(self.officer_ara).create(
            {"request_id": request.id, "reason": "Hors de notre territoire"}
        ).action_confirm()
        self.assertEqual(request.state, "rejected")
        return partner

    @superuser_because("the retention job runs as the system, on every cooperative")
    def test_retention_job_anonymises_in_sets_and_leaves_the_others(self):
        """The daily job anonymises former members past retention and applications
        without follow-up, two at a time here, and leaves current members, recent
        former members and recent candidates alone."""
        with superuser_setup("people in every situation of the retention rules"):
            old_1 = self._person("Ancien Un", self.ara, admitted=20, exit_years=12)
            old_2 = self._person("Ancien Deux", self.ara, admitted=20, exit_years=11)
            abandoned = self._person("Candidat Oublie", self.ara)
            # Nothing moved on this application for two years.
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE coop_member SET write_date = %s WHERE partner_id = %s",
                (fields.Datetime.now() - timedelta(days=730), abandoned.id),
            )
            refused = self._refused_applicant("Candidat Refuse")
            self.env.flush_all()
            for table in ("coop_member", "coop_subscription_request"):
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET write_date = %s WHERE partner_id = %s",
                        SQL.identifier(table),
                        fields.Datetime.now() - timedelta(days=400),
                        refused.id,
                    )
                )
            recent = self._person("Ancienne Recente", self.ara, admitted=10, exit_years=2)
            current = self._person("Membre Actif", self.ara, admitted=5)
            fresh = self._person("Candidate Recente", self.ara)
        due = set(self.env["res.partner"]._coop_retention_due_ids(10000))
        self.assertTrue({old_1.id, old_2.id, abandoned.id, refused.id} <= due)
        self.assertFalse({recent.id, current.id, fresh.id} & due)
        Partner = self.env["res.partner"].with_context(active_test=False)
        count_before = Partner.search_count([("coop_anonymised_date", "!=", False)])
        # One set of two.
        self.assertEqual(self.Request._coop_cron_retention(batch_size=2, max_batches=1), 2)
        self.assertEqual(
            Partner.search_count([("coop_anonymised_date", "!=", False)]), count_before + 2
        )
        # The scheduled action itself finishes the work.
        self.env.ref("coop_portal.ir_cron_coop_privacy_retention").method_direct_trigger()
        for partner in (old_1, old_2, abandoned, refused):
            self.assertTrue(partner.coop_anonymised_date, partner.name)
            request = self.requests_of(partner)
            self.assertEqual((request.state, request.source), ("done", "retention"))
        for partner, name in (
            (recent, "Ancienne Recente"),
            (current, "Membre Actif"),
            (fresh, "Candidate Recente"),
        ):
            self.assertEqual(partner.name, name)
            self.assertFalse(partner.coop_anonymised_date)
        self.assertFalse(self.env["res.partner"]._coop_retention_due_ids(10000))
