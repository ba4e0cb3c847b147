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
