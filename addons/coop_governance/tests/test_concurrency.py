import threading
import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase
from odoo.tools import SQL, mute_logger

from odoo.addons.coop_membership.tests.role_guard import superuser_because, superuser_setup


class ConcurrentVoteData:
    """Committed data for tests that need two connections (the member portal reuses it).

    The data must be committed for two connections to see it: it is created with a
    separate cursor and removed at the end.
    """

    def _env(self, cr):
        return api.Environment(
            cr,
            SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True},
        )

    def _setup_committed(self, secret=False):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].create({"name": f"Concurrency {uuid.uuid4().hex[:8]}"})
            college = env["coop.college"].create(
                {"name": "All", "code": "ALL", "company_id": company.id}
            )
            members = env["coop.member"]
            for i in range(2):
                partner = env["res.partner"].create({"name": f"Voter {i}"})
                members |= env["coop.member"].create(
                    {"partner_id": partner.id, "company_id": company.id, "college_id": college.id}
                )
            members.action_admit()
            assembly = env["coop.assembly"].create(
                {
                    "name": "Concurrent AG",
                    "company_id": company.id,
                    "date": fields.Datetime.now() + timedelta(days=30),
                }
            )
            resolution = env["coop.resolution"].create(
                {"assembly_id": assembly.id, "name": "Concurrent resolution", "secret": secret}
            )
            # The share rule of the census is tested elsewhere; no share register here.
            with (
                superuser_setup("arrange: committed open vote for two concurrent transactions"),
                patch.object(type(assembly), "_census_share_clause", lambda self: SQL()),
            ):
                assembly.action_convene()
                assembly.action_open()
                assembly.voter_ids.action_check_in()
                resolution.action_start_vote()
            cr.commit()  # pylint: disable=invalid-commit
            return company.id, assembly.id, resolution.id, assembly.voter_ids[0].id

    def _cleanup(self, company_id, assembly_id):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("DELETE FROM coop_ballot WHERE assembly_id = %s", [assembly_id])
            cr.execute("DELETE FROM coop_assembly WHERE id = %s", [assembly_id])
            cr.execute("SELECT partner_id FROM coop_member WHERE company_id = %s", [company_id])
            partner_ids = [row[0] for row in cr.fetchall()]
            cr.execute("DELETE FROM coop_member WHERE company_id = %s", [company_id])
            cr.execute("DELETE FROM coop_college WHERE company_id = %s", [company_id])
            cr.execute("DELETE FROM ir_sequence WHERE company_id = %s", [company_id])
            env = self._env(cr)
            env["res.partner"].browse(partner_ids).unlink()
            cr.commit()  # pylint: disable=invalid-commit
            company = env["res.company"].browse(company_id)
            try:
                with cr.savepoint():
                    company.unlink()
            except Exception:  # noqa: BLE001 - keep the company, archived, if linked
                company.write({"active": False})
            cr.commit()  # pylint: disable=invalid-commit


class TestConcurrentVotes(ConcurrentVoteData, TransactionCase):
    """Two transactions cast the same vote at once: exactly one ballot is kept."""

    @mute_logger("odoo.sql_db")
    @superuser_because(
        "two real transactions on committed data; what is tested is the ballot store's "
        "locking, who may cast is tested in test_vote"
    )
    def test_double_vote_from_two_transactions(self):
        """Two desks record the same member's vote at once: one ballot is kept."""
        company_id, assembly_id, resolution_id, voter_id = self._setup_committed()
        try:
            outcomes = {}
            first = db_connect(self.env.cr.dbname).cursor()
            try:
                env1 = self._env(first)
                env1["coop.resolution"].browse(resolution_id).cast_vote(voter_id, "yes", "in_room")

                def second_vote():
                    with db_connect(self.env.cr.dbname).cursor() as cr2:
                        env2 = self._env(cr2)
                        try:
                            env2["coop.resolution"].browse(resolution_id).cast_vote(
                                voter_id, "no", "in_room"
                            )
                            cr2.commit()
                            outcomes["second"] = "stored"
                        except UserError as e:
                            outcomes["second"] = str(e)
                        except Exception as e:  # noqa: BLE001 - reported by the assertion
                            outcomes["second"] = repr(e)

                thread = threading.Thread(target=second_vote)
                thread.start()
                # The second transaction waits on the first one's lock...
                thread.join(timeout=1.0)
                self.assertTrue(thread.is_alive(), "the second vote waits for the first")
                first.commit()
            finally:
                first.close()
            thread.join(timeout=30)
            # Odoo cursors are REPEATABLE READ: the second transaction fails with a
            # serialization error (Odoo replays such requests) or, replayed, is refused.
            self.assertTrue(
                "already voted" in outcomes["second"]
                or "SerializationFailure" in outcomes["second"],
                outcomes["second"],
            )
            with (
                db_connect(self.env.cr.dbname).cursor() as cr_retry,
                self.assertRaisesRegex(UserError, "already voted"),
            ):
                self._env(cr_retry)["coop.resolution"].browse(resolution_id).cast_vote(
                    voter_id, "no", "in_room"
                )
            with db_connect(self.env.cr.dbname).cursor() as cr:
                cr.execute(
                    "SELECT choice FROM coop_ballot WHERE resolution_id = %s", [resolution_id]
                )
                self.assertEqual(cr.fetchall(), [("yes",)])
        finally:
            self._cleanup(company_id, assembly_id)
