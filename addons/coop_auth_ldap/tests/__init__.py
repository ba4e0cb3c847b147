from . import test_ldap_login
