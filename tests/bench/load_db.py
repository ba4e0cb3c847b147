"""The database of `make loadtest`: a federation at Enercoop x 3 scale, committed.

Built once as a template (``coop_load_tpl``), copied for every run so each run starts from
the same state. Set-based like the benches (the generators of bench_membership,
bench_capital and bench_portal):

- 120,000 members in 10 cooperatives, the first one large (30 % of the people plus its
  even share: ~44,000 members) so that its general assembly has over 30,000 voters;
- 400,000 register operations;
- in that cooperative an open ordinary assembly, census frozen, 4 resolutions in vote
  (the last one secret, its urn filled); no quorum is required (second convocation), so
  the vote opens before anyone attends;
- portal logins for 30,000 voters plus the members they may give a proxy to, for 300
  members of the other cooperatives (the readers, who log in during the run), 20 portal
  users without membership (Odoo's own /my, the reference), 3 officers of the large
  cooperative and its accountant;
- in that cooperative 10 members' proposals open for co-signature (issue 24), the first
  with 5,000 co-signatures and 200 versions of its text (bench_proposals' largest), the
  others with fewer (signatures inserted set-based, versions written by the ORM), and
  portal logins for 2,000 other members of it who co-sign during the run (the
  co-signers: neither voters nor signatories yet).

Portal logins are cloned in SQL from one user made by the ORM: same password hash (Odoo's
600,000 PBKDF2 rounds), so a login costs what it costs in production.
"""

import datetime
from datetime import timedelta

from bench_capital import N_OPERATIONS, _setup_operations
from bench_membership import _setup as setup_members
from common import clone_rows, fill_holdings, scaled

from odoo import Command, fields
from odoo.tools import SQL

N_MEMBERS = 120_000
FIRST_PERCENT = 30
N_VOTERS = 30_000
N_READERS = 300
N_REFERENCE = 20
N_RESOLUTIONS = 4
N_COSIGNERS = 2_000
# Signatures and versions of the text of each proposal open for co-signature.
PROPOSALS = [(5_000, 200), (2_000, 20), (1_000, 5), (500, 5), (200, 3), (100, 3), (50, 2),
             (20, 2), (10, 1), (0, 1)]  # fmt: skip
PASSWORD = "load-test-password"  # noqa: S105 - throwaway users of the load database
ASSEMBLY_NAME = "Load test assembly"


def _portal_users(env, partner_ids, prefix):
    """Portal users of ``partner_ids`` (login ``<prefix><partner id>@load.example.org``)."""
    if not partner_ids:
        return []
    portal = env.ref("base.group_portal")
    template = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": f"Load template {prefix}",
                "login": f"{prefix}template@load.example.org",
                "password": PASSWORD,
                "groups_id": [Command.set(portal.ids)],
            }
        )
    )
    ids = clone_rows(
        env,
        "res_users",
        template.id,
        len(partner_ids),
        {
            "login": SQL("%s || (%s::int[])[g] || '@load.example.org'", prefix, partner_ids),
            "partner_id": SQL("(%s::int[])[g]", partner_ids),
        },
    )
    cr = env.cr
    for table, column in (("res_groups_users_rel", "uid"), ("res_company_users_rel", "user_id")):
        other = "gid" if table == "res_groups_users_rel" else "cid"
        cr.execute(
            SQL(
                "INSERT INTO %(t)s (%(o)s, %(c)s) SELECT r.%(o)s, u "
                "FROM %(t)s r, unnest(%(ids)s) u WHERE r.%(c)s = %(template)s",
                t=SQL.identifier(table),
                o=SQL.identifier(other),
                c=SQL.identifier(column),
                ids=ids,
                template=template.id,
            )
        )
    cr.execute("SELECT login FROM res_users WHERE id = ANY(%s) ORDER BY id", [ids])
    return [row[0] for row in cr.fetchall()]


