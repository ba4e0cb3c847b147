from . import test_college
from . import test_member
from . import test_security
