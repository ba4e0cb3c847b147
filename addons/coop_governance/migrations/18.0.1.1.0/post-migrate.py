from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Secret votes closed before the disclosure rule: publish only what it allows;
    closed anonymous polls: their counters lose the transaction ids of the answers."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["coop.resolution"].search([("secret", "=", True)])._republish_secret_results()
    env["coop.poll"].search([("anonymous", "=", True), ("state", "=", "closed")])._rewrite_tally()
