from odoo import fields, models

# The member space's choices about being found and reached (issue #25 §2-3).
CONSENTS = [
    ("reachable", "Private messages from members"),
    ("directory", "Member directory"),
    ("go_together", "Going together to events"),
    ("newsletter", "Newsletter"),
    ("group_visible", "Name shown to local group members"),
]


class CoopMemberConsent(models.Model):
    """One line per choice a person makes about being found or reached: what, given or
    withdrawn, when and from where. The current choice lives on the partner; this log is
    the proof (GDPR art. 7(1): the controller shows that consent was given)."""

    _name = "coop.member.consent"
    _description = "Member Consent"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    consent = fields.Selection(CONSENTS, required=True)
    given = fields.Boolean(help="Ticked: consent given; unticked: withdrawn.")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    source = fields.Selection(
        [
            ("portal", "Member space"),
            ("back_office", "Back office"),
            ("website", "Website form"),
            ("import", "Import"),
        ],
        required=True,
        default="portal",
    )
