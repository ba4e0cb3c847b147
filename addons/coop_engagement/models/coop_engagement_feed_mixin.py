"""One path from a record to the engagement activities it stands for."""

from odoo import api, fields, models


def activity_date(value):
    """The activity's day: the source's date when it has one, else today."""
    return fields.Date.to_date(value) if value else fields.Date.today()


class CoopEngagementFeedMixin(models.AbstractModel):
    """A record that feeds engagement activities (see coop.member for what each is worth).

    A model inherits it next to its own name (``_name = "coop.ballot"`` and
    ``_inherit = ["coop.ballot", "coop.engagement.feed.mixin"]``) and returns, from
    ``_coop_engagement_activity_values``, the activities its records stand for. Creating
    records logs them, unless ``_coop_engagement_log_on_create`` is False: then the model
    calls ``_coop_engagement_log`` when the fact happens (an attendance recorded, a
    resolution proposed). Activities are logged once per source record and kind, whatever
    the number of calls (``coop.engagement.activity._coop_log``).
    """

    _name = "coop.engagement.feed.mixin"
    _description = "Engagement Activity Feed"

    _coop_engagement_log_on_create = True

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if self._coop_engagement_log_on_create:
            records._coop_engagement_log()
        return records

    def _coop_engagement_activity_values(self):
        """Values of the activities ``self`` stands for, a list of dicts for
        ``coop.engagement.activity`` (partner_id, company_id, activity_type, and res_model
        and res_id of the source so that it counts once). To override."""
        return []

    def _coop_engagement_log(self):
        """Log the activities of ``self``. Private: the facts are checked by the caller."""
        return self.env["coop.engagement.activity"]._coop_log(
            self._coop_engagement_activity_values()
        )

    def _coop_engagement_resync(self, activity_types):
        """Make the activities of ``self`` of these types match what the records stand
        for now: log the missing ones and take back those they no longer stand for
        (a forum post deleted or hidden by moderation leaves no phantom activity).

        For sources whose facts can be undone; ``activity_types`` limits the take-back
        to the kinds this feed logs (another feed may log other kinds on the same
        source). Works on batches: one query finds what is logged, one removes, one
        adds. Private: the facts are checked by the caller.
        """
        wanted = self._coop_engagement_activity_values()
        keys = {
            (v["partner_id"], v["company_id"], v["activity_type"], v["res_model"], v["res_id"])
            for v in wanted
        }
        Activity = self.env["coop.engagement.activity"].sudo()
        logged = Activity.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type", "in", list(activity_types)),
            ]
        )
        logged.filtered(
            lambda a: (
                (a.partner_id.id, a.company_id.id, a.activity_type, a.res_model, a.res_id)
                not in keys
            )
        ).unlink()
        return Activity._coop_log(wanted)
