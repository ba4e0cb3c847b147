from . import coop_tax_attestation
