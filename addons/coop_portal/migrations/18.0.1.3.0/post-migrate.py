from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """News on Odoo's blog (issue #25 §7), online payment and donations, erasure.

    An update installs website_blog just before coop_portal's data: its sample blog and
    its comment option then already exist, and coop_portal's noupdate data, which archives
    the first and turns on the second, is skipped on update. Done here once. The
    cooperatives' and groups' blogs are made by the data file itself, at every update.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    sample = env.ref("website_blog.blog_blog_1", raise_if_not_found=False)
    if sample and sample.active and not sample.coop_company_id and not sample.coop_local_group_id:
        sample.active = False
    comments = env.ref("website_blog.opt_blog_post_comment", raise_if_not_found=False)
    if comments and not comments.active:
        comments.active = True
