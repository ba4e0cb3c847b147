from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

# ---------------------------------------------------------------------------
# THE LEVEL RULES (the only place where they are written)
#
# Democratic level of a membership, 0-5, the highest rule that holds:
#   0  a client or former member: the membership is not active;
#   1  holds shares: an active member whose register shows at least one share
#      (a member whose capital was never recorded in the register, e.g. imported
#      without operations, counts as holding the share membership implies);
#   2  reads documents: a document read or a newsletter opened in the window;
#   3  votes: a vote cast or an assembly attended in the window;
#   4  takes part in debates: a question asked, a debate, a resolution proposed or
#      co-signed in the window;
#   5  stands for the board: a board candidacy in the window.
# Levels 2-5 need level 1: only members have a democratic level.
#
# Militant level, 0-2, for active members:
#   1  takes part in local actions: an event attended or an action call
#      volunteered in the window;
#   2  organises them: an event or action call organised in the window, or
#      coordinating a local group now (current coordinators count whatever the date
#      of their appointment).
#
# The window is the company's ``coop_engagement_window`` months back from today.
# Very active = democratic >= 4 or militant >= 1 (the study's 2 %);
# active = democratic >= 3 or very active (the study's 5-10 %, which include the 2 %:
# a volunteer who does not vote is active too).
# ---------------------------------------------------------------------------
DEMOCRATIC_RULES = {
    "document_read": 2,
    "newsletter_opened": 2,
    "vote_cast": 3,
    "assembly_attended": 3,
    "question_asked": 4,
    "debate": 4,
    "resolution_proposed": 4,
    "resolution_cosigned": 4,
    "board_candidacy": 5,
}
MILITANT_RULES = {
    "event_attended": 1,
    "action_volunteered": 1,
    "event_organised": 2,
    "action_organised": 2,
    "local_group_coordination": 2,
}
ACTIVE_LEVEL = 3
VERY_ACTIVE_LEVEL = 4

LEVELS = [(str(n), str(n)) for n in range(6)]


