from . import test_portal_shares
from . import test_portal_votes
from . import test_portal_join
from . import test_portal_ui
from . import test_portal_accessibility
from . import test_portal_documents
from . import test_portal_engagement
from . import test_portal_events
