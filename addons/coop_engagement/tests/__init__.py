from . import test_levels
from . import test_contact
from . import test_local_group
from . import test_action_call
from . import test_dashboard
from . import test_governance_feeds
from . import test_shares
from . import test_production_project
