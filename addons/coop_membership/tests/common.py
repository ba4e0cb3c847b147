from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from .role_guard import superuser_setup


def create_user(env, login, groups, company=None, extra_companies=None, **values):
    """The one way the suite's tests build a user, staff or portal.

    ``groups``: XML ids, comma-separated (``CoopTestCommon._create_user`` adds
    ``base.group_user`` for the staff roles; a portal user is ``base.group_portal`` only).
    The user works in ``company`` and may also open ``extra_companies``. ``values`` go to
    ``res.users`` as they are (name, password, partner_id, moderated companies...);
    without a password, the login padded to eight characters is one (``new_test_user``).
    """
    if company:
        companies = company | (extra_companies or company)
        values.update(company_id=company.id, company_ids=[Command.set(companies.ids)])
    return new_test_user(env, login=login, groups=groups, **values)


class CoopTestCommon(TransactionCase):
    """Two regional SCICs under a federation, five colleges each, one officer each.

    Reused by the tests of every coop module.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # UTC: "today" as the records compute it (context_today, in the user's time zone;
        # OdooBot's is Europe/Brussels) is then fields.Date.today() of the tests at any hour.
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, tz="UTC"))
        cls.federation = cls.env["res.company"].create(
            {"name": "Test Federation", "coop_legal_form": "scic"}
        )
        cls.company_a = cls._create_coop("Coop A")
        cls.company_b = cls._create_coop("Coop B")
        cls.colleges_a = cls._create_colleges(cls.company_a)
        cls.colleges_b = cls._create_colleges(cls.company_b)
        cls.college_a_cons = cls.colleges_a[0]
        cls.college_b_cons = cls.colleges_b[0]
        cls.officer_a = cls._create_user(
            "officer_a", "coop_membership.group_coop_officer", cls.company_a
        )
        cls.officer_b = cls._create_user(
            "officer_b", "coop_membership.group_coop_officer", cls.company_b
        )
        cls.manager_a = cls._create_user(
            "manager_a", "coop_membership.group_coop_manager", cls.company_a
        )
        cls.reader_a = cls._create_user(
            "reader_a", "coop_membership.group_coop_user", cls.company_a
        )

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        """Like assertRaises (which rolls the savepoint back), checking the message."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)

    @classmethod
    def _create_coop(cls, name):
        return cls.env["res.company"].create(
            {
                "name": name,
                "parent_id": cls.federation.id,
                "currency_id": cls.federation.currency_id.id,
                "coop_legal_form": "scic",
                "coop_vote_by_college": True,
            }
        )

    @classmethod
    def _create_colleges(cls, company, weights=(40, 20, 15, 15, 10)):
        codes = ["CONS", "PROD", "SAL", "PART", "COLL"]
        names = ["Consumers", "Producers", "Employees", "Partners", "Local authorities"]
        return cls.env["coop.college"].create(
            [
                {
                    "name": name,
                    "code": code,
                    "vote_weight": weight,
                    "company_id": company.id,
                    "sequence": i,
                }
                for i, (code, name, weight) in enumerate(zip(codes, names, weights, strict=False))
            ]
        )

    @classmethod
    def _create_user(cls, login, group, company, extra_companies=None, **values):
        """A staff user of ``company`` in ``group`` (see ``create_user``)."""
        return create_user(
            cls.env, login, f"base.group_user,{group}", company, extra_companies, **values
        )

    @classmethod
    def _create_member(
        cls, name, company=None, college=None, admit=True, admission_date=None, **partner_vals
    ):
        company = company or cls.company_a
        college = college or (
            cls.college_a_cons if company == cls.company_a else cls.college_b_cons
        )
        partner = cls.env["res.partner"].create({"name": name, **partner_vals})
        member = cls.env["coop.member"].create(
            {"partner_id": partner.id, "company_id": company.id, "college_id": college.id}
        )
        if admit:
            with superuser_setup("arrange: an admitted member for the flow under test"):
                member.action_admit(admission_date=admission_date)
        return member
