from . import coop_member_exit_wizard
from . import coop_subscription_reject_wizard
from . import coop_capital_report_wizard
from . import coop_share_transfer_wizard
from . import base_partner_merge_automatic_wizard
from . import coop_register_import_problem
from . import coop_register_import_wizard
