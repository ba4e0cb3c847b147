"""Importing an existing register at scale (issue 26 §1, "Scale").

Generates, in the template's CSV format, the register of one cooperative: 40,000 members
(one in 20 has left, organisations, newsletter yes/no) and about 150,000 operations
(subscriptions, transfers between members, redemptions, the redemption of every share of
those who left), all valid. Then, in the same run:
- the dry run (parse and check both files, store nothing) as a registry officer;
- the import itself (the same code the background job runs, here called directly on the
  bench's cursor, which is rolled back: the job's commits and its progress cursor are left
  out of the figure);
- the reference: a raw ``COPY`` of the same two CSV files into staging tables with the
  template's columns, typed (dates, integers, numerics), as PostgreSQL loads them at best.
Ratios are printed against that COPY. Sizes scale with SCALE.
"""

import base64
import datetime
import io
import os
import time

from common import report, scaled, timer

from odoo.tools import SQL

# The template's columns, as the wizard reads them.
from odoo.addons.coop_membership.wizard.coop_register_import_wizard import (
    MEMBER_COLUMNS,
    OPERATION_COLUMNS,
)

START = datetime.date(2005, 1, 1)
SPAN_DAYS = 6500  # members join over ~18 years


def _csv(columns, rows):
    lines = [";".join(columns)]
    lines += [";".join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


def generate(n_members):
    """Return (members CSV text, operations CSV text, number of operations)."""
    members, ops = [], []
    holdings = [0] * (n_members + 2)

    def day(i, offset):
        return START + datetime.timedelta(days=i * SPAN_DAYS // n_members + offset)

    for i in range(1, n_members + 1):
        admission = day(i, 0)
        left = i % 20 == 0
        member = {
            "member_number": f"{i:06d}",
            "last_name": f"Nom{i}",
            "first_name": f"Prénom{i}",
            "email": f"membre{i}@example.org",
            "street": f"{i} rue des Lilas",
            "zip": f"{69000 + i % 100:05d}",
            "city": "Lyon",
            "country_code": "FR",
            "birthdate": (datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 15000)).strftime(
                "%d/%m/%Y"
            ),
            "college_code": "PROD" if i % 10 == 0 else "CONS",
            "application_date": (admission - datetime.timedelta(days=20)).isoformat(),
            "admission_date": admission.isoformat(),
            "channel": "paper" if i % 7 == 0 else "email",
            "newsletter": "yes" if i % 2 else "no",
        }
        if i % 50 == 0:
            member["company_name"] = f"Ferme {i}"
        if left:
            member["exit_date"] = day(i, 400).isoformat()
            member["exit_reason"] = "resignation"
        members.append(member)

    def op(date, kind, number, quantity, counterpart=""):
        ops.append(
            {
                "date": date.isoformat(),
                "type": kind,
                "member_number": f"{number:06d}",
                "share_class_code": "A",
                "quantity": str(quantity),
                "unit_price": "50,00",
                "counterpart_member_number": counterpart and f"{counterpart:06d}",
            }
        )
        sign = {"subscription": 1, "redemption": -1, "transfer": -1}[kind]
        holdings[number] += sign * quantity
        if counterpart:
            holdings[counterpart] += quantity

    # Member by member, in date order: every holding stays >= 0 at every date.
    for i in range(1, n_members + 1):
        op(day(i, 0), "subscription", i, 4)
        op(day(i, 30), "subscription", i, 2)
        if i % 4 != 0 and i > 1 and (i - 1) % 20 != 0:
            op(day(i, 60), "transfer", i, 1, i - 1)
        if i % 4 == 1:
            op(day(i, 90), "redemption", i, 1)
        if i % 4 in (2, 3):
            op(day(i, 120), "subscription", i, 1)
        if i % 5 == 0:
            op(day(i, 150), "subscription", i, 3)
    # Those who left sold back everything on their exit date (day 400: after all the above).
    for i in range(20, n_members + 1, 20):
        op(day(i, 400), "redemption", i, holdings[i])
    ops.sort(key=lambda line: line["date"])
    for number, line in enumerate(ops, start=1):
        line["operation_number"] = f"R{number:07d}"
    return _csv(MEMBER_COLUMNS, members), _csv(OPERATION_COLUMNS, ops), len(ops)


def _setup(env):
    company = env["res.company"].create(
        {"name": "Bench import coop", "coop_legal_form": "scic", "coop_vote_by_college": True}
    )
    env["coop.college"].create(
        [
            {"name": code, "code": code, "vote_weight": 50, "company_id": company.id}
            for code in ("CONS", "PROD")
        ]
    )
    env["coop.share.class"].create(
        {
            "name": "Ordinary share",
            "code": "A",
            "company_id": company.id,
            "nominal_value": 50.0,
            "min_shares": 1,
        }
    )
    officer = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench import officer",
                "login": "bench.import.officer",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [
                    (6, 0, [env.ref("coop_membership.group_coop_officer").id]),
                ],
            }
        )
    )
    # The officer imports directly (the background job runs the same code): the bench
    # measures the import, not the job's commits.
    env["ir.config_parameter"].set_param(
        "coop_membership.register_import_background_threshold", "100000000"
    )
    return company, officer


