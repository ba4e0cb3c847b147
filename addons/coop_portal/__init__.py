from . import controllers
from . import models


def post_init_hook(env):
    """Minutes of the assemblies closed before this module: published in the library."""
    closed = env["coop.assembly"].search([("state", "=", "closed")])
    env["coop.document"]._coop_publish_minutes(closed)
