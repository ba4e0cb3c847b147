from . import test_strong_login
