"""Access matrix of the coop suite (issue #14 §3): who may read, write, create, unlink what.

One cell per model × role × operation, for a real record of cooperative A
(Auvergne-Rhône-Alpes, demo data; created here where the demo has none). The models are every
non-abstract ``coop.*`` model found in ``ir.model`` (a new model fails the test until it gets
a line in ``EXPECTED``), the Odoo models the coop modules add rules to (members-only events
and their registrations, the cooperatives' forums and posts, their mailing lists) and the
contact card of a member (``res.partner``, which carries the member's engagement profile).

Roles (built in setUpClass from the demo companies and groups):
    mbr_a   Bernard, portal user, active member of A
    mbr_b   Claire, portal user, member of B (Centre-Val de Loire) only
    off_a   registry Officer of A       off_b   registry Officer of B
    mod_a   Moderator of A (only that)  mod_b   Moderator of B
    acct_a  Accountant of A             mgr_a   Manager of A (implies Officer, Accountant and
                                                Governance Manager)
    public  the website's public user

A cell is four letters ``rwcu``, a letter when the operation is allowed, ``-`` when denied,
``.`` when not run:
    r  ``read`` of one stored field of the record
    w  ``write`` of a real field to a new value: a char or text, else a number, flag or
       date; a link set again on a model made of links only; WRITE_VALUES where the first
       text is locked by a business rule (a membership's number: its college changes)
    c  ``create`` with copy-like values (``copy_data`` of the record, x2many left out)
    u  ``unlink`` of the record
Every operation runs in a savepoint that is rolled back: nothing persists.

AccessError is "denied". A business refusal (UserError, ValidationError, a database
constraint) says nothing about access: access passed or was not asked yet. Such a cell then
asks Odoo's access layer itself, ``has_access(op)`` (model access and record rules) on the
record (on the record as template for create): allowed there means "allowed by access,
refused by a business rule" and is shown as allowed. Wizards (transient models) are tested
on create only: a transient record belongs to the user who made it.

The same cells run through JSON-RPC (``/web/dataset/call_kw/<model>/<method>``) with each
role's session (the public user has none: the route answers "session expired" = denied).
Every cell runs through RPC, each write/create/unlink in a savepoint of the test wrapped
around the request. The expected table is literal and was reviewed cell by cell; a hole
found then is marked denied here so that the test fails until it is fixed.

The tables print with ``pytest -s`` (and in the log at INFO).
"""

import json
import logging
from datetime import date, datetime, timedelta

import psycopg2
from markupsafe import Markup

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.coop_membership.tests.common import create_user

_logger = logging.getLogger(__name__)

ROLES = ("mbr_a", "mbr_b", "off_a", "off_b", "mod_a", "mod_b", "acct_a", "mgr_a", "public")
OPS = ("read", "write", "create", "unlink")
# Odoo models the coop modules add record rules to (or open to their members).
EXTRA_MODELS = (
    "event.event",
    "event.registration",
    "forum.forum",
    "forum.post",
    "mailing.list",
    "res.partner",
)

# Where the record of cooperative A is, when not on its own company_id.
RECORD_DOMAINS = {
    # The assembly still open to changes (the other one is closed and signed).
    "coop.assembly": lambda c: [("company_id", "=", c.id), ("state", "!=", "closed")],
    "coop.resolution": lambda c: [("company_id", "=", c.id), ("state", "=", "proposed")],
    "coop.ballot.secret": lambda c: [("resolution_id.company_id", "=", c.id)],
    "coop.poll.tally": lambda c: [("poll_id.company_id", "=", c.id)],
    "coop.poll.response.line": lambda c: [("poll_id.company_id", "=", c.id)],
    "event.event": lambda c: [("company_id", "=", c.id), ("coop_audience", "=", "members")],
    "event.registration": lambda c: [
        ("event_id.company_id", "=", c.id),
        ("event_id.coop_audience", "=", "members"),
    ],
    "forum.forum": lambda c: [("coop_company_id", "=", c.id)],
    "forum.post": lambda c: [("forum_id.coop_company_id", "=", c.id), ("parent_id", "=", False)],
    "mailing.list": lambda c: [("coop_company_id", "=", c.id)],
    # A person's choices about being reached (issue #25 §2): a member of A's.
    "coop.member.consent": lambda c: [("partner_id.coop_member_ids.company_id", "=", c.id)],
    # A member of A without a login: their contact card carries their engagement profile.
    "res.partner": lambda c: [("coop_member_ids.company_id", "=", c.id), ("user_ids", "=", False)],
}
# The values a write sets, where the first char or text field is locked by a business rule
# (the lifecycle fields of a membership, the number of a register line) or missing.
WRITE_VALUES = {
    # A change of college (the lifecycle fields move only through the admission and exit
    # actions).
    "coop.member": lambda rec: {
        "college_id": rec.env["coop.college"]
        .search([("company_id", "=", rec.company_id.id), ("id", "!=", rec.college_id.id)], limit=1)
        .id
    },
    "coop.share.operation": lambda rec: {"note": "Access matrix"},
    "coop.local.group.membership": lambda rec: {"role": "contact"},
}

