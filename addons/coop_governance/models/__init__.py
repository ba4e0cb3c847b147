from . import res_company
from . import res_config_settings
from . import coop_assembly
from . import coop_assembly_voter
from . import coop_resolution
from . import coop_resolution_result
from . import coop_ballot
from . import coop_ballot_secret
