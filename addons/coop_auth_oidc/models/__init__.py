from . import auth_oauth_provider
from . import res_users
