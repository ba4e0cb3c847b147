from odoo import _, api, models

# Set while res.partner._coop_sync_newsletter writes subscriptions: they follow the
# opt-in then, and must not feed back into it.
SYNC_CONTEXT = "coop_newsletter_sync"
OPT_OUT_FIELDS = {"opt_out", "opt_out_datetime", "opt_out_reason_id"}


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        if not self.env.context.get(SYNC_CONTEXT):
            subscriptions._coop_newsletter_follow()
        return subscriptions

    def write(self, vals):
        if self.env.context.get(SYNC_CONTEXT) or not OPT_OUT_FIELDS & set(vals):
            return super().write(vals)
        before = {subscription.id: subscription.opt_out for subscription in self}
        res = super().write(vals)
        self.filtered(lambda s: s.opt_out != before[s.id])._coop_newsletter_follow()
        return res

    def _coop_newsletter_follow(self):
        """Carry a change made outside the suite back to the newsletter opt-in.

        mass_mailing records here what the recipient chose through the link of a
        mailing (no login needed) and what staff change on a list. On the federation's
        newsletter or a cooperative's list, it is the person's answer to the one
        newsletter question: unsubscribing sets the opt-in off (the partner's sync then
        unsubscribes them from the other newsletter lists, and no later sync puts them
        back), subscribing again sets it on. Theme and local-group lists are left alone.
        """
        newsletter_lists = self.env["res.partner"]._coop_newsletter_all_lists()
        subscriptions = self.sudo().filtered(lambda s: s.list_id in newsletter_lists)
        if not subscriptions:
            return
        wanted = {}
        for subscription in subscriptions:
            email = subscription.contact_id.email_normalized
            if email:
                # Several changes for one address in a batch: an opt-out wins.
                wanted[email] = wanted.get(email, True) and not subscription.opt_out
        partners = (
            self.env["res.partner"]
            .sudo()
            .search([("email_normalized", "in", list(wanted))])
            .filtered(lambda p: p.coop_newsletter_optin != wanted[p.email_normalized])
        )
        for optin in (True, False):
            changed = partners.filtered(lambda p, o=optin: wanted[p.email_normalized] == o)
            if not changed:
                continue
            changed.write({"coop_newsletter_optin": optin})
            body = (
                _("Newsletter turned on: subscribed again to a newsletter mailing list.")
                if optin
                else _(
                    "Newsletter turned off: unsubscribed from a newsletter mailing list "
                    "(unsubscribe link of a mailing, or a change of the list)."
                )
            )
            changed._message_log_batch(bodies=dict.fromkeys(changed.ids, body))