# Reviewed cell by cell. res.partner × off_b / mod_b: a member's contact card has no
# company (a person may belong to several cooperatives), so Odoo's rules alone let the
# staff of any cooperative read and edit another cooperative's members; coop_membership's
# rule res_partner_rule_coop_member_company closes it (this row found the hole). The
# paper label wizard checks the same rule on its recipients (TestForgedIds).
# Activation codes: read by the officers of the member's cooperative (state and expiry, the
# code is only a hash), written by nobody (the letter's printing writes them as superuser
# after its own check). Invitation campaigns: officers and managers of their cooperative.
# Poll answer sets (ranked, scored, consent polls): like the single answers, only the
# governance officers (the manager here) read them. Proposals: the cooperative's staff read
# them, governance officers decide (write), members act only through the member space;
# moderators read those of the cooperatives they moderate, to hide one (their wizard), and
# run its polls (issue #24 §3).
EXPECTED = """
model                               mbr_a  mbr_b  off_a  off_b  mod_a  mod_b  acct_a mgr_a  public
coop.action.call                    ----   ----   rwcu   ----   rwcu   ----   r---   rwcu   ----
coop.action.call.volunteer          ----   ----   rwcu   ----   rwcu   ----   r---   rwcu   ----
coop.activation.code                ----   ----   r---   ----   ----   ----   ----   r---   ----
coop.assembly                       ----   ----   r---   ----   ----   ----   r---   rwcu   ----
coop.assembly.checkin.wizard        ..-.   ..-.   ..-.   ..-.   ..-.   ..-.   ..-.   ..c.   ..-.
coop.assembly.participation.report  ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.assembly.preparation.report    ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.assembly.voter                 ----   ----   r---   ----   ----   ----   r---   rw--   ----
coop.ballot                         ----   ----   ----   ----   ----   ----   ----   r---   ----
coop.ballot.secret                  ----   ----   ----   ----   ----   ----   ----   ----   ----
coop.candidacy                      ----   ----   r---   ----   ----   ----   r---   rwcu   ----
coop.capital.report.wizard          ..-.   ..-.   ..-.   ..-.   ..-.   ..-.   ..c.   ..c.   ..-.
coop.capital.variation              ----   ----   ----   ----   ----   ----   r---   r---   ----
coop.college                        ----   ----   r---   ----   r---   ----   r---   rwcu   ----
coop.contact.log                    ----   ----   r---   ----   r---   ----   ----   r---   ----
coop.document                       ----   ----   rwcu   ----   rwc-   ----   r---   rwcu   ----
coop.document.category              ----   ----   r---   r---   r---   r---   r---   rwcu   ----
coop.document.version               ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.engagement.activity            ----   ----   r---   ----   r---   ----   r---   r-cu   ----
coop.engagement.company.report      ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.engagement.figure.report       ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.engagement.report              ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.engagement.theme               ----   ----   rwcu   rwcu   r---   r---   r---   rwcu   ----
coop.engagement.target.report       ----   ----   r---   ----   r---   ----   r---   r---   ----
coop.erasure.request                r---   ----   rwc-   ----   ----   ----   ----   rwc-   ----
coop.kit.item                       ----   ----   r---   ----   rwcu   ----   r---   r---   ----
coop.kit.request                    r---   ----   r---   ----   rwc-   ----   r---   r---   ----
coop.kit.request.line               r---   ----   r---   ----   rwcu   ----   r---   r---   ----
coop.local.group                    ----   ----   rwcu   ----   rwc-   ----   r---   rwcu   ----
coop.local.group.membership         ----   ----   rwcu   ----   rwcu   ----   r---   rwcu   ----
coop.member                         ----   ----   rwcu   ----   r---   ----   r---   rwcu   ----
coop.member.college.history         ----   ----   r---   ----   ----   ----   r---   r---   ----
coop.member.consent                 ----   ----   r---   ----   r---   ----   ----   r---   ----
coop.member.exit.wizard             ..-.   ..-.   ..c.   ..c.   ..-.   ..-.   ..-.   ..c.   ..-.
coop.member.invitation              ----   ----   rwc-   ----   ----   ----   ----   rwcu   ----
coop.member.period                  ----   ----   r---   ----   ----   ----   r---   r---   ----
coop.member.representative.history  ----   ----   r---   ----   ----   ----   r---   r---   ----
coop.message.report                 ----   ----   ----   ----   rw--   ----   ----   rw-u   ----
coop.momentum.alert                 ----   ----   ----   ----   r---   ----   ----   r---   ----
coop.momentum.threshold             ----   ----   ----   ----   rwcu   ----   ----   rwcu   ----
coop.paper.label.wizard             ..-.   ..-.   ..c.   ..c.   ..c.   ..c.   ..c.   ..c.   ..-.
coop.poll                           ----   ----   r---   ----   rwc-   ----   r---   rwcu   ----
coop.poll.answer                    ----   ----   ----   ----   ----   ----   ----   r---   ----
coop.poll.option                    ----   ----   r---   ----   rwcu   ----   r---   rwcu   ----
coop.poll.participation             ----   ----   ----   ----   ----   ----   ----   r---   ----
coop.poll.response                  ----   ----   ----   ----   ----   ----   ----   r---   ----
coop.poll.response.line             ----   ----   ----   ----   ----   ----   ----   r---   ----
coop.poll.tally                     ----   ----   ----   ----   ----   ----   ----   ----   ----
coop.production.project             ----   ----   rwcu   ----   rwc-   ----   r---   rwcu   ----
coop.proposal                       ----   ----   r---   ----   r---   ----   r---   rw--   ----
coop.proposal.hide.wizard           ..-.   ..-.   ..-.   ..-.   ..c.   ..c.   ..-.   ..-.   ..-.
coop.proposal.signature             ----   ----   r---   ----   ----   ----   r---   r---   ----
coop.redemption.request             ----   ----   rwc-   ----   ----   ----   rwcu   rwcu   ----
coop.register.import                ----   ----   r---   ----   ----   ----   ----   r---   ----
coop.register.import.problem        ..-.   ..-.   ..c.   ..c.   ..-.   ..-.   ..-.   ..c.   ..-.
coop.register.import.wizard         ..-.   ..-.   ..c.   ..c.   ..-.   ..-.   ..-.   ..c.   ..-.
coop.resolution                     ----   ----   r---   ----   ----   ----   r---   rwcu   ----
coop.resolution.result              ----   ----   r---   ----   ----   ----   r---   r---   ----
coop.share.class                    ----   ----   r---   ----   ----   ----   r---   rwcu   ----
coop.share.movement                 ----   ----   ----   ----   ----   ----   r---   r---   ----
coop.share.operation                ----   ----   r---   ----   ----   ----   rwcu   rwcu   ----
coop.share.transfer.wizard          ..-.   ..-.   ..-.   ..-.   ..-.   ..-.   ..c.   ..c.   ..-.
coop.skill                          ----   ----   rwcu   rwcu   rwc-   rwc-   r---   rwcu   ----
coop.skill.category                 ----   ----   rwcu   rwcu   r---   r---   r---   rwcu   ----
coop.stand.report                   ----   ----   rwcu   ----   rwcu   ----   r---   rwcu   ----
coop.subscription.reject.wizard     ..-.   ..-.   ..c.   ..c.   ..-.   ..-.   ..c.   ..c.   ..-.
coop.subscription.request           ----   ----   rwcu   ----   ----   ----   rwc-   rwcu   ----
coop.vote.wizard                    ..-.   ..-.   ..-.   ..-.   ..-.   ..-.   ..-.   ..c.   ..-.
event.event                         r---   ----   r---   ----   rwc-   ----   r---   r---   ----
event.registration                  ----   ----   ----   ----   rwc-   ----   ----   ----   ----
forum.forum                         r---   ----   r---   ----   r---   ----   r---   r---   ----
forum.post                          r-c-   ----   r-c-   ----   rwcu   ----   r-c-   rwcu   ----
mailing.list                        ----   ----   ----   ----   ----   ----   ----   ----   ----
res.partner                         ----   ----   rwcu   --c-   r---   ----   rwcu   rwcu   ----
"""

