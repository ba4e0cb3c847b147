from . import coop_assembly_checkin_wizard
from . import coop_vote_wizard
