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
    _no_name_in_website_acknowledgement(env)
    rule = env.ref("coop_membership.res_partner_rule_coop_member_company", False)
    if (
        rule
        and "coop_subscription_request_ids" not in rule.domain_force
        and ("('coop_member_ids', '=', False)" in rule.domain_force)
    ):
        rule.domain_force = CONTACT_RULE


def _no_name_in_website_acknowledgement(env):
    """The acknowledgement of a website application no longer greets the name typed in the
    form (anyone may type anyone's address). The template is noupdate: reload it only when
    nobody edited it, so that no cooperative's wording is lost."""
    template = env.ref(
        "coop_membership.mail_template_subscription_received", raise_if_not_found=False
    )
    if template and template.write_date == template.create_date:
        template.reset_template()