WRITABLE_TYPES = ("char", "text", "html", "integer", "float", "monetary", "boolean", "date")
# The values a create uses, where a copy breaks a uniqueness rule before any access check.
CREATE_VALUES = {
    # A new candidate (one membership per person and cooperative).
    "coop.member": lambda rec: {
        "partner_id": rec.env["res.partner"].create({"name": "Access Matrix Candidate"}).id,
        "company_id": rec.company_id.id,
        "college_id": rec.college_id.id,
    },
}
DENIED_RPC_ERRORS = ("odoo.exceptions.AccessError", "odoo.http.SessionExpiredException")
REFUSED_RPC_ERRORS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
)


class _Rollback(Exception):
    """Raised at the end of an operation that succeeded, to undo it."""


def parse_table(text):
    """{model: {role: "rwcu"}} from a grid whose first line names the roles."""
    table = {}
    for line in text.strip().splitlines():
        words = line.split()
        if not words or words[0] == "model":
            continue
        table[words[0]] = dict(zip(ROLES, words[1:], strict=True))
    return table


def format_table(table):
    width = max(len(model) for model in table) + 2
    lines = ["model".ljust(width) + " ".join(role.ljust(6) for role in ROLES).rstrip()]
    for model in sorted(table):
        cells = " ".join(table[model][role].ljust(6) for role in ROLES)
        lines.append((model.ljust(width) + cells).rstrip())
    return "\n".join(lines)


def jsonable(vals):
    out = {}
    for key, value in vals.items():
        if isinstance(value, datetime):
            value = fields.Datetime.to_string(value)
        elif isinstance(value, date):
            value = fields.Date.to_string(value)
        elif isinstance(value, Markup):
            value = str(value)
        elif isinstance(value, models.BaseModel):
            value = value.id
        out[key] = value
    return out


