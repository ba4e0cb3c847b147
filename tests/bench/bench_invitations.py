"""Inviting 40,000 members to the member space (issue #23 §1 and §4).

Generates one cooperative of 40,000 admitted members with an email address (SQL,
set-based) and runs an invitation campaign over the whole cooperative the way the
scheduled action does, batch after batch (``coop.member.invitation._process_batch``,
500 members each: portal users made in one create, the emails rendered in one
``send_mail_batch`` and queued in ``mail.mail``). Prints the time per 1,000
invitations and in total, and the queries of every batch, which must stay constant
(not grow with the batch's position nor with the users already made).

In the same run, Odoo's own ``portal.wizard`` grants portal access to 1,000 other
contacts, one "Grant Access" per contact as the back office does it (the welcome email
is sent at once there: the SMTP connection is replaced by a stub in both measures).

    make bench BENCH=invitations [SCALE=0.1]
"""

import os
import time
from unittest.mock import MagicMock, patch

from common import clone_partners, report, scaled

import odoo
from odoo.tools import SQL

BATCH = 500


def _queries():
    return odoo.sql_db.sql_counter


def _setup(env, count):
    company = env["res.company"].create(
        {"name": "Bench invitations", "coop_legal_form": "scic", "email": "coop@example.org"}
    )
    college = env["coop.college"].create(
        {"name": "CONS", "code": "CONS", "vote_weight": 100, "company_id": company.id}
    )
    env.flush_all()
    ids = clone_partners(
        env,
        count,
        {
            "name": SQL("'Invited member ' || g"),
            "complete_name": SQL("'Invited member ' || g"),
            "email": SQL("'invited' || g || '@example.org'"),
            "email_normalized": SQL("'invited' || g || '@example.org'"),
        },
    )
    env.cr.execute(
        """
        INSERT INTO coop_member (partner_id, company_id, college_id, member_number, state,
                                 is_active_member, application_date, admission_date,
                                 currency_id, create_date, write_date)
             SELECT p, %s, %s, lpad(row_number() OVER (ORDER BY p)::text, 6, '0'), 'member',
                    true, DATE '2016-01-01', DATE '2016-01-01', %s, now(), now()
               FROM unnest(%s::int[]) AS p
        """,
        [company.id, college.id, company.currency_id.id, ids],
    )
    env.cr.execute("ANALYZE res_partner, coop_member, res_users")
    env.invalidate_all()
    return company


def _smtp_stub(env):
    """No mail leaves the bench: Odoo's wizard sends at once, our campaign queues."""
    return patch.multiple(
        type(env["ir.mail_server"]),
        connect=MagicMock(return_value=MagicMock()),
        send_email=MagicMock(return_value="<bench@example.org>"),
    )


def _campaign(env, company, count):
    Invitation = env["coop.member.invitation"]
    campaign = Invitation.create({"company_id": company.id, "scope": "company"})
    campaign._start()
    env.flush_all()
    per_batch = []  # (members, seconds, queries, CPU seconds of Odoo's process)
    start = time.perf_counter()
    while campaign.state == "running":
        q0, t0, c0 = _queries(), time.perf_counter(), time.process_time()
        done = campaign._process_batch(BATCH)
        env.flush_all()
        per_batch.append(
            (done, time.perf_counter() - t0, _queries() - q0, time.process_time() - c0)
        )
        # Each batch is its own transaction in the scheduled action: start the next one
        # with an empty cache, as after its commit.
        env.invalidate_all()
    total = time.perf_counter() - start
    return campaign, per_batch, total


def _portal_wizard(env, count):
    ids = clone_partners(
        env,
        count,
        {
            "name": SQL("'Wizard contact ' || g"),
            "complete_name": SQL("'Wizard contact ' || g"),
            "email": SQL("'wizard' || g || '@example.org'"),
            "email_normalized": SQL("'wizard' || g || '@example.org'"),
        },
    )
    env.invalidate_all()
    q0, t0, c0 = _queries(), time.perf_counter(), time.process_time()
    wizard = env["portal.wizard"].create({"partner_ids": [(6, 0, ids)]})
    for line in wizard.user_ids:
        line.action_grant_access()
    env.flush_all()
    print(f"  portal.wizard CPU time of Odoo's process: {time.process_time() - c0:.3f} s")
    return time.perf_counter() - t0, _queries() - q0


def run(env):
    count = scaled(40_000, minimum=BATCH * 4)
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores shared with other work)")
    company = _setup(env, count)
    print(f"data: 1 cooperative, {count} admitted members with an email, batches of {BATCH}")
    with _smtp_stub(env):
        campaign, per_batch, total = _campaign(env, company, count)
        invited = campaign.invited_count
        print(
            f"campaign: {invited} invited, {campaign.failed_count} failed, "
            f"{env['res.users'].search_count([('partner_id.name', '=like', 'Invited member %')])}"
            f" users, {env['mail.mail'].search_count([('model', '=', 'coop.member')])} "
            "emails queued"
        )
        report(f"invite {invited} members (total)", total)
        per_thousand = total / invited * 1000 if invited else 0
        report("invite 1,000 members (mean)", per_thousand)
        full = [b for b in per_batch if b[0] == BATCH]
        queries = [b[2] for b in full]
        seconds = [b[1] for b in full]
        cpu = sum(b[3] for b in per_batch)
        report("  of which CPU time of Odoo's process, per 1,000", cpu / invited * 1000)
        print(
            "queries per batch of 500: first "
            + ", ".join(str(q) for q in queries[:3])
            + " … last "
            + ", ".join(str(q) for q in queries[-3:])
            + f" (min {min(queries)}, max {max(queries)}, {len(queries)} batches)"
        )
        print(
            "seconds per batch of 500: first "
            + ", ".join(f"{s:.2f}" for s in seconds[:3])
            + " … last "
            + ", ".join(f"{s:.2f}" for s in seconds[-3:])
        )
        wizard_count = scaled(1_000, minimum=100)
        wizard_seconds, wizard_queries = _portal_wizard(env, wizard_count)
        report(f"portal.wizard: grant access to {wizard_count} contacts", wizard_seconds)
        ours = per_thousand * wizard_count / 1000
        report(
            f"portal.wizard against the campaign, {wizard_count} people",
            wizard_seconds,
            ours,
            "the campaign",
        )
        print(
            f"queries per person: campaign {sum(queries) / (len(queries) * BATCH):.1f}, "
            f"portal.wizard {wizard_queries / wizard_count:.1f}"
        )
