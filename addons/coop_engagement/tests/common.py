from datetime import date, timedelta

from odoo.addons.coop_membership.tests.common import CoopTestCommon


class EngagementCommon(CoopTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Activity = cls.env["coop.engagement.activity"]
        cls.today = date.today()

    @classmethod
    def _activity(cls, member, activity_type, days_ago=10, **vals):
        return cls.Activity.create(
            {
                "partner_id": member.partner_id.id,
                "company_id": member.company_id.id,
                "activity_type": activity_type,
                "date": cls.today - timedelta(days=days_ago),
                **vals,
            }
        )

    def _recompute(self, companies=None):
        return self.env["coop.member"]._coop_recompute_engagement(
            companies or (self.company_a | self.company_b)
        )

    @classmethod
    def _create_moderator(cls, login, company, extra_companies=None):
        """A moderator ("chargée de vie coopérative") of ``company``, nothing more."""
        user = cls._create_user(
            login, "coop_engagement.group_coop_moderator", company, extra_companies
        )
        user.coop_moderated_company_ids = company
        return user
