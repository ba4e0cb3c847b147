from odoo import SUPERUSER_ID, api

BATCH = 1000


def migrate(cr, version):
    """Proposals get their forum thread; forum posts count as engagement (issue #24).

    Databases made before had proposals open for co-signature without a thread, resolutions
    that came from a proposal holding a thread the proposal does not know, and members'
    questions and answers that never became engagement activities: open the missing
    threads, link the taken-over ones, and count the cooperatives' forums once, by batches.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["coop.proposal"].search(
        [("state", "in", ("published", "threshold"))]
    )._coop_open_forum_threads()
    cr.execute(
        """
        UPDATE forum_post t
           SET coop_proposal_id = p.id
          FROM coop_proposal p
         WHERE t.coop_resolution_id = p.resolution_id
           AND t.parent_id IS NULL
           AND t.coop_proposal_id IS NULL
        """
    )
    threads = (
        env["forum.post"]
        .with_context(active_test=False)
        .search([("parent_id", "=", False), ("forum_id.coop_company_id", "!=", False)])
    )
    for start in range(0, len(threads), BATCH):
        threads[start : start + BATCH]._coop_forum_resync_threads()