def _staff(env, company):
    """Officers and the accountant of ``company`` (ORM: real internal users)."""
    user_group = env.ref("base.group_user")
    groups = {
        "officer": [
            env.ref("coop_membership.group_coop_officer"),
            env.ref("coop_governance.group_governance_officer"),
        ],
        "accountant": [env.ref("coop_membership.group_coop_accountant")],
    }
    staff = {}
    for role, count in (("officer", 3), ("accountant", 1)):
        users = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": f"Load {role} {i + 1}",
                        "login": f"{role}{i + 1}@load.example.org",
                        "password": PASSWORD,
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [Command.set([user_group.id] + [g.id for g in groups[role]])],
                    }
                    for i in range(count)
                ]
            )
        )
        staff[role] = users.mapped("login")
    return staff


def _assembly(env, company):
    """Open ordinary assembly of ``company``, census frozen, every resolution in vote."""
    company.coop_quorum_ordinary_first = 0.0
    assembly = env["coop.assembly"].create(
        {
            "name": ASSEMBLY_NAME,
            "company_id": company.id,
            "assembly_type": "ordinary",
            # Convened a month ahead (statutory delay), held today: open.
            "date": fields.Datetime.now() + timedelta(days=30),
            "place": "Online and town hall",
        }
    )
    resolutions = env["coop.resolution"].create(
        [
            {
                "assembly_id": assembly.id,
                "name": f"Resolution {i + 1}",
                "sequence": i,
                "secret": i == N_RESOLUTIONS - 1,
            }
            for i in range(N_RESOLUTIONS)
        ]
    )
    assembly.action_convene()
    assembly.action_open()
    resolutions.filtered(lambda r: r.state == "draft").action_propose()
    resolutions.action_start_vote()
    return assembly


def _proposals(env, company, cosigner_partners):
    """Published proposals of ``company`` (PROPOSALS), signed by members who are not
    co-signers of the run; the threshold checked once, as after a signature."""
    cr = env.cr
    # Open for co-signature as long as the template lives (a run signs until its end).
    company.coop_proposal_signature_days = 365
    cr.execute(
        "SELECT id FROM coop_member WHERE company_id = %s AND state = 'member' "
        "AND partner_id <> ALL(%s) ORDER BY id LIMIT %s",
        [company.id, cosigner_partners, len(PROPOSALS)],
    )
    authors = env["coop.member"].browse([row[0] for row in cr.fetchall()])
    proposals = env["coop.proposal"]
    for i, (_signatures, versions) in enumerate(PROPOSALS):
        author = authors[i % len(authors)]
        proposal = (
            env["coop.proposal"]
            .with_company(company)
            .create(
                {
                    "name": f"Load test proposal {i + 1}",
                    "company_id": company.id,
                    "author_id": author.id,
                    "body": _proposal_body(0),
                    "rationale": "<p>Local energy for local members.</p>",
                }
            )
        )
        # Each save of the draft is a version (html.field.history.mixin).
        for version in range(1, versions + 1):
            proposal._member_write(author, {"name": proposal.name, "body": _proposal_body(version)})
        proposal._member_publish(author)
        proposals |= proposal
    env.flush_all()
    for proposal, (signatures, _versions) in zip(proposals, PROPOSALS, strict=True):
        cr.execute(
            """
            INSERT INTO coop_proposal_signature
                   (proposal_id, company_id, member_id, signed_on,
                    create_uid, write_uid, create_date, write_date)
            SELECT %(proposal)s, m.company_id, m.id, now() - interval '1 day',
                   %(uid)s, %(uid)s, now(), now()
              FROM coop_member m
             WHERE m.company_id = %(company)s AND m.state IN ('member', 'resigning')
               AND m.partner_id <> ALL(%(cosigners)s)
          ORDER BY m.id
             LIMIT %(count)s
            """,
            {
                "proposal": proposal.id,
                "uid": env.uid,
                "company": company.id,
                "cosigners": cosigner_partners,
                "count": signatures,
            },
        )
    cr.execute("ANALYZE coop_proposal_signature")
    env.invalidate_all()
    proposals._check_threshold()
    return proposals


