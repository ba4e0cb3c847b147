"""A secret vote, for real: committed transactions, every staff role, the printed minutes.

The census has three colleges of 1, 2 and 30 members. Every vote is cast and committed in
its own transaction by the secretary of the assemblies, as at a real assembly, and the
vote is closed in another one. Then:

* no staff role reads how the 1- and 2-voter colleges voted: not in the stored results
  (RPC ``search_read``), not from the results method, not in the secret urn (no access),
  not in the minutes' PDF that members download;
* the urn's rows keep no order of the votes: every slot carries the closing transaction's
  ``xmin``, and neither their physical order (``ctid``) nor the order of a ``pg_dump``
  follows the order of the votes.

The vote is one member, one vote: weighted by college, the weighted share itself may
reveal a small college's vote, which the secretary is warned about before convening
(tested in coop_governance's TestSecretResults).
"""

import subprocess
import uuid
from datetime import timedelta
from unittest.mock import patch

from lxml import html

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.misc import exec_pg_environ

from odoo.addons.coop_governance.tests.common import GovernanceCommon
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

SIZES = {"SOLO": 1, "DUO": 2, "MANY": 30}
# The staff roles of the suite, each tried alone.
STAFF_GROUPS = (
    "coop_membership.group_coop_user",
    "coop_membership.group_coop_officer",
    "coop_membership.group_coop_manager",
    "coop_governance.group_governance_officer",
    "coop_governance.group_governance_manager",
)