class CoopMember(models.Model):
    _inherit = "coop.member"

    # No index on the level columns: searches go through the company index, and
    # unindexed columns let PostgreSQL rewrite the rows in place (HOT) when the
    # nightly recomputation changes them.
    democratic_level = fields.Integer(
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="0 client, 1 holds shares, 2 reads documents, 3 votes, 4 takes part in "
        "debates, 5 stands for the board. For moderators' follow-up only.",
    )
    militant_level = fields.Integer(
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="0 none, 1 takes part in local actions, 2 organises them.",
    )
    is_engaged_active = fields.Boolean(
        string="Active",
        readonly=True,
        default=False,
        copy=False,
        help="Democratic level 3 or more, or very active.",
    )
    is_very_active = fields.Boolean(
        string="Very Active",
        readonly=True,
        default=False,
        copy=False,
        help="Democratic level 4 or more, or militant level 1 or more.",
    )
    very_active_since = fields.Date(readonly=True, copy=False)
    engagement_activity_ids = fields.One2many(
        "coop.engagement.activity", "member_id", string="Engagement Activities"
    )
    local_group_membership_ids = fields.One2many(
        related="partner_id.coop_local_group_membership_ids"
    )

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        # Link what the person did before joining (events as a client...) in one query.
        self.env["coop.engagement.activity"].flush_model()
        self.env.cr.execute(
            """
            UPDATE coop_engagement_activity a
               SET member_id = m.id
              FROM coop_member m
             WHERE m.id = ANY(%s) AND a.member_id IS NULL
               AND a.partner_id = m.partner_id AND a.company_id = m.company_id
            """,
            [members.ids],
        )
        self.env["coop.engagement.activity"].invalidate_model(["member_id"])
        return members

    def _lifecycle_write(self, vals):
        """Admission, exit and re-admission change who gets the cooperative's newsletter
        and who takes part in its discussions."""
        if "state" not in vals:
            return super()._lifecycle_write(vals)
        if self.env.context.get("coop_newsletter_defer"):
            res = super()._lifecycle_write(vals)
        else:
            was_active = {member.id: member.is_active_member for member in self}
            res = super()._lifecycle_write(vals)
            self._coop_newsletter_follow_activity(was_active)
        if not self.env.context.get("coop_channel_defer"):
            self._coop_sync_member_channels()
        return res

    def _close_membership(self, state, exit_date=None, reason=None):
        # The register closes memberships one by one: sync the newsletter and the
        # discussions once after.
        was_active = {member.id: member.is_active_member for member in self}
        res = super(
            CoopMember, self.with_context(coop_newsletter_defer=True, coop_channel_defer=True)
        )._close_membership(state, exit_date, reason)
        self._coop_newsletter_follow_activity(was_active)
        if not self.env.context.get("coop_channel_defer"):
            self._coop_sync_member_channels()
        return res

    def write(self, vals):
        res = super().write(vals)
        if "college_id" in vals:
            # A new college: out of the old college's discussion, into the new one's.
            self._coop_sync_member_channels()
        return res

    def _coop_sync_member_channels(self):
        """Every discussion of these members' cooperatives follows the register, in one
        set-based sync (see discuss.channel)."""
        self.env["discuss.channel"]._coop_sync_channels(self.company_id)

    def _coop_newsletter_follow_activity(self, was_active):
        """Re-sync the newsletter lists of the opted-in people whose membership became
        active or stopped being so (one batch)."""
        changed = self.filtered(lambda m: m.is_active_member != was_active[m.id])
        changed.partner_id.filtered("coop_newsletter_optin")._coop_sync_newsletter()

    @api.model
    def _coop_engagement_levels_sql(self, company_ids, today):
        """SELECT (member_id, democratic, militant) for every membership of the companies.

        Applies the rules documented at the top of this file, in one statement; also
        returns the stored levels (old_democratic, old_militant, was_active,
        was_very_active) so that the caller writes only what changed.
        """
        rules = SQL(", ").join(
            SQL(
                "(%s, %s, %s)",
                activity_type,
                DEMOCRATIC_RULES.get(activity_type, 0),
                MILITANT_RULES.get(activity_type, 0),
            )
            for activity_type in sorted(set(DEMOCRATIC_RULES) | set(MILITANT_RULES))
        )
        return SQL(
            """
            WITH rule(activity_type, democratic, militant) AS (VALUES %(rules)s),
            act AS (
                SELECT a.partner_id, a.company_id,
                       MAX(r.democratic) AS democratic, MAX(r.militant) AS militant
                  FROM coop_engagement_activity a
                  JOIN rule r ON r.activity_type = a.activity_type
                  JOIN res_company c ON c.id = a.company_id
                 WHERE a.company_id = ANY(%(companies)s)
                   AND a.date > %(today)s::date
                       - make_interval(months => COALESCE(c.coop_engagement_window, 24))
              GROUP BY a.partner_id, a.company_id
            ),
            coordinator AS (
                SELECT DISTINCT gm.partner_id, g.company_id
                  FROM coop_local_group_membership gm
                  JOIN coop_local_group g ON g.id = gm.local_group_id
                 WHERE gm.role = 'coordinator' AND g.active
                   AND g.company_id = ANY(%(companies)s)
            ),
            holder AS (
                SELECT m.id,
                       m.state IN %(active_states)s
                       AND (COALESCE(m.share_count, 0) >= 1
                            OR NOT EXISTS (SELECT 1 FROM coop_share_operation o
                                            WHERE o.member_id = m.id
                                              AND o.state = 'confirmed')) AS holds
                  FROM coop_member m
                 WHERE m.company_id = ANY(%(companies)s)
            )
            SELECT m.id AS member_id,
                   m.democratic_level AS old_democratic,
                   m.militant_level AS old_militant,
                   COALESCE(m.is_engaged_active, FALSE) AS was_active,
                   COALESCE(m.is_very_active, FALSE) AS was_very_active,
                   CASE WHEN h.holds THEN GREATEST(1, COALESCE(act.democratic, 0))
                        ELSE 0 END AS democratic,
                   CASE WHEN m.state IN %(active_states)s
                        THEN GREATEST(COALESCE(act.militant, 0),
                                      CASE WHEN co.partner_id IS NULL THEN 0 ELSE 2 END)
                        ELSE 0 END AS militant
              FROM coop_member m
              JOIN holder h ON h.id = m.id
         LEFT JOIN act ON act.partner_id = m.partner_id AND act.company_id = m.company_id
         LEFT JOIN coordinator co
                ON co.partner_id = m.partner_id AND co.company_id = m.company_id
            """,
            rules=rules,
            companies=list(company_ids),
            today=today,
            active_states=tuple(ACTIVE_STATES),
        )

    @api.model
    def _coop_engagement_update_sql(self, companies, today):
        """The UPDATE writing the levels that changed; returns the newly very active."""
        levels = self._coop_engagement_levels_sql(companies.ids, today)
        return SQL(
            """
                WITH lv AS (%(levels)s),
                upd AS (
                    UPDATE coop_member m
                       SET democratic_level = lv.democratic,
                           militant_level = lv.militant,
                           -- the very active (democratic >= 4 > 3, or militant) are active
                           is_engaged_active = (lv.democratic >= %(active)s
                                                OR lv.militant >= 1),
                           is_very_active = (lv.democratic >= %(very)s OR lv.militant >= 1),
                           very_active_since = CASE
                               WHEN NOT (lv.democratic >= %(very)s OR lv.militant >= 1)
                                   THEN NULL
                               WHEN lv.was_very_active THEN m.very_active_since
                               ELSE %(today)s END
                      FROM lv
                     WHERE lv.member_id = m.id
                       AND ((lv.democratic, lv.militant)
                            IS DISTINCT FROM (lv.old_democratic, lv.old_militant)
                            -- flags stored under an older definition of the rules
                            OR (lv.democratic >= %(active)s OR lv.militant >= 1)
                               IS DISTINCT FROM lv.was_active
                            OR (lv.democratic >= %(very)s OR lv.militant >= 1)
                               IS DISTINCT FROM lv.was_very_active)
                 RETURNING m.id, m.company_id,
                           (m.is_very_active AND NOT lv.was_very_active) AS newly
                )
                SELECT upd.id FROM upd
                  JOIN res_company c ON c.id = upd.company_id
                 WHERE upd.newly AND c.coop_engagement_date IS NOT NULL
                """,
            levels=levels,
            active=ACTIVE_LEVEL,
            very=VERY_ACTIVE_LEVEL,
            today=today,
        )

    @api.model
    def _coop_recompute_engagement(self, companies=None):
        """Recompute the levels of all memberships of the companies in one UPDATE.

        Only the rows whose levels change are written; the number of queries does not
        depend on the number of members. Returns the memberships that just became
        very active (for the momentum alerts), except on the very first computation
        of a company, when everybody would look new.
        """
        companies = companies or self.env["res.company"].sudo().search([])
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(self._coop_engagement_update_sql(companies, today))
        newly_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            "UPDATE res_company SET coop_engagement_date = %s WHERE id = ANY(%s)",
            [today, companies.ids],
        )
        self.invalidate_model(
            [
                "democratic_level",
                "militant_level",
                "is_engaged_active",
                "is_very_active",
                "very_active_since",
            ]
        )
        companies.invalidate_recordset(["coop_engagement_date"])
        return self.browse(newly_ids)

    def action_recompute_engagement(self):
        """Button: recompute now for the cooperatives of the selected memberships."""
        if not self.env.user.has_group("coop_membership.group_coop_officer"):
            raise AccessError(_("Only registry officers can recompute engagement levels."))
        self.check_access("read")
        newly = self._coop_recompute_engagement(self.company_id)
        newly._coop_alert_very_active()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Engagement levels recomputed."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _coop_alert_very_active(self):
        """Schedule a 'thank or welcome' activity for the moderators of each member."""
        if not self:
            return
        moderators = self.env["res.users"]._coop_moderators_by_company(self.company_id)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for member in self:
            for user in moderators.get(member.company_id.id, []):
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": member.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": _(
                            "%(name)s just became very active: thank or welcome them",
                            name=member.partner_id.name,
                        ),
                    }
                )
        self.env["mail.activity"].sudo().create(vals_list)

    @api.model
    def _cron_coop_engagement(self):
        """Nightly: recompute the levels, then raise the momentum alerts."""
        newly = self._coop_recompute_engagement()
        newly._coop_alert_very_active()
        self.env["coop.local.group"]._coop_alert_silent_groups()
        self.env["coop.assembly.participation.report"]._coop_alert_participation_drop()
        return True
