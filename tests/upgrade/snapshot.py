"""What an upgrade must not change, read from the database `odoo shell` opened.

Run by `make upgrade` before and after `-u` (``env`` is given by odoo shell); writes JSON
to the file named by COOP_SNAPSHOT. Only SQL and methods that every release has, so the
same script reads the previous release and HEAD.
"""

import hashlib
import json
import os

cr = env.cr  # noqa: F821 (odoo shell)


def rows(query):
    cr.execute(query)
    return [list(row) for row in cr.fetchall()]


def digest(query):
    """A hash of many rows: equal before and after, or the register moved."""
    return hashlib.sha256(json.dumps(rows(query), default=str).encode()).hexdigest()


snapshot = {
    "members": rows(
        "SELECT company_id, state, count(*) FROM coop_member GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "member_numbers": digest("SELECT id, company_id, member_number FROM coop_member ORDER BY id"),
    "register": rows(
        """SELECT o.company_id, count(*), sum(o.amount)::text
             FROM coop_share_operation o WHERE o.state = 'confirmed'
         GROUP BY 1 ORDER BY 1"""
    ),
    "holdings": digest(
        """SELECT member_id, share_class_id, sum(quantity)::text, sum(amount)::text
             FROM coop_share_movement GROUP BY 1, 2 ORDER BY 1, 2"""
    ),
    "operation_numbers": digest("SELECT id, name, state FROM coop_share_operation ORDER BY id"),
    "ballots": rows("SELECT assembly_id, count(*) FROM coop_ballot GROUP BY 1 ORDER BY 1"),
    "audit_chains": {},
}
for assembly in env["coop.assembly"].search([], order="id"):  # noqa: F821
    result = assembly.verify_audit_chain()
    snapshot["audit_chains"][str(assembly.id)] = {
        "ok": bool(result.get("ok")),
        "message": str(result.get("message") or ""),
    }
cr.rollback()  # reading only: verifying may link pending ballots of open assemblies
with open(os.environ["COOP_SNAPSHOT"], "w", encoding="utf-8") as out:
    json.dump(snapshot, out, indent=1, sort_keys=True)