def _proposal_body(version):
    """The text at ``version``: ten articles, one rewritten per version."""
    return "".join(
        f"<p>Article {article + 1}: the cooperative "
        + (f"commits to measure {version} of" if article == version % 10 else "keeps")
        + " its energy purchases local and renewable, reported at each assembly.</p>"
        for article in range(10)
    )


def build(env):
    """Generate everything; return a summary dict. The caller commits."""
    companies, _seconds = setup_members(env, scaled(N_MEMBERS, 500), FIRST_PERCENT)
    classes = _setup_operations(env, companies, scaled(N_OPERATIONS, 1_000))
    cr = env.cr
    # Cloned people are their own commercial entity, not the template's.
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE name LIKE 'Bench member %%' AND commercial_partner_id <> id"
    )
    fill_holdings(env, companies)
    company = companies[0]
    company.name = "Bench coop 0 (large)"
    assembly = _assembly(env, company)
    n_voters = scaled(N_VOTERS, 50)
    # Voters able to vote (active members of the census), then as many proxy holders.
    cr.execute(
        """
        SELECT v.partner_id FROM coop_assembly_voter v JOIN coop_member m ON m.id = v.member_id
         WHERE v.assembly_id = %s AND m.state = 'member' ORDER BY v.id LIMIT %s
        """,
        [assembly.id, n_voters + n_voters // 20 + 1],
    )
    voter_partners = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        SELECT DISTINCT ON (m.partner_id) m.partner_id FROM coop_member m
         WHERE m.company_id = ANY(%s) AND m.state = 'member'
           AND NOT EXISTS (SELECT 1 FROM coop_member o WHERE o.partner_id = m.partner_id
                                                         AND o.company_id = %s)
         ORDER BY m.partner_id LIMIT %s
        """,
        [companies[1:].ids, company.id, N_READERS],
    )
    reader_partners = [row[0] for row in cr.fetchall()]
    outsiders = env["res.partner"].create(
        [
            {"name": f"Load visitor {i + 1}", "email": f"visitor{i + 1}@load.example.org"}
            for i in range(N_REFERENCE)
        ]
    )
    # Co-signers: members of the large cooperative who neither vote nor hold a proxy.
    cr.execute(
        """
        SELECT m.partner_id FROM coop_member m
         WHERE m.company_id = %s AND m.state = 'member' AND m.partner_id <> ALL(%s)
         ORDER BY m.id DESC LIMIT %s
        """,
        [company.id, voter_partners, scaled(N_COSIGNERS, 50)],
    )
    cosigner_partners = [row[0] for row in cr.fetchall()]
    voters = _portal_users(env, voter_partners, "voter")
    readers = _portal_users(env, reader_partners, "reader")
    reference = _portal_users(env, outsiders.ids, "visitor")
    cosigners = _portal_users(env, cosigner_partners, "cosigner")
    staff = _staff(env, company)
    proposals = _proposals(env, company, cosigner_partners)
    cr.execute("ANALYZE res_users, res_partner, coop_assembly_voter")
    env.invalidate_all()
    return {
        "companies": len(companies),
        "members": env["coop.member"].search_count([("company_id", "in", companies.ids)]),
        "operations": env["coop.share.operation"].search_count(
            [("company_id", "in", companies.ids)]
        ),
        "share_classes": len(classes),
        "assembly_id": assembly.id,
        "census": len(assembly.voter_ids),
        "voter_logins": len(voters),
        "reader_logins": len(readers),
        "reference_logins": len(reference),
        "cosigner_logins": len(cosigners),
        "proposal_ids": proposals.ids,
        "proposal_signatures": [p.signature_count for p in proposals],
        **staff,
        "company_id": company.id,
        "built": datetime.datetime.now().isoformat(timespec="seconds"),
    }
