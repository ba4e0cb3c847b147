from . import ir_sequence
from . import res_company
from . import coop_college
from . import coop_member
from . import coop_member_period
from . import coop_member_college_history
from . import res_partner
from . import res_config_settings
