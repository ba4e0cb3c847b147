from odoo import SUPERUSER_ID, api

# The contact rule as security/coop_membership_security.xml declares it since 18.0.1.1.0.
CONTACT_RULE = (
    "[(1, '=', 1)] if user.share else ['|', '|', '|', '&', "
    "('coop_member_ids', '=', False), ('coop_subscription_request_ids', '=', False), "
    "('coop_member_ids.company_id', 'in', company_ids), "
    "('coop_subscription_request_ids.company_id', 'in', company_ids), "
    "('id', '=', user.partner_id.id)]"
)


def migrate(cr, version):
    """Applicants' contact cards were readable by every cooperative's staff.

    The rule is noupdate (a cooperative may have tuned it): databases installed before get
    the new domain only when they still have the one this module first shipped.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("coop_membership.res_partner_rule_coop_member_company", False)
    if (
        rule
        and "coop_subscription_request_ids" not in rule.domain_force
        and ("('coop_member_ids', '=', False)" in rule.domain_force)
    ):
        rule.domain_force = CONTACT_RULE
