from . import test_oidc_login
