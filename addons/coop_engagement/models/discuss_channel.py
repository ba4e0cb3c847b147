from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

# The three kinds of cooperative channels, each tied to the record whose people it holds.
COOP_CHANNEL_KINDS = {
    "group": "coop_local_group_id",
    "college": "coop_college_id",
    "board": "coop_board_company_id",
}
# Staff who sit in a cooperative's "board and staff" channel (with the moderators assigned
# to that cooperative): the officers of its register, of its assemblies and its moderators
# whose main company it is. No board is recorded in the database; the board's members
# reach it through these roles.
COOP_STAFF_GROUPS = (
    "coop_membership.group_coop_officer",
    "coop_governance.group_governance_officer",
    "coop_engagement.group_coop_moderator",
)


class DiscussChannel(models.Model):
    """Private Discuss channels of the cooperatives: one per local group, per college and
    one for the board and staff of each cooperative.

    They are Discuss channels of type "channel" with no authorized group, closed to
    everyone but their members by global record rules (security/discuss_channel_security.xml):
    Discuss opens them (full page /discuss/channel/<id>, portal users included) to their
    members only, and answers anyone else as for a channel that does not exist; nobody
    joins or invites into them. Not "group" channels, which Discuss opens by membership
    too but whose every member it sends to each reader's browser: a college has 12,000.
    Their members are never added by hand: the set-based sync below makes them follow the
    register (admissions, exits, college changes) and the local groups (joining, leaving,
    sub-groups).
    """

    _inherit = "discuss.channel"

    coop_local_group_id = fields.Many2one(
        "coop.local.group",
        string="Local Group",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        copy=False,
    )
    coop_college_id = fields.Many2one(
        "coop.college",
        string="College",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        copy=False,
    )
    coop_board_company_id = fields.Many2one(
        "res.company",
        string="Board of",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        copy=False,
    )

    _sql_constraints = [
        (
            "coop_local_group_uniq",
            "unique(coop_local_group_id)",
            "A local group has one discussion.",
        ),
        ("coop_college_uniq", "unique(coop_college_id)", "A college has one discussion."),
        (
            "coop_board_company_uniq",
            "unique(coop_board_company_id)",
            "A cooperative has one board discussion.",
        ),
    ]

    # ------------------------------------------------------------------
    # Moderation: a group's coordinators remove messages from its discussion
    # ------------------------------------------------------------------
    def _coop_can_moderate(self):
        """Whether the current user coordinates this channel's local group (or a group
        above it). Odoo 18's Discuss has no channel roles: this is what moderating a
        group's discussion means here: removing others' messages with Discuss's delete
        button (controllers/thread.py)."""
        self.ensure_one()
        group = self.sudo().coop_local_group_id
        if not group:
            return False
        return bool(
            self.env["coop.local.group.membership"]
            .sudo()
            .search_count(
                [
                    ("local_group_id", "parent_of", group.id),
                    ("role", "=", "coordinator"),
                    ("partner_id", "=", self.env.user.partner_id.id),
                ],
                limit=1,
            )
        )

    def _to_store(self, store):
        res = super()._to_store(store)
        # Discuss shows the delete button of others' messages to the group's coordinators.
        for channel in self.filtered("coop_local_group_id"):
            store.add(channel, {"coopCanModerate": channel._coop_can_moderate()})
        return res

    @api.model
    def _coop_my_channels(self):
        """The cooperative discussions the current user takes part in, read as her."""
        return self.sudo(False).search(
            [
                ("is_member", "=", True),
                "|",
                "|",
                ("coop_local_group_id", "!=", False),
                ("coop_college_id", "!=", False),
                ("coop_board_company_id", "!=", False),
            ],
            order="name",
        )

    # ------------------------------------------------------------------
    # Set-based sync
    # ------------------------------------------------------------------
    @api.model
    def _coop_sync_all_channels(self):
        """Sync the channels of every cooperative (install, update, nightly safety net)."""
        companies = (
            self.env["coop.college"].sudo().with_context(active_test=False).search([]).company_id
            | self.env["coop.local.group"]
            .sudo()
            .with_context(active_test=False)
            .search([])
            .company_id
        )
        return self._coop_sync_channels(companies)

    @api.model
    def _coop_sync_board_channels(self, companies):
        """The board and staff discussions of those of ``companies`` that are
        cooperatives (that have colleges), after a change of staff."""
        cooperatives = (
            self.env["coop.college"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
            .company_id
        )
        return self._coop_sync_channels(cooperatives, kinds=("board",))

    @api.model
    def _coop_sync_channels(self, companies, kinds=tuple(COOP_CHANNEL_KINDS)):
        """Make the members of the channels of ``companies`` what the register says.

        One statement computes the wanted (channel, person) pairs of every channel of the
        given kinds; one reads the current ones; the difference is applied with one
        create and one unlink of discuss.channel.member. The number of queries does not
        grow with the number of members (a cooperative has 12,000 of them).

        Private: callers are the register's and the groups' own methods, after their
        rights were checked; it works as superuser since members cannot add each other.
        """
        companies = companies.sudo()
        if not companies:
            return self.browse()
        channels = self._coop_ensure_channels(companies, kinds)
        wanted = channels._coop_wanted_members()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, channel_id, partner_id
                  FROM discuss_channel_member
                 WHERE channel_id = ANY(%s) AND guest_id IS NULL
                """,
                channels.ids,
            )
        )
        current = {}
        extra = []
        for member_id, channel_id, partner_id in self.env.cr.fetchall():
            if (channel_id, partner_id) in wanted:
                current[(channel_id, partner_id)] = member_id
            else:
                extra.append(member_id)
        Member = self.env["discuss.channel.member"].sudo()
        if extra:
            Member.browse(extra).unlink()
        missing = sorted(wanted - current.keys())
        if missing:
            Member.create(
                [{"channel_id": channel_id, "partner_id": pid} for channel_id, pid in missing]
            )
        return channels

    @api.model
    def _coop_ensure_channels(self, companies, kinds):
        """The channels of ``companies`` of the given kinds, creating the missing ones and
        renaming those whose group, college or cooperative was renamed."""
        Channel = self.sudo().with_context(active_test=False)
        groups = (
            self.env["coop.local.group"].sudo().search([("company_id", "in", companies.ids)])
            if "group" in kinds
            else self.env["coop.local.group"]
        )
        colleges = (
            self.env["coop.college"].sudo().search([("company_id", "in", companies.ids)])
            if "college" in kinds
            else self.env["coop.college"]
        )
        boards = companies if "board" in kinds else self.env["res.company"]
        existing = Channel.search(
            [
                "|",
                "|",
                ("coop_local_group_id.company_id", "in", companies.ids),
                ("coop_college_id.company_id", "in", companies.ids),
                ("coop_board_company_id", "in", companies.ids),
            ]
        ).filtered(lambda c: c._coop_channel_kind() in kinds)
        wanted_names = {}
        for group in groups:
            wanted_names[("group", group.id)] = group.complete_name
        for college in colleges:
            wanted_names[("college", college.id)] = f"{college.name} — {college.company_id.name}"
        for company in boards:
            # In the cooperative's language, not that of whoever triggered the sync.
            env = self.with_context(lang=company.partner_id.lang or self.env.lang).env
            wanted_names[("board", company.id)] = env._(
                "Board and staff — %(company)s", company=company.name
            )
        for channel in existing:
            key = channel._coop_channel_key()
            name = wanted_names.pop(key, None)
            if name and channel.name != name:
                channel.name = name
        if wanted_names:
            # install_mode: Discuss would add whoever triggers the sync as a member.
            existing |= Channel.with_context(install_mode=True).create(
                [
                    {
                        "name": name,
                        "channel_type": "channel",
                        # Not Odoo's default (every internal user): the rules open it
                        # to its members only.
                        "group_public_id": False,
                        COOP_CHANNEL_KINDS[kind]: res_id,
                    }
                    for (kind, res_id), name in wanted_names.items()
                ]
            )
        return existing.with_context(install_mode=False)

    def _coop_channel_kind(self):
        self.ensure_one()
        return next((kind for kind, fname in COOP_CHANNEL_KINDS.items() if self[fname]), False)

    def _coop_channel_key(self):
        kind = self._coop_channel_kind()
        return kind, self[COOP_CHANNEL_KINDS[kind]].id

    def _coop_wanted_members(self):
        """{(channel id, partner id)} of the people each channel of ``self`` should hold.

        One statement for all the channels, since the ORM would read every membership of
        the cooperative into memory:
        - a local group's channel: its members (and its sub-groups' where the group says
          so) who are active members of the group's cooperative; an organisation takes
          part through its representative;
        - a college's channel: the active members of that college, organisations through
          their representative;
        - the board and staff channel: the cooperative's officers, governance officers
          and moderators working in it, and the moderators assigned to it.
        """
        if not self:
            return set()
        self.env.flush_all()
        staff_group_ids = [self.env.ref(xmlid).id for xmlid in COOP_STAFF_GROUPS]
        states = list(ACTIVE_STATES)
        self.env.cr.execute(
            SQL(
                """
                WITH channel AS (
                    SELECT id, coop_local_group_id, coop_college_id, coop_board_company_id
                      FROM discuss_channel
                     WHERE id = ANY(%(channels)s)
                ), group_people AS (
                    SELECT c.id AS channel_id, gm.partner_id, g.company_id
                      FROM channel c
                      JOIN coop_local_group g ON g.id = c.coop_local_group_id AND g.active
                      JOIN coop_local_group h
                        ON h.active
                       AND (h.id = g.id
                            OR (g.coop_channel_include_subgroups
                                AND h.parent_path LIKE g.parent_path || %(like_any)s))
                      JOIN coop_local_group_membership gm ON gm.local_group_id = h.id
                )
                SELECT gp.channel_id, COALESCE(m.representative_id, m.partner_id)
                  FROM group_people gp
                  JOIN coop_member m
                    ON m.partner_id = gp.partner_id
                   AND m.company_id = gp.company_id
                   AND m.state = ANY(%(states)s)
                UNION
                SELECT gp.channel_id, gp.partner_id
                  FROM group_people gp
                  JOIN coop_member m
                    ON m.representative_id = gp.partner_id
                   AND m.company_id = gp.company_id
                   AND m.state = ANY(%(states)s)
                UNION
                SELECT c.id, COALESCE(m.representative_id, m.partner_id)
                  FROM channel c
                  JOIN coop_member m
                    ON m.college_id = c.coop_college_id AND m.state = ANY(%(states)s)
                UNION
                SELECT c.id, u.partner_id
                  FROM channel c
                  JOIN res_users u
                    ON u.active AND NOT u.share AND u.id != %(root)s
                   AND ((u.company_id = c.coop_board_company_id
                         AND EXISTS (SELECT 1 FROM res_groups_users_rel r
                                      WHERE r.uid = u.id AND r.gid = ANY(%(staff)s)))
                        OR EXISTS (SELECT 1 FROM coop_moderator_company_rel mc
                                    WHERE mc.user_id = u.id
                                      AND mc.company_id = c.coop_board_company_id))
                """,
                channels=self.ids,
                like_any="%",
                states=states,
                root=SUPERUSER_ID,
                staff=staff_group_ids,
            )
        )
        return {(channel_id, partner_id) for channel_id, partner_id in self.env.cr.fetchall()}
