import threading

import psycopg2.errors

from odoo import api
from odoo.tests import TransactionCase
from odoo.tools import mute_logger

from .role_guard import superuser_setup


class TestShareConcurrency(TransactionCase):
    """Two transactions confirming at once get distinct register numbers.

    The data must be committed for two cursors to see it: it lives in its own company,
    and everything is removed at the end, whatever happens.
    """

    def _setup_committed(self, env):
        company = env["res.company"].create({"name": "Concurrency test coop"})
        college = env["coop.college"].create(
            {"name": "Consumers", "code": "CONS", "company_id": company.id, "vote_weight": 100}
        )
        share_class = env["coop.share.class"].create(
            {"name": "Share", "code": "S", "company_id": company.id, "nominal_value": 10.0}
        )
        members = env["coop.member"].create(
            [
                {
                    "partner_id": env["res.partner"].create({"name": f"Racer {i}"}).id,
                    "company_id": company.id,
                    "college_id": college.id,
                }
                for i in range(2)
            ]
        )
        with superuser_setup("arrange: committed members for two concurrent transactions"):
            members.action_admit()
        operations = env["coop.share.operation"].create(
            [
                {
                    "member_id": member.id,
                    "company_id": company.id,
                    "share_class_id": share_class.id,
                    "quantity": 1,
                }
                for member in members
            ]
        )
        company._coop_get_share_sequence()
        return company, operations

    def _cleanup(self, company_id):
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM coop_member WHERE company_id = %s", [company_id])
            member_ids = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT partner_id FROM coop_member WHERE company_id = %s", [company_id])
            partner_ids = [row[0] for row in cr.fetchall()]
            cr.execute("DELETE FROM coop_share_operation WHERE company_id = %s", [company_id])
            cr.execute("DELETE FROM coop_member_period WHERE member_id = ANY(%s)", [member_ids])
            cr.execute(
                "DELETE FROM coop_member_college_history WHERE member_id = ANY(%s)", [member_ids]
            )
            cr.execute("DELETE FROM coop_member WHERE company_id = %s", [company_id])
            cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [partner_ids])
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env["res.company"].browse(company_id)
            sequences = company.coop_share_sequence_id | company.coop_member_sequence_id
            company.write({"coop_share_sequence_id": False, "coop_member_sequence_id": False})
            sequences.unlink()
            share_classes = env["coop.share.class"].search([("company_id", "=", company_id)])
            products = share_classes.product_id
            share_classes.unlink()
            products.product_tmpl_id.unlink()
            env["coop.college"].search([("company_id", "=", company_id)]).unlink()
            partner = company.partner_id
            company.unlink()
            partner.unlink()

    def test_concurrent_confirmations_get_distinct_numbers(self):
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            company, operations = self._setup_committed(env)
            company_id, op_ids = company.id, operations.ids
            cr.commit()  # pylint: disable=invalid-commit
        try:
            barrier = threading.Barrier(2, timeout=30)
            results, errors = {}, []

            def confirm(op_id):
                try:
                    with registry.cursor() as cr:
                        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
                        operation = env["coop.share.operation"].browse(op_id)
                        barrier.wait()
                        operation.action_confirm()
                        env.flush_all()
                        results[op_id] = operation.name
                        barrier.wait()  # both transactions are open with their number
                        cr.commit()  # pylint: disable=invalid-commit
                except Exception as error:  # noqa: BLE001 - reported by the main thread
                    errors.append(error)

            threads = [threading.Thread(target=confirm, args=(op_id,)) for op_id in op_ids]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.assertFalse(errors, errors)
            self.assertEqual(len(set(results.values())), 2, results)
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT name, state FROM coop_share_operation WHERE id = ANY(%s)", [op_ids]
                )
                rows = cr.fetchall()
            self.assertEqual({state for _name, state in rows}, {"confirmed"})
            self.assertEqual(len({name for name, _state in rows}), 2)
        finally:
            self._cleanup(company_id)

    def test_capital_floor_checks_are_serialized(self):
        """A second redemption approved at the same time waits, then is replayed.

        _coop_lock_capital() writes the company row: the second transaction blocks until
        the first commits, then fails with a serialization error (REPEATABLE READ), which
        Odoo answers by replaying the request on fresh data, floor check included.
        """
        company_id = self.env.ref("base.main_company").id
        errors = []
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, api.SUPERUSER_ID, {})
            env2 = api.Environment(cr2, api.SUPERUSER_ID, {})
            # Both transactions have their snapshot before either locks.
            cr1.execute("SELECT 1")
            cr2.execute("SELECT 1")
            env1["res.company"].browse(company_id)._coop_lock_capital()

            def second():
                try:
                    with mute_logger("odoo.sql_db"):
                        env2["res.company"].browse(company_id)._coop_lock_capital()
                except psycopg2.errors.SerializationFailure as error:
                    errors.append(error)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)
            self.assertTrue(thread.is_alive(), "the second check must wait for the first")
            cr1.commit()  # pylint: disable=invalid-commit
            thread.join(30)
            self.assertFalse(thread.is_alive())
            cr2.rollback()
        self.assertEqual(len(errors), 1)
