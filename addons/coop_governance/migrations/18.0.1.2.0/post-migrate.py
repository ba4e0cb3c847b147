from odoo import SUPERUSER_ID, api

OLD_RECIPIENT = "{{ object.partner_id.id }}"


def migrate(cr, version):
    """Convocations go to an organisation's representative.

    The convocation template is noupdate: databases installed before keep sending to the
    organisation's own address. Point its recipient and language at the convened person;
    reload the whole template (body with the representative's paragraph, translations)
    only when nobody edited it since it was installed, so no cooperative's wording is lost.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(
        "coop_governance.mail_template_assembly_convocation", raise_if_not_found=False
    )
    if not template or template.partner_to != OLD_RECIPIENT:
        return
    if template.write_date == template.create_date:
        template.reset_template()
    else:
        template.write(
            {
                "partner_to": "{{ object.contact_partner_id.id }}",
                "lang": "{{ object.contact_partner_id.lang }}",
            }
        )
