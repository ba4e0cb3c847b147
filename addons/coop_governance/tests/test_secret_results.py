from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import GovernanceCommon

RESULT_FIELDS = ["college_name", "yes_count", "no_count", "abstain_count", "expressed_count"]


class TestSecretResults(GovernanceCommon):
    """Secret votes of coop A: colleges of 20, 2, 3, 1 and 1 members (weights 40/20/15/15/10).

    The secretary of the assemblies (governance officer of coop A) runs the votes; the
    cooperative publishes no college of fewer than 5 voters (the default).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cons, prod, sal, part, coll = cls.colleges_a
        cls.cons = cls._create_members(20, cons, "Consumer")
        cls.prod = cls._create_members(2, prod, "Producer")
        cls.sal = cls._create_members(3, sal, "Employee")
        cls.part = cls._create_members(1, part, "Partner")
        cls.coll = cls._create_members(1, coll, "Town")
        cls.gov_manager_a = cls._create_user(
            "gov_manager_a", "coop_governance.group_governance_manager", cls.company_a
        )
        cls.assembly = cls._create_assembly(resolutions=2)
        cls.assembly.resolution_ids.write({"secret": True})
        cls.assembly.action_convene()
        cls.assembly.action_open()
        cls.assembly.voter_ids.action_check_in()

    def setUp(self):
        super().setUp()
        self.assembly = self.assembly.with_user(self.gov_officer_a)
        self.resolution, self.resolution_2 = self.assembly.resolution_ids

    def _voters(self, members):
        return self.assembly.voter_ids.filtered(lambda v: v.member_id in members)

    def _vote_everyone(self, resolution):
        """Consumers 4 yes 16 no; producers, employees, partner yes; the town abstains."""
        resolution.action_start_vote()
        for i, voter in enumerate(self._voters(self.cons)):
            resolution.cast_vote(voter, "yes" if i < 4 else "no", "in_room")
        for voter in self._voters(self.prod | self.sal | self.part):
            resolution.cast_vote(voter, "yes", "in_room")
        resolution.cast_vote(self._voters(self.coll), "abstain", "in_room")
        resolution.action_close_vote()

    def _published_rows(self, user, resolution):
        """What a staff user reads over RPC: the stored results per college."""
        return (
            self.env["coop.resolution.result"]
            .with_user(user)
            .search_read([("resolution_id", "=", resolution.id)], RESULT_FIELDS)
        )

    def _assert_no_small_row(self, rows, threshold=5):
        for row in rows:
            voters = row["yes_count"] + row["no_count"] + row["abstain_count"]
            self.assertFalse(
                0 < voters < threshold,
                f"{row['college_name']} shows {voters} voter(s) on its own",
            )

    def test_disclosure_rule_worked_examples(self):
        """The rule merges small colleges, and a big one too when the group stays small."""
        company = self.company_a.with_user(self.gov_officer_a)
        rule = company._coop_disclosure_groups
        # Small colleges together reach 5 voters: they form the merged row, A stays alone.
        self.assertEqual(
            rule({"A": 20, "B": 2, "C": 3, "D": 1, "E": 1}), (["A"], ["B", "C", "D", "E"])
        )
        # B + C have 3 voters: published with the total, they could be recomputed
        # (total - A); the smallest big college (A) joins them: only the total remains.
        self.assertEqual(rule({"A": 30, "B": 2, "C": 1}), ([], ["B", "C", "A"]))
        # Complementary suppression takes the smallest big college, the others stay.
        self.assertEqual(rule({"A": 30, "B": 12, "C": 1}), (["A"], ["C", "B"]))
        # Nothing small: everything published; no voter in a college reveals nobody.
        self.assertEqual(rule({"A": 8, "B": 6, "C": 0}), (["A", "B", "C"], []))
        # Fewer voters than the threshold in all: every college merged.
        self.assertEqual(rule({"A": 2, "B": 1}), ([], ["A", "B"]))
        with superuser_setup("arrange: the cooperative's statutes allow colleges of 2"):
            self.company_a.coop_secret_min_voters = 2
        # With 2: C alone is too small, B (the smallest other college) is merged with it.
        self.assertEqual(rule({"A": 30, "B": 2, "C": 1}), (["A"], ["C", "B"]))

    def test_secret_results_merge_small_colleges(self):
        """Staff reading the results of a secret vote see no college of fewer than 5 voters."""
        self._vote_everyone(self.resolution)
        for user in (self.gov_officer_a, self.gov_manager_a, self.reader_a):
            rows = self._published_rows(user, self.resolution)
            self._assert_no_small_row(rows)
            by_name = {row["college_name"]: row for row in rows}
            self.assertEqual(
                (by_name["Consumers"]["yes_count"], by_name["Consumers"]["no_count"]), (4, 16)
            )
            merged = [row for row in rows if row["college_name"].startswith("Merged colleges")]
            self.assertEqual(len(merged), 1, rows)
            self.assertEqual(
                (merged[0]["yes_count"], merged[0]["abstain_count"]),
                (6, 1),
                "producers, employees, partner and town: 6 yes and the town's abstention",
            )
            for name in ("Producers", "Employees", "Partners", "Local authorities"):
                self.assertNotIn(name, by_name)
                self.assertIn(name, merged[0]["college_name"])
        # The results method answers the same rows, and the weighted outcome is intact:
        # (40 x 4/20 + 20 + 15 + 15) / 90 (the town expressed nothing) = 64.44 %.
        results = self.resolution.get_results()
        self._assert_no_small_row(
            [
                {
                    "college_name": line["college_name"],
                    "yes_count": line["yes"],
                    "no_count": line["no"],
                    "abstain_count": line["abstain"],
                }
                for line in results["colleges"]
            ]
        )
        self.assertAlmostEqual(results["yes_share"], 100.0 * 58 / 90, places=6)
        self.assertAlmostEqual(self.resolution.yes_share, 100.0 * 58 / 90, places=2)
        self.assertEqual(self.resolution.state, "adopted")
        self.assertEqual(
            (self.resolution.yes_count, self.resolution.no_count), (10, 16), "totals published"
        )
        self.assertTrue(self.assembly.verify_audit_chain()["ok"], "the result seal holds")

    def test_secret_results_complementary_suppression(self):
        """When the small colleges are too few together, a big college is merged with them."""
        resolution = self.resolution_2
        resolution.action_start_vote()
        for voter in self._voters(self.cons):
            resolution.cast_vote(voter, "yes", "in_room")
        # Only the two producers vote besides the consumers: they would be 0 / 2 alone,
        # and 'total minus consumers' would tell it too.
        for voter in self._voters(self.prod):
            resolution.cast_vote(voter, "no", "in_room")
        resolution.action_close_vote()
        rows = self._published_rows(self.gov_officer_a, resolution)
        self._assert_no_small_row(rows)
        named = {row["college_name"] for row in rows}
        self.assertNotIn("Consumers", named, "the consumers are merged with the producers")
        self.assertNotIn("Producers", named)
        published_voters = sum(
            r["yes_count"] + r["no_count"] + r["abstain_count"]
            for r in rows
            if not r["college_name"].startswith("Merged colleges")
        )
        total_voters = resolution.yes_count + resolution.no_count + resolution.abstain_count
        self.assertGreaterEqual(
            total_voters - published_voters, 5, "the total minus the published rows is no leak"
        )
        # Weighted by college, the producers' no still weighs 20 against 40: 66.67 % yes.
        self.assertAlmostEqual(resolution.yes_share, 100.0 * 40 / 60, places=2)

    def test_staff_cannot_read_the_urn(self):
        """No staff role reads the secret urn's slots, even after the vote."""
        self._vote_everyone(self.resolution)
        for user in (self.gov_officer_a, self.gov_manager_a, self.reader_a, self.manager_a):
            Slot = self.env["coop.ballot.secret"].with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                Slot.search_read([("resolution_id", "=", self.resolution.id)], ["choice"])

    def test_minutes_pdf_hides_small_colleges(self):
        """The printed minutes of a secret vote show no small college on its own."""
        self._vote_everyone(self.resolution)
        pdf = self._render_pdf(
            "coop_governance.action_report_minutes", self.assembly, self.gov_officer_a
        )
        # The attendance table is public; the votes follow the "Resolutions" heading.
        text = " ".join(self._pdf_pages_text(pdf)).split("Resolutions", 1)[1]
        self.assertIn("Merged colleges", text)
        self.assertIn("Consumers", text)
        self.assertRegex(text, r"Consumers\s+4\s+16\s+0\s+20", "big colleges are published")
        self.assertNotRegex(
            text,
            r"(Producers|Employees|Partners|Local authorities)\s+\d",
            "a small college appears only in the merged row's name, never with its figures",
        )

    def test_warning_before_convening(self):
        """Before convening a secret vote, the secretary is told which colleges are small."""
        assembly = self._create_assembly(resolutions=1).with_user(self.gov_officer_a)
        self.assertFalse(assembly.secret_disclosure_warning, "no secret vote, no warning")
        assembly.resolution_ids.write({"secret": True})
        warning = assembly.secret_disclosure_warning
        self.assertTrue(warning)
        for name in ("Producers", "Employees", "Partners", "Local authorities"):
            self.assertIn(name, warning)
        self.assertNotIn("Consumers", warning)
        self.assertIn("weighted result itself may still reveal", warning)
        self.assertIn("merge colleges for this vote", warning)

    def test_anonymous_poll_merges_small_colleges(self):
        """An anonymous poll's results per college show no college of fewer than 5."""
        poll = (
            self.env["coop.poll"]
            .with_user(self.gov_officer_a)
            .create(
                {
                    "name": "Next project",
                    "company_id": self.company_a.id,
                    "anonymous": True,
                    "date_open": fields.Datetime.now() - timedelta(hours=1),
                    "date_close": fields.Datetime.now() + timedelta(days=7),
                    "option_ids": [(0, 0, {"name": "Solar roof"}), (0, 0, {"name": "Wind farm"})],
                }
            )
        )
        poll.action_open()
        solar, wind = poll.option_ids
        for member in self.cons:
            poll.answer(member, solar)
        for member in self.prod:
            poll.answer(member, wind)
        for member in self.sal:
            poll.answer(member, solar)
        results = {r["option"]: r for r in poll.get_results()}
        cons, prod, sal = self.colleges_a[:3]
        self.assertEqual(results[solar]["by_college"], {cons.id: 20})
        self.assertEqual(results[wind]["by_college"], {cons.id: 0})
        self.assertEqual(
            sorted(results[wind]["merged_colleges"]["college_ids"]), sorted((prod | sal).ids)
        )
        self.assertEqual(
            (results[solar]["merged_colleges"]["count"], results[wind]["merged_colleges"]["count"]),
            (3, 2),
            "producers and employees together: 5 answers",
        )
        self.assertEqual((results[solar]["count"], results[wind]["count"]), (23, 2))
        with self.assertRaises(AccessError):
            self.env["coop.poll.tally"].with_user(self.gov_officer_a).search_read(
                [("poll_id", "=", poll.id)], ["college_id", "count"]
            )

    def test_threshold_setting_refuses_zero(self):
        """The cooperative's threshold is at least 1; a wrong value is refused, not stored."""
        admin = self._create_user("gov_admin_a", "base.group_system", self.company_a)
        Settings = self.env["res.config.settings"].with_user(admin)
        self.assertEqual(Settings.create({}).coop_secret_min_voters, 5, "default: 5 voters")
        with self.assertRaisesRegex(ValidationError, "at least one voter"), self.env.cr.savepoint():
            Settings.create({"coop_secret_min_voters": 0}).execute()
        self.assertEqual(self.company_a.coop_secret_min_voters, 5)