@tagged("post_install", "-at_install")
class TestSecretBallot(TransactionCase):
    """Colleges of 1, 2 and 30 vote in secret; nobody can tell how the small ones voted."""

    def _env(self, cr, uid=SUPERUSER_ID, company_id=None):
        context = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        if company_id:
            context["allowed_company_ids"] = [company_id]
        return api.Environment(cr, uid, context)

    def _cursor(self):
        return db_connect(self.env.cr.dbname).cursor()

    def _setup_committed(self):
        """Committed: a cooperative, its census of 1 + 2 + 30, an open secret vote."""
        tag = uuid.uuid4().hex[:8]
        with self._cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].create(
                {"name": f"Secret {tag}", "coop_vote_by_college": False}
            )
            colleges = {
                code: env["coop.college"].create(
                    {"name": f"College {code}", "code": code, "company_id": company.id}
                )
                for code in SIZES
            }
            members = env["coop.member"]
            for code, size in SIZES.items():
                for i in range(size):
                    partner = env["res.partner"].create({"name": f"{code} voter {i}"})
                    members |= env["coop.member"].create(
                        {
                            "partner_id": partner.id,
                            "company_id": company.id,
                            "college_id": colleges[code].id,
                        }
                    )
            officer = new_test_user(
                env,
                login=f"secret_officer_{tag}",
                groups="base.group_user,coop_governance.group_governance_officer",
                company_id=company.id,
                company_ids=[company.id],
            )
            assembly = env["coop.assembly"].create(
                {
                    "name": "Secret AG",
                    "company_id": company.id,
                    "date": fields.Datetime.now() + timedelta(days=30),
                }
            )
            resolution = env["coop.resolution"].create(
                {"assembly_id": assembly.id, "name": "Quitus", "secret": True}
            )
            with (
                superuser_setup("arrange: committed census and open secret vote"),
                # The share rule of the census is tested elsewhere; no share register here.
                patch.object(type(assembly), "_census_share_clause", lambda self: SQL()),
            ):
                members.action_admit()
                warning = assembly.secret_disclosure_warning
                assembly.action_convene()
                assembly.action_open()
                assembly.voter_ids.action_check_in()
                resolution.action_start_vote()
            cr.commit()  # pylint: disable=invalid-commit
            voters = {
                code: assembly.voter_ids.filtered(lambda v, c=code: v.college_id.code == c).ids
                for code in SIZES
            }
            return {
                "company": company.id,
                "assembly": assembly.id,
                "resolution": resolution.id,
                "officer": officer.id,
                "voters": voters,
                "warning": warning,
            }

    def _cleanup(self, data):
        with self._cursor() as cr:
            cr.execute("DELETE FROM coop_ballot WHERE assembly_id = %s", [data["assembly"]])
            cr.execute("DELETE FROM coop_assembly WHERE id = %s", [data["assembly"]])
            cr.execute(
                "SELECT partner_id FROM coop_member WHERE company_id = %s", [data["company"]]
            )
            partner_ids = [row[0] for row in cr.fetchall()]
            for table in ("coop_member", "coop_college", "ir_sequence"):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE company_id = %s",
                        SQL.identifier(table),
                        data["company"],
                    )
                )
            env = self._env(cr)
            env["res.partner"].browse(partner_ids).unlink()
            officer = env["res.users"].browse(data["officer"])
            officer.write({"active": False, "login": f"gone_{officer.login}"})
            # The archived secretary still points to the cooperative: archive it too.
            env["res.company"].browse(data["company"]).write({"active": False})
            cr.commit()  # pylint: disable=invalid-commit

    def _vote_and_close(self, data):
        """Every vote in its own committed transaction, by the secretary; then the close.

        Vote order: the single voter (no), the pair (yes, no), then the 30: 15 yes
        followed by 15 no. Returns the choices of the 30 in vote order.
        """
        plan = [(data["voters"]["SOLO"][0], "no")]
        plan += list(zip(data["voters"]["DUO"], ("yes", "no"), strict=True))
        many = ["yes"] * 15 + ["no"] * 15
        plan += list(zip(data["voters"]["MANY"], many, strict=True))
        data["vote_xmins"] = set()
        for voter_id, choice in plan:
            with self._cursor() as cr:
                env = self._env(cr, data["officer"], data["company"])
                ballot = (
                    env["coop.resolution"]
                    .browse(data["resolution"])
                    .cast_vote(voter_id, choice, "in_room")
                )
                # The transaction id of this vote, as its participation row carries it.
                cr.execute("SELECT xmin::text FROM coop_ballot WHERE id = %s", [ballot.id])
                data["vote_xmins"].add(cr.fetchone()[0])
                cr.commit()  # pylint: disable=invalid-commit
        with self._cursor() as cr:
            env = self._env(cr, data["officer"], data["company"])
            env["coop.resolution"].browse(data["resolution"]).action_close_vote()
            cr.commit()  # pylint: disable=invalid-commit
        return many

    def _assert_nothing_small(self, lines, total_voters, who):
        """No line of 1 to 4 voters; neither the total minus the lines shown alone."""
        alone = 0
        for name, voters in lines:
            self.assertFalse(0 < voters < 5, f"{who}: {name} shows {voters} voter(s)")
            self.assertNotIn(name, ("College SOLO", "College DUO"), who)
            if not name.startswith("Merged colleges"):
                alone += voters
        self.assertFalse(0 < total_voters - alone < 5, f"{who}: the total minus the rows")

    def test_small_colleges_stay_secret(self):
        """1, 2 and 30 voters vote in secret: no role, page or report tells the small ones."""
        data = self._setup_committed()
        try:
            self.assertIn("College SOLO", data["warning"], "warned before convening")
            self.assertIn("College DUO", data["warning"])
            self.assertNotIn("College MANY", data["warning"])
            many = self._vote_and_close(data)
            with self._cursor() as cr:
                self._check_staff_roles(cr, data)
                self._check_minutes(cr, data)
                self._check_urn_order(cr, data, many)
                cr.rollback()
        finally:
            self._cleanup(data)

    def _check_staff_roles(self, cr, data):
        env = self._env(cr)
        company = env["res.company"].browse(data["company"])
        resolution = env["coop.resolution"].browse(data["resolution"])
        self.assertEqual(resolution.state, "rejected", "16 yes against 17 no: the outcome")
        total = resolution.yes_count + resolution.no_count + resolution.abstain_count
        self.assertEqual((resolution.yes_count, resolution.no_count, total), (16, 17, 33))
        for group in STAFF_GROUPS:
            user = new_test_user(
                env,
                login=f"{group.split('.')[1]}_{data['company']}",
                groups=f"base.group_user,{group}",
                company_id=company.id,
                company_ids=[company.id],
            )
            as_user = self._env(cr, user.id, company.id)
            rows = as_user["coop.resolution.result"].search_read(
                [("resolution_id", "=", resolution.id)],
                ["college_name", "yes_count", "no_count", "abstain_count"],
            )
            self._assert_nothing_small(
                [(r["college_name"], r["yes_count"] + r["no_count"] + r["abstain_count"])
                 for r in rows],
                total,
                group,
            )  # fmt: skip
            try:
                results = as_user["coop.resolution"].browse(resolution.id).get_results()
            except AccessError:
                results = {"colleges": []}
            self._assert_nothing_small(
                [(line["college_name"], line["yes"] + line["no"] + line["abstain"])
                 for line in results["colleges"]],
                total,
                f"{group} get_results",
            )  # fmt: skip
            with self.assertRaises(AccessError, msg=group):
                as_user["coop.ballot.secret"].search_read(
                    [("resolution_id", "=", resolution.id)], ["college_id", "choice"]
                )

    def _check_minutes(self, cr, data):
        """The minutes members download: the small colleges' figures are nowhere."""
        env = self._env(cr, data["officer"], data["company"])
        pdf, _format = (
            env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("coop_governance.action_report_minutes", [data["assembly"]])
        )
        text = " ".join(GovernanceCommon._pdf_pages_text(pdf)).split("Resolutions", 1)[1]
        self.assertIn("Merged colleges", text)
        self.assertNotRegex(text, r"College (SOLO|DUO)\s+\d", "no figure of a small college")
        self.assertRegex(text, r"Total\s+16\s+17\s+0\s+33", "the totals are published")

    def _check_urn_order(self, cr, data, many):
        """After the close the urn's rows keep no trace of the order of the votes."""
        cr.execute(
            """
            SELECT s.xmin::text, c.code, s.choice
              FROM coop_ballot_secret s JOIN coop_college c ON c.id = s.college_id
             WHERE s.resolution_id = %s
          ORDER BY s.ctid
            """,
            [data["resolution"]],
        )
        rows = cr.fetchall()
        self.assertEqual(len(rows), 33)
        self.assertEqual(len({xmin for xmin, _code, _choice in rows}), 1, "one xmin: the close")
        self.assertEqual(len(data["vote_xmins"]), 33, "each vote was committed on its own")
        self.assertNotIn(rows[0][0], data["vote_xmins"], "no slot keeps a vote's xmin")
        physical = [choice for _xmin, code, choice in rows if code == "MANY"]
        self.assertCountEqual(physical, many)
        self.assertNotIn(physical, (many, many[::-1]), "physical order is not the vote order")
        # A backup writes the live rows in physical order: it keeps no order either.
        dump = subprocess.run(
            ["pg_dump", "--data-only", "--table=coop_ballot_secret", self.env.cr.dbname],
            env=exec_pg_environ(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        columns = dump.split("COPY public.coop_ballot_secret (", 1)[1].split(")", 1)[0]
        columns = [c.strip() for c in columns.split(",")]
        body = dump.split("FROM stdin;\n", 1)[1].split("\n\\.\n", 1)[0].splitlines()
        dumped = [dict(zip(columns, line.split("\t"), strict=True)) for line in body]
        college_many = (
            self._env(cr)["coop.college"]
            .search([("company_id", "=", data["company"]), ("code", "=", "MANY")])
            .id
        )
        in_dump = [
            row["choice"]
            for row in dumped
            if row["resolution_id"] == str(data["resolution"])
            and row["college_id"] == str(college_many)
        ]
        self.assertCountEqual(in_dump, many)
        self.assertNotIn(in_dump, (many, many[::-1]), "the dump's order is not the vote order")


@tagged("post_install", "-at_install")
class TestSecretBallotMemberPages(HttpCase):
    """A member of the demo's Auvergne-Rhône-Alpes cooperative reads last year's minutes."""

    def test_member_minutes_hide_small_colleges(self):
        """Bernard downloads the minutes: the secret discharge vote shows no college alone."""
        assembly = self.env.ref("coop_governance.coop_assembly_ara_last_year")
        bernard = self.env.ref("coop_portal.user_bernard_roux")
        voter = assembly.voter_ids.filtered(lambda v: v.partner_id == bernard.partner_id)
        self.assertEqual(len(voter), 1)
        self.authenticate("bernard", "bernard")
        # Under HttpCase the route answers the report's HTML (wkhtmltopdf would wait
        # for the test server, which serves one request at a time): the same minutes the
        # PDF prints, which TestSecretBallot and coop_governance read as real PDFs.
        response = self.url_open(f"/my/assemblies/{voter.id}/minutes")
        self.assertEqual(response.status_code, 200)
        text = " ".join(html.fromstring(response.content).text_content().split())
        # The secret resolution is the last one of the minutes (its title is also on the
        # agenda, before).
        secret_part = text.rsplit("Quitus aux administrateurs", 1)[1]
        self.assertRegex(secret_part, "Merged colleges|Collèges regroupés")
        self.assertNotRegex(
            secret_part,
            r"(Consommateurs|Producteurs|Salariés|Partenaires|Collectivités locales)\s+\d",
            "no college of the secret vote with its own figures",
        )
        with self.assertRaises(AccessError):
            self.env["coop.resolution.result"].with_user(bernard).search_read([], ["yes_count"])

    def test_member_sees_no_result_of_a_small_anonymous_poll(self):
        """Bernard alone answered an anonymous poll: once closed, nobody sees its results."""
        gov_officer = new_test_user(
            self.env,
            login="gov_officer_ara_secret",
            groups="base.group_user,coop_governance.group_governance_officer",
            company_id=self.env.ref("coop_membership.coop_company_ara").id,
        )
        poll = (
            self.env.ref("coop_governance.coop_poll_ara_workshop")
            .copy({"name": "Atelier confidentiel"})
            .with_user(gov_officer)
        )
        poll.action_open()
        member = self.env.ref("coop_membership.member_bernard_roux")
        poll.answer(member, poll.option_ids[0])
        poll.action_close()
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/polls/{poll.id}/{member.id}").text
        self.assertIn("its results are not published", page)
        self.assertNotIn("coop_poll_results", page, "no results table")
        with self.assertRaisesRegex(UserError, "Fewer than 5 members answered"):
            poll.get_results()