def _copy_reference(env, members_csv, operations_csv):
    """Raw COPY of both files into typed staging tables: the floor of loading these rows."""
    cr = env.cr
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_import_members (
                member_number varchar, last_name varchar, first_name varchar,
                company_name varchar, email varchar, phone varchar, street varchar,
                zip varchar, city varchar, country_code varchar, birthdate varchar,
                college_code varchar, application_date date, admission_date date,
                exit_date date, exit_reason varchar, channel varchar, newsletter varchar
            ) ON COMMIT DROP;
            CREATE TEMP TABLE bench_import_operations (
                operation_number varchar, date date, type varchar, member_number varchar,
                share_class_code varchar, quantity integer, unit_price varchar,
                counterpart_member_number varchar, target_share_class_code varchar
            ) ON COMMIT DROP;
            """
        )
    )
    with timer() as t:
        for table, text in (
            ("bench_import_members", members_csv),
            ("bench_import_operations", operations_csv),
        ):
            cr._obj.copy_expert(
                f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')",
                io.StringIO(text),
            )
    cr.execute(
        "SELECT (SELECT count(*) FROM bench_import_members), "
        "(SELECT count(*) FROM bench_import_operations)"
    )
    return t.seconds, cr.fetchone()


def run(env):
    n_members = scaled(40_000, minimum=200)
    members_csv, operations_csv, n_operations = generate(n_members)
    print(
        f"register: {n_members} members, {n_operations} operations "
        f"(SCALE={os.environ.get('SCALE') or '1.0'}), "
        f"files {len(members_csv) // 1024} + {len(operations_csv) // 1024} KiB; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    company, officer = _setup(env)
    copy_seconds, counts = _copy_reference(env, members_csv, operations_csv)
    assert counts == (n_members, n_operations), counts
    report("raw COPY of both files into staging tables", copy_seconds)

    Wizard = env["coop.register.import.wizard"].with_user(officer).with_company(company)
    wizard = Wizard.create(
        {
            "file_format": "csv",
            "members_file": base64.b64encode(members_csv.encode()),
            "operations_file": base64.b64encode(operations_csv.encode()),
        }
    )
    cpu = time.process_time()
    with timer(env) as t:
        wizard.action_check()
    check_cpu = time.process_time() - cpu
    assert not wizard.problem_ids, wizard.problem_ids[:5].mapped("message")
    report("dry run (parse and check everything)", t.seconds, copy_seconds, "raw COPY")
    print(f"dry run: {check_cpu:.1f} s of CPU in Odoo's process", flush=True)
    cpu = time.process_time()
    with timer(env) as t:
        wizard.action_import()
    import_cpu = time.process_time() - cpu
    assert wizard.state == "done", wizard.summary
    report("import (dry run again + store)", t.seconds, copy_seconds, "raw COPY")
    per_row = t.seconds / (n_members + n_operations) * 1000
    # The machine's load stretches the wall-clock time; the CPU time of Odoo's process
    # (PostgreSQL's is not in it) varies less from one run to the next.
    print(
        f"import: {per_row:.2f} ms per row; {import_cpu:.1f} s of CPU in Odoo's process; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    members = env["coop.member"].search([("company_id", "=", company.id)])
    operations = env["coop.share.operation"].search_count(
        [("company_id", "=", company.id), ("state", "=", "confirmed")]
    )
    assert len(members) == n_members and operations == n_operations, (len(members), operations)
    shares = sum(members.mapped("share_count"))
    print(
        f"check: {len(members)} members, {operations} confirmed operations, {shares} shares held",
        flush=True,
    )