@tagged("post_install", "-at_install")
class CoopAccessCase(HttpCase):
    """The roles, and a record of cooperative A for every model of the matrix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.company_a = ref("coop_membership.coop_company_ara")
        cls.company_b = ref("coop_membership.coop_company_centre")
        officer = "coop_membership.group_coop_officer"
        moderator = "coop_engagement.group_coop_moderator"
        cls.users = {
            "mbr_a": ref("coop_portal.user_bernard_roux"),
            "mbr_b": ref("coop_portal.user_claire_martin"),
            "off_a": cls._user("off_a", officer, cls.company_a),
            "off_b": cls._user("off_b", officer, cls.company_b),
            "mod_a": cls._user("mod_a", moderator, cls.company_a, moderated=cls.company_a),
            "mod_b": cls._user("mod_b", moderator, cls.company_b, moderated=cls.company_b),
            "acct_a": cls._user("acct_a", "coop_membership.group_coop_accountant", cls.company_a),
            "mgr_a": cls._user("mgr_a", "coop_membership.group_coop_manager", cls.company_a),
            "public": ref("base.public_user"),
        }
        cls._complete_demo(cls.company_a)
        cls.models = sorted(
            {
                m.model
                for m in cls.env["ir.model"].search([("model", "=like", "coop.%")])
                if not cls.env[m.model]._abstract
            }
            | set(EXTRA_MODELS)
        )
        cls.records = {model: cls._record(model, cls.company_a) for model in cls.models}

    @classmethod
    def _user(cls, key, group, company, moderated=None):
        """A user of ``company`` in the one role ``group`` (an XML id), as the suite's
        helper builds them."""
        values = {}
        if moderated:
            values["coop_moderated_company_ids"] = [Command.set(moderated.ids)]
        return create_user(
            cls.env,
            f"matrix_{key}",
            group,
            company,
            name=f"Matrix {key}",
            password=f"matrix_{key}_password",
            email=f"matrix_{key}@example.org",
            **values,
        )

    @classmethod
    def _complete_demo(cls, company):
        """Records of ``company`` the demo data has none of."""
        member = cls.env["coop.member"].search(
            [("company_id", "=", company.id), ("is_active_member", "=", True)], limit=1
        )
        call = cls.env["coop.action.call"].search([("company_id", "=", company.id)], limit=1)
        if not cls.env["coop.action.call.volunteer"].search_count(
            [("company_id", "=", company.id)]
        ):
            cls.env["coop.action.call.volunteer"].create(
                {"action_call_id": call.id, "partner_id": member.partner_id.id}
            )
        if not cls.env["coop.contact.log"].search_count([("company_id", "=", company.id)]):
            cls.env["coop.contact.log"].create(
                {
                    "partner_id": member.partner_id.id,
                    "company_id": company.id,
                    "purpose": "solicitation",
                    "channel": "email",
                }
            )
        poll = cls.env["coop.poll"].search([("company_id", "=", company.id)], limit=1)
        if not cls.env["coop.poll.answer"].search_count([("company_id", "=", company.id)]):
            cls.env["coop.poll.answer"].create(
                {
                    "poll_id": poll.id,
                    "member_id": member.id,
                    "option_id": poll.option_ids[:1].id,
                }
            )
        if not cls.env["coop.poll.response"].search_count([("company_id", "=", company.id)]):
            # A ranked poll's answer set (named), with its line.
            cls.env["coop.poll.response"].create(
                {
                    "poll_id": poll.id,
                    "member_id": member.id,
                    "line_ids": [
                        Command.create(
                            {"poll_id": poll.id, "option_id": poll.option_ids[:1].id, "value": 1}
                        )
                    ],
                }
            )
        if not cls.env["coop.proposal"].search_count([("company_id", "=", company.id)]):
            # A member's proposal open for co-signature, signed by a fellow member.
            author, signer = cls.env["coop.member"].search(
                [("company_id", "=", company.id), ("state", "=", "member")], limit=2, order="id"
            )
            proposal = cls.env["coop.proposal"]._member_create(
                author, {"name": f"Proposition – {company.name}", "body": "<p>Texte</p>"}
            )
            proposal._member_publish(author)
            proposal._member_sign(signer)
        if not cls.env["coop.activation.code"].search_count([("company_id", "=", company.id)]):
            # The code printed on an admission letter.
            cls.env["coop.activation.code"]._coop_issue(member)
        if not cls.env["coop.member.invitation"].search_count([("company_id", "=", company.id)]):
            cls.env["coop.member.invitation"].create(
                {
                    "company_id": company.id,
                    "scope": "members",
                    "member_ids": [Command.set(member.ids)],
                }
            )
        if not cls.env["coop.member.consent"].search_count(
            [("partner_id.coop_member_ids.company_id", "=", company.id)]
        ):
            cls.env["coop.member.consent"].create(
                {"partner_id": member.partner_id.id, "consent": "reachable", "given": True}
            )
        if not cls.env["coop.register.import"].search_count([("company_id", "=", company.id)]):
            # A register import the officer of A ran in the background (issue #26 §1).
            cls.env["coop.register.import"].create(
                {
                    "name": "registre.xlsx",
                    "company_id": company.id,
                    "user_id": cls.users["off_a"].id,
                    "file_format": "xlsx",
                }
            )
        if not cls.env["coop.message.report"].search_count([("company_id", "=", company.id)]):
            # A private message a member reported to the moderators (issue #25 §2).
            author = cls.env["coop.member"].search(
                [("company_id", "=", company.id), ("id", "!=", member.id)], limit=1
            )
            cls.env["coop.message.report"].create(
                {
                    "company_id": company.id,
                    "reporter_id": member.partner_id.id,
                    "reported_partner_id": author.partner_id.id,
                    "message_body": "<p>Un message signalé</p>",
                }
            )
        if not cls.env["coop.erasure.request"].search_count([("company_id", "=", company.id)]):
            # Bernard's erasure request, waiting for the end of his membership (issue #26 §2).
            cls.env["coop.erasure.request"].create(
                {"partner_id": cls.users["mbr_a"].partner_id.id, "company_id": company.id}
            )
        if not cls.env["mailing.list"].search_count([("coop_company_id", "=", company.id)]):
            cls.env["mailing.list"].create(
                {"name": f"Newsletter – {company.name}", "coop_company_id": company.id}
            )
        if not cls.env["coop.momentum.threshold"].search_count([("company_id", "=", company.id)]):
            # A moderator's threshold, and what crossed it.
            threshold = cls.env["coop.momentum.threshold"].create(
                {"company_id": company.id, "kind": "theme", "threshold": 30}
            )
            cls.env["coop.momentum.alert"].create(
                {
                    "threshold_id": threshold.id,
                    "res_model": "coop.engagement.theme",
                    "res_id": cls.env["coop.engagement.theme"].search([], limit=1).id,
                    "count": 30,
                }
            )

    @classmethod
    def _record(cls, model, company, required=True):
        Model = cls.env[model]
        if Model._transient:
            return Model
        if model in RECORD_DOMAINS:
            domain = RECORD_DOMAINS[model](company)
        elif "company_id" in Model._fields:
            domain = [("company_id", "=", company.id)]
        else:
            domain = []
        record = Model.search(domain, limit=1, order="id")
        assert record or not required, f"no record of {model} for {company.name}"
        return record

    # ------------------------------------------------------------------
    # Operations
    # ------------------------------------------------------------------
    def _write_field(self, record):
        """A stored field the user could type in: text first, then numbers, flags, dates."""
        if record._name in WRITE_VALUES:
            return next(iter(WRITE_VALUES[record._name](record.sudo())))
        magic = set(models.MAGIC_COLUMNS) | {"display_name"}
        candidates = [
            f
            for name, f in record._fields.items()
            if name not in magic
            and f.store
            and f.type in WRITABLE_TYPES
            and not f.compute
            and not f.related
            and not f.groups
        ]
        preferred = ("name", "note", "description", "comment", "reason", "purpose")
        candidates.sort(
            key=lambda f: (
                WRITABLE_TYPES.index(f.type),
                preferred.index(f.name) if f.name in preferred else len(preferred),
            )
        )
        if candidates:
            return candidates[0].name
        # Nothing but links (a poll participation): the first one, set again.
        return next(name for name, f in record._fields.items() if f.store and f.type == "many2one")

    def _write_vals(self, record):
        if record._name in WRITE_VALUES:
            return WRITE_VALUES[record._name](record.sudo())
        name = self._write_field(record)
        field, value = record._fields[name], record.sudo()[name]
        if field.type == "html":
            value = "<p>Access matrix</p>"
        elif field.type in ("char", "text"):
            value = f"{value or ''} (access matrix)".strip()
        elif field.type in ("integer", "float", "monetary"):
            value = (value or 0) + 1
        elif field.type == "boolean":
            value = not value
        elif field.type == "many2one":
            value = value.id
        else:  # date
            value = fields.Date.to_string(fields.Date.today())
        return {name: value}

    def _read_field(self, record):
        return self._write_field(record)

    def _create_vals(self, record):
        if record._transient:
            return {}
        if record._name in CREATE_VALUES:
            return CREATE_VALUES[record._name](record.sudo())
        vals = {
            key: value
            for key, value in record.sudo().copy_data()[0].items()
            if record._fields[key].type not in ("one2many", "many2many")
        }
        if isinstance(vals.get("name"), str):  # names are often unique
            vals["name"] += " (access matrix)"
        return vals

    def _attempt(self, operation):
        """'ok', 'denied' or 'refused' (a business refusal) for ``operation()``."""
        try:
            with mute_logger("odoo.sql_db", "odoo.http"), self.env.cr.savepoint():
                # A cache filled as superuser would hide access errors (as in assertRaises).
                self.env.cr.clear()
                operation()
                self.env.flush_all()
                raise _Rollback
        except _Rollback:
            return "ok"
        except AccessError:
            return "denied"
        except (UserError, ValidationError, psycopg2.Error):
            return "refused"

    def _access_allows(self, model, user, op):
        """Odoo's own answer: model access and record rules, no business rule."""
        record = self.records[model].with_user(user)
        if record._transient:
            return record.browse().has_access(op)
        return record.has_access(op)

    def _cell(self, model, user, outcome_of):
        letters = ""
        for op in OPS:
            if self.records[model]._transient and op != "create":
                letters += "."
                continue
            outcome = outcome_of(op)
            if outcome == "refused":
                outcome = "ok" if self._access_allows(model, user, op) else "denied"
            letters += op[0] if outcome == "ok" else "-"
        return letters

    def _orm_outcome(self, model, user, op):
        record = self.records[model].with_user(user)
        if op == "read":
            field = self._read_field(record)
            return self._attempt(lambda: record.read([field]))
        if op == "write":
            vals = self._write_vals(record)
            return self._attempt(lambda: record.write(vals))
        if op == "create":
            vals = self._create_vals(self.records[model])
            return self._attempt(lambda: record.browse().create(vals))
        return self._attempt(record.unlink)

    # ------------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------------
    def _rpc(self, model, method, args, kwargs=None):
        """(result, error name) of a call_kw request with the current session."""
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        with mute_logger("odoo.sql_db", "odoo.http"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]["name"]
        return body["result"], None

    def _login(self, role):
        # HttpCase.authenticate skips the password check: the login is enough.
        if role == "public":
            self.authenticate(None, None)
        else:
            self.authenticate(self.users[role].login, self.users[role].login)

    def _rpc_attempt(self, model, method, args, rollback=True):
        def call():
            result, error = self._rpc(model, method, args)
            if error in DENIED_RPC_ERRORS:
                return "denied"
            if error in REFUSED_RPC_ERRORS:
                return "refused"
            self.assertFalse(error, f"{model}.{method} over RPC: unexpected {error}")
            return "ok"

        if not rollback:
            return call()
        outcome = None
        try:
            with self.env.cr.savepoint():
                outcome = call()
                raise _Rollback
        except _Rollback:
            pass
        self.env.invalidate_all(flush=False)
        return outcome

    def _rpc_outcome(self, model, op):
        record = self.records[model]
        if op == "read":
            args = [record.ids, [self._read_field(record)]]
            return self._rpc_attempt(model, "read", args, rollback=False)
        if op == "write":
            return self._rpc_attempt(model, "write", [record.ids, self._write_vals(record)])
        if op == "create":
            return self._rpc_attempt(model, "create", [jsonable(self._create_vals(record))])
        return self._rpc_attempt(model, "unlink", [record.ids])


