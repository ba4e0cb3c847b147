from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Secret votes closed before the disclosure rule: publish only what it allows."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["coop.resolution"].search([("secret", "=", True)])._republish_secret_results()
