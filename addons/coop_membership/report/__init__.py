from . import coop_share_certificate
from . import coop_tax_attestation
