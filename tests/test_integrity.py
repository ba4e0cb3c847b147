"""Integrity after the fact: what was closed or confirmed stays as it was.

- A closed general assembly's audit check passes on the demo data and fails on any single
  change made straight in the database to a ballot, a secret vote's participation, the
  secret urn, a result per college, a resolution's outcome or the chain head of the minutes.
- Confirmed operations of the share register and the posted entries that record them cannot
  be changed or deleted over RPC (/web/dataset/call_kw) by an officer, an accountant, a
  manager or the administrator: each attempt is refused with its reason, nothing changes.
"""

import json

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAuditChainAfterClose(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.assembly = cls.env.ref("coop_governance.coop_assembly_ara_last_year")
        resolutions = cls.assembly.resolution_ids
        cls.public = resolutions.filtered(lambda r: not r.secret)[0]
        cls.secret = resolutions.filtered("secret")[0]

    def _verify_after(self, query, *params):
        """Verify the chain after one change made in SQL, then undo the change."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SAVEPOINT tamper")
        try:
            cr.execute(query, params)
            self.assertEqual(cr.rowcount, 1, "the change touches one row")
            self.env.invalidate_all()
            return self.assembly.verify_audit_chain()
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT tamper")
            self.env.invalidate_all()

    def test_closed_assembly_verifies(self):
        assembly = self.assembly
        self.assertEqual(assembly.state, "closed")
        self.assertTrue(assembly.chair_signed_on and assembly.secretary_signed_on)
        self.assertEqual(assembly.audit_head, assembly.ballot_ids[-1:].hash)
        self.assertTrue(self.secret.urn_seal)
        self.assertTrue(all(assembly.resolution_ids.mapped("result_seal")))
        check = assembly.verify_audit_chain()
        self.assertTrue(check["ok"], check["message"])

    def test_any_single_change_breaks_the_check(self):
        ballots = self.public.ballot_ids
        ballot = ballots[len(ballots) // 2]
        participation = self.secret.ballot_ids[0]
        absent = self.assembly.voter_ids - self.secret.ballot_ids.voter_id
        self.assertTrue(absent, "the demo assembly has a voter who did not vote")
        result = self.public.result_ids.filtered("expressed_count")[0]
        secret_result = self.secret.result_ids.filtered("expressed_count")[0]
        flipped = {"adopted": "rejected", "rejected": "adopted"}[self.public.state]
        changes = {
            "a ballot's choice": (
                "UPDATE coop_ballot SET choice = CASE choice WHEN 'yes' THEN 'no' ELSE 'yes' END"
                " WHERE id = %s",
                [ballot.id],
                "does not match its hash",
                ballot.id,
            ),
            "a ballot deleted": (
                "DELETE FROM coop_ballot WHERE id = %s",
                [ballot.id],
                f"#{ballot.chain_index} is missing",
                None,
            ),
            "who took part in the secret vote": (
                "UPDATE coop_ballot SET voter_id = %s WHERE id = %s",
                [absent[0].id, participation.id],
                "does not match its hash",
                participation.id,
            ),
            "a choice in the secret urn": (
                "UPDATE coop_ballot_secret SET choice = CASE choice WHEN 'yes' THEN 'no'"
                " ELSE 'yes' END WHERE id = (SELECT MIN(id) FROM coop_ballot_secret"
                " WHERE resolution_id = %s AND used)",
                [self.secret.id],
                "secret urn",
                False,
            ),
            "a result per college": (
                "UPDATE coop_resolution_result SET yes_count = yes_count + 1 WHERE id = %s",
                [result.id],
                "results of resolution",
                False,
            ),
            "a result per college of the secret vote": (
                "UPDATE coop_resolution_result SET no_count = no_count + 1 WHERE id = %s",
                [secret_result.id],
                "results of resolution",
                False,
            ),
            "the outcome of a resolution": (
                "UPDATE coop_resolution SET state = %s WHERE id = %s",
                [flipped, self.public.id],
                "results of resolution",
                False,
            ),
            "the share of yes votes": (
                "UPDATE coop_resolution SET yes_share = 99 WHERE id = %s",
                [self.public.id],
                "results of resolution",
                False,
            ),
            "the chain head in the minutes": (
                "UPDATE coop_assembly SET audit_head = %s WHERE id = %s",
                ["f" * 64, self.assembly.id],
                "chain head differs",
                False,
            ),
        }
        for change, (query, params, reason, broken) in changes.items():
            with self.subTest(change=change):
                check = self._verify_after(query, *params)
                self.assertFalse(check["ok"], f"{change} went unnoticed")
                self.assertIn(reason, check["message"])
                if broken is not None:
                    self.assertEqual(check["broken_ballot"], broken)
        self.assertTrue(self.assembly.verify_audit_chain()["ok"], "every change was undone")


@tagged("post_install", "-at_install")
class TestRegisterImmutableOverRpc(HttpCase):
    """Every role tries, over RPC, to change or delete what the register has confirmed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.centre = cls.env.ref("coop_membership.coop_company_centre")
        Operation = cls.env["coop.share.operation"]
        confirmed = [("company_id", "=", cls.centre.id), ("state", "=", "confirmed")]
        # The capital release invoice of a paid subscription (reconciled with its payment),
        # the entry of a redemption approved but not yet refunded (not reconciled).
        cls.subscription = Operation.search(
            [*confirmed, ("operation_type", "=", "subscription"), ("move_id", "!=", False)],
            limit=1,
        )
        cls.redemption = Operation.search(
            [*confirmed, ("operation_type", "=", "redemption"), ("move_id", "!=", False)]
        ).filtered(lambda op: not any(op.move_id.line_ids.mapped("reconciled")))[:1]
        cls.initial = Operation.search([*confirmed, ("move_id", "=", False)], limit=1)
        cls.operations = cls.subscription | cls.redemption | cls.initial
        cls.moves = cls.subscription.move_id | cls.redemption.move_id
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Register Manager",
                "login": "register_manager",
                "password": "register_manager",
                "company_id": cls.centre.id,
                "company_ids": [Command.set(cls.centre.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("coop_membership.group_coop_manager").id,
                        ]
                    )
                ],
            }
        )
        cls.stranger = cls.env["res.partner"].create({"name": "Somebody Else"})

    def _snapshot(self):
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT id, name, state, date, member_id, quantity, amount, move_id
                 FROM coop_share_operation WHERE company_id = %s ORDER BY id""",
            [self.centre.id],
        )
        operations = cr.fetchall()
        cr.execute(
            """SELECT m.id, m.name, m.state, m.date, m.partner_id, m.journal_id, m.amount_total,
                      array_agg(ROW(l.id, l.account_id, l.partner_id, l.name, l.debit,
                                    l.credit)::text ORDER BY l.id)
                 FROM account_move m JOIN account_move_line l ON l.move_id = m.id
                WHERE m.id = ANY(%s)
             GROUP BY m.id ORDER BY m.id""",
            [self.moves.ids],
        )
        return operations, cr.fetchall()

    def _call(self, model, method, *args):
        """Call the method as the web client does; return the error it answers with."""
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": {"context": {"allowed_company_ids": self.centre.ids}},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json().get("error", {}).get("data")

    def _attempts(self):
        """(label, model, method, args, reason a privileged user is given)."""
        register = "share register"
        attempts = []
        for operation in self.operations:
            ids = operation.ids
            attempts += [
                (f"{operation.name}: quantity", "coop.share.operation", "write",
                 [ids, {"quantity": 99}], "confirmed operation of the share register"),
                (f"{operation.name}: date", "coop.share.operation", "write",
                 [ids, {"date": "2020-01-01"}], "confirmed operation of the share register"),
                (f"{operation.name}: back to draft", "coop.share.operation", "write",
                 [ids, {"state": "draft"}], "only by its Confirm action"),
                (f"{operation.name}: delete", "coop.share.operation", "unlink",
                 [ids], "cannot be deleted; reverse it instead"),
            ]  # fmt: skip
        attempts.append(
            (f"{self.subscription.name}: other entry", "coop.share.operation", "write",
             [self.subscription.ids, {"move_id": False}], "cannot be replaced")
        )  # fmt: skip
        for move in self.moves:
            ids, lines = move.ids, move.line_ids
            attempts += [
                (f"{move.name}: date", "account.move", "write",
                 [ids, {"date": "2020-01-01"}], register),
                (f"{move.name}: partner", "account.move", "write",
                 [ids, {"partner_id": self.stranger.id}], register),
                (f"{move.name}: state", "account.move", "write",
                 [ids, {"state": "draft"}], register),
                (f"{move.name}: reset to draft", "account.move", "button_draft", [ids],
                 register),
                (f"{move.name}: cancel", "account.move", "button_cancel", [ids], register),
                (f"{move.name}: delete", "account.move", "unlink", [ids], register),
                (f"{move.name}: amounts zeroed", "account.move.line", "write",
                 [lines.ids, {"balance": 0.0}], register),
                (f"{move.name}: account", "account.move.line", "write",
                 [lines[:1].ids, {"account_id": lines[1].account_id.id}], register),
                (f"{move.name}: line partner", "account.move.line", "write",
                 [lines.ids, {"partner_id": self.stranger.id}], register),
                (f"{move.name}: lines added", "account.move.line", "create",
                 [[{"move_id": move.id, "account_id": lines[0].account_id.id, "debit": 10.0},
                   {"move_id": move.id, "account_id": lines[1].account_id.id, "credit": 10.0}]],
                 register),
                (f"{move.name}: lines deleted", "account.move.line", "unlink", [lines.ids],
                 "posted journal item|reconciled|share register"),
            ]  # fmt: skip
        return attempts

    def test_every_role_is_refused(self):
        self.assertTrue(self.subscription and self.redemption and self.initial)
        before = self._snapshot()
        attempts = self._attempts()
        for login, privileged in (
            ("thomas", False),  # officer: reads the register, no accounting
            ("sylvie", True),  # accountant
            ("register_manager", True),
            ("admin", True),
        ):
            self.authenticate(login, login)
            for label, model, method, args, reason in attempts:
                with self.subTest(user=login, attempt=label):
                    error = self._call(model, method, *args)
                    self.assertTrue(error, f"{login} could do it: {label}")
                    if privileged:
                        self.assertEqual(error["name"], "odoo.exceptions.UserError")
                        self.assertRegex(error["message"], reason)
                    else:  # refused by the register's own rule, else by access rights
                        self.assertIn(
                            error["name"],
                            ("odoo.exceptions.UserError", "odoo.exceptions.AccessError"),
                        )
        self.assertEqual(self._snapshot(), before, "the register and its entries are unchanged")
