from . import coop_member_exit_wizard
