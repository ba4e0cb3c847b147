def migrate(cr, version):
    """The member directory reads its people from coop_member (a stored copy of the
    choice and partial indexes there, made by the update): the partial index on the
    contacts who opted in has no reader left."""
    cr.execute("DROP INDEX IF EXISTS res_partner_coop_directory_visible_index")
