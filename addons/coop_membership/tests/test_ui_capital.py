import io
import subprocess
from unittest.mock import patch

import openpyxl

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.coop_membership.report.coop_share_certificate import ReportShareCertificate

from .role_guard import superuser_setup


@tagged("post_install", "-at_install")
class TestCapitalUi(HttpCase):
    """The accountant's register export and the officer's certificate, in the browser,
    in French, as the staff of the Centre-Val de Loire cooperative (demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["coop_membership"], ["fr_FR"])
        cls.centre = cls.env.ref("coop_membership.coop_company_centre")
        # The demo gives it; databases made from an older demo may not have it.
        cls.centre.siret = cls.centre.siret or "81234567800017"
        cls.today = fields.Date.today()

    def _staff(self, login, group):
        return new_test_user(
            self.env,
            login=login,
            groups=f"base.group_user,{group}",
            company_id=self.centre.id,
            company_ids=[Command.set(self.centre.ids)],
            lang="fr_FR",
        )

    def _member_with_shares(self, name, quantity):
        member = self.env["coop.member"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": name}).id,
                "company_id": self.centre.id,
                "college_id": self.env.ref("coop_membership.coop_college_centre_cons").id,
            }
        )
        member.action_admit()
        operation = self.env["coop.share.operation"].create(
            {
                "member_id": member.id,
                "company_id": self.centre.id,
                "share_class_id": self.env.ref("coop_membership.share_class_centre").id,
                "quantity": quantity,
            }
        )
        operation.action_confirm()
        return member

    def test_accountant_exports_the_register(self):
        """The accountant downloads this year's register from the capital reports: the
        file names the colleges, shows French dates and signed movements with a total."""
        accountant = self._staff("tour_reg_accountant", "coop_membership.group_coop_accountant")
        with superuser_setup("this year's movements: a subscription and a redemption"):
            member = self._member_with_shares("Tour Sociétaire", 3)
            redemption = self.env["coop.share.operation"].create(
                {
                    "member_id": member.id,
                    "company_id": self.centre.id,
                    "share_class_id": self.env.ref("coop_membership.share_class_centre").id,
                    "operation_type": "redemption",
                    "quantity": 1,
                }
            )
            redemption.action_confirm()
        self.start_tour(
            "/odoo/action-coop_membership.coop_share_operation_action",
            "coop_register_export_tour",
            login=accountant.login,
        )
        wizard = self.env["coop.capital.report.wizard"].search([("create_uid", "=", accountant.id)])
        self.assertEqual(wizard.report, "register_xlsx")
        self.assertEqual(wizard.company_ids, self.centre)
        # The file as the accountant's browser gets it.
        self.authenticate(accountant.login, accountant.login)
        response = self.url_open(
            f"/web/content/?model=coop.capital.report.wizard&id={wizard.id}&field=file_data"
            "&filename_field=file_name&download=true"
        )
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        values = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
        members = book["Sociétaires"]
        rows = list(members.values)
        tour_row = next(row for row in rows if row[2] == "Tour Sociétaire")
        self.assertEqual(tour_row[3], "Consommateurs")
        self.assertEqual(tour_row[4].date(), self.today)
        index = rows.index(tour_row) + 1
        self.assertEqual(members.cell(index, 5).number_format, "dd/mm/yyyy")
        movements = list(book["Mouvements"].values)
        self.assertEqual(movements[0][2:4], ("Date d'enregistrement", "Date de valeur"))
        ours = [row for row in movements[1:-1] if row[7] == "Tour Sociétaire"]
        self.assertEqual([row[13] for row in ours], [3, -1])
        self.assertEqual([row[14] for row in ours], [150.0, -50.0])
        # The total row adds the signed movements of the year, as the register does.
        operations = self.env["coop.share.operation"].search(
            [
                ("company_id", "=", self.centre.id),
                ("state", "=", "confirmed"),
                ("date", ">=", wizard.date_from),
                ("date", "<=", wizard.date_to),
            ]
        )
        total = list(values["Mouvements"].values)[-1]
        self.assertEqual(total[12], "Total")
        self.assertEqual(total[13], sum(operations.mapped("signed_quantity")))
        self.assertEqual(total[14], sum(operations.mapped("signed_amount")))

    def test_officer_prints_the_share_certificate(self):
        """The officer prints a member's certificate from the Print menu; the PDF, as
        that officer gets it, is on the cooperative's letterhead."""
        officer = self._staff("tour_reg_officer", "coop_membership.group_coop_officer")
        with superuser_setup("a member holding shares"):
            member = self._member_with_shares("Odette Tour", 4)
        printed_by = []
        get_values = ReportShareCertificate._get_report_values

        def spy(report, docids, data=None):
            printed_by.append((report.env.uid, tuple(docids)))
            return get_values(report, docids, data=data)

        with patch.object(ReportShareCertificate, "_get_report_values", spy):
            self.start_tour(
                "/odoo/action-coop_membership.coop_member_action",
                "coop_share_certificate_tour",
                login=officer.login,
            )
        self.assertEqual(printed_by, [(officer.id, (member.id,))])
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(officer)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("coop_membership.report_share_certificate", member.ids)
        )
        text = " ".join(
            subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
            .stdout.decode()
            .split()
        )
        for expected in (
            self.centre.name,
            "12 rue Nationale",
            "37000 Tours",
            self.centre.siret,
            "Odette Tour",
        ):
            self.assertIn(expected, text)