class TestAccessMatrix(CoopAccessCase):
    def _compare(self, title, computed):
        expected = parse_table(EXPECTED)
        text = format_table(computed)
        print(f"\n{title}\n{text}\n")  # noqa: T201 - the table is the test's report
        _logger.info("%s\n%s", title, text)
        missing = sorted(set(computed) - set(expected))
        self.assertFalse(missing, f"models without a line in EXPECTED: {missing}")
        gone = sorted(set(expected) - set(computed))
        self.assertFalse(gone, f"EXPECTED lists models that no longer exist: {gone}")
        differences = [
            f"{model} × {role}: expected {expected[model][role]}, got {computed[model][role]}"
            for model in sorted(computed)
            for role in ROLES
            if computed[model][role] != expected[model][role]
        ]
        self.assertFalse(differences, f"{title}:\n" + "\n".join(differences))

    def test_orm_matrix(self):
        computed = {
            model: {
                role: self._cell(
                    model, user, lambda op, m=model, u=user: self._orm_outcome(m, u, op)
                )
                for role, user in self.users.items()
            }
            for model in self.models
        }
        self._compare("Access matrix (ORM)", computed)

    def test_rpc_matrix(self):
        computed = {model: {} for model in self.models}
        for role, user in self.users.items():
            self._login(role)
            for model in self.models:
                computed[model][role] = self._cell(
                    model, user, lambda op, m=model: self._rpc_outcome(m, op)
                )
        self._compare("Access matrix (JSON-RPC /web/dataset/call_kw)", computed)


