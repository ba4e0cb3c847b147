from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coop_convocation_delay = fields.Integer(
        related="company_id.coop_convocation_delay", readonly=False
    )
    coop_convocation_delay_second = fields.Integer(
        related="company_id.coop_convocation_delay_second", readonly=False
    )
    coop_quorum_ordinary_first = fields.Float(
        related="company_id.coop_quorum_ordinary_first", readonly=False
    )
    coop_quorum_ordinary_second = fields.Float(
        related="company_id.coop_quorum_ordinary_second", readonly=False
    )
    coop_quorum_extraordinary_first = fields.Float(
        related="company_id.coop_quorum_extraordinary_first", readonly=False
    )
    coop_quorum_extraordinary_second = fields.Float(
        related="company_id.coop_quorum_extraordinary_second", readonly=False
    )
    coop_proxy_max = fields.Integer(related="company_id.coop_proxy_max", readonly=False)
    coop_abstention_expressed = fields.Boolean(
        related="company_id.coop_abstention_expressed", readonly=False
    )
    coop_member_resolution_threshold = fields.Float(
        related="company_id.coop_member_resolution_threshold", readonly=False
    )
    coop_secret_min_voters = fields.Integer(
        related="company_id.coop_secret_min_voters", readonly=False
    )
    coop_deliberation_sequence_id = fields.Many2one(
        related="company_id.coop_deliberation_sequence_id", readonly=False
    )
    coop_proposal_threshold_type = fields.Selection(
        related="company_id.coop_proposal_threshold_type", readonly=False
    )
    coop_proposal_threshold_share = fields.Float(
        related="company_id.coop_proposal_threshold_share", readonly=False
    )
    coop_proposal_threshold_count = fields.Integer(
        related="company_id.coop_proposal_threshold_count", readonly=False
    )
    coop_proposal_signature_days = fields.Integer(
        related="company_id.coop_proposal_signature_days", readonly=False
    )
    coop_amendment_days = fields.Integer(related="company_id.coop_amendment_days", readonly=False)
