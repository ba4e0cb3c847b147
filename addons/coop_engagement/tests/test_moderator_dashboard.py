from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.coop_governance.tests.common import GovernanceCommon
from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

DASHBOARD_ACTIONS = (
    "coop_engagement.coop_engagement_company_report_action",
    "coop_engagement.coop_engagement_target_report_action",
    "coop_engagement.coop_engagement_figure_report_action_events",
    "coop_engagement.coop_engagement_figure_report_action_reached",
    "coop_engagement.coop_engagement_company_report_action_groups",
    "coop_engagement.coop_engagement_company_report_action_projects",
    "coop_engagement.coop_engagement_figure_report_action_budget",
    "coop_engagement.coop_assembly_preparation_report_action",
)


@tagged("post_install", "-at_install")
class TestModeratorDashboard(GovernanceCommon):
    """The moderator's dashboard (issue 26 §5) on a small cooperative A, with B beside it.

    A: 4 members with one share of 50 each this year (capital brought in: 200), two events
    organised by members and one by the cooperative, three people registered, a
    cooperative-life account with two costs and one donation. B: one member, one event,
    one stand.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.year = str(date.today().year)
        cls.moderator = cls._create_user(
            "dash_moderator_a", "coop_engagement.group_coop_moderator", cls.company_a
        )
        cls.moderator.coop_moderated_company_ids = cls.company_a
        cls.members = cls._create_members(4, cls.college_a_cons, "Dash member")
        cls.member_b = cls._create_member("Dash member B", company=cls.company_b)
        start = fields.Datetime.now() - timedelta(days=2)
        if start.year != date.today().year:  # the first days of January
            start = fields.Datetime.now()
        Event = cls.env["event.event"]
        cls.member_events = Event.create(
            [
                {
                    "name": f"Members' evening {i}",
                    "company_id": cls.company_a.id,
                    "organizer_id": cls.members[i].partner_id.id,
                    "date_begin": start,
                    "date_end": start + timedelta(hours=2),
                }
                for i in (0, 1)
            ]
        )
        cls.coop_event = Event.create(
            {
                "name": "Cooperative's information meeting",
                "company_id": cls.company_a.id,
                "organizer_id": cls.company_a.partner_id.id,
                "date_begin": start,
                "date_end": start + timedelta(hours=2),
            }
        )
        Event.create(
            {
                "name": "B meeting",
                "company_id": cls.company_b.id,
                "organizer_id": cls.member_b.partner_id.id,
                "date_begin": start,
                "date_end": start + timedelta(hours=2),
            }
        )
        Registration = cls.env["event.registration"]
        # Three people registered: member 2 at two events counts once.
        for event, member in (
            (cls.member_events[0], cls.members[2]),
            (cls.coop_event, cls.members[2]),
            (cls.coop_event, cls.members[3]),
            (cls.member_events[1], cls.members[0]),
        ):
            Registration.create({"event_id": event.id, "partner_id": member.partner_id.id})
        cls.env["coop.stand.report"].create(
            {
                "company_id": cls.company_b.id,
                "place": "Tours fair",
                "visitor_count": 500,
                "contact_count": 50,
            }
        )
        cls.env.flush_all()

    def _row(self, user=None, company=None):
        # SQL views: what was read before the change is stale in the cache.
        self.env.invalidate_all()
        rows = (
            self.env["coop.engagement.company.report"]
            .with_user(user or self.moderator)
            .search([("year", "=", self.year)])
        )
        return rows.filtered(lambda r: r.company_id == (company or self.company_a))

    def _figures(self, user=None):
        self.env.invalidate_all()
        rows = (
            self.env["coop.engagement.figure.report"]
            .with_user(user or self.moderator)
            .search([("year", "=", self.year), ("company_id", "=", self.company_a.id)])
        )
        return {row.figure: row.value for row in rows}

    def test_dashboard_opens_on_graphs(self):
        """Each entry of the moderator's dashboard opens on a chart, not on a list."""
        Menu = self.env["ir.ui.menu"].with_user(self.moderator)
        menus = Menu.load_menus(False)
        dashboard = self.env.ref("coop_engagement.coop_dashboard_menu")
        self.assertIn(dashboard.id, menus)
        children = menus[dashboard.id]["children"]
        self.assertEqual(len(children), len(DASHBOARD_ACTIONS))
        Actions = self.env["ir.actions.act_window"].with_user(self.moderator)
        for xmlid in DASHBOARD_ACTIONS:
            action = Actions._for_xml_id(xmlid)
            self.assertEqual(action["views"][0][1], "graph", xmlid)
            self.assertIn("pivot", action["view_mode"], xmlid)
            # The moderator may load the chart: fields and rules let her read the model.
            views = (
                self.env[action["res_model"]]
                .with_user(self.moderator)
                .get_views([(action["views"][0][0], "graph")])
            )
            self.assertIn("graph", views["views"])
            self.env[action["res_model"]].with_user(self.moderator).read_group(
                [], [], ["company_id"]
            )
        first = self.env.ref(DASHBOARD_ACTIONS[0])
        self.assertEqual(menus[children[0]]["action"], f"ir.actions.act_window,{first.id}")
        arch = self.env.ref("coop_engagement.coop_engagement_company_report_view_graph").arch
        self.assertIn('name="capital" type="measure"', arch)

    def test_events_by_members_apart_from_events_for_members(self):
        """Two events organised by members, one by the cooperative for its members."""
        row = self._row()
        self.assertEqual((row.member_event_count, row.coop_event_count), (2, 1))
        figures = self._figures()
        self.assertEqual(figures["1_member_events"], 2)
        self.assertEqual(figures["2_coop_events"], 1)

    def test_stand_visitors_are_people_reached(self):
        """The moderator records a stand: its visitors join the people met at events."""
        self.assertEqual(self._row().people_reached, 3)
        stand = (
            self.env["coop.stand.report"]
            .with_user(self.moderator)
            .create(
                {
                    "place": "Valence market",
                    "event_id": self.coop_event.id,
                    "visitor_count": 40,
                    "contact_count": 12,
                    "pledge_count": 2,
                }
            )
        )
        self.assertEqual(stand.company_id, self.company_a)
        self.assertEqual(stand.user_id, self.moderator)
        self.env.flush_all()
        row = self._row()
        self.assertEqual(row.event_participant_count, 3)
        self.assertEqual(row.stand_visitor_count, 40)
        self.assertEqual(row.stand_contact_count, 12)
        self.assertEqual(row.stand_pledge_count, 2)
        self.assertEqual(row.people_reached, 43)
        figures = self._figures()
        self.assertEqual((figures["3_event_participants"], figures["4_stand_visitors"]), (3, 40))

    def test_stand_report_refuses_impossible_figures(self):
        """More contacts than visitors, a negative count or a future date: refused."""
        Stand = self.env["coop.stand.report"].with_user(self.moderator)
        base = {"place": "Valence market", "visitor_count": 10}
        for values, message in (
            ({"contact_count": 11}, "more contacts or promises than it had visitors"),
            ({"visitor_count": -1}, "cannot be negative"),
            ({"date": date.today() + timedelta(days=3)}, "cannot be in the future"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                Stand.create({**base, **values})
        self.assertFalse(Stand.search([("place", "=", "Valence market")]))

    def test_coordinator_records_her_groups_stand(self):
        """A group's coordinator records its stand; another member may not."""
        group = self.env["coop.local.group"].create(
            {"name": "Dash Valence", "company_id": self.company_a.id}
        )
        coordinator, other = (
            create_user(
                self.env,
                f"dash_{key}",
                "base.group_portal",
                partner_id=member.partner_id.id,
            )
            for key, member in (("coordinator", self.members[0]), ("other", self.members[1]))
        )
        self.env["coop.local.group.membership"].create(
            [
                {"local_group_id": group.id, "partner_id": coordinator.partner_id.id},
                {"local_group_id": group.id, "partner_id": other.partner_id.id},
            ]
        )
        group.membership_ids.filtered(
            lambda m: m.partner_id == coordinator.partner_id
        ).role = "coordinator"
        values = {"place": "Fête du vélo", "visitor_count": 30, "company_id": self.company_b.id}
        stand = (
            self.env["coop.stand.report"]
            .with_user(coordinator)
            ._coop_coordinator_record(group, values)
        )
        # The group's cooperative, whatever the form sent.
        self.assertEqual(stand.company_id, self.company_a)
        self.assertEqual((stand.local_group_id, stand.user_id), (group, coordinator))
        with self.assertRaisesRegex(AccessError, "Only the coordinators"):
            self.env["coop.stand.report"].with_user(other)._coop_coordinator_record(group, values)
        # Members read no stand report from the back office.
        with self.assertRaises(AccessError):
            stand.with_user(coordinator).read(["place"])

    def test_budget_against_capital_brought_in(self):
        """Costs and donations of the cooperative-life account beside the capital brought in."""
        with superuser_setup("arrange: the accountant's analytic account and its lines"):
            plan = self.env["account.analytic.plan"].create({"name": "Dash plan"})
            account = self.env["account.analytic.account"].create(
                {"name": "Vie coopérative", "plan_id": plan.id, "company_id": self.company_a.id}
            )
            self.company_a.coop_life_analytic_account_id = account
            self.env["account.analytic.line"].create(
                [
                    {
                        "name": name,
                        "account_id": account.id,
                        "amount": amount,
                        "date": date.today(),
                        "company_id": self.company_a.id,
                    }
                    for name, amount in (
                        ("Stand material", -30.0),
                        ("Training room", -20.0),
                        ("Donation", 15.0),
                    )
                ]
            )
        self.env.flush_all()
        row = self._row()
        self.assertEqual(row.coop_life_budget, 50.0)
        self.assertEqual(row.coop_life_donation, 15.0)
        # Four members, one share of 50 each, subscribed this year.
        self.assertEqual(row.capital_in, 200.0)
        self.assertEqual(row.coop_life_ratio, 25.0)
        figures = self._figures()
        self.assertEqual(
            (figures["5_spending"], figures["6_donations"], figures["7_capital_in"]),
            (50.0, 15.0, 200.0),
        )
        # Grouped, the share is recomputed from the amounts.
        [(ratio,)] = (
            self.env["coop.engagement.company.report"]
            .with_user(self.moderator)
            ._read_group([("year", "=", self.year)], [], ["coop_life_ratio:avg"])
        )
        self.assertEqual(ratio, 25.0)

    def test_projects_born_from_members(self):
        """A project a member proposed counts; one the cooperative started does not."""
        Project = self.env["coop.production.project"].with_user(self.moderator)
        proposed = Project.create({"name": "School roof", "proposer_member_id": self.members[0].id})
        Project.create({"name": "Cooperative's own roof"})
        self.assertTrue(proposed.member_initiative)
        self.env.flush_all()
        self.assertEqual(self._row().member_project_count, 1)
        # The moderator unticks a project entrusted to a member later.
        proposed.member_initiative = False
        self.env.flush_all()
        self.assertEqual(self._row().member_project_count, 0)

    def test_assembly_preparation(self):
        """Census, convocations, registered members, proxies, postal votes and quorum."""
        members = self.members | self._create_members(8, self.college_a_cons, "Dash voter")
        assembly = self._create_assembly()
        with superuser_setup("arrange: the secretary convenes and members answer"):
            members[0].partner_id.coop_contact_channel = "paper"
            for member in members[1:]:
                member.partner_id.email = f"dash{member.id}@example.org"
            assembly.action_convene()
            assembly.action_send_convocations()
            voters = assembly.voter_ids
            voters[0].action_check_in("remote")
            voters[1].action_give_proxy(voters[0])
        self.env.flush_all()
        [row] = (
            self.env["coop.assembly.preparation.report"]
            .with_user(self.moderator)
            .search([("assembly_id", "=", assembly.id)])
        )
        self.assertEqual(row.voter_count, 12)
        self.assertEqual((row.convened_count, row.paper_convocation_count), (12, 1))
        self.assertEqual((row.registered_count, row.proxy_count), (1, 1))
        self.assertEqual(row.attending_count, 2)
        # Quorum of a first ordinary assembly: 25 % of 12 = 3; one voter missing.
        self.assertEqual((row.quorum_required, row.missing_count), (3, 1))
        self.assertEqual(row.projected_rate, round(100 * 2 / 12, 2))
        self.assertEqual(row.quorum_required, assembly.quorum_required)
        self.assertEqual(row.attending_count, assembly.attending_count)

    def test_targets_beside_shares(self):
        """Active and very active shares of A next to its targets (5 % and 2 %)."""
        self.env["coop.engagement.activity"].create(
            {
                "partner_id": self.members[0].partner_id.id,
                "company_id": self.company_a.id,
                "activity_type": "vote_cast",
            }
        )
        self.env["coop.member"]._coop_recompute_engagement(self.company_a)
        self.env.flush_all()
        rows = self.env["coop.engagement.target.report"].with_user(self.moderator).search([])
        self.assertEqual(rows.company_id, self.company_a)
        values = {row.indicator: row.value for row in rows}
        # One voter of four active members; the two event organisers are very active.
        active = self._row().active_rate
        self.assertEqual(values["1_active"], active)
        self.assertEqual(values["2_active_target"], 5.0)
        self.assertEqual(values["3_very_active"], self._row().very_active_rate)
        self.assertEqual(values["4_very_active_target"], 2.0)

    def test_other_cooperative_invisible(self):
        """The moderator of A sees none of B's figures, stands or assemblies."""
        self._create_assembly(company=self.company_b)
        self.env.flush_all()
        for model in (
            "coop.engagement.company.report",
            "coop.engagement.figure.report",
            "coop.engagement.target.report",
            "coop.assembly.preparation.report",
            "coop.stand.report",
        ):
            records = self.env[model].with_user(self.moderator).search([])
            self.assertNotIn(self.company_b, records.company_id, model)
        stand_b = self.env["coop.stand.report"].search([("company_id", "=", self.company_b.id)])
        with self.assertRaises(AccessError):
            stand_b.with_user(self.moderator).read(["visitor_count"])
        # B's stand is on B's row of the dashboard, for B's staff.
        self.assertEqual(self._row(self.officer_b, self.company_b).stand_visitor_count, 500)