# Each role's cooperative: forged ids are taken from the other one (A for the public user).
HOME = {"mbr_a": "a", "mbr_b": "b", "off_a": "a", "off_b": "b", "mod_a": "a", "mod_b": "b",
        "acct_a": "a", "mgr_a": "a", "public": "b"}  # fmt: skip
# Public methods that are no business action: ORM entry points the matrix above covers.
ORM_METHODS = {"create", "write", "unlink", "copy", "copy_data", "default_get", "init", "read"}
# Arguments of the methods that take some: ids of the same (forged) cooperative, as the web
# client would send them. ``t`` is the forged cooperative's records, ``user`` the caller.
METHOD_ARGS = {
    ("coop.assembly.voter", "action_give_proxy"): lambda t, user: [t["other_voter"].id],
    ("coop.local.group", "action_join"): lambda t, user: [user.partner_id.id],
    ("coop.poll", "answer"): lambda t, user: [
        t["coop.member"].id,
        t["coop.poll"].option_ids[:1].ids,
    ],
    # A ranking of the first option (the forged poll takes a single choice: refused anyway).
    ("coop.poll", "answer_set"): lambda t, user: [
        t["coop.member"].id,
        {str(t["coop.poll"].option_ids[:1].id): 1},
    ],
    ("coop.proposal", "action_moderate_hide"): lambda t, user: ["Forged"],
    ("coop.resolution", "cast_vote"): lambda t, user: [t["coop.assembly.voter"].id, "yes"],
    ("forum.post", "unlink_comment"): lambda t, user: [t["comment"].id],
}
# Buttons that only open a view: they return a window action whose domain and defaults hold
# the id the caller sent, read nothing of the record, store nothing. Allowed to answer, as
# long as the answer holds none of the record's text (checked); the view they open is
# filtered by the record rules (the matrix above).
NAVIGATION_METHODS = {
    ("coop.assembly", "action_view_ballots"),
    ("coop.assembly", "action_view_resolutions"),
    ("coop.assembly", "action_view_voters"),
    ("coop.member", "action_open_exit_wizard"),
    ("coop.member", "action_open_transfer_wizard"),
    ("coop.resolution", "action_record_vote"),
    ("coop.resolution", "action_view_amendment_proposals"),
    ("coop.resolution", "action_view_ballots"),
    ("coop.subscription.request", "action_open_reject_wizard"),
    ("event.event", "action_coop_view_waitlist"),
    ("res.partner", "action_view_coop_memberships"),
}
# Methods that answer the same constant whatever the record, reading nothing of it: allowed
# to answer, as long as the answer is that constant. coop_portal embeds no map image from
# Google (issue #23 §3): website's google_map_img is overridden to answer False.
CONSTANT_METHODS = {("res.partner", "google_map_img"): False}
# Methods whose argument is a record (a server-side helper): the ids JSON-RPC sends make
# them fail before they write anything (checked), which is a refusal too.
RECORD_ARGUMENT_METHODS = {("coop.assembly.voter", "action_give_proxy")}
# A wizard opened by hand on the forged cooperative's records.
WIZARD_VALS = {
    "coop.assembly.checkin.wizard": lambda t: {
        "assembly_id": t["coop.assembly"].id,
        "voter_id": t["coop.assembly.voter"].id,
        "attendance": "present",
    },
    "coop.capital.report.wizard": lambda t: {"company_ids": [Command.set(t["company"].ids)]},
    "coop.member.exit.wizard": lambda t: {
        "member_id": t["coop.member"].id,
        "exit_type": "request",
        "reason": "Forged",
    },
    # Another cooperative's members' postal addresses: refused (see EXPECTED, res.partner).
    "coop.paper.label.wizard": lambda t: {
        "partner_ids": [Command.set(t["coop.member"].partner_id.ids)]
    },
    "coop.proposal.hide.wizard": lambda t: {
        "proposal_id": t["coop.proposal"].id,
        "reason": "Forged",
    },
    # Another cooperative's register: refused by the wizard's own check (its problem lines
    # have no action).
    "coop.register.import.problem": lambda t: {},
    "coop.register.import.wizard": lambda t: {"company_id": t["company"].id},
    "coop.share.transfer.wizard": lambda t: {
        "member_id": t["coop.member"].id,
        "counterpart_member_id": t["other_member"].id,
        "share_class_id": t["coop.share.class"].id,
        "quantity": 1,
    },
    "coop.subscription.reject.wizard": lambda t: {
        "request_id": t["coop.subscription.request"].id,
        "reason": "Forged",
    },
    "coop.vote.wizard": lambda t: {
        "resolution_id": t["coop.resolution"].id,
        "voter_id": t["coop.assembly.voter"].id,
        "choice": "yes",
    },
}
# What a forged call could leave behind, besides a change of its own record.
TRACE_TABLES = (
    "account_move",
    "coop_action_call_volunteer",
    "coop_activation_code",
    "coop_assembly_voter",
    "coop_ballot",
    "coop_ballot_secret",
    "coop_contact_log",
    "coop_engagement_activity",
    "coop_local_group_membership",
    "coop_member",
    "coop_member_invitation",
    "coop_member_period",
    "coop_poll_answer",
    "coop_poll_participation",
    "coop_poll_response",
    "coop_poll_response_line",
    "coop_proposal",
    "coop_proposal_signature",
    "coop_redemption_request",
    "coop_share_operation",
    "coop_subscription_request",
    "event_registration",
    "forum_post",
    "ir_attachment",
    "mail_mail",
    "mail_message",
)


