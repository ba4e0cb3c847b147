from . import test_assembly
from . import test_vote
from . import test_concurrency
from . import test_poll
from . import test_election
from . import test_officer_flows
from . import test_ui
from . import test_representative_vote
