"""Governance feeds: assemblies, votes, polls, resolutions and candidacies become
engagement activities (see coop.member for what each one is worth)."""

from odoo import api, fields, models

ATTENDED = ("present", "remote", "postal", "represented")


def _day(value):
    return fields.Date.to_date(value) if value else fields.Date.today()


class CoopAssemblyVoter(models.Model):
    _inherit = "coop.assembly.voter"

    def write(self, vals):
        res = super().write(vals)
        if {"attendance", "proxy_holder_id"} & set(vals):
            self._coop_log_attendance()
        return res

    def _coop_log_attendance(self):
        """Present, online, by post or through a proxy: the member took part."""
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": voter.partner_id.id,
                    "company_id": voter.company_id.id,
                    "activity_type": "assembly_attended",
                    "date": _day(voter.assembly_id.date),
                    "res_model": "coop.assembly",
                    "res_id": voter.assembly_id.id,
                }
                for voter in self
                if voter.attendance in ATTENDED
            ]
        )


class CoopBallot(models.Model):
    _inherit = "coop.ballot"

    @api.model_create_multi
    def create(self, vals_list):
        ballots = super().create(vals_list)
        # One "vote cast" per person and assembly, whatever the number of resolutions;
        # the choice itself is never read.
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": ballot.voter_id.partner_id.id,
                    "company_id": ballot.company_id.id,
                    "activity_type": "vote_cast",
                    "date": _day(ballot.assembly_id.date),
                    "res_model": "coop.assembly",
                    "res_id": ballot.assembly_id.id,
                }
                for ballot in ballots
            ]
        )
        return ballots


class CoopPollParticipation(models.Model):
    _inherit = "coop.poll.participation"

    @api.model_create_multi
    def create(self, vals_list):
        participations = super().create(vals_list)
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": p.member_id.partner_id.id,
                    "company_id": p.company_id.id,
                    "activity_type": "vote_cast",
                    "res_model": "coop.poll",
                    "res_id": p.poll_id.id,
                }
                for p in participations
            ]
        )
        return participations


class CoopResolution(models.Model):
    _inherit = "coop.resolution"

    def action_propose(self):
        res = super().action_propose()
        vals_list = []
        for resolution in self:
            for kind, members in (
                ("resolution_proposed", resolution.proposer_ids),
                ("resolution_cosigned", resolution.cosigner_ids - resolution.proposer_ids),
            ):
                vals_list += [
                    {
                        "partner_id": member.partner_id.id,
                        "company_id": resolution.company_id.id,
                        "activity_type": kind,
                        "res_model": resolution._name,
                        "res_id": resolution.id,
                    }
                    for member in members
                ]
        self.env["coop.engagement.activity"]._coop_log(vals_list)
        return res


class CoopCandidacy(models.Model):
    _inherit = "coop.candidacy"

    @api.model_create_multi
    def create(self, vals_list):
        candidacies = super().create(vals_list)
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": c.member_id.partner_id.id,
                    "company_id": c.company_id.id,
                    "activity_type": "board_candidacy",
                    "res_model": c._name,
                    "res_id": c.id,
                }
                for c in candidacies
            ]
        )
        return candidacies