@tagged("post_install", "-at_install")
class TestForgedIds(CoopAccessCase):
    """Every public method of the coop models (what a button calls, all callable over
    RPC) called by every role on a record of the other cooperative: refused, nothing
    stored. Wizards are created by the role on the other cooperative's records, then run.
    Through JSON-RPC, as an attacker would; each call in a savepoint of the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._complete_demo_b(cls.company_b)
        cls._complete_demo(cls.company_b)
        cls.targets = {"a": cls._targets(cls.company_a), "b": cls._targets(cls.company_b)}
        cls.methods = cls._public_methods()

    @classmethod
    def _complete_demo_b(cls, company):
        """The demo's other cooperative has no assembly, poll, document, call or event."""
        env = cls.env
        now = fields.Datetime.now()
        members = env["coop.member"].search(
            [("company_id", "=", company.id), ("is_active_member", "=", True)], limit=2
        )
        assembly = env["coop.assembly"].create(
            {"name": "AG Centre", "company_id": company.id, "date": now + timedelta(days=40)}
        )
        env["coop.resolution"].create({"assembly_id": assembly.id, "name": "Comptes"})
        election = env["coop.resolution"].create(
            {"assembly_id": assembly.id, "name": "Conseil", "kind": "election", "seats": 1}
        )
        env["coop.candidacy"].create({"resolution_id": election.id, "member_id": members[0].id})
        assembly.action_convene()
        env["coop.poll"].create(
            {
                "name": "Sondage Centre",
                "company_id": company.id,
                "date_close": now + timedelta(days=10),
                "option_ids": [Command.create({"name": "Oui"}), Command.create({"name": "Non"})],
            }
        ).action_open()
        env["coop.document"].create(
            {
                "name": "Compte rendu Centre",
                "company_id": company.id,
                "category_id": env["coop.document.category"].search([], limit=1).id,
            }
        )
        env["coop.action.call"].create({"name": "Stand Centre", "company_id": company.id})
        env["event.event"].create(
            {
                "name": "Atelier sociétaires Centre",
                "company_id": company.id,
                "coop_audience": "members",
                "coop_shared_company_ids": [Command.set(company.ids)],
                "date_begin": now + timedelta(days=5),
                "date_end": now + timedelta(days=5, hours=2),
            }
        )

    @classmethod
    def _targets(cls, company):
        env = cls.env
        targets = {
            # Coop models always have a record; an Odoo model may have none in the demo
            # (no accounting entry in A): its methods are then not run from that side.
            model: cls._record(model, company, required=model.startswith("coop."))
            for model in {model for model, _method in cls._public_methods()}
            if model not in ("res.company", "res.partner")
        }
        targets["company"] = targets["res.company"] = company
        members = env["coop.member"].search(
            [("company_id", "=", company.id), ("is_active_member", "=", True)], limit=2, order="id"
        )
        targets["coop.member"], targets["other_member"] = members[0], members[1]
        targets["res.partner"] = members[0].partner_id
        targets["coop.share.class"] = cls._record("coop.share.class", company)
        targets["coop.subscription.request"] = cls._record("coop.subscription.request", company)
        voters = targets["coop.assembly"].voter_ids.sorted("id")
        targets["coop.assembly.voter"], targets["other_voter"] = voters[0], voters[1]
        targets["comment"] = targets["forum.post"].message_post(
            body="Un commentaire", message_type="comment"
        )
        return targets

    @classmethod
    def _public_methods(cls):
        """(model, method) of every public method the coop modules define on a model."""
        found = set()
        for model in cls.env.registry:
            Model = cls.env[model]
            if Model._abstract or Model._transient:
                continue
            for klass in type(Model).__mro__:
                if not getattr(klass, "__module__", "").startswith("odoo.addons.coop_"):
                    continue
                for name, attr in vars(klass).items():
                    if callable(attr) and not name.startswith("_") and name not in ORM_METHODS:
                        found.add((model, name))
        return sorted(found)

    def _trace(self, record):
        """What a call could change: the record's write date and the business tables."""
        counts = SQL(", ").join(
            SQL("(SELECT count(*) FROM %s)", SQL.identifier(table)) for table in TRACE_TABLES
        )
        self.env.cr.execute(
            SQL(
                "SELECT %s, (SELECT write_date FROM %s WHERE id = %s)",
                counts,
                SQL.identifier(record._table),
                record.id,
            )
        )
        return self.env.cr.fetchone()

    def _forged_call(self, record, method, args):
        """(result, RPC error name or '', nothing changed) of ``method`` on ``record``."""
        before = self._trace(record)
        result = error = after = None
        try:
            with self.env.cr.savepoint():
                result, error = self._rpc(record._name, method, [record.ids, *args])
                after = self._trace(record)
                raise _Rollback
        except _Rollback:
            pass
        self.env.invalidate_all(flush=False)
        return result, error or "", before == after

    def _texts(self, record):
        """The record's own words (its text fields, its name), as read by the superuser."""
        record = record.sudo()
        texts = {record.display_name}
        for name, field in record._fields.items():
            if field.type == "char" and name not in models.MAGIC_COLUMNS and not field.groups:
                texts.add(record[name])
        return {text for text in texts if isinstance(text, str) and len(text) >= 4}

    def test_public_methods_refuse_forged_ids(self):
        self.assertGreater(len(self.methods), 50, "the public methods were not found")
        failures, calls, not_run = [], 0, set()
        for role in ROLES:
            self._login(role)
            targets = self.targets["b" if HOME[role] == "a" else "a"]
            for model, method in self.methods:
                record = targets[model]
                if not record:
                    not_run.add(f"{model}.{method} on {targets['company'].name}")
                    continue
                args = METHOD_ARGS.get((model, method), lambda t, u: [])(targets, self.users[role])
                result, error, untouched = self._forged_call(record, method, args)
                calls += 1
                refused = error in DENIED_RPC_ERRORS + REFUSED_RPC_ERRORS or (
                    (model, method) in RECORD_ARGUMENT_METHODS and error.startswith("builtins.")
                )
                if (model, method) in NAVIGATION_METHODS and not error:
                    answer = json.dumps(result, ensure_ascii=False)
                    leaked = [text for text in self._texts(record) if text in answer]
                    if leaked or result.get("type") != "ir.actions.act_window":
                        failures.append(f"{role}: {model}.{method} answered {leaked}")
                elif (model, method) in CONSTANT_METHODS and not error:
                    if result != CONSTANT_METHODS[model, method]:
                        failures.append(f"{role}: {model}.{method} answered {result!r}")
                elif not refused:
                    failures.append(f"{role}: {model}.{method} not refused ({error or 'done'})")
                if not untouched:
                    failures.append(f"{role}: {model}.{method} left a trace")
        _logger.info("forged ids: %s calls; not run (no record): %s", calls, sorted(not_run))
        self.assertFalse(failures, "\n".join(failures))

    def test_wizards_refuse_forged_ids(self):
        wizards = sorted(m.model for m in self.env["ir.model"].search([("transient", "=", True),
                         ("model", "=like", "coop.%")]))  # fmt: skip
        self.assertFalse(set(wizards) - set(WIZARD_VALS), "a wizard has no forged values")
        failures = []
        for role in ROLES:
            self._login(role)
            targets = self.targets["b" if HOME[role] == "a" else "a"]
            for wizard in wizards:
                vals = WIZARD_VALS[wizard](targets)
                methods = [
                    name
                    for klass in type(self.env[wizard]).__mro__
                    if getattr(klass, "__module__", "").startswith("odoo.addons.coop_")
                    for name, attr in vars(klass).items()
                    if callable(attr) and name.startswith("action_")
                ]
                for method in methods:
                    before = self._trace(targets["coop.member"])
                    try:
                        with self.env.cr.savepoint():
                            wizard_id, error = self._rpc(wizard, "create", [jsonable(vals)])
                            if not error:
                                _result, error = self._rpc(wizard, method, [[wizard_id]])
                            after = self._trace(targets["coop.member"])
                            raise _Rollback
                    except _Rollback:
                        pass
                    self.env.invalidate_all(flush=False)
                    if error not in DENIED_RPC_ERRORS + REFUSED_RPC_ERRORS:
                        failures.append(
                            f"{role}: {wizard}.{method} not refused ({error or 'done'})"
                        )
                    if before != after:
                        failures.append(f"{role}: {wizard}.{method} left a trace")
        self.assertFalse(failures, "\n".join(failures))
