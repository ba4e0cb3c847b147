from . import res_partner
from . import coop_member
from . import coop_subscription_request
from . import coop_assembly_voter
from . import coop_poll
from . import website
