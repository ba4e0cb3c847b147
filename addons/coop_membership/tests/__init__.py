from . import test_college
from . import test_member
from . import test_security
from . import test_ui
from . import test_share_operation
from . import test_subscription
from . import test_redemption
from . import test_share_concurrency
